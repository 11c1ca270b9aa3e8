"""Dashboard forms only parse what the browser sent; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from disputes.selectors import seller_cancellation_choices
from evidence.models import AttemptReason, EvidenceKind
from orders.models import Channel, DeliveryMethod, DocumentType, PaymentMethod, PaymentStatus, Status

# Dates are typed and shown as in Peru (dd/mm/aaaa) whatever the browser's language: a native
# <input type="date"> would show mm/dd/yyyy in an English browser. ISO still parses (old links, the API's style).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]


class PeruDateInput(forms.DateInput):
    """dd/mm/aaaa in a text field (the phone's full keyboard has the «/»)."""

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"placeholder": _("dd/mm/aaaa"), "autocomplete": "off", "maxlength": "10", **(attrs or {})}
        super().__init__(attrs=attrs, format="%d/%m/%Y")


class PeruDateTimeInput(forms.DateTimeInput):
    """dd/mm/aaaa hh:mm in a text field."""

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"placeholder": _("dd/mm/aaaa hh:mm"), "autocomplete": "off", "maxlength": "19", **(attrs or {})}
        super().__init__(attrs=attrs, format="%d/%m/%Y %H:%M")


def peru_date_field(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, input_formats=DATE_INPUT_FORMATS, widget=PeruDateInput())


class DateRangeForm(forms.Form):
    """«Desde» and «Hasta» dates; a reversed range is reported beside «Desde» and neither date filters."""

    def clean(self):
        data = super().clean()
        desde, hasta = data.get("desde"), data.get("hasta")
        if desde and hasta and desde > hasta:
            self.add_error("desde", _("«Desde» debe ser anterior o igual a «Hasta»."))  # drops «desde»
            data.pop("hasta", None)
        return data


class OrderFilterForm(DateRangeForm):
    status = forms.ChoiceField(label=_("Estado"), choices=[("", _("Todas")), *Status.choices], required=False)
    pago = forms.ChoiceField(
        label=_("Pago"),
        choices=[
            ("", _("Todos")),
            ("awaiting", _("Esperando pago")),
            ("cod_unpaid", _("Contra entrega sin cobrar")),
            *[(f"estado-{code}", label) for code, label in PaymentStatus.choices],
        ],
        required=False,
    )
    channel = forms.ChoiceField(label=_("Canal"), choices=[("", _("Todos")), *Channel.choices], required=False)
    q = forms.CharField(label=_("Buscar"), max_length=100, required=False)
    desde = peru_date_field(_("Desde"))
    hasta = peru_date_field(_("Hasta"))
    orden = forms.ChoiceField(
        label=_("Orden"),
        choices=[("", _("Más recientes primero")), ("deadline", _("Plazo más cercano primero"))],
        required=False,
    )
    vence = forms.BooleanField(label=_("Vence pronto"), required=False)
    after = forms.CharField(required=False)
    before = forms.CharField(required=False)


# Tracking and guide numbers mix letters and digits (OLV12345678, T001-00012345): a numeric keypad
# could not type them, so the full keyboard, in capitals, without autocorrect.
TRACKING_ATTRS = {"autocapitalize": "characters", "autocorrect": "off", "spellcheck": "false", "autocomplete": "off"}


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Transportista"), max_length=100)
    tracking_number = forms.CharField(
        label=_("Número de seguimiento"), max_length=100, widget=forms.TextInput(TRACKING_ATTRS)
    )
    tracking_url = forms.URLField(
        label=_("URL de seguimiento"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off", "placeholder": "https://"}),
    )
    guide_number = forms.CharField(
        label=_("Número de guía"), max_length=100, required=False, widget=forms.TextInput(TRACKING_ATTRS)
    )
    shipped_at = forms.DateTimeField(
        label=_("Fecha de envío"),
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=PeruDateTimeInput(),
        help_text=_("Si la dejas vacía, se usa la hora actual."),
    )


CAMERA_ATTRS = {"accept": "image/*", "capture": "environment"}
EVIDENCE_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf"


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo de evidencia"), choices=EvidenceKind.choices)
    # Two inputs for one file: `photo` opens the phone's camera (accept="image/*" capture), `file` the
    # file chooser, where a PDF (a scanned guide) can be picked too. The services check either by content.
    photo = forms.FileField(
        label=_("Tomar foto con la cámara"), required=False, widget=forms.ClearableFileInput(attrs=CAMERA_ATTRS)
    )
    file = forms.FileField(
        label=_("Archivo (foto o PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )
    url = forms.CharField(label=_("o URL (https://)"), max_length=500, required=False)
    receiver_full_name = forms.CharField(label=_("Nombre completo de quien recibe"), max_length=200, required=False)
    receiver_document_number = forms.CharField(label=_("Documento de quien recibe"), max_length=20, required=False)
    received_at = forms.DateTimeField(
        label=_("Fecha y hora de recepción"),
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=PeruDateTimeInput(),
    )
    signature_present = forms.NullBooleanField(label=_("¿La guía tiene firma?"), required=False)
    supersedes = forms.IntegerField(label=_("Reemplaza a la evidencia"), required=False, min_value=1)

    def clean(self):
        data = super().clean()
        photo = data.pop("photo", None)
        if photo and data.get("file"):
            self.add_error("file", _("Envía la foto de la cámara o un archivo, no los dos."))
        elif photo:
            data["file"] = photo
        return data


class DeliverForm(EvidenceForm):
    cash_collected = forms.DecimalField(
        label=_("Efectivo cobrado (S/)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Pago contra entrega: lo que cobraste al entregar. Vacío si aún no lo cobraste."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class RegisterPaymentForm(forms.Form):
    """«Registrar pago» on the order page: the fields are payments.services.register_payment's arguments."""

    amount = forms.DecimalField(
        label=_("Monto (S/)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Si lo dejas vacío, se registra el saldo por pagar."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    reference = forms.CharField(
        label=_("Código de referencia del pago"),
        max_length=100,
        required=False,
        help_text=_("El número de operación del banco o del link de pago."),
    )
    document = forms.FileField(
        label=_("o documento de soporte (foto o PDF)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf"}
        ),
    )
    note = forms.CharField(label=_("Nota (opcional)"), max_length=500, required=False)


class AttemptForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motivo"), choices=AttemptReason.choices)
    note = forms.CharField(label=_("Nota (opcional)"), max_length=500, required=False)
    attempted_at = forms.DateTimeField(
        label=_("Fecha y hora del intento"),
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=PeruDateTimeInput(),
        help_text=_("Si la dejas vacía, se usa la hora actual."),
    )
    photo = forms.FileField(
        label=_("Foto (opcional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs=CAMERA_ATTRS),
    )


class CancelForm(forms.Form):
    # a callable: the reasons are rows an operator edits, read when the form is built
    cancellation_type = forms.ChoiceField(label=_("Tipo"), choices=seller_cancellation_choices)
    text = forms.CharField(label=_("Texto"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(
        label=_("Responsable (nombre y apellido)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )


class SwitchSellerForm(forms.Form):
    seller_id = forms.IntegerField(min_value=1)


def first_error(form: forms.Form) -> str:
    """One readable line for a message: the first field's label and its first error."""
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            return str(errors[0])
        return f"{form.fields[name].label}: {errors[0]}"
    return str(_("Revisa los datos del formulario."))


class ManualOrderForm(forms.Form):
    """«Nueva orden»: the buyer, the delivery and the payment of a sale made by phone or in the store."""

    # one per form shown: a second submission of the same form (double click, reload) creates nothing more
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    buyer_full_name = forms.CharField(label=_("Nombre completo del comprador"), max_length=200)
    buyer_document_type = forms.ChoiceField(label=_("Tipo de documento"), choices=DocumentType.choices)
    buyer_document_number = forms.CharField(
        label=_("Número de documento"), max_length=20, help_text=_("DNI: 8 dígitos. RUC: 11 dígitos.")
    )
    buyer_phone = forms.CharField(
        label=_("Teléfono"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    buyer_email = forms.EmailField(label=_("Correo"), required=False)
    delivery_method = forms.ChoiceField(
        label=_("Entrega"),
        choices=[
            (DeliveryMethod.HOME_DELIVERY, _("Despacho a domicilio")),
            (DeliveryMethod.PICKUP_POINT, _("Recojo (en tienda o punto de recojo)")),
        ],
        initial=DeliveryMethod.HOME_DELIVERY,
        widget=forms.RadioSelect,
    )
    shipping_address = forms.CharField(label=_("Dirección"), max_length=300, required=False)
    shipping_district = forms.CharField(label=_("Distrito"), max_length=100, required=False)
    shipping_city = forms.CharField(label=_("Ciudad"), max_length=100, required=False)
    shipping_region = forms.CharField(label=_("Región"), max_length=100, required=False)
    shipping_reference = forms.CharField(label=_("Referencia"), max_length=300, required=False)
    pickup_point_name = forms.CharField(
        label=_("Punto de recojo"),
        max_length=200,
        required=False,
        help_text=_("Si lo dejas vacío: «Recojo en tienda»."),
    )
    shipping_total = forms.DecimalField(
        label=_("Costo de envío (S/)"), max_digits=12, decimal_places=2, min_value=0, required=False, initial="0.00"
    )
    payment_method = forms.ChoiceField(label=_("Forma de pago"), choices=PaymentMethod.choices)
    payment_processed = forms.BooleanField(
        label=_("Pago ya procesado"),
        required=False,
        help_text=_(
            "Márcalo si el comprador ya pagó el total: se registra el pago. Si no, la orden queda pendiente de pago."
        ),
    )
    payment_reference = forms.CharField(label=_("Código de referencia del pago"), max_length=100, required=False)

    def clean_shipping_total(self):
        return self.cleaned_data.get("shipping_total") or Decimal("0.00")


class ManualOrderLineForm(forms.Form):
    """One line: a SKU of the seller (suggested from its catalog), how many, at what price."""

    sku = forms.CharField(label=_("SKU"), max_length=64, widget=forms.TextInput(attrs={"list": "seller-skus"}))
    quantity = forms.IntegerField(label=_("Cantidad"), min_value=1, max_value=100_000, initial=1)
    unit_price = forms.DecimalField(label=_("Precio unitario (S/)"), max_digits=12, decimal_places=2, min_value=0)

    def has_changed(self) -> bool:
        # a row left as offered (no SKU, no price) is no line, whatever its quantity says
        return any(str(self.data.get(self.add_prefix(name)) or "").strip() for name in ("sku", "unit_price"))


class BaseManualOrderLineFormSet(forms.BaseFormSet):
    def initial_form_count(self):
        # lines shown again after «Agregar producto» are still new lines: one emptied is simply left out
        return super().initial_form_count() if self.is_bound else 0


ManualOrderLineFormSet = forms.formset_factory(
    ManualOrderLineForm,
    formset=BaseManualOrderLineFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=100,
    validate_max=True,
)
