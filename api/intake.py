"""The marketplace feed's door: creates orders, idempotent by (site, external id); buyers' cancellation
requests and disputes on those orders, idempotent by the marketplace's reference."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api.authentication import IntegrationCredentialAuthentication
from api.permissions import IsIntegration
from api.serializers import IntakeOrderResponseSerializer, IntakeOrderSerializer
from core.errors import NotFound
from disputes.models import CancellationRequest, Dispute, DisputeMessage, Party
from disputes.selectors import latest_dispute
from disputes.services import open_dispute, post_message, request_cancellation
from orders.models import Order
from orders.services import LineInput, OrderInput, receive_order
from sellers.models import MarketplaceSite


class IntakeOrderView(GenericAPIView):
    authentication_classes = [IntegrationCredentialAuthentication]
    permission_classes = [IsIntegration]
    parser_classes = [JSONParser]
    serializer_class = IntakeOrderSerializer

    @extend_schema(
        operation_id="intake_orders_create",
        summary="Receive an order from the marketplace feed",
        description="201 with the new order; 200 with the stored one when (site, external_id) was already received.",
        request=IntakeOrderSerializer,
        responses={201: IntakeOrderResponseSerializer, 200: IntakeOrderResponseSerializer},
    )
    def post(self, request):
        serializer = IntakeOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        seller, site = data.pop("seller"), data.pop("site")
        credential = request.auth
        allowed_sites = set(credential.sites.values_list("pk", flat=True))
        if allowed_sites and site.pk not in allowed_sites:
            raise PermissionDenied(
                _("Esta credencial no puede enviar órdenes del sitio %(site)s.") % {"site": site.code}
            )
        lines = [LineInput(**line) for line in data.pop("lines")]
        order, created = receive_order(seller=seller, site=site, data=OrderInput(lines=lines, **data))
        return Response(
            IntakeOrderResponseSerializer(order).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- Buyer cancellation requests and disputes ------------------------------------------------------
# The marketplace knows its orders by (site, external id), not by our ids: the path carries the
# order's external id and the body its site code, as on the order feed.


class IntakeOrderRefSerializer(serializers.Serializer):
    site = serializers.SlugRelatedField(
        slug_field="code", queryset=MarketplaceSite.objects.all(), help_text="The site's code, e.g. `plazavea`."
    )
    reference = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
        help_text="The marketplace's own id for this request: a resend with the same one answers 200, once.",
    )


class IntakeCancellationRequestSerializer(IntakeOrderRefSerializer):
    reason = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="Default `buyer_request`."
    )
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class IntakeDisputeSerializer(IntakeOrderRefSerializer):
    type = serializers.CharField(
        max_length=40, help_text="A dispute type usable by buyers, e.g. `product_not_received`, `product_damaged`."
    )
    text = serializers.CharField(max_length=5000)
    responsible = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", help_text="Default: the buyer's name."
    )


class IntakeCancellationRequestResponseSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField()
    reason = serializers.CharField(source="reason.code")

    class Meta:
        model = CancellationRequest
        fields = ["id", "order_id", "reference", "reason", "text", "status", "deadline", "created_at"]


class IntakeDisputeResponseSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField()
    type = serializers.CharField(source="reason.code")

    class Meta:
        model = Dispute
        fields = ["id", "order_id", "reference", "type", "text", "status", "respond_by", "created_at"]


def _intake_order(request, external_id: str, site: MarketplaceSite) -> Order:
    allowed_sites = set(request.auth.sites.values_list("pk", flat=True))
    if allowed_sites and site.pk not in allowed_sites:
        raise PermissionDenied(_("Esta credencial no puede operar en el sitio %(site)s.") % {"site": site.code})
    order = Order.objects.filter(site=site, external_id=external_id).select_related("seller").first()
    if order is None:
        raise NotFound(_("Orden no encontrada."))
    return order


class IntakeView(GenericAPIView):
    authentication_classes = [IntegrationCredentialAuthentication]
    permission_classes = [IsIntegration]
    parser_classes = [JSONParser]


class IntakeCancellationRequestView(IntakeView):
    serializer_class = IntakeCancellationRequestSerializer

    @extend_schema(
        operation_id="intake_cancellation_requests_create",
        summary="The buyer asks to cancel an order (by its external id); the seller has 72 h to answer",
        description="201 with the new request; 200 with the stored one when `reference` was already received. "
        "409 when the order can no longer be canceled or already has a pending request.",
        request=IntakeCancellationRequestSerializer,
        responses={201: IntakeCancellationRequestResponseSerializer, 200: IntakeCancellationRequestResponseSerializer},
    )
    def post(self, request, external_id: str):
        serializer = IntakeCancellationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = _intake_order(request, external_id, data["site"])
        cancellation_request, created = request_cancellation(
            order_id=order.pk,
            seller=order.seller,
            reason_code=data["reason"],
            text=data["text"],
            reference=data["reference"],
        )
        return Response(
            IntakeCancellationRequestResponseSerializer(cancellation_request).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class IntakeDisputeView(IntakeView):
    serializer_class = IntakeDisputeSerializer

    @extend_schema(
        operation_id="intake_disputes_create",
        summary="The buyer opens a dispute on an order (by its external id); the seller has 5 days to answer",
        description="201 with the new dispute; 200 with the stored one when `reference` was already received. "
        "409 when the order already has an open dispute or is canceled.",
        request=IntakeDisputeSerializer,
        responses={201: IntakeDisputeResponseSerializer, 200: IntakeDisputeResponseSerializer},
    )
    def post(self, request, external_id: str):
        serializer = IntakeDisputeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = _intake_order(request, external_id, data["site"])
        dispute, created = open_dispute(
            order_id=order.pk,
            seller=order.seller,
            actor=None,
            party=Party.BUYER,
            reason_code=data["type"],
            text=data["text"],
            responsible=data["responsible"] or order.buyer_full_name,
            reference=data["reference"],
        )
        return Response(
            IntakeDisputeResponseSerializer(dispute).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class IntakeDisputeMessageSerializer(IntakeOrderRefSerializer):
    text = serializers.CharField(max_length=5000)


class IntakeDisputeMessageResponseSerializer(serializers.ModelSerializer):
    dispute_id = serializers.IntegerField()
    dispute_status = serializers.CharField(source="dispute.status")
    respond_by = serializers.DateTimeField(source="dispute.respond_by", allow_null=True)

    class Meta:
        model = DisputeMessage
        fields = ["id", "dispute_id", "reference", "text", "created_at", "dispute_status", "respond_by"]


class IntakeDisputeMessageView(IntakeView):
    serializer_class = IntakeDisputeMessageSerializer

    @extend_schema(
        operation_id="intake_dispute_messages_create",
        summary="The buyer answers in the order's open dispute; the seller gets 5 days again",
        description="201 with the message; 200 with the stored one when `reference` was already received. "
        "404 when the order has no live dispute; 409 when its dispute is resolved or closed.",
        request=IntakeDisputeMessageSerializer,
        responses={201: IntakeDisputeMessageResponseSerializer, 200: IntakeDisputeMessageResponseSerializer},
    )
    def post(self, request, external_id: str):
        serializer = IntakeDisputeMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = _intake_order(request, external_id, data["site"])
        dispute = latest_dispute(order=order)
        if dispute is None:
            raise NotFound(_("La orden no tiene controversia."))
        existed = bool(data["reference"]) and dispute.messages.filter(reference=data["reference"]).exists()
        message = post_message(
            dispute_id=dispute.pk,
            seller=order.seller,
            actor=None,
            party=Party.BUYER,
            text=data["text"],
            reference=data["reference"],
        )
        return Response(
            IntakeDisputeMessageResponseSerializer(message).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )
