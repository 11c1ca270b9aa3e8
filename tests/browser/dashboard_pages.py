"""Every dashboard page a seller can open, in the states worth looking at, for the accessibility and
screenshot tests. The list is checked against dashboard/urls.py: a new route needs an entry in
PAGES (a page) or NOT_PAGES (what it is instead), or tests/browser/test_accessibility.py fails.

To add a page: write `"url_name": [("screenshot-name", lambda w: reverse(...)), ...]` in PAGES,
building what it shows in `build_world` if the data it needs is not there yet.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from catalog.models import StockItem
from catalog.uploads import read_upload
from disputes.models import Party
from disputes.services import open_dispute, request_cancellation
from fulfillment.deadlines import enforce_deadlines
from notifications.services import notify_members
from orders.models import Status
from tests.factories import OrderFactory, UserFactory, order_in_status, order_with_stock

Variant = tuple[str, Callable[[SimpleNamespace], str]]


def photo(name: str = "entrega.png", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 140, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def build_world(*, seller, owner) -> SimpleNamespace:
    """One seller's orders in every state, with what each page shows: deadlines, a penalty, a buyer's
    cancellation request, disputes, evidence and notices."""
    now = timezone.now()
    w = SimpleNamespace()
    for i, status in enumerate([Status.SHIPPED, Status.DELIVERED, Status.READY_TO_SHIP, Status.CANCELED]):
        OrderFactory(seller=seller, status=status, placed_at=now - timedelta(hours=30 + i))
    w.pending = order_with_stock(
        seller=seller, placed_at=now - timedelta(hours=21), buyer_full_name="María Fernanda Huamán Ríos"
    )
    # late: the sweep raises its penalty, the page shows what acting now costs
    w.late = order_with_stock(
        seller=seller, placed_at=now - timedelta(days=3), handling_deadline=now - timedelta(days=2)
    )
    enforce_deadlines(now=now)
    w.ready = order_in_status(Status.READY_TO_SHIP, seller=seller, actor=owner)
    w.shipped = order_in_status(Status.SHIPPED, seller=seller, actor=owner)
    w.requested = order_in_status(Status.SHIPPED, seller=seller, actor=owner, buyer_full_name="Jorge Villanueva Salas")
    request_cancellation(order_id=w.requested.pk, seller=seller, text="Ya no lo necesito", reference="CR-1")
    w.delivered = order_in_status(Status.DELIVERED, seller=seller, actor=owner, evidence_file=photo())
    w.evidence = w.delivered.delivery_evidence.get()
    w.canceled = order_in_status(Status.CANCELED, seller=seller, actor=owner)
    w.disputed = order_in_status(Status.DELIVERED, seller=seller, actor=owner, buyer_full_name="Rosa Quispe Mamani")
    w.dispute, _ = open_dispute(
        order_id=w.disputed.pk,
        seller=seller,
        actor=None,
        party=Party.BUYER,
        reason_code="product_damaged",
        text="Llegó con la caja rota",
        responsible="Comprador",
    )
    notify_members(seller=seller, kind="new_order", text=f"Nueva orden #{w.pending.number}", order=w.pending)
    notify_members(seller=seller, kind="new_order", text="Aviso sin orden")
    # stock: a SKU with its movements (the orders above), an upload with good and bad rows in preview
    w.stock_item = StockItem.objects.filter(seller=seller).order_by("pk").first()
    sheet = f"sku,quantity,name\n{w.stock_item.sku},12,\nNUEVO-1,7,Producto nuevo\nMALO-1,-2,\n"
    w.upload = read_upload(
        seller=seller, actor=owner, file=SimpleUploadedFile("stock.csv", sheet.encode(), content_type="text/csv")
    )
    w.stranger = UserFactory(username="sin_seller")
    return w


def order(attr: str) -> Callable[[SimpleNamespace], str]:
    return lambda w: reverse("dashboard:order_detail", args=[getattr(w, attr).pk])


# url name -> the states of that page to check (screenshot name, path)
PAGES: dict[str, list[Variant]] = {
    "order_list": [
        ("orders", lambda w: reverse("dashboard:order_list")),
        ("orders-pending", lambda w: reverse("dashboard:order_list") + "?status=pending_handling&orden=deadline"),
        # a reversed date range: the error beside «Desde», the dates as typed in Peru
        ("orders-filter-error", lambda w: reverse("dashboard:order_list") + "?desde=09/11/2026&hasta=02/11/2026"),
        ("orders-empty", lambda w: reverse("dashboard:order_list") + "?q=no-existe"),
    ],
    "order_new": [("order-new", lambda w: reverse("dashboard:order_new"))],
    "order_detail": [
        ("order-pending", order("pending")),
        ("order-late", order("late")),
        ("order-ready", order("ready")),
        ("order-shipped", order("shipped")),
        ("order-cancellation-request", order("requested")),
        ("order-delivered", order("delivered")),
        ("order-canceled", order("canceled")),
        ("order-disputed", order("disputed")),
    ],
    "evidence_viewer": [("evidence", lambda w: reverse("dashboard:evidence_viewer", args=[w.evidence.pk]))],
    "penalties": [("penalties", lambda w: reverse("dashboard:penalties"))],
    "disputes": [
        ("disputes", lambda w: reverse("dashboard:disputes")),
        ("disputes-awaiting", lambda w: reverse("dashboard:disputes") + "?status=awaiting_seller"),
    ],
    "dispute": [("dispute", lambda w: reverse("dashboard:dispute", args=[w.dispute.pk]))],
    "notifications": [("notifications", lambda w: reverse("dashboard:notifications"))],
    "stock": [
        ("stock", lambda w: reverse("dashboard:stock")),
        ("stock-low", lambda w: reverse("dashboard:stock") + "?estado=sin_stock"),
    ],
    "payments": [("payments", lambda w: reverse("dashboard:payments"))],
    "team": [("team", lambda w: reverse("dashboard:team"))],
    "stock_item": [("stock-item", lambda w: reverse("dashboard:stock_item", args=[w.stock_item.pk]))],
    "stock_upload": [("stock-upload", lambda w: reverse("dashboard:stock_upload", args=[w.upload.pk]))],
}

# pages outside dashboard/urls.py, checked logged out or as another user
LOGIN_PAGE: Variant = ("login", lambda w: reverse("login"))

# url name -> why it is not a page of its own
NOT_PAGES: dict[str, str] = {
    "start_handling": "POST only (a form on the order page)",
    "ship": "POST only (a form on the order page)",
    "add_evidence": "POST only (a form on the order page)",
    "deliver": "POST only (a form on the order page)",
    "cancel": "POST only (a form on the order page)",
    "record_attempt": "POST only (a form on the order page)",
    "open_dispute": "POST only (a form on the order page)",
    "accept_cancellation_request": "POST only (a form on the order page)",
    "reject_cancellation_request": "POST only (a form on the order page)",
    "dispute_reply": "POST only (a form on the dispute page)",
    "penalty_appeal": "POST only (a form on the penalties page)",
    "notifications_mark_read": "POST only (a button on the notifications page)",
    "switch_seller": "POST only (the header's seller switch)",
    "evidence_file": "a file (image or PDF), shown inside the evidence viewer",
    "attempt_photo": "a file (image)",
    "dispute_attachment": "a file (image or PDF)",
    "penalties_csv": "a CSV download",
    "stock_upload_new": "POST only (the upload form on the stock page; it leads to the upload's preview)",
    "stock_upload_confirm": "POST only (a button on the upload's preview)",
    "stock_set_quantity": "POST only (a form on each row of the stock page)",
    "payments_csv": "a CSV download",
    "payment_document": "a file (the payment's document)",
    "register_payment": "POST only (a form on the order page)",
    "team_invite": "POST only (a form on the team page)",
    "team_member": "POST only (a form on each member of the team page)",
    "team_member_remove": "POST only (a button on the team page)",
    "team_device_revoke": "POST only (a button on the team page)",
}
