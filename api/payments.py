"""Payments for a seller's devices (an order's ledger, «Registrar pago», the reconciliation list) and
for the marketplace feed (confirm, fail, refund). Thin wrappers over payments.services/selectors."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from api.filters import DateOrDateTimeFilter
from api.intake import IntakeOrderRefSerializer, IntakeView, _intake_order
from api.orders import IDEMPOTENCY_PARAMETER, SELLER_PARAMETER, UPLOAD_OVERHEAD_BYTES, SellerAPIView
from api.serializers import PaymentSerializer, PaymentSummarySerializer
from core.errors import PayloadTooLarge
from core.idempotency import run_idempotently
from orders.models import PaymentMethod
from orders.selectors import order_detail
from payments.files import payment_document_response
from payments.models import EntryStatus, Kind, Payment
from payments.selectors import ledger, order_payments, payment_of
from payments.services import FeedStatus, record_feed_payment, register_payment

# --- an order's payments ---------------------------------------------------------------------------


class PaymentInputSerializer(serializers.Serializer):
    amount = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="Default: the balance. E.g. `120.50`."
    )
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="The bank's operation code."
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PaymentUploadSerializer(PaymentInputSerializer):
    document = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="A photo (JPEG, PNG, WebP, HEIC) or PDF, <= 10 MB."
    )


class OrderPaymentsView(SellerAPIView):
    parser_classes = [MultiPartParser, JSONParser]
    serializer_class = PaymentUploadSerializer

    @extend_schema(
        operation_id="orders_payments_list",
        summary="The order's payments (ledger rows), what was received and the balance",
        parameters=[SELLER_PARAMETER],
        responses={200: PaymentSummarySerializer},
    )
    def get(self, request, order_id: int):
        order = order_detail(seller=request.seller, order_id=order_id)
        summary = order_payments(seller=request.seller, order=order)
        return Response(PaymentSummarySerializer(summary, context={"request": request}).data)

    @extend_schema(
        operation_id="orders_payments_create",
        summary="«Registrar pago»: a transfer, payment link or cash payment received (reference or document)",
        description="The amount defaults to the balance; more than the balance is 409. A bank transfer or a "
        "payment link needs `reference` or `document`. Card and wallet payments come from the marketplace (409).",
        request={"multipart/form-data": PaymentUploadSerializer, "application/json": PaymentInputSerializer},
        responses={201: PaymentSerializer},
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, order_id: int):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
        if declared.isdigit() and int(declared) > limit + UPLOAD_OVERHEAD_BYTES:
            raise PayloadTooLarge(
                _("El archivo es demasiado grande; el máximo es %(limit).0f MB.") % {"limit": limit / 1_048_576},
                fields={"document": [_("demasiado grande")]},
            )

        def produce() -> Response:
            # another seller's id is 404 before the body (or its file) is judged
            order_detail(seller=request.seller, order_id=order_id)
            serializer = PaymentUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            payment = register_payment(
                order_id=order_id,
                seller=request.seller,
                actor=request.user,
                amount=data["amount"] or None,
                reference=data["reference"],
                note=data["note"],
                document=data.get("document"),
            )
            return Response(PaymentSerializer(payment, context={"request": request}).data, status=201)

        return run_idempotently(request, produce)


class PaymentDocumentView(SellerAPIView):
    @extend_schema(
        operation_id="payments_document",
        summary="Download a payment's supporting document (S3: a redirect to a short-lived presigned URL)",
        parameters=[SELLER_PARAMETER],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="Redirect to a presigned URL of the private bucket."),
        },
    )
    def get(self, request, payment_id: int):
        return payment_document_response(payment_of(seller=request.seller, payment_id=payment_id))


# --- the ledger (reconciliation) ---------------------------------------------------------------------


class PaymentFilter(django_filters.FilterSet):
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices, method="_handled_by_selector")
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices, method="_handled_by_selector")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, method="_handled_by_selector")
    since = DateOrDateTimeFilter(method="_handled_by_selector", help_text="Date (inclusive) or datetime.")
    until = DateOrDateTimeFilter(
        method="_handled_by_selector", help_text="Date (that whole day included) or datetime (exclusive)."
    )

    class Meta:
        model = Payment
        fields = ["method", "status", "kind", "since", "until"]

    def _handled_by_selector(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        seller = getattr(self.request, "seller", None)
        if seller is None:  # schema generation
            return queryset.none()
        return ledger(seller=seller, **self.form.cleaned_data)


class PaymentCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class PaymentListView(SellerAPIView, ListAPIView):
    queryset = Payment.objects.none()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    pagination_class = PaymentCursorPagination

    def get_queryset(self):
        return ledger(seller=self.request.seller)

    @extend_schema(
        operation_id="payments_list",
        summary="The seller's payments ledger (payments, refunds, reversals), newest first",
        parameters=[SELLER_PARAMETER],
        responses={200: PaymentSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- the marketplace feed -------------------------------------------------------------------------------


FEED_STATUS_CHOICES = [(status, status) for status in (FeedStatus.CONFIRMED, FeedStatus.FAILED, FeedStatus.REFUNDED)]


class IntakePaymentSerializer(IntakeOrderRefSerializer):
    reference = serializers.CharField(
        max_length=80, help_text="The marketplace's payment reference: a resend with the same one answers 200, once."
    )
    status = serializers.ChoiceField(choices=FEED_STATUS_CHOICES)
    amount = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Default: the balance (confirmed, failed) or all that was paid (refunded).",
    )


class IntakePaymentResponseSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField()
    order_payment_status = serializers.CharField(source="order.payment_status")

    class Meta:
        model = Payment
        fields = ["id", "order_id", "reference", "kind", "status", "amount", "currency", "created_at",
                  "order_payment_status"]  # fmt: skip


class IntakePaymentView(IntakeView):
    serializer_class = IntakePaymentSerializer

    @extend_schema(
        operation_id="intake_payments_create",
        summary="The marketplace confirms, fails or refunds a payment of an order (by its external id)",
        description="201 with the ledger row; 200 with the stored one when (`reference`, `status`) was already "
        "received (409 if with another amount). 409 when the amount exceeds the balance (confirmed) or what "
        "was paid (refunded).",
        request=IntakePaymentSerializer,
        responses={201: IntakePaymentResponseSerializer, 200: IntakePaymentResponseSerializer},
        parameters=[OpenApiParameter("external_id", OpenApiTypes.STR, OpenApiParameter.PATH)],
    )
    def post(self, request, external_id: str):
        serializer = IntakePaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = _intake_order(request, external_id, data["site"])
        payment, created = record_feed_payment(
            order_id=order.pk,
            seller=order.seller,
            reference=data["reference"],
            status=data["status"],
            amount=data["amount"] or None,
        )
        payment.order.refresh_from_db(fields=["payment_status"])
        return Response(
            IntakePaymentResponseSerializer(payment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
