"""The reasons every installation starts with (migration 0002 seeds the same list)."""

from __future__ import annotations

# (code, Spanish, English, seller, buyer, operator, cancellation, dispute type)
DEFAULT_REASONS = [
    ("canceled_by_seller", "Cancelado por el seller [CS] (quiebre de stock)", "Canceled by seller [CS] (stock break)",
     True, False, True, True, True),
    ("buyer_request", "Pedido del comprador", "Buyer's request", True, True, True, True, False),
    ("payment_not_confirmed", "Pago no confirmado", "Payment not confirmed", True, False, True, True, False),
    ("address_not_served", "Dirección fuera de cobertura", "Address not served", True, False, True, True, False),
    ("fraud_suspicion", "Sospecha de fraude", "Fraud suspicion", True, False, True, True, False),
    ("price_error", "Error de precio publicado", "Wrong published price", True, False, True, True, False),
    ("product_not_received", "Producto no recibido", "Product not received", False, True, True, False, True),
    ("product_damaged", "Producto dañado", "Product damaged", False, True, True, False, True),
    ("product_not_as_described", "Producto diferente a la descripción", "Product different from the description",
     False, True, True, False, True),
    ("product_incomplete", "Producto incompleto", "Incomplete product", False, True, True, False, True),
    # beat cancels a transfer or payment-link order unpaid past the contract's window (payments.services)
    ("payment_not_received", "Pago no recibido", "Payment not received", False, False, True, True, False),
]  # fmt: skip


def ensure_default_reasons(*, using: str = "default") -> int:
    """Create the default reasons that are missing; never touches an existing row (operators edit them)."""
    from disputes.models import CancellationReason

    existing = set(CancellationReason.objects.using(using).values_list("code", flat=True))
    missing = [
        CancellationReason(
            code=code,
            label_es=es,
            label_en=en,
            usable_by_seller=seller,
            usable_by_buyer=buyer,
            usable_by_operator=operator,
            is_cancellation=cancellation,
            is_dispute_type=dispute,
            position=position * 10,
        )
        for position, (code, es, en, seller, buyer, operator, cancellation, dispute) in enumerate(
            DEFAULT_REASONS, start=1
        )
        if code not in existing
    ]
    CancellationReason.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)
