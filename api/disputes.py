"""Disputes and buyer cancellation requests for a seller's devices: thin wrappers over disputes.services."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from api.orders import (
    IDEMPOTENCY_PARAMETER,
    SELLER_PARAMETER,
    UPLOAD_OVERHEAD_BYTES,
    OrderActionView,
    SellerAPIView,
    _action_schema,
    _ensure_own_order,
    _validated,
)
from core.errors import PayloadTooLarge
from core.idempotency import run_idempotently
from core.ids import MAX_ID
from disputes.files import attachment_file_response
from disputes.models import (
    CancellationReason,
    Dispute,
    DisputeAttachment,
    DisputeMessage,
    DisputeStatus,
    Party,
    Resolution,
)
from disputes.selectors import dispute_detail, dispute_list, stored_attachment, usable_reasons
from disputes.services import (
    MAX_ATTACHMENTS,
    accept_cancellation_request,
    open_dispute,
    post_message,
    reject_cancellation_request,
    resolve_dispute,
)

# --- Shapes -----------------------------------------------------------------------------------------


class ReasonSerializer(serializers.ModelSerializer):
    label = serializers.CharField(help_text="In the request's language.")

    class Meta:
        model = CancellationReason
        fields = ["code", "label", "is_cancellation", "is_dispute_type"]


class DisputeAttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DisputeAttachment
        fields = ["id", "original_filename", "content_type", "size_bytes", "sha256", "download_url", "created_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment) -> str:
        url = reverse("api-dispute-attachment-file", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class DisputeMessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_label")
    attachments = DisputeAttachmentSerializer(many=True)

    class Meta:
        model = DisputeMessage
        fields = ["id", "party", "author", "text", "attachments", "created_at"]


class DisputeSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    reason = serializers.CharField(source="reason.code")
    reason_display = serializers.CharField(source="reason.label")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Dispute
        fields = [
            "id",
            "order_id",
            "order_number",
            "reason",
            "reason_display",
            "opened_by_party",
            "text",
            "responsible",
            "status",
            "status_display",
            "respond_by",
            "resolution",
            "resolution_note",
            "refund_amount",
            "created_at",
            "updated_at",
        ]


class DisputeDetailSerializer(DisputeSerializer):
    messages = DisputeMessageSerializer(many=True)

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "messages"]


class DisputeCreateSerializer(serializers.Serializer):
    order_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=40, help_text="A dispute type usable by sellers: see /dispute-types/.")
    text = serializers.CharField(max_length=5000)
    responsible = serializers.CharField(max_length=150, help_text="Full name of whoever answers for it.")


class DisputeMessageInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_ATTACHMENTS,
        help_text="Up to 5 files (JPEG, PNG, WebP or PDF, checked by content; at most 10 MB each).",
    )


class DisputeResolveInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Resolution.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    refund_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="Why the seller refuses to cancel.")
    tracking_number = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the order was shipped: its shipment's tracking number.",
    )


# --- Views --------------------------------------------------------------------------------------------


class DisputeCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


STATUS_PARAMETER = OpenApiParameter(
    "status", OpenApiTypes.STR, enum=DisputeStatus.values, required=False, description="Only disputes in this status."
)


class DisputeTypesView(SellerAPIView):
    serializer_class = ReasonSerializer

    @extend_schema(
        operation_id="dispute_types_list",
        summary="The dispute types and cancellation reasons a seller may use",
        parameters=[SELLER_PARAMETER],
        responses={200: ReasonSerializer(many=True)},
    )
    def get(self, request):
        reasons = usable_reasons(party=Party.SELLER, dispute=True) | usable_reasons(party=Party.SELLER, dispute=False)
        return Response(ReasonSerializer(reasons.distinct().order_by("position", "code"), many=True).data)


class DisputeListView(SellerAPIView, ListAPIView):
    serializer_class = DisputeSerializer
    pagination_class = DisputeCursorPagination
    parser_classes = [JSONParser]

    def get_queryset(self):
        wanted = self.request.query_params.get("status") or None
        return dispute_list(seller=self.request.seller, status=wanted if wanted in DisputeStatus.values else None)

    @extend_schema(
        operation_id="disputes_list",
        summary="The seller's disputes, newest first",
        parameters=[SELLER_PARAMETER, STATUS_PARAMETER],
        responses={200: DisputeSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="disputes_create",
        summary="«Crear controversia» on an order after «Iniciar manejo»",
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
        request=DisputeCreateSerializer,
        responses={201: DisputeDetailSerializer},
    )
    def post(self, request):
        def produce() -> Response:
            data = _validated(DisputeCreateSerializer, request)
            _ensure_own_order(request, data["order_id"])
            dispute, _created = open_dispute(
                order_id=data["order_id"],
                seller=request.seller,
                actor=request.user,
                party=Party.SELLER,
                reason_code=data["reason"],
                text=data["text"],
                responsible=data["responsible"],
            )
            detail = dispute_detail(seller=request.seller, dispute_id=dispute.pk)
            body = DisputeDetailSerializer(detail, context={"request": request}).data
            return Response(body, status=status.HTTP_201_CREATED)

        return run_idempotently(request, produce)


class DisputeDetailView(SellerAPIView):
    serializer_class = DisputeDetailSerializer

    @extend_schema(
        operation_id="disputes_retrieve",
        summary="One dispute with its thread",
        parameters=[SELLER_PARAMETER],
        responses={200: DisputeDetailSerializer},
    )
    def get(self, request, dispute_id: int):
        dispute = dispute_detail(seller=request.seller, dispute_id=dispute_id)
        return Response(DisputeDetailSerializer(dispute, context={"request": request}).data)


class DisputeMessagesView(SellerAPIView):
    parser_classes = [MultiPartParser, JSONParser]
    serializer_class = DisputeMessageInputSerializer

    @extend_schema(
        operation_id="disputes_messages_create",
        summary="Answer in a dispute's thread, with attachments (multipart) or text only (JSON)",
        parameters=[SELLER_PARAMETER, IDEMPOTENCY_PARAMETER],
        request={
            "multipart/form-data": DisputeMessageInputSerializer,
            "application/json": DisputeMessageInputSerializer,
        },
        responses={201: DisputeMessageSerializer},
    )
    def post(self, request, dispute_id: int):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.EVIDENCE_MAX_UPLOAD_BYTES * MAX_ATTACHMENTS
        if declared.isdigit() and int(declared) > limit + UPLOAD_OVERHEAD_BYTES:
            raise PayloadTooLarge(
                _("Los adjuntos son demasiado grandes."), fields={"attachments": [_("demasiado grande")]}
            )

        def produce() -> Response:
            # another seller's id is 404 before any input is judged
            dispute_detail(seller=request.seller, dispute_id=dispute_id)
            data = _validated(DisputeMessageInputSerializer, request)
            message = post_message(
                dispute_id=dispute_id,
                seller=request.seller,
                actor=request.user,
                party=Party.SELLER,
                text=data["text"],
                attachments=data["attachments"],
            )
            body = DisputeMessageSerializer(message, context={"request": request}).data
            return Response(body, status=status.HTTP_201_CREATED)

        return run_idempotently(request, produce)


class DisputeResolveView(SellerAPIView):
    parser_classes = [JSONParser]
    serializer_class = DisputeResolveInputSerializer

    @extend_schema(
        operation_id="disputes_resolve",
        summary="Resolve a dispute: operators only (in the admin); a seller's device always gets 403",
        parameters=[SELLER_PARAMETER],
        request=DisputeResolveInputSerializer,
        responses={200: DisputeDetailSerializer},
    )
    def post(self, request, dispute_id: int):
        dispute = dispute_detail(seller=request.seller, dispute_id=dispute_id)
        data = _validated(DisputeResolveInputSerializer, request)
        # the service refuses anyone but an operator who is not a member of the seller
        resolve_dispute(dispute_id=dispute.pk, actor=request.user, **data)
        dispute = dispute_detail(seller=request.seller, dispute_id=dispute_id)
        return Response(DisputeDetailSerializer(dispute, context={"request": request}).data)


class DisputeAttachmentFileView(SellerAPIView):
    @extend_schema(
        operation_id="dispute_attachment_file",
        summary="Download a dispute attachment",
        parameters=[SELLER_PARAMETER],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, attachment_id: int):
        return attachment_file_response(stored_attachment(seller=request.seller, attachment_id=attachment_id))


class AcceptCancellationRequestView(OrderActionView):
    @_action_schema(
        "orders_cancellation_request_accept", "Accept the buyer's pending cancellation request: -> Cancelada"
    )
    def post(self, request, order_id: int):
        return super().post(request, order_id)

    def act(self, request, order_id):
        accept_cancellation_request(order_id=order_id, seller=request.seller, actor=request.user)


class RejectCancellationRequestView(OrderActionView):
    serializer_class = RejectInputSerializer

    @_action_schema(
        "orders_cancellation_request_reject",
        "Reject the buyer's pending cancellation request (a shipped order needs its tracking number)",
        request=RejectInputSerializer,
    )
    def post(self, request, order_id: int):
        return super().post(request, order_id)

    def act(self, request, order_id):
        data = _validated(RejectInputSerializer, request)
        reject_cancellation_request(order_id=order_id, seller=request.seller, actor=request.user, **data)
