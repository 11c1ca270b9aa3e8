from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import auth, disputes, evidence, intake, orders, payments, penalties, stock

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", auth.TokenCreateView.as_view(), name="api-token"),
    path("auth/logout/", auth.LogoutView.as_view(), name="api-logout"),
    path("auth/tokens/", auth.DeviceTokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>/", auth.DeviceTokenDetailView.as_view(), name="api-token-detail"),
    path("orders/", orders.OrderListView.as_view(), name="api-orders"),
    path("orders/counts/", orders.OrderCountsView.as_view(), name="api-order-counts"),
    path("orders/<id:order_id>/", orders.OrderDetailView.as_view(), name="api-order-detail"),
    path("orders/<id:order_id>/start-handling/", orders.StartHandlingView.as_view(), name="api-order-start-handling"),
    path("orders/<id:order_id>/ship/", orders.ShipView.as_view(), name="api-order-ship"),
    path("orders/<id:order_id>/evidence/", orders.EvidenceView.as_view(), name="api-order-evidence"),
    path("orders/<id:order_id>/deliver/", orders.DeliverView.as_view(), name="api-order-deliver"),
    path("orders/<id:order_id>/cancel/", orders.CancelView.as_view(), name="api-order-cancel"),
    path("evidence/<id:evidence_id>/file/", orders.EvidenceFileView.as_view(), name="api-evidence-file"),
    path("evidence/<id:evidence_id>/", evidence.EvidenceDetailView.as_view(), name="api-evidence-detail"),
    path("orders/<id:order_id>/attempts/", evidence.DeliveryAttemptsView.as_view(), name="api-order-attempts"),
    path("attempts/<id:attempt_id>/photo/", evidence.AttemptPhotoView.as_view(), name="api-attempt-photo"),
    path("orders/<id:order_id>/payments/", payments.OrderPaymentsView.as_view(), name="api-order-payments"),
    path("payments/", payments.PaymentListView.as_view(), name="api-payments"),
    path("payments/<id:payment_id>/document/", payments.PaymentDocumentView.as_view(), name="api-payment-document"),
    path("penalties/", penalties.PenaltyListView.as_view(), name="api-penalties"),
    path("penalties/<id:penalty_id>/appeal/", penalties.PenaltyAppealView.as_view(), name="api-penalty-appeal"),
    path("stock/", stock.StockListView.as_view(), name="api-stock"),
    path("stock/<sku:sku>/", stock.StockDetailView.as_view(), name="api-stock-detail"),
    path("intake/orders/", intake.IntakeOrderView.as_view(), name="api-intake-orders"),
    path("disputes/", disputes.DisputeListView.as_view(), name="api-disputes"),
    path("disputes/<id:dispute_id>/", disputes.DisputeDetailView.as_view(), name="api-dispute-detail"),
    path("disputes/<id:dispute_id>/messages/", disputes.DisputeMessagesView.as_view(), name="api-dispute-messages"),
    path("disputes/<id:dispute_id>/resolve/", disputes.DisputeResolveView.as_view(), name="api-dispute-resolve"),
    path(
        "dispute-attachments/<id:attachment_id>/file/",
        disputes.DisputeAttachmentFileView.as_view(),
        name="api-dispute-attachment-file",
    ),
    path("dispute-types/", disputes.DisputeTypesView.as_view(), name="api-dispute-types"),
    path(
        "orders/<id:order_id>/cancellation-request/accept/",
        disputes.AcceptCancellationRequestView.as_view(),
        name="api-order-cancellation-request-accept",
    ),
    path(
        "orders/<id:order_id>/cancellation-request/reject/",
        disputes.RejectCancellationRequestView.as_view(),
        name="api-order-cancellation-request-reject",
    ),
    path(
        "intake/orders/<str:external_id>/cancellation-requests/",
        intake.IntakeCancellationRequestView.as_view(),
        name="api-intake-cancellation-requests",
    ),
    path(
        "intake/orders/<str:external_id>/disputes/",
        intake.IntakeDisputeView.as_view(),
        name="api-intake-disputes",
    ),
    path(
        "intake/orders/<str:external_id>/payments/",
        payments.IntakePaymentView.as_view(),
        name="api-intake-payments",
    ),
    path(
        "intake/orders/<str:external_id>/disputes/messages/",
        intake.IntakeDisputeMessageView.as_view(),
        name="api-intake-dispute-messages",
    ),
]
