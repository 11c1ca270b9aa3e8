"""The seller's penalties page (filters, totals per month, CSV export) and the appeal form; also
the "closest deadline first" pager of the order list. Thin: reads from fulfillment.selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, NotFound
from core.spreadsheets import csv_writer
from dashboard.forms import DateRangeForm, peru_date_field
from dashboard.pagination import decode_cursor, encode_cursor
from dashboard.views import error_text, requires
from fulfillment.deadlines import appeal_penalty
from fulfillment.models import PenaltyRule, PenaltyStatus
from fulfillment.selectors import penalty_list, penalty_of, penalty_totals_by_month

PAGE_SIZE = 50


class PenaltyFilterForm(DateRangeForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Estado"), choices=[("", gettext_lazy("Todos")), *PenaltyStatus.choices], required=False
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("Regla"), choices=[("", gettext_lazy("Todas")), *PenaltyRule.choices], required=False
    )
    desde = peru_date_field(gettext_lazy("Desde"))
    hasta = peru_date_field(gettext_lazy("Hasta"))


class AppealForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Motivo de la apelación"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _filtered(request: HttpRequest) -> tuple[PenaltyFilterForm, QuerySet]:
    form = PenaltyFilterForm(request.GET)
    form.is_valid()  # a bad field is reported beside it; the valid ones still filter
    data = form.cleaned_data
    penalties = penalty_list(
        seller=request.seller,
        status=data.get("status") or None,
        rule=data.get("rule") or None,
        raised_after=data.get("desde"),
        raised_before=data.get("hasta"),
    )
    return form, penalties


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
@requires("view_penalties")
def penalties_page(request: HttpRequest) -> HttpResponse:
    form, penalties = _filtered(request)
    page = Paginator(penalties, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/penalties.html",
        {
            "form": form,
            "page": page,
            "totals": penalty_totals_by_month(penalties),
            "appeal_form": AppealForm(),
            "query": _without_page(request),
        },
    )


CSV_HEADER = (
    gettext_lazy("Orden"),
    gettext_lazy("Regla"),
    gettext_lazy("Cláusula"),
    gettext_lazy("Plazo incumplido"),
    gettext_lazy("Monto"),
    gettext_lazy("Moneda"),
    gettext_lazy("Aplicada el"),
    gettext_lazy("Estado"),
    gettext_lazy("Apelación"),
    gettext_lazy("Motivo de la condonación"),
)


@require_GET
@requires("view_penalties")
def penalties_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Streamed row by row: a year of penalties never sits in memory."""
    _form, penalties = _filtered(request)
    writer = csv_writer()

    def local(value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def rows():
        yield "\ufeff"  # so spreadsheet programs read the accents as UTF-8
        yield writer.writerow([str(title) for title in CSV_HEADER])
        for penalty in penalties.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    penalty.order.number,
                    penalty.get_rule_display(),
                    penalty.clause,
                    local(penalty.deadline),
                    f"{penalty.amount:.2f}",
                    penalty.currency,
                    local(penalty.raised_at),
                    penalty.get_status_display(),
                    penalty.appeal_text,
                    penalty.waive_reason,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="penalidades-{timezone.localdate():%Y%m%d}.csv"'
    return response


@require_POST
@requires("appeal_penalties")
def appeal_view(request: HttpRequest, penalty_id: int) -> HttpResponse:
    # another seller's penalty is a 404 before its input is read
    try:
        penalty_of(seller=request.seller, penalty_id=penalty_id)
    except NotFound:
        raise Http404 from None
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Escribe el motivo de la apelación."))
    else:
        try:
            appeal_penalty(
                penalty_id=penalty_id, seller=request.seller, actor=request.user, text=form.cleaned_data["text"]
            )
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            messages.error(request, error_text(refused))
        else:
            messages.success(request, _("Apelación enviada: el marketplace la revisará."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("dashboard:penalties")


# --- the order list's "closest deadline first" ----------------------------------------------------


@dataclass
class DeadlinePage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None = None


def deadline_page(queryset: QuerySet, *, size: int, after: str | None = None) -> DeadlinePage:
    """Keyset page on (next_deadline, id) ascending, for order_list(sort="deadline")."""
    key = decode_cursor(after)
    if key:
        deadline, pk = key
        queryset = queryset.filter(Q(next_deadline__gt=deadline) | Q(next_deadline=deadline, id__gt=pk))
    rows = list(queryset.order_by("next_deadline", "id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return DeadlinePage(rows=rows, next_cursor=encode_cursor(rows[-1].next_deadline, rows[-1].pk) if more else None)
