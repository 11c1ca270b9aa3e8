"""`POST /api/v1/orders/`: a manual order («Venta directa») taken by phone or in the store.

The body's shape is checked here; what it means (document, delivery, the seller's SKUs, the
payment) is sales.services.create_manual_order's to judge.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from rest_framework import serializers, status
from rest_framework.response import Response

from core.idempotency import run_idempotently
from orders.models import DeliveryMethod, DocumentType, PaymentMethod
from sales.services import MAX_LINES, MAX_QUANTITY, ManualLine, ManualOrderInput, create_manual_order


class ManualOrderLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, help_text="One of the seller's SKUs (its stock item).")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    unit_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text="Typed by the seller: a SKU has no price of its own.",
    )


class ManualOrderSerializer(serializers.Serializer):
    buyer_full_name = serializers.CharField(max_length=200)
    buyer_document_type = serializers.ChoiceField(choices=DocumentType.choices)
    buyer_document_number = serializers.CharField(max_length=20, help_text="DNI 8 digits, RUC 11.")
    buyer_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    buyer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    delivery_method = serializers.ChoiceField(
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.HOME_DELIVERY,
        help_text="`home_delivery` needs address, district and city; `pickup_point` is a pickup "
        "(default point «Recojo en tienda»).",
    )
    shipping_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    shipping_district = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    shipping_city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    shipping_region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    shipping_reference = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    pickup_point_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    shipping_total = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), default=Decimal("0.00")
    )
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    payment_processed = serializers.BooleanField(
        default=False,
        help_text="«Pago ya procesado»: registers the payment of the total now. Otherwise the order waits for it "
        "(a prepaid method cannot start handling until paid). Not allowed with `cash_on_delivery`.",
    )
    payment_reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="The payment's reference code; with `payment_processed`, required for `bank_transfer` "
        "and `payment_link`.",
    )
    # a ListField (not many=True) so the schema states minItems/maxItems
    lines = serializers.ListField(child=ManualOrderLineSerializer(), min_length=1, max_length=MAX_LINES)


def create_from_request(request, detail: callable) -> Response:
    """201 with the new order (as `detail(request, order_id)` shows it); replays honour Idempotency-Key."""

    def produce() -> Response:
        serializer = ManualOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lines = [ManualLine(**line) for line in data.pop("lines")]
        order = create_manual_order(
            seller=request.seller, actor=request.user, data=ManualOrderInput(lines=lines, **data)
        )
        shown = detail(request, order.pk)
        response = Response(shown.data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api-order-detail", args=[order.pk])
        return response

    return run_idempotently(request, produce)
