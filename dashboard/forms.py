"""Dashboard forms only parse what the browser sent; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disputes.selectors import seller_cancellation_choices
from evidence.models import AttemptReason, EvidenceKind
from orders.models import Status

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
