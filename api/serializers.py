"""Shapes of the API's bodies. They check types and sizes; business rules stay in the services."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.files import presigned_url
from evidence.files import has_public_url
from evidence.models import AttemptReason, DeliveryAttempt, DeliveryEvidence, EvidenceKind
from fulfillment.selectors import sla_clock
from orders.models import DeliveryMethod, DocumentType, Order, OrderEvent, OrderLine, PaymentMethod, PaymentStatus
from orders.workflow import SELLER_ACTIONS, allowed_actions, event_label
from payments.models import Payment
from payments.selectors import order_payments
from sellers.models import MarketplaceSite, Seller

# 12 digits with 2 decimals in the database: a larger total must be refused, not crash on insert
MAX_AMOUNT = Decimal("9999999999.99")

# --- Auth -----------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    device_name = serializers.CharField(max_length=100)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown only once.")
    token_key = serializers.CharField(help_text="Public id of the token, to revoke it.")
    expiry = serializers.DateTimeField(allow_null=True)
    device_name = serializers.CharField()


class DeviceTokenSerializer(serializers.Serializer):
    token_key = serializers.CharField()
    device_name = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_current(self, token) -> bool:
        current = self.context.get("current_digest")
        return current is not None and token.digest == current


# --- Orders (read) --------------------------------------------------------------------------------


def _allowed(order: Order) -> list[str]:
    # the view already resolved the user's seller, so membership needs no query per row
    return allowed_actions(order, None, is_member=True)


class AllowedActionsField(serializers.ListField):
    child = serializers.ChoiceField(choices=SELLER_ACTIONS)


class SlaSerializer(serializers.Serializer):
    """The order's next deadline, the action it asks for and what missing it costs (null when none is open)."""

    rule = serializers.CharField(allow_null=True, help_text="The penalty rule at stake; null for a direct sale.")
    action = serializers.CharField()
    action_label = serializers.CharField()
    deadline = serializers.DateTimeField(allow_null=True, help_text="Null for a direct sale: no marketplace deadline.")
    overdue = serializers.BooleanField(help_text="Acting now raises the penalty below.")
    penalties_apply = serializers.BooleanField(
        help_text="False for a direct sale («Venta directa»): no marketplace deadline, warning or penalty."
    )
    penalty_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    penalty_currency = serializers.CharField(allow_null=True)
    penalty_clause = serializers.CharField(allow_null=True)
    text = serializers.CharField(
        help_text="E.g. «Iniciar manejo antes de las 14:30 — si no, penalidad S/ 50 …»; for a direct sale "
        "«Iniciar manejo — Venta directa: sin penalidad del marketplace»."
    )


# one bound instance serves every row: a new serializer per row would copy its fields each time
_SLA_SHAPE = SlaSerializer()


class OrderListItemSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code", allow_null=True, help_text="Null for a direct sale.")
    status_display = serializers.CharField(source="get_status_display")
    payment_status_display = serializers.CharField(source="get_payment_status_display")
    allowed_actions = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "channel",
            "site",
            "placed_at",
            "buyer_full_name",
            "total",
            "currency",
            "status",
            "status_display",
            "handling_deadline",
            "payment_method",
            "payment_status",
            "payment_status_display",
            "logistics_mode",
            "allowed_actions",
            "sla",
        ]

    @extend_schema_field(AllowedActionsField())
    def get_allowed_actions(self, order) -> list[str]:
        return _allowed(order)

    @extend_schema_field(SlaSerializer(allow_null=True))
    def get_sla(self, order):
        # every row shares the request's seller, whose contract came with the membership: no query per row
        clock = sla_clock(order)
        return _SLA_SHAPE.to_representation(clock.as_dict()) if clock else None


class OrderLineSerializer(serializers.ModelSerializer):
    line_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "sku", "name", "quantity", "unit_price", "line_total"]


class BuyerSerializer(serializers.Serializer):
    full_name = serializers.CharField(source="buyer_full_name")
    document_type = serializers.CharField(source="buyer_document_type")
    document_number = serializers.CharField(source="buyer_document_number")
    phone = serializers.CharField(source="buyer_phone")
    email = serializers.CharField(source="buyer_email")


class ShippingSerializer(serializers.Serializer):
    delivery_method = serializers.CharField()
    address = serializers.CharField(source="shipping_address")
    district = serializers.CharField(source="shipping_district")
    city = serializers.CharField(source="shipping_city")
    region = serializers.CharField(source="shipping_region")
    reference = serializers.CharField(source="shipping_reference")
    pickup_point_name = serializers.CharField()


class TotalsSerializer(serializers.Serializer):
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()


class ShipmentSerializer(serializers.Serializer):
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    tracking_url = serializers.CharField()
    guide_number = serializers.CharField()
    shipped_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class EvidenceWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="A file: its short-lived presigned URL (S3) or the authenticated download endpoint. "
        "A link: the https URL given."
    )
    thumbnail_url = serializers.SerializerMethodField(help_text="A small JPEG of an image evidence, or null.")
    kind_display = serializers.CharField(source="get_kind_display")
    review_state_display = serializers.CharField(source="get_review_state_display")
    superseded_by = serializers.SerializerMethodField(help_text="The id of the evidence that replaced this one.")
    counts_as_valid = serializers.BooleanField(help_text="Not rejected and not superseded.")
    warnings = serializers.SerializerMethodField(help_text="Differences an operator will look at; never refusals.")

    class Meta:
        model = DeliveryEvidence
        fields = [
            "id",
            "kind",
            "kind_display",
            "download_url",
            "thumbnail_url",
            "url",
            "content_type",
            "original_content_type",
            "size_bytes",
            "sha256",
            "stored_sha256",
            "original_filename",
            "receiver_full_name",
            "receiver_document_number",
            "received_at",
            "signature_present",
            "captured_at",
            "capture_latitude",
            "capture_longitude",
            "capture_device",
            "warnings",
            "review_state",
            "review_state_display",
            "rejection_reason",
            "reviewed_at",
            "supersedes",
            "superseded_by",
            "counts_as_valid",
            "created_at",
        ]

    def _file_url(self, evidence, stored, route: str, **query) -> str:
        if has_public_url(evidence):
            content_type = "image/jpeg" if stored is evidence.thumbnail else evidence.content_type
            return presigned_url(stored, content_type=content_type, filename=f"evidencia-{evidence.pk}")
        url = reverse(route, args=[evidence.pk])
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, evidence) -> str:
        if not evidence.file:
            return evidence.url
        return self._file_url(evidence, evidence.file, "api-evidence-file")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, evidence) -> str | None:
        if not evidence.thumbnail:
            return None
        return self._file_url(evidence, evidence.thumbnail, "api-evidence-file", size="thumbnail")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, evidence) -> int | None:
        replacement = getattr(evidence, "superseded_by", None)
        return replacement.pk if replacement else None

    @extend_schema_field(EvidenceWarningSerializer(many=True))
    def get_warnings(self, evidence) -> list[dict]:
        pairs = zip(evidence.warnings, evidence.warning_texts, strict=True)
        return [{"code": code, "text": text} for code, text in pairs]


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    reason_display = serializers.CharField(source="get_reason_display")
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryAttempt
        fields = [
            "id",
            "number",
            "reason",
            "reason_display",
            "note",
            "attempted_at",
            "photo_url",
            "order_status",
            "created_at",
        ]

    order_status = serializers.CharField(source="order.status", help_text="Where the order stands after it.")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo_url(self, attempt) -> str | None:
        if not attempt.photo:
            return None
        url = reverse("api-attempt-photo", args=[attempt.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AttemptInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=AttemptReason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    attempted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    photo = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="Optional: JPEG, PNG, WebP or HEIC; at most 10 MB."
    )


class CancellationSerializer(serializers.Serializer):
    cancellation_type = serializers.CharField(source="reason_id")
    cancellation_type_display = serializers.CharField(source="get_cancellation_type_display")
    text = serializers.CharField()
    responsible = serializers.CharField()
    created_at = serializers.DateTimeField()


class CancellationRequestSerializer(serializers.Serializer):
    """The buyer's latest cancellation request; `pending` ones hold the order until answered."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    reason = serializers.CharField(source="reason.code")
    reason_display = serializers.CharField(source="reason.label")
    text = serializers.CharField()
    deadline = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    accepted_automatically = serializers.BooleanField()
    rejection_reason = serializers.CharField()
    rejection_tracking_number = serializers.CharField()
    created_at = serializers.DateTimeField()


class OrderDisputeSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    reason = serializers.CharField(source="reason.code")
    respond_by = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField()


class OrderEventSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="What the kind means, in the request's language.")
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = OrderEvent
        fields = ["id", "kind", "label", "actor", "from_status", "to_status", "payload", "created_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_label(self, event) -> str:
        # the dashboard's and the admin's words for the kind, in the request's language
        return event_label(event.kind)


class PaymentSerializer(serializers.ModelSerializer):
    """One ledger row: a payment, a refund or a reversal of an earlier row (rows are never edited)."""

    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    method_display = serializers.CharField(source="get_method_display")
    source_display = serializers.CharField(source="get_source_display")
    registered_by = serializers.CharField(source="created_by_label", help_text="The user, or `marketplace`/`system`.")
    document_url = serializers.SerializerMethodField(help_text="The supporting document's download endpoint, or null.")

    class Meta:
        model = Payment
        fields = [
            "id",
            "order_id",
            "order_number",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "method",
            "method_display",
            "amount",
            "effect",
            "currency",
            "reference",
            "note",
            "reverses",
            "document_url",
            "source",
            "source_display",
            "registered_by",
            "created_at",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document_url(self, payment) -> str | None:
        if not payment.document:
            return None
        url = reverse("api-payment-document", args=[payment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class PaymentSummarySerializer(serializers.Serializer):
    received = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Payments less reversed ones.")
    refunded = serializers.DecimalField(max_digits=12, decimal_places=2)
    balance = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Still to be received.")
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="Transfer / payment link with nothing paid: canceled («Pago no recibido») then."
    )
    can_register = serializers.BooleanField(help_text="«Registrar pago» is offered for this order.")
    payments = PaymentSerializer(source="rows", many=True)


class OrderDetailSerializer(OrderListItemSerializer):
    site_name = serializers.CharField(source="origin_label", help_text="The site's name, or «Venta directa».")
    buyer = BuyerSerializer(source="*")
    shipping = ShippingSerializer(source="*")
    totals = TotalsSerializer(source="*")
    lines = OrderLineSerializer(many=True)
    shipment = serializers.SerializerMethodField()
    delivery_evidence = EvidenceSerializer(many=True)
    delivery_attempts = DeliveryAttemptSerializer(many=True, help_text="Failed delivery attempts, in order.")
    cancellation = serializers.SerializerMethodField()
    cancellation_request = serializers.SerializerMethodField()
    disputes = serializers.SerializerMethodField()
    on_hold_reason = serializers.CharField()
    events = OrderEventSerializer(many=True)
    payment = serializers.SerializerMethodField(help_text="The order's ledger and what is still to be paid.")

    class Meta(OrderListItemSerializer.Meta):
        fields = [
            *OrderListItemSerializer.Meta.fields,
            "site_name",
            "external_id",
            "payment",
            "buyer",
            "shipping",
            "totals",
            "lines",
            "shipment",
            "delivery_evidence",
            "delivery_attempts",
            "cancellation",
            "cancellation_request",
            "disputes",
            "on_hold_reason",
            "events",
            "handling_started_at",
            "shipped_at",
            "delivered_at",
            "canceled_at",
            "returned_at",
        ]

    @extend_schema_field(ShipmentSerializer(allow_null=True))
    def get_shipment(self, order):
        try:
            return ShipmentSerializer(order.shipment).data
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(PaymentSummarySerializer)
    def get_payment(self, order):
        summary = order_payments(seller=order.seller, order=order)
        return PaymentSummarySerializer(summary, context=self.context).data

    @extend_schema_field(CancellationSerializer(allow_null=True))
    def get_cancellation(self, order):
        try:
            return CancellationSerializer(order.cancellation).data
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(CancellationRequestSerializer(allow_null=True))
    def get_cancellation_request(self, order):
        latest = order.cancellation_requests.select_related("reason").order_by("-created_at", "-id").first()
        return CancellationRequestSerializer(latest).data if latest is not None else None

    @extend_schema_field(OrderDisputeSummarySerializer(many=True))
    def get_disputes(self, order):
        disputes = order.disputes.select_related("reason").order_by("-created_at", "-id")
        return OrderDisputeSummarySerializer(disputes, many=True).data


class StatusCountsSerializer(serializers.Serializer):
    pending_handling = serializers.IntegerField()
    ready_to_ship = serializers.IntegerField()
    shipped = serializers.IntegerField()
    delivered = serializers.IntegerField()
    canceled = serializers.IntegerField()
    returned = serializers.IntegerField()
    all = serializers.IntegerField()


# --- Orders (actions) -----------------------------------------------------------------------------


class ShipInputSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100)
    tracking_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    guide_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    shipped_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class _EvidenceFieldsSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    receiver_full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    receiver_document_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    signature_present = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="For a signed guide: does it bear a signature?"
    )
    supersedes = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="The id of a mistaken evidence of this order that this one replaces (both are kept).",
    )


class EvidenceUploadSerializer(_EvidenceFieldsSerializer):
    file = serializers.FileField(
        help_text="JPEG, PNG, WebP, HEIC or PDF, checked by content; at most 10 MB. Images are stored "
        "re-encoded without metadata; capture time and place from EXIF are kept as fields."
    )


class EvidenceUrlSerializer(_EvidenceFieldsSerializer):
    url = serializers.CharField(max_length=500, help_text="An https link to the proof.")


class EvidenceInputSerializer(_EvidenceFieldsSerializer):
    """What the view validates: a file or a URL (the service insists on exactly one)."""

    file = serializers.FileField(required=False, allow_null=True, default=None)
    url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DeliverInputSerializer(serializers.Serializer):
    cash_collected = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Cash on delivery: the amount collected, registered as its payment in the same transaction. "
        "Empty: not collected (the order shows under `?payment=cod_unpaid`).",
    )


class CancelInputSerializer(serializers.Serializer):
    # the reasons are data (admin-managed); the service checks the code against the active ones
    cancellation_type = serializers.CharField(
        max_length=40, help_text="A cancellation reason code usable by sellers, e.g. `canceled_by_seller`."
    )
    text = serializers.CharField(max_length=2000)
    responsible = serializers.CharField(max_length=150, help_text="Full name of whoever answers for it.")


# --- Intake ---------------------------------------------------------------------------------------


class IntakeLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))


# what the feed may say of an order's payment when it sends the order
INTAKE_PAYMENT_STATUS_CHOICES = [(PaymentStatus.PENDING.value, "pending"), (PaymentStatus.PAID.value, "paid")]


class IntakeOrderSerializer(serializers.Serializer):
    seller_tax_id = serializers.SlugRelatedField(
        slug_field="tax_id",
        queryset=Seller.objects.filter(is_active=True),
        required=False,
        help_text="The seller's RUC (or give seller_id).",
    )
    seller_id = serializers.PrimaryKeyRelatedField(queryset=Seller.objects.filter(is_active=True), required=False)
    site = serializers.SlugRelatedField(slug_field="code", queryset=MarketplaceSite.objects.all())
    number = serializers.CharField(max_length=40)
    external_id = serializers.CharField(max_length=80)
    placed_at = serializers.DateTimeField()
    buyer_full_name = serializers.CharField(max_length=200)
    buyer_document_type = serializers.ChoiceField(choices=DocumentType.choices)
    buyer_document_number = serializers.CharField(max_length=20)
    buyer_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    buyer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices, default=DeliveryMethod.HOME_DELIVERY)
    shipping_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    shipping_district = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    shipping_city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    shipping_region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    shipping_reference = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    pickup_point_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    payment_status = serializers.ChoiceField(
        choices=INTAKE_PAYMENT_STATUS_CHOICES,
        default=PaymentStatus.PAID,
        help_text="`paid`: the marketplace collected it (recorded in the ledger); later changes go to "
        "`/intake/orders/{external_id}/payments/`.",
    )
    currency = serializers.RegexField(r"^[A-Z]{3}$", max_length=3, default="PEN")
    shipping_total = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), default=Decimal("0.00")
    )
    # a ListField (not many=True) so the schema states minItems/maxItems
    lines = serializers.ListField(child=IntakeLineSerializer(), min_length=1, max_length=500)

    def validate(self, attrs):
        tax_seller, id_seller = attrs.pop("seller_tax_id", None), attrs.pop("seller_id", None)
        if (tax_seller is None) == (id_seller is None):
            raise serializers.ValidationError({"seller_tax_id": [_("Indica seller_tax_id o seller_id (uno).")]})
        attrs["seller"] = tax_seller or id_seller
        if attrs["delivery_method"] == DeliveryMethod.HOME_DELIVERY and not attrs["shipping_address"].strip():
            raise serializers.ValidationError({"shipping_address": [_("Requerido para despacho a domicilio.")]})
        if attrs["delivery_method"] == DeliveryMethod.PICKUP_POINT and not attrs["pickup_point_name"].strip():
            raise serializers.ValidationError({"pickup_point_name": [_("Requerido para retiro en punto de recojo.")]})
        subtotal = sum((line["unit_price"] * line["quantity"] for line in attrs["lines"]), Decimal("0"))
        if subtotal + attrs["shipping_total"] > MAX_AMOUNT:
            raise serializers.ValidationError({"lines": [_("El total de la orden es demasiado grande.")]})
        return attrs


class IntakeOrderResponseSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    seller_id = serializers.IntegerField()

    class Meta:
        model = Order
        fields = [
            "id",
            "seller_id",
            "site",
            "number",
            "external_id",
            "status",
            "placed_at",
            "total",
            "currency",
            "handling_deadline",
        ]
