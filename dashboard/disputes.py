"""Dashboard pages for disputes and buyer cancellation requests: thin views over disputes.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, NotFound
from dashboard.forms import CAMERA_ATTRS, TRACKING_ATTRS, first_error
from dashboard.views import error_text, invalid_order_form, member_required, order_action
from disputes.files import attachment_file_response
from disputes.models import DisputeStatus, Party
from disputes.selectors import (
    attachment_for_member,
    dispute_counts,
    dispute_detail,
    dispute_list,
    seller_dispute_choices,
)
from disputes.services import (
    MAX_ATTACHMENTS,
    accept_cancellation_request,
    open_dispute,
    post_message,
    reject_cancellation_request,
)

PAGE_SIZE = 50

# --- Forms: they only parse; the services decide ------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class OpenDisputeForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Tipo de controversia"), choices=seller_dispute_choices)
    text = forms.CharField(
        label=gettext_lazy("Texto de la controversia"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.CharField(
        label=gettext_lazy("Responsable (nombre y apellido)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Mensaje"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    # the camera opens from its own input (accept="image/*" capture); the other one still takes PDFs
    camera = forms.FileField(
        label=gettext_lazy("Tomar foto con la cámara"),
        required=False,
        widget=forms.ClearableFileInput(attrs=CAMERA_ATTRS),
    )
    attachments = MultipleFileField(
        # format_lazy: the label is translated per request, not frozen in the language at import time
        label=format_lazy(gettext_lazy("o elegir archivos (fotos o PDF, hasta {max})"), max=MAX_ATTACHMENTS),
        required=False,
    )

    def clean(self):
        data = super().clean()
        camera = data.pop("camera", None)
        data["attachments"] = [*([camera] if camera else []), *data.get("attachments", [])]
        return data


class RejectRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motivo del rechazo"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    tracking_number = forms.CharField(
        label=gettext_lazy("Número de seguimiento del envío"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Obligatorio si la orden ya fue enviada."),
        widget=forms.TextInput(TRACKING_ATTRS),
    )


# --- Pages ------------------------------------------------------------------------------------------------


@require_GET
@member_required
def disputes_page(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    status = status if status in DisputeStatus.values else ""
    counts = dispute_counts(seller=request.seller)
    tabs = [{"code": "", "label": _("Todas"), "count": counts["all"]}]
    tabs += [{"code": code, "label": label, "count": counts[code]} for code, label in DisputeStatus.choices]
    rows = list(dispute_list(seller=request.seller, status=status or None)[:PAGE_SIZE])
    return render(request, "dashboard/disputes.html", {"tabs": tabs, "active_status": status, "disputes": rows})


@require_GET
@member_required
def dispute_page(request: HttpRequest, dispute_id: int) -> HttpResponse:
    try:
        dispute = dispute_detail(seller=request.seller, dispute_id=dispute_id)
    except NotFound:
        raise Http404 from None
    return render(request, "dashboard/dispute_detail.html", {"dispute": dispute, "reply_form": ReplyForm()})


@require_POST
@member_required
def dispute_reply(request: HttpRequest, dispute_id: int) -> HttpResponse:
    try:
        dispute_detail(seller=request.seller, dispute_id=dispute_id)
    except NotFound:
        raise Http404 from None
    back = redirect(reverse("dashboard:dispute", args=[dispute_id]))
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return back
    try:
        post_message(
            dispute_id=dispute_id,
            seller=request.seller,
            actor=request.user,
            party=Party.SELLER,
            text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, error_text(refused))
    else:
        messages.success(request, _("Mensaje enviado."))
    return back


@require_GET
@login_required
def dispute_attachment_file(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """Attachments are private: streamed here to members of their seller only."""
    try:
        attachment = attachment_for_member(user=request.user, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    return attachment_file_response(attachment)


@require_POST
@member_required
def open_dispute_view(request: HttpRequest, order_id: int) -> HttpResponse:
    form = OpenDisputeForm(request.POST)
    if not form.is_valid():
        return invalid_order_form(request, order_id, form)
    data = form.cleaned_data
    return order_action(
        request,
        order_id,
        lambda: open_dispute(
            order_id=order_id,
            seller=request.seller,
            actor=request.user,
            party=Party.SELLER,
            reason_code=data["reason"],
            text=data["text"],
            responsible=data["responsible"],
        ),
        _("Controversia creada: un operador del marketplace la revisará."),
        success_url=lambda opened: reverse("dashboard:dispute", args=[opened[0].pk]),
    )


@require_POST
@member_required
def accept_request_view(request: HttpRequest, order_id: int) -> HttpResponse:
    return order_action(
        request,
        order_id,
        lambda: accept_cancellation_request(order_id=order_id, seller=request.seller, actor=request.user),
        _("Solicitud aceptada: la orden está «Cancelada»."),
    )


@require_POST
@member_required
def reject_request_view(request: HttpRequest, order_id: int) -> HttpResponse:
    form = RejectRequestForm(request.POST)
    if not form.is_valid():
        return invalid_order_form(request, order_id, form)
    data = form.cleaned_data
    return order_action(
        request,
        order_id,
        lambda: reject_cancellation_request(
            order_id=order_id,
            seller=request.seller,
            actor=request.user,
            reason=data["reason"],
            tracking_number=data["tracking_number"],
        ),
        _("Solicitud rechazada."),
    )
