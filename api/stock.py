"""Stock for a seller's devices and ERPs: list, read one SKU with its movements, set quantities
one by one or up to 1,000 at a time. Thin wrappers over catalog."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api.orders import IDEMPOTENCY_PARAMETER, SELLER_PARAMETER, SellerAPIView
from catalog.bulk import MAX_API_ITEMS, apply_items
from catalog.models import StockItem, StockMovement
from catalog.selectors import SORT_CHOICES, SORTS, STATUS_CHOICES, movements_of, stock_item_of, stock_list
from catalog.services import check_quantity, set_stock
from core.errors import ValidationFailed
from core.idempotency import run_idempotently

MOVEMENTS_SHOWN = 100


def stock_url(sku: str) -> str:
    return reverse("api-stock-detail", args=[sku])


class StockItemSerializer(serializers.ModelSerializer):
    available = serializers.IntegerField(help_text="On hand minus reserved.")
    low_stock_threshold = serializers.IntegerField(
        source="threshold_value", help_text="«Stock bajo» at or below this many available units."
    )
    low_stock_threshold_own = serializers.IntegerField(
        source="low_stock_threshold",
        allow_null=True,
        help_text="The SKU's own threshold; null uses the default (STOCK_LOW_THRESHOLD).",
    )

    class Meta:
        model = StockItem
        fields = [
            "sku",
            "name",
            "quantity_on_hand",
            "quantity_reserved",
            "available",
            "low_stock_threshold",
            "low_stock_threshold_own",
            "updated_at",
        ]


class StockMovementSerializer(serializers.ModelSerializer):
    reason_display = serializers.CharField(source="get_reason_display")
    actor_kind_display = serializers.CharField(source="get_actor_kind_display")
    order_number = serializers.CharField(source="order.number", allow_null=True, default=None)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "created_at",
            "reason",
            "reason_display",
            "delta_on_hand",
            "delta_reserved",
            "on_hand_after",
            "reserved_after",
            "actor_kind",
            "actor_kind_display",
            "actor_label",
            "order_id",
            "order_number",
        ]


class StockDetailSerializer(StockItemSerializer):
    movements = serializers.SerializerMethodField(help_text=f"The latest {MOVEMENTS_SHOWN} movements, newest first.")

    class Meta(StockItemSerializer.Meta):
        fields = [*StockItemSerializer.Meta.fields, "movements"]

    @extend_schema_field(StockMovementSerializer(many=True))
    def get_movements(self, item) -> list[dict]:
        return StockMovementSerializer(movements_of(item=item, limit=MOVEMENTS_SHOWN), many=True).data


class StockQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, help_text="Units on hand (absolute, not a delta).")
    low_stock_threshold = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text="The SKU's own «stock bajo» threshold; null: default."
    )


class StockBulkItemSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=0, help_text="Units on hand (absolute).")


class StockBulkSerializer(serializers.Serializer):
    items = serializers.ListField(child=StockBulkItemSerializer(), min_length=1, max_length=MAX_API_ITEMS)


class StockBulkResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many SKUs the call named.")
    items = StockItemSerializer(many=True)


class StockFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="_handled_by_selector", max_length=100, help_text="SKU or name.")
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        method="_handled_by_selector",
        help_text="`out_of_stock`: nothing available; `low_stock`: some, at most the SKU's threshold.",
    )
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="_handled_by_selector", help_text="Default: sku.")

    class Meta:
        model = StockItem
        fields = ["search", "status", "sort"]

    def _handled_by_selector(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        seller = getattr(self.request, "seller", None)
        if seller is None:  # schema generation
            return queryset.none()
        data = self.form.cleaned_data
        return stock_list(
            seller=seller, search=data.get("search") or "", status=data.get("status"), sort=data.get("sort")
        )


class StockCursorPagination(CursorPagination):
    ordering = SORTS["sku"]
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_ordering(self, request, queryset, view):
        return SORTS.get(request.query_params.get("sort") or "sku", SORTS["sku"])


class StockListView(SellerAPIView, ListAPIView):
    queryset = StockItem.objects.none()
    serializer_class = StockItemSerializer
    filterset_class = StockFilter
    pagination_class = StockCursorPagination
    parser_classes = [JSONParser]

    def get_queryset(self):
        return stock_list(seller=self.request.seller)

    @extend_schema(
        operation_id="stock_list",
        summary="The seller's SKUs: on hand, reserved (held by orders in handling), available, last change",
        parameters=[SELLER_PARAMETER],
        responses={200: StockItemSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="stock_bulk_update",
        summary=f"Set units on hand of up to {MAX_API_ITEMS} SKUs, all or nothing",
        description="Absolute quantities, so repeating the call changes nothing twice (an Idempotency-Key also "
        "replays the first answer). Any bad item is a 400 naming it (`items[3].quantity`); a SKU the seller "
        "does not have is a 404; going below what orders in handling hold is a 409 naming them. In every "
        "refusal nothing is applied.",
        request=StockBulkSerializer,
        responses={200: StockBulkResultSerializer},
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
    )
    def put(self, request):
        def produce() -> Response:
            items = request.data.get("items") if isinstance(request.data, dict) else None
            apply_items(seller=request.seller, items=items, actor=request.user)
            skus = [item["sku"].strip() for item in items]
            rows = stock_list(seller=request.seller).filter(sku__in=skus)
            return Response({"updated": len(skus), "items": StockItemSerializer(rows, many=True).data})

        return run_idempotently(request, produce)


class StockDetailView(SellerAPIView):
    queryset = StockItem.objects.none()
    serializer_class = StockDetailSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="stock_retrieve",
        summary="One SKU with its latest movements (who, when, delta, result, reason, order)",
        parameters=[SELLER_PARAMETER],
        responses={200: StockDetailSerializer},
    )
    def get(self, request, sku: str):
        return Response(StockDetailSerializer(stock_item_of(seller=request.seller, sku=sku)).data)

    @extend_schema(
        operation_id="stock_update",
        summary="Set one SKU's units on hand (absolute)",
        description="Below what orders in handling hold is a 409 naming them; another seller's SKU is a 404.",
        request=StockQuantitySerializer,
        responses={200: StockDetailSerializer},
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
    )
    def put(self, request, sku: str):
        def produce() -> Response:
            # another seller's SKU is 404 before the body is judged
            stock_item_of(seller=request.seller, sku=sku)
            if not isinstance(request.data, dict) or "quantity" not in request.data:
                raise ValidationFailed(_required(), fields={"quantity": [_required()]})
            changes = {}
            if "low_stock_threshold" in request.data:
                changes["low_stock_threshold"] = _threshold(request.data["low_stock_threshold"])
            set_stock(seller=request.seller, sku=sku, quantity=request.data["quantity"], actor=request.user, **changes)
            return Response(StockDetailSerializer(stock_item_of(seller=request.seller, sku=sku)).data)

        return run_idempotently(request, produce)


def _required() -> str:
    return _("Indica «quantity»: las unidades en stock.")


def _threshold(value) -> int | None:
    return None if value is None else check_quantity(value, field="low_stock_threshold")
