"""Dashboard forms only parse what the browser sent; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disputes.selectors import seller_cancellation_choices
from evidence.models import AttemptReason, EvidenceKind
from orders.models import Status

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


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
    desde = forms.DateField(label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hasta = forms.DateField(label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    orden = forms.ChoiceField(
        label=_("Orden"),
        choices=[("", _("Más recientes primero")), ("deadline", _("Plazo más cercano primero"))],
        required=False,
    )
    vence = forms.BooleanField(label=_("Vence pronto"), required=False)
    after = forms.CharField(required=False)
    before = forms.CharField(required=False)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Transportista"), max_length=100)
    tracking_number = forms.CharField(label=_("Número de seguimiento"), max_length=100)
    tracking_url = forms.URLField(label=_("URL de seguimiento"), max_length=500, required=False, assume_scheme="https")
    guide_number = forms.CharField(label=_("Número de guía"), max_length=100, required=False)
    shipped_at = forms.DateTimeField(
        label=_("Fecha de envío"),
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=_("Si la dejas vacía, se usa la hora actual."),
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo de evidencia"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("Archivo (foto o PDF)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf"}
        ),
    )
    url = forms.CharField(label=_("o URL (https://)"), max_length=500, required=False)
    receiver_full_name = forms.CharField(label=_("Nombre completo de quien recibe"), max_length=200, required=False)
    receiver_document_number = forms.CharField(label=_("Documento de quien recibe"), max_length=20, required=False)
    received_at = forms.DateTimeField(
        label=_("Fecha y hora de recepción"),
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeLocalInput(),
    )
    signature_present = forms.NullBooleanField(label=_("¿La guía tiene firma?"), required=False)
    supersedes = forms.IntegerField(label=_("Reemplaza a la evidencia"), required=False, min_value=1)


class AttemptForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motivo"), choices=AttemptReason.choices)
    note = forms.CharField(label=_("Nota (opcional)"), max_length=500, required=False)
    attempted_at = forms.DateTimeField(
        label=_("Fecha y hora del intento"),
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=_("Si la dejas vacía, se usa la hora actual."),
    )
    photo = forms.FileField(
        label=_("Foto (opcional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}),
    )


class CancelForm(forms.Form):
    # a callable: the reasons are rows an operator edits, read when the form is built
    cancellation_type = forms.ChoiceField(label=_("Tipo"), choices=seller_cancellation_choices)
    text = forms.CharField(label=_("Texto"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(label=_("Responsable (nombre y apellido)"), max_length=150)


class SwitchSellerForm(forms.Form):
    seller_id = forms.IntegerField(min_value=1)


def first_error(form: forms.Form) -> str:
    """One readable line for a message: the first field's label and its first error."""
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            return str(errors[0])
        return f"{form.fields[name].label}: {errors[0]}"
    return str(_("Revisa los datos del formulario."))
