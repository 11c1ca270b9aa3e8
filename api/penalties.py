"""Penalties for a seller's devices: list them, appeal one. Thin wrappers over fulfillment."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.filters import DateOrDateTimeFilter
from api.orders import IDEMPOTENCY_PARAMETER, SELLER_PARAMETER, SellerAPIView
from api.permissions import requires
from core.idempotency import run_idempotently
from fulfillment.deadlines import appeal_penalty
from fulfillment.models import Penalty, PenaltyRule, PenaltyStatus
from fulfillment.selectors import penalty_list, penalty_of


class PenaltySerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    rule_display = serializers.CharField(source="get_rule_display")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Penalty
        fields = [
            "id",
            "order_id",
            "order_number",
            "rule",
            "rule_display",
            "clause",
            "deadline",
            "amount",
            "currency",
            "raised_at",
            "status",
            "status_display",
            "appealed_at",
            "appeal_text",
            "waived_at",
            "waive_reason",
        ]


class AppealInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text="Why the penalty should be waived.")


class PenaltyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PenaltyStatus.choices, method="_handled_by_selector")
    rule = django_filters.ChoiceFilter(choices=PenaltyRule.choices, method="_handled_by_selector")
    raised_after = DateOrDateTimeFilter(method="_handled_by_selector", help_text="Date (inclusive) or datetime.")
    raised_before = DateOrDateTimeFilter(
        method="_handled_by_selector", help_text="Date (that whole day included) or datetime (exclusive)."
    )

    class Meta:
        model = Penalty
        fields = ["status", "rule", "raised_after", "raised_before"]

    def _handled_by_selector(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        seller = getattr(self.request, "seller", None)
        if seller is None:  # schema generation
            return queryset.none()
        return penalty_list(seller=seller, **self.form.cleaned_data)


class PenaltyCursorPagination(CursorPagination):
    ordering = ("-raised_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class PenaltyListView(SellerAPIView, ListAPIView):
    permission_classes = [IsAuthenticated, requires("view_penalties")]
    queryset = Penalty.objects.none()
    serializer_class = PenaltySerializer
    filterset_class = PenaltyFilter
    pagination_class = PenaltyCursorPagination

    def get_queryset(self):
        return penalty_list(seller=self.request.seller)

    @extend_schema(
        operation_id="penalties_list",
        summary="The seller's contract penalties, newest first",
        parameters=[SELLER_PARAMETER],
        responses={200: PenaltySerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PenaltyAppealView(SellerAPIView):
    permission_classes = [IsAuthenticated, requires("appeal_penalties")]
    queryset = Penalty.objects.none()
    parser_classes = [JSONParser]
    serializer_class = AppealInputSerializer

    @extend_schema(
        operation_id="penalties_appeal",
        summary="Appeal a raised penalty with a text (raised -> appealed)",
        description="Owners, and staff the owner granted `appeal_penalties`; anyone else gets 403 `permission_denied`.",
        request=AppealInputSerializer,
        responses={200: PenaltySerializer},
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, penalty_id: int):
        def produce() -> Response:
            # another seller's id is 404 before the body is judged
            penalty_of(seller=request.seller, penalty_id=penalty_id)
            serializer = AppealInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            penalty = appeal_penalty(
                penalty_id=penalty_id, seller=request.seller, actor=request.user, text=serializer.validated_data["text"]
            )
            return Response(PenaltySerializer(penalty).data)

        return run_idempotently(request, produce)
