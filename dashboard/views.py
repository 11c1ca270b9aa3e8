"""The seller's browser dashboard: thin views over the selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from catalog.services import StockUnavailable
from core.errors import DomainError, NotFound, ValidationFailed
from dashboard import forms
from dashboard.pagination import keyset_page
from dashboard.selectors import evidence_for_member, notifications_for, order_exists, order_page
from disputes.services import cancel_order
from evidence.files import attempt_photo_response, evidence_file_response
from evidence.selectors import attempt_photo, evidence_detail, order_attempts, order_evidence
from evidence.services import EVIDENCE_STATUSES, add_delivery_evidence, deliver_with_evidence, record_failed_attempt
from fulfillment.services import ship, start_handling
from notifications.services import mark_read
from orders.models import PaymentMethod, Status
from orders.selectors import order_list as select_orders
from orders.selectors import status_counts
from orders.workflow import action_label, allowed_actions
from payments.selectors import order_payments
from payments.services import deliver_and_collect
from sellers.middleware import SESSION_SELLER_KEY
from sellers.models import LogisticsMode
from sellers.permissions import PERMISSIONS, has_permission, refusal_message
from sellers.selectors import memberships_of

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25


def member_required(view: Callable) -> Callable:
    """Logged in and a member of some seller; a user without membership gets a page saying so."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.seller:
            return render(request, "dashboard/no_membership.html", status=403)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def requires(permission: str) -> Callable[[Callable], Callable]:
    """A member whose role (or grants) allow `permission` (sellers.permissions); anyone else gets a
    403 page naming what is missing. Buttons are hidden too (`can` in templates), but this is the rule.

        @requires("manage_members")
        def team_page(request): ...
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not has_permission(request.membership, permission):
                context = {"message": refusal_message(request.membership, permission), "permission": permission}
                return render(request, "dashboard/forbidden.html", context, status=403)
            return view(request, *args, **kwargs)

        return member_required(wrapper)

    return decorator


def sentence(text) -> str:
    """'requerido para una guía' -> 'Requerido para una guía.': a field's short problem said on its own."""
    text = str(text).strip()
    text = text[:1].upper() + text[1:]
    return text if not text or text.endswith((".", "!", "?", "…")) else f"{text}."


def error_text(error: DomainError) -> str:
    """A domain error as one line for the messages framework: its message, then its fields' problems
    not already said, each as a sentence ("… de recepción. Requerido para una guía.")."""
    parts = [sentence(error.message)]
    if isinstance(error, ValidationFailed):
        for problems in error.fields.values():
            for problem in problems:
                said = sentence(problem)
                if said.rstrip(".").lower() not in " ".join(parts).lower():
                    parts.append(said)
    return " ".join(parts)


@require_GET
@member_required
def order_list(request: HttpRequest) -> HttpResponse:
    seller = request.seller
    form = forms.OrderFilterForm(request.GET)
    form.is_valid()  # a bad field is reported beside it; the valid ones still filter
    filters = form.cleaned_data
    status = filters.get("status") or ""
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    size = size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    # «Pago»: a named group (awaiting, cod_unpaid) or one payment status (estado-<code>)
    pago = filters.get("pago") or ""
    payment_status = pago.removeprefix("estado-") if pago.startswith("estado-") else ""
    orders = select_orders(
        seller=seller,
        status=status or None,
        search=filters.get("q") or "",
        placed_after=filters.get("desde"),
        placed_before=filters.get("hasta"),
        due_soon=filters.get("vence") or False,
        sort=filters.get("orden") or "",
        channel=filters.get("channel") or None,
        payment="" if payment_status else pago,
        payment_status=payment_status,
    )
    if filters.get("orden") == "deadline":
        from dashboard.penalties import deadline_page  # it imports this module

        page = deadline_page(orders, size=size, after=filters.get("after"))
    else:
        page = keyset_page(orders, size=size, after=filters.get("after"), before=filters.get("before"))
    counts = status_counts(seller=seller)
    tabs = [{"code": "", "label": _("Todas"), "count": counts["all"]}]
    tabs += [{"code": code, "label": label, "count": counts[code]} for code, label in Status.choices]
    return render(
        request,
        "dashboard/order_list.html",
        {"form": form, "page": page, "tabs": tabs, "active_status": status},
    )


@require_GET
@member_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return order_page_response(request, order_id)


@dataclass(frozen=True)
class Retry:
    """A form the seller sent that was refused: the order page shows it again, filled in and open.

    `name` is the form's name in the page's context, `action` the panel (data-action) to open.
    """

    name: str
    form: forms.forms.Form
    action: str


def order_page_response(request: HttpRequest, order_id: int, retry: Retry | None = None) -> HttpResponse:
    """The order page; with `retry`, that form keeps what the seller typed (and its errors) and its panel is open."""
    try:
        context = order_page(seller=request.seller, order_id=order_id)
    except NotFound:
        raise Http404 from None
    order = context["order"]
    actions = allowed_actions(order, request.user, is_member=True)
    payments = order_payments(seller=request.seller, order=order)
    context.update(
        actions=actions,
        action_labels={action: action_label(action) for action in actions},
        can_add_evidence=order.status == Status.SHIPPED,
        ship_form=forms.ShipForm(),
        evidence_form=forms.EvidenceForm(),
        deliver_form=forms.DeliverForm(),
        payments=payments,
        payment_form=forms.RegisterPaymentForm(),
        collects_on_delivery=order.payment_method in PaymentMethod.collected_on_delivery() and payments.balance > 0,
        cancel_form=forms.CancelForm(initial={"responsible": request.user.get_full_name()}),
        **_evidence_context(request, order),
        open_action="",
    )
    if retry is not None:
        context[retry.name] = retry.form
        context["open_action"] = retry.action
    return render(request, "dashboard/order_detail.html", context)


def _evidence_context(request: HttpRequest, order) -> dict:
    """What the evidence and delivery-attempt section (dashboard/_evidence.html) shows."""
    seller = request.seller
    attempts = order_attempts(seller=seller, order=order)
    contract = getattr(seller, "contract", None)
    return {
        "evidence": order_evidence(seller=seller, order=order),
        # "Entregada" keeps taking evidence (for a later dispute); the button row offers it while shipped
        "can_add_more_evidence": order.status in EVIDENCE_STATUSES and order.status != Status.SHIPPED,
        "attempts": attempts,
        "max_attempts": contract.max_delivery_attempts if contract else None,
        "can_record_attempt": order.status == Status.SHIPPED and order.logistics_mode == LogisticsMode.OWN_COURIER,
        "attempt_form": forms.AttemptForm(),
    }


def order_action(
    request: HttpRequest,
    order_id: int,
    perform: Callable[[], object],
    success: str,
    *,
    success_url: Callable[[object], str] | None = None,
    retry: Retry | None = None,
) -> HttpResponse:
    """Run one action on an order; a refusal becomes a message and leaves the order as it was.

    After success the seller goes back to the order, or to `success_url(result)` when given.
    Input the service refuses as invalid shows the page again with `retry`'s form as the seller filled it.
    """
    # another seller's order is a 404 before its input is even read
    if not order_exists(seller=request.seller, order_id=order_id):
        raise Http404
    try:
        result = perform()
    except NotFound:
        raise Http404 from None
    except ValidationFailed as invalid:
        if retry is None:
            messages.error(request, error_text(invalid))
        else:
            # each field's problem also goes beside that field, in the panel opened again
            beside = [field for field in invalid.fields if field in retry.form.fields]
            for field in beside:
                for problem in invalid.fields[field]:
                    retry.form.add_error(field, sentence(problem))
            messages.error(request, error_text(invalid))
            return order_page_response(request, order_id, retry)
    except StockUnavailable as short:
        from dashboard.stock import short_stock_message  # it imports this module

        messages.error(request, short_stock_message(request, short, order_id=order_id))
    except DomainError as refused:
        messages.error(request, error_text(refused))
    else:
        messages.success(request, success)
        if success_url is not None:
            return redirect(success_url(result))
    return redirect(reverse("dashboard:order_detail", args=[order_id]))


def invalid_order_form(request: HttpRequest, order_id: int, form, retry: Retry | None = None) -> HttpResponse:
    """A form that did not parse: its first error as a message (another seller's order is 404).

    With `retry` the order page shows the form again, with what the seller typed and the errors beside it.
    """
    if not order_exists(seller=request.seller, order_id=order_id):
        raise Http404
    messages.error(request, forms.first_error(form))
    if retry is not None:
        return order_page_response(request, order_id, retry)
    return redirect(reverse("dashboard:order_detail", args=[order_id]))


@require_POST
@member_required
def start_handling_view(request: HttpRequest, order_id: int) -> HttpResponse:
    return order_action(
        request,
        order_id,
        lambda: start_handling(order_id=order_id, seller=request.seller, actor=request.user),
        _("Manejo iniciado: la orden está «Para envío»."),
    )


def order_form_action(
    request: HttpRequest, order_id: int, retry: Retry, perform: Callable[[dict], object], success: str
) -> HttpResponse:
    """`retry.form` parsed, then `perform(cleaned_data)` as one order action; refused input (by the form
    or the service) shows the order page again with the form as the seller filled it."""
    if not retry.form.is_valid():
        return invalid_order_form(request, order_id, retry.form, retry)
    return order_action(request, order_id, lambda: perform(retry.form.cleaned_data), success, retry=retry)


@require_POST
@member_required
def ship_view(request: HttpRequest, order_id: int) -> HttpResponse:
    # the form's fields are the service's keyword arguments
    return order_form_action(
        request,
        order_id,
        Retry("ship_form", forms.ShipForm(request.POST), "ship"),
        lambda data: ship(order_id=order_id, seller=request.seller, actor=request.user, **data),
        _("Envío registrado: la orden está «Enviada»."),
    )


def _evidence_kwargs(request: HttpRequest, data: dict) -> dict:
    return {
        "seller": request.seller,
        "actor": request.user,
        "kind": data["kind"],
        "file": data["file"],
        "url": data["url"],
        "receiver_full_name": data["receiver_full_name"],
        "receiver_document_number": data["receiver_document_number"],
        "received_at": data["received_at"],
        "signature_present": data["signature_present"],
        "supersedes_id": data["supersedes"],
    }


@require_POST
@member_required
def add_evidence_view(request: HttpRequest, order_id: int) -> HttpResponse:
    return order_form_action(
        request,
        order_id,
        Retry("evidence_form", forms.EvidenceForm(request.POST, request.FILES), "add_evidence"),
        lambda data: add_delivery_evidence(order_id=order_id, **_evidence_kwargs(request, data)),
        _("Evidencia agregada."),
    )


@require_POST
@member_required
def deliver_view(request: HttpRequest, order_id: int) -> HttpResponse:
    return order_form_action(
        request,
        order_id,
        Retry("deliver_form", forms.DeliverForm(request.POST, request.FILES), "deliver"),
        # cash on delivery: the cash collected is registered in the delivery's transaction
        lambda data: deliver_and_collect(
            order_id=order_id,
            seller=request.seller,
            actor=request.user,
            deliver=lambda: deliver_with_evidence(order_id=order_id, **_evidence_kwargs(request, data)),
            cash_collected=data["cash_collected"],
        ),
        _("Orden entregada."),
    )


@require_POST
@member_required
def cancel_view(request: HttpRequest, order_id: int) -> HttpResponse:
    return order_form_action(
        request,
        order_id,
        Retry("cancel_form", forms.CancelForm(request.POST), "cancel"),
        lambda data: cancel_order(order_id=order_id, seller=request.seller, actor=request.user, **data),
        _("Orden cancelada."),
    )


@require_GET
@login_required
@xframe_options_sameorigin  # the viewer page frames PDFs
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """Evidence files are private: streamed here (or, on S3, redirected to a presigned URL) to members
    of their seller, never from a public URL. `?size=thumbnail` gives the small JPEG of a photo."""
    try:
        evidence = evidence_for_member(user=request.user, evidence_id=evidence_id)
    except NotFound:
        raise Http404 from None
    return evidence_file_response(evidence, thumbnail=request.GET.get("size") == "thumbnail")


@require_GET
@member_required
def evidence_viewer(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """One evidence in full: the photo or PDF, its metadata, warnings and review state."""
    try:
        evidence = evidence_detail(seller=request.seller, evidence_id=evidence_id)
    except NotFound:
        raise Http404 from None
    return render(request, "dashboard/evidence_viewer.html", {"item": evidence, "order": evidence.order})


@require_POST
@member_required
def record_attempt_view(request: HttpRequest, order_id: int) -> HttpResponse:
    form = forms.AttemptForm(request.POST, request.FILES)
    retry = Retry("attempt_form", form, "attempt")
    if not form.is_valid():
        return invalid_order_form(request, order_id, form, retry)
    data = form.cleaned_data
    outcome = {}

    def perform() -> None:
        attempt = record_failed_attempt(
            order_id=order_id,
            seller=request.seller,
            actor=request.user,
            reason=data["reason"],
            note=data["note"],
            attempted_at=data["attempted_at"],
            photo=data["photo"],
        )
        outcome["returned"] = attempt.order.status == Status.RETURNED

    response = order_action(request, order_id, perform, _("Intento de entrega registrado."), retry=retry)
    if outcome.get("returned"):
        messages.warning(request, _("Se alcanzó el máximo de intentos: la orden está «Devuelta al vendedor»."))
    return response


@require_GET
@member_required
def attempt_photo_file(request: HttpRequest, attempt_id: int) -> HttpResponse:
    try:
        attempt = attempt_photo(seller=request.seller, attempt_id=attempt_id)
    except NotFound:
        raise Http404 from None
    return attempt_photo_response(attempt)


@require_GET
@member_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = notifications_for(user=request.user, seller=request.seller)
    return render(request, "dashboard/notifications.html", {"notifications": notifications})


@require_POST
@member_required
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    marked = mark_read(user=request.user, seller=request.seller)
    if marked:
        messages.success(request, _("Notificaciones marcadas como leídas."))
    return redirect("dashboard:notifications")


@require_POST
@login_required
def switch_seller(request: HttpRequest) -> HttpResponse:
    form = forms.SwitchSellerForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = memberships_of(user=request.user).filter(seller_id=form.cleaned_data["seller_id"]).first()
    if membership is None:
        raise Http404
    request.session[SESSION_SELLER_KEY] = membership.seller_id
    messages.success(request, _("Ahora trabajas con %(seller)s.") % {"seller": membership.seller.name})
    return redirect("dashboard:order_list")
