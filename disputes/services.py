from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import InvalidTransition, ValidationFailed
from disputes.models import Cancellation, CancellationType
from orders.models import Order
from orders.workflow import transition
from sellers.models import Seller


def cancel_order(*, order_id: int, seller: Seller, actor, cancellation_type: str, text: str, responsible: str) -> Order:
    """ "Cancelar": only while "Para manejo"; after that the way is "Crear controversia"."""
    text = (text or "").strip()
    responsible = (responsible or "").strip()
    errors = {}
    if cancellation_type not in CancellationType.values:
        errors["cancellation_type"] = [_("Elige un tipo de cancelación.")]
    if not text:
        errors["text"] = [_("Explica el motivo de la cancelación.")]
    if not responsible:
        errors["responsible"] = [_("Indica nombre y apellido del responsable.")]
    if errors:
        raise ValidationFailed(_("Revisa los datos de la cancelación."), fields=errors)

    def guard(order: Order) -> dict:
        Cancellation.objects.create(
            order=order,
            seller=seller,
            cancellation_type=cancellation_type,
            text=text,
            responsible=responsible,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        return {"cancellation_type": cancellation_type, "text": text, "responsible": responsible}

    try:
        return transition(order_id=order_id, seller=seller, action="cancel", actor=actor, guard=guard)
    except InvalidTransition as refused:
        refused.message = _(
            "Solo se cancela una orden «Para manejo». Si ya iniciaste manejo, usa «Crear controversia»."
        )
        raise
