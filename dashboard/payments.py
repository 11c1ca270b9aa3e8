"""Payments in the dashboard: the «Pagos» reconciliation page (filters, totals per method and per day,
CSV), «Registrar pago» on the order page, and its supporting documents. Thin: payments.* does the work."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotFound
from core.spreadsheets import csv_writer
from dashboard.forms import DateRangeForm, RegisterPaymentForm
from dashboard.views import Retry, member_required, order_form_action
from orders.models import PaymentMethod
from payments.files import payment_document_response
from payments.models import EntryStatus, Kind
from payments.selectors import ledger, payment_of, totals_by_day, totals_by_method
from payments.services import register_payment

PAGE_SIZE = 50


class LedgerFilterForm(DateRangeForm):
    metodo = forms.ChoiceField(
        label=gettext_lazy("Forma de pago"),
        choices=[("", gettext_lazy("Todas")), *PaymentMethod.choices],
        required=False,
    )
    tipo = forms.ChoiceField(
        label=gettext_lazy("Tipo"), choices=[("", gettext_lazy("Todos")), *Kind.choices], required=False
    )
    estado = forms.ChoiceField(
        label=gettext_lazy("Estado"), choices=[("", gettext_lazy("Todos")), *EntryStatus.choices], required=False
    )
    desde = forms.DateField(label=gettext_lazy("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hasta = forms.DateField(label=gettext_lazy("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _filtered(request: HttpRequest) -> tuple[LedgerFilterForm, QuerySet]:
    form = LedgerFilterForm(request.GET)
    form.is_valid()  # a bad field is reported beside it; the valid ones still filter
    data = form.cleaned_data
    rows = ledger(
        seller=request.seller,
        method=data.get("metodo") or None,
        kind=data.get("tipo") or None,
        status=data.get("estado") or None,
        since=data.get("desde"),
        until=data.get("hasta"),
    )
    return form, rows


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
@member_required
def payments_page(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/payments.html",
        {
            "form": form,
            "page": page,
            "by_method": [{**row, "label": PaymentMethod(row["method"]).label} for row in totals_by_method(rows)],
            "by_day": totals_by_day(rows)[:31],
            "query": _without_page(request),
        },
    )


CSV_HEADER = (
    gettext_lazy("Fecha"),
    gettext_lazy("Orden"),
    gettext_lazy("Tipo"),
    gettext_lazy("Estado"),
    gettext_lazy("Forma de pago"),
    gettext_lazy("Monto"),
    gettext_lazy("Efecto en lo cobrado"),
    gettext_lazy("Moneda"),
    gettext_lazy("Código de referencia"),
    gettext_lazy("Registrado por"),
    gettext_lazy("Usuario"),
    gettext_lazy("Nota"),
)


@require_GET
@member_required
def payments_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Streamed row by row through core.spreadsheets (formula cells neutralised: references are typed by people)."""
    _form, rows = _filtered(request)
    writer = csv_writer()

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the accents as UTF-8
        yield writer.writerow([str(title) for title in CSV_HEADER])
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                    row.order.number,
                    row.get_kind_display(),
                    row.get_status_display(),
                    row.get_method_display(),
                    f"{row.amount:.2f}",
                    f"{row.effect:.2f}",
                    row.currency,
                    row.reference,
                    row.get_source_display(),
                    row.created_by_label,
                    row.note,
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="pagos-{stamp}.csv"'
    return response


@require_POST
@member_required
def register_payment_view(request: HttpRequest, order_id: int) -> HttpResponse:
    return order_form_action(
        request,
        order_id,
        Retry("payment_form", RegisterPaymentForm(request.POST, request.FILES), "register_payment"),
        lambda data: register_payment(
            order_id=order_id,
            seller=request.seller,
            actor=request.user,
            amount=data["amount"],
            reference=data["reference"],
            document=data["document"],
            note=data["note"],
        ),
        _("Pago registrado."),
    )


@require_GET
@member_required
def payment_document(request: HttpRequest, payment_id: int) -> HttpResponse:
    try:
        payment = payment_of(seller=request.seller, payment_id=payment_id)
    except NotFound:
        raise Http404 from None
    if not payment.document:
        raise Http404
    return payment_document_response(payment)
