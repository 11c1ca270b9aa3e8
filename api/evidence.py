"""Evidence reads and failed delivery attempts for a seller's devices: thin over evidence's services."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from api.orders import (
    IDEMPOTENCY_PARAMETER,
    SELLER_PARAMETER,
    UPLOAD_OVERHEAD_BYTES,
    SellerAPIView,
    _ensure_own_order,
    _validated,
)
from api.serializers import AttemptInputSerializer, DeliveryAttemptSerializer, EvidenceSerializer
from core.errors import PayloadTooLarge
from core.idempotency import run_idempotently
from evidence.files import attempt_photo_response
from evidence.selectors import attempt_photo, evidence_detail, order_attempts
from evidence.services import record_failed_attempt
from orders.selectors import order_detail


def refuse_oversized_body(request) -> None:
    """Answer 413 before reading a body far over the upload limit."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if declared.isdigit() and int(declared) > limit + UPLOAD_OVERHEAD_BYTES:
        raise PayloadTooLarge(
            _("El archivo es demasiado grande; el máximo es %(limit).0f MB.") % {"limit": limit / 1_048_576},
            fields={"file": [_("demasiado grande")]},
        )


class EvidenceDetailView(SellerAPIView):
    serializer_class = EvidenceSerializer

    @extend_schema(
        operation_id="evidence_retrieve",
        summary="One delivery evidence with its metadata, review state and supersession",
        parameters=[SELLER_PARAMETER],
        responses={200: EvidenceSerializer},
    )
    def get(self, request, evidence_id: int):
        evidence = evidence_detail(seller=request.seller, evidence_id=evidence_id)
        return Response(EvidenceSerializer(evidence, context={"request": request}).data)


class DeliveryAttemptsView(SellerAPIView):
    """GET the order's failed delivery attempts; POST one more (from «Enviada» only)."""

    parser_classes = [MultiPartParser, JSONParser]
    serializer_class = AttemptInputSerializer

    @extend_schema(
        operation_id="orders_attempts_list",
        summary="The order's failed delivery attempts",
        parameters=[SELLER_PARAMETER],
        responses={200: DeliveryAttemptSerializer(many=True)},
    )
    def get(self, request, order_id: int):
        order = order_detail(seller=request.seller, order_id=order_id)
        attempts = order_attempts(seller=request.seller, order=order)
        return Response(DeliveryAttemptSerializer(attempts, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="orders_attempts_create",
        summary="Record a failed delivery attempt (own courier); the contract's last one returns the order",
        request={"multipart/form-data": AttemptInputSerializer, "application/json": AttemptInputSerializer},
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
        responses={201: DeliveryAttemptSerializer},
    )
    def post(self, request, order_id: int):
        refuse_oversized_body(request)

        def produce() -> Response:
            _ensure_own_order(request, order_id)
            data = _validated(AttemptInputSerializer, request)
            attempt = record_failed_attempt(order_id=order_id, seller=request.seller, actor=request.user, **data)
            body = DeliveryAttemptSerializer(attempt, context={"request": request}).data
            return Response(body, status=status.HTTP_201_CREATED)

        return run_idempotently(request, produce)


class AttemptPhotoView(SellerAPIView):
    @extend_schema(
        operation_id="attempt_photo",
        summary="The photo of a failed delivery attempt (S3: a redirect to a short-lived presigned URL)",
        parameters=[SELLER_PARAMETER],
        responses={
            (200, "image/*"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="Redirect to a presigned URL of the private bucket."),
        },
    )
    def get(self, request, attempt_id: int):
        return attempt_photo_response(attempt_photo(seller=request.seller, attempt_id=attempt_id))
