"""Order endpoints for a seller's devices: thin wrappers over orders/fulfillment/evidence/disputes services."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.authentication import DeviceTokenAuthentication
from api.filters import OrderFilter
from api.manual_orders import ManualOrderSerializer, create_from_request
from api.pagination import OrderCursorPagination
from api.permissions import SELLER_HEADER, IsSellerMember
from api.serializers import (
    CancelInputSerializer,
    DeliverInputSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    EvidenceUrlSerializer,
    OrderDetailSerializer,
    OrderListItemSerializer,
    ShipInputSerializer,
    StatusCountsSerializer,
)
from catalog.services import StockUnavailable
from core.errors import NotFound, PayloadTooLarge
from core.idempotency import HEADER as IDEMPOTENCY_HEADER
from core.idempotency import run_idempotently
from disputes.services import cancel_order
from evidence.files import evidence_file_response
from evidence.models import DeliveryEvidence
from evidence.selectors import stored_evidence
from evidence.services import add_delivery_evidence, deliver
from fulfillment.services import ship, start_handling
from orders.models import Order
from orders.selectors import order_detail, order_list, status_counts
from payments.services import deliver_and_collect

SELLER_PARAMETER = OpenApiParameter(
    SELLER_HEADER,
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    required=False,
    description="Which of the user's sellers to act for (default: the first membership by name).",
)
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (<= 255 chars). A retry with the same key gets the first answer and has no "
    "second effect; the same key with another body answers 409.",
)
# multipart framing and the small text fields ride on top of the file itself
UPLOAD_OVERHEAD_BYTES = 64 * 1024


class SellerAPIView(GenericAPIView):
    """Authenticated by a device token; `request.seller` is the user's (chosen) seller."""

    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [IsAuthenticated, IsSellerMember]
    queryset = Order.objects.none()  # rows come from seller-scoped selectors; this only names the model


def _detail(request, order_id: int) -> Response:
    order = order_detail(seller=request.seller, order_id=order_id)
    # the evidence with what replaced it, in one query however many there are
    prefetch_related_objects(
        [order],
        Prefetch(
            "delivery_evidence",
            queryset=DeliveryEvidence.objects.select_related("supersedes", "superseded_by").order_by(
                "created_at", "id"
            ),
        ),
    )
    return Response(OrderDetailSerializer(order, context={"request": request}).data)


def _ensure_own_order(request, order_id: int) -> None:
    # another seller's id is 404 before any input is judged, so nothing about it leaks
    if not order_list(seller=request.seller).filter(pk=order_id).exists():
        raise NotFound(_("Orden no encontrada."))


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class OrderListView(SellerAPIView, ListAPIView):
    serializer_class = OrderListItemSerializer
    filterset_class = OrderFilter
    pagination_class = OrderCursorPagination

    def get_queryset(self):
        return order_list(seller=self.request.seller)

    def get_parsers(self):
        # the list only reads; a manual order is a JSON body
        return [JSONParser()]

    def get_serializer_class(self):
        # what a POST takes (the browsable API's form); the list answers with OrderListItemSerializer
        request = getattr(self, "request", None)
        return ManualOrderSerializer if request is not None and request.method == "POST" else OrderListItemSerializer

    @extend_schema(
        operation_id="orders_list",
        summary="The seller's orders, newest first",
        parameters=[SELLER_PARAMETER],
        responses={200: OrderListItemSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="orders_create",
        summary="Create a manual order («Venta directa»: a sale by phone or in the store)",
        description="Lines name the seller's SKUs (another seller's or an unknown SKU is 404, nothing created); "
        "the order starts «Para manejo» with a number V-000123, no marketplace deadline nor penalty. "
        "`payment_processed` («Pago ya procesado») registers the payment of the total.",
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
        request=ManualOrderSerializer,
        responses={201: OrderDetailSerializer},
    )
    def post(self, request, *args, **kwargs):
        return create_from_request(request, _detail)


class OrderCountsView(SellerAPIView):
    serializer_class = StatusCountsSerializer

    @extend_schema(
        operation_id="orders_counts",
        summary="How many orders in each status",
        parameters=[SELLER_PARAMETER],
        responses={200: StatusCountsSerializer},
    )
    def get(self, request):
        return Response(status_counts(seller=request.seller))


class OrderDetailView(SellerAPIView):
    serializer_class = OrderDetailSerializer

    @extend_schema(
        operation_id="orders_retrieve",
        summary="One order with lines, shipment, evidence and timeline",
        parameters=[SELLER_PARAMETER],
        responses={200: OrderDetailSerializer},
    )
    def get(self, request, order_id: int):
        return _detail(request, order_id)


class OrderActionView(SellerAPIView):
    """POST an action; the answer is the order as it is afterwards. Replays honour Idempotency-Key."""

    parser_classes = [JSONParser]
    serializer_class = OrderDetailSerializer

    def act(self, request, order_id: int) -> None:
        raise NotImplementedError

    def respond(self, request, order_id: int) -> Response:
        return _detail(request, order_id)

    def post(self, request, order_id: int):
        def produce() -> Response:
            _ensure_own_order(request, order_id)
            result = self.act(request, order_id)
            return result if isinstance(result, Response) else self.respond(request, order_id)

        return run_idempotently(request, produce)


def _action_schema(operation_id: str, summary: str, request=None, responses=None) -> Callable:
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        request=request,
        responses=responses or {200: OrderDetailSerializer},
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
    )


class StartHandlingView(OrderActionView):
    @_action_schema("orders_start_handling", "«Iniciar manejo»: Para manejo -> Para envío (reserves stock)")
    def post(self, request, order_id: int):
        return super().post(request, order_id)

    def act(self, request, order_id):
        try:
            start_handling(order_id=order_id, seller=request.seller, actor=request.user)
        except StockUnavailable as short:
            # where to set each short SKU's stock: PUT there with {"quantity": ...}
            short.fields["stock_url"] = [reverse("api-stock-detail", args=[sku]) for sku in short.short_skus]
            raise


class ShipView(OrderActionView):
    serializer_class = ShipInputSerializer  # what the browsable API's form offers

    @_action_schema("orders_ship", "«Realizar envío»: Para envío -> Enviada", request=ShipInputSerializer)
    def post(self, request, order_id: int):
        return super().post(request, order_id)

    def act(self, request, order_id):
        data = _validated(ShipInputSerializer, request)
        ship(order_id=order_id, seller=request.seller, actor=request.user, **data)


class DeliverView(OrderActionView):
    serializer_class = DeliverInputSerializer

    @_action_schema(
        "orders_deliver",
        "«Entregar»: Enviada -> Entregada (needs delivery evidence); cash on delivery: the cash collected",
        request=DeliverInputSerializer,
    )
    def post(self, request, order_id: int):
        return super().post(request, order_id)

    def act(self, request, order_id):
        data = _validated(DeliverInputSerializer, request)
        deliver_and_collect(
            order_id=order_id,
            seller=request.seller,
            actor=request.user,
            deliver=lambda: deliver(order_id=order_id, seller=request.seller, actor=request.user),
            cash_collected=data["cash_collected"] or None,
        )


class CancelView(OrderActionView):
    serializer_class = CancelInputSerializer

    @_action_schema("orders_cancel", "«Cancelar»: only while Para manejo", request=CancelInputSerializer)
    def post(self, request, order_id: int):
        return super().post(request, order_id)

    def act(self, request, order_id):
        data = _validated(CancelInputSerializer, request)
        cancel_order(order_id=order_id, seller=request.seller, actor=request.user, **data)


class EvidenceView(OrderActionView):
    parser_classes = [MultiPartParser, JSONParser]
    serializer_class = EvidenceInputSerializer

    @_action_schema(
        "orders_evidence_create",
        "Attach a delivery evidence: a file (multipart) or an https URL (JSON)",
        request={"multipart/form-data": EvidenceUploadSerializer, "application/json": EvidenceUrlSerializer},
        responses={201: EvidenceSerializer},
    )
    def post(self, request, order_id: int):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
        if declared.isdigit() and int(declared) > limit + UPLOAD_OVERHEAD_BYTES:
            # refuse before reading a body far over the limit
            raise PayloadTooLarge(
                _("El archivo es demasiado grande; el máximo es %(limit).0f MB.") % {"limit": limit / 1_048_576},
                fields={"file": [_("demasiado grande")]},
            )
        return super().post(request, order_id)

    def act(self, request, order_id):
        data = _validated(EvidenceInputSerializer, request)
        data["supersedes_id"] = data.pop("supersedes", None)
        evidence = add_delivery_evidence(order_id=order_id, seller=request.seller, actor=request.user, **data)
        return Response(EvidenceSerializer(evidence, context={"request": request}).data, status=status.HTTP_201_CREATED)


class EvidenceFileView(SellerAPIView):
    """The stored file of one of the seller's evidence; local files have no public URL."""

    @extend_schema(
        operation_id="evidence_file",
        summary="Download an evidence file (S3: a redirect to a short-lived presigned URL)",
        parameters=[
            SELLER_PARAMETER,
            OpenApiParameter("size", OpenApiTypes.STR, enum=["thumbnail"], required=False),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="Redirect to a presigned URL of the private bucket."),
        },
    )
    def get(self, request, evidence_id: int):
        evidence = stored_evidence(seller=request.seller, evidence_id=evidence_id)
        return evidence_file_response(evidence, thumbnail=request.query_params.get("size") == "thumbnail")
