"""«Nueva orden»: the seller records a sale made by phone or in its store (channel «Venta directa»)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.idempotency import run_once
from dashboard import forms
from dashboard.views import error_text, member_required, sentence
from sales.selectors import sku_choices
from sales.services import ManualLine, ManualOrderInput, create_manual_order

LINES_PREFIX = "lines"


@require_http_methods(["GET", "POST"])
@member_required
def new_order(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = forms.ManualOrderForm(initial={"submission": uuid.uuid4()})
        return _page(request, form, forms.ManualOrderLineFormSet(prefix=LINES_PREFIX))
    if "add_line" in request.POST:
        return _page(request, *_with_one_more_line(request.POST))
    form = forms.ManualOrderForm(request.POST)
    lines = forms.ManualOrderLineFormSet(request.POST, prefix=LINES_PREFIX)
    if not (form.is_valid() & lines.is_valid()):  # both, so every error shows at once
        messages.error(request, _("Revisa los datos marcados de la orden."))
        return _page(request, form, lines, status=400)
    filled = [(index, line.cleaned_data) for index, line in enumerate(lines.forms) if line.cleaned_data]
    data = dict(form.cleaned_data)
    submission = data.pop("submission") or uuid.uuid4()

    def create() -> dict:
        order = create_manual_order(
            seller=request.seller,
            actor=request.user,
            data=ManualOrderInput(
                lines=[
                    ManualLine(sku=d["sku"], quantity=d["quantity"], unit_price=d["unit_price"]) for _i, d in filled
                ],
                **data,
            ),
        )
        return {"order_id": order.pk, "number": order.number}

    try:
        created, first_time = run_once(user=request.user, key=f"dashboard:order_new:{submission}", produce=create)
    except DomainError as refused:
        _errors_beside_fields(refused, form, lines, [index for index, _d in filled])
        messages.error(request, error_text(refused))
        return _page(request, form, lines, status=refused.status_code)
    if first_time:
        messages.success(request, _("Orden #%(number)s creada: está «Para manejo».") % {"number": created["number"]})
    else:
        messages.info(request, _("Ese formulario ya se envió: esta es la orden #%(number)s.") % created)
    return redirect(reverse("dashboard:order_detail", args=[created["order_id"]]))


def _with_one_more_line(data) -> tuple:
    """«Agregar producto» without JavaScript: what was typed, unjudged (no errors yet), plus an empty line."""
    form = forms.ManualOrderForm(initial={name: data.get(name) for name in forms.ManualOrderForm.base_fields})
    form.initial["payment_processed"] = data.get("payment_processed") == "on"
    typed = []
    for index in range(min(_int(data.get(f"{LINES_PREFIX}-TOTAL_FORMS")), 100)):
        row = {
            name: (data.get(f"{LINES_PREFIX}-{index}-{name}") or "").strip()
            for name in ("sku", "quantity", "unit_price")
        }
        if any(row.values()):
            typed.append(row)
    lines = forms.ManualOrderLineFormSet(prefix=LINES_PREFIX, initial=typed)
    lines.extra = min(len(typed), 99)  # shown: max(0, min_num=1) + extra = the typed lines and one more
    return form, lines


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _errors_beside_fields(refused: DomainError, form, lines, form_index_of: list[int]) -> None:
    """The service names fields as the API does («buyer_email», «lines.2.sku»): put each problem beside its field."""
    for name, problems in refused.fields.items():
        target, field = form, name
        if name.startswith(f"{LINES_PREFIX}."):
            _prefix, position, field = name.split(".", 2)
            target = lines.forms[form_index_of[int(position)]]
        elif name == LINES_PREFIX:
            target, field = None, None
        for problem in problems:
            if target is not None and field in target.fields:
                target.add_error(field, sentence(problem))
            elif target is form or target is None:
                form.add_error(None, sentence(problem))


def _page(request: HttpRequest, form, lines, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "dashboard/order_new.html",
        {"form": form, "lines": lines, "skus": sku_choices(seller=request.seller)},
        status=status,
    )
