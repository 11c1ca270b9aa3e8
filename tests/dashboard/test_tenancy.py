"""Seller A's member never reaches seller B's rows through any dashboard URL, present or future."""

import pytest
from django.urls import URLPattern, reverse

from dashboard import urls as dashboard_urls
from notifications.models import Notification
from orders.models import Order, Status
from sellers.models import DeviceToken, Membership
from tests.dashboard.conftest import make_order, png_upload, snapshot
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def routes_with_ids() -> list[URLPattern]:
    return [p for p in dashboard_urls.urlpatterns if p.pattern.converters]


def test_the_urlconf_has_object_routes_to_check():
    names = {p.name for p in routes_with_ids()}
    assert {"order_detail", "start_handling", "ship", "add_evidence", "deliver", "cancel", "evidence_file"} <= names


@pytest.mark.parametrize("pattern", routes_with_ids(), ids=lambda p: p.name)
@pytest.mark.parametrize("b_state", [Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED])
def test_another_sellers_ids_are_404_and_change_nothing(client_a, other_seller, other_owner, pattern, b_state):
    # given an order of seller B (with its evidence once delivered)
    order_b = make_order(seller=other_seller, actor=other_owner, state=b_state)
    evidence_b = order_b.delivery_evidence.first()
    attempt_b = order_b.delivery_attempts.first()
    ids = {
        "order_id": order_b.pk,
        "evidence_id": evidence_b.pk if evidence_b else 999_999,
        "attempt_id": attempt_b.pk if attempt_b else 999_999,
        **dispute_ids_of(order_b),
        "penalty_id": penalty_of(order_b),
        # B's team: its owner's membership and one of B's devices
        "membership_id": Membership.objects.get(user=other_owner, seller=other_seller).pk,
        "token_key": DeviceToken.objects.create(user=other_owner, device_name="Tel B")[0].token_key,
        **stock_ids_of(order_b, other_owner),
        "payment_id": payment_of(order_b),
    }
    unknown = set(pattern.pattern.converters) - set(ids)
    assert not unknown, f"teach this test the id kind(s) {unknown} of route {pattern.name}"
    url = reverse(f"dashboard:{pattern.name}", kwargs={k: ids[k] for k in pattern.pattern.converters})
    before = snapshot(order_b)
    # when A's member reads it and posts every kind of form to it
    answers = [client_a.get(url).status_code]
    for data in (
        {},
        {"carrier": "X", "tracking_number": "Y"},
        {"kind": "buyer_receiving", "file": png_upload()},
        {"cancellation_type": "canceled_by_seller", "text": "x", "responsible": "y"},
    ):
        answers.append(client_a.post(url, data).status_code)
    # then each answer is "not found" (or "method not allowed"), never the page or a redirect, and B's order is intact
    assert set(answers) <= {404, 405}
    assert 404 in answers
    assert snapshot(order_b) == before
    assert Membership.objects.get(user=other_owner, seller=other_seller).role == "owner"
    assert DeviceToken.objects.filter(user=other_owner).exists()


def stock_ids_of(order, user) -> dict:
    """B's SKU of the order, and B's pending stock upload that would set it to 0: the stock routes' ids."""
    from catalog.models import StockItem, StockUpload, StockUploadRow

    item = StockItem.objects.get(seller=order.seller, sku=order.lines.first().sku)
    upload = StockUpload.objects.create(seller=order.seller, created_by=user, filename="b.csv", row_count=1)
    StockUploadRow.objects.create(upload=upload, line=2, sku=item.sku, quantity=0)
    return {"item_id": item.pk, "upload_id": upload.pk}


def payment_of(order) -> int:
    """A ledger row of B's order with a supporting document: the payment routes' id."""
    from django.core.files.base import ContentFile

    from payments.models import Payment

    payment = Payment(
        seller=order.seller, order=order, kind="refund", method=order.payment_method, amount=1, effect=-1,
        currency="PEN", reference="R-1", source="operator", document_content_type="image/png",
    )  # fmt: skip
    payment.document.save("voucher.png", ContentFile(png_upload().read()), save=False)
    payment.save(force_insert=True)
    return payment.pk


def penalty_of(order) -> int:
    """A penalty on B's order: the penalty routes' id."""
    from fulfillment.models import Penalty

    return Penalty.objects.create(
        seller=order.seller, order=order, rule="late_handling", clause="19", deadline=order.handling_deadline,
        amount=50, currency="PEN", raised_at=order.handling_deadline,
    ).pk  # fmt: skip


def dispute_ids_of(order) -> dict:
    """A buyer's dispute on B's order, with an attached photo: the dispute routes' ids."""
    from disputes.services import open_dispute, post_message

    dispute, _ = open_dispute(
        order_id=order.pk, seller=order.seller, actor=None, party="buyer", reason_code="product_damaged",
        text="Llegó dañado", responsible="Comprador",
    )  # fmt: skip
    message = post_message(
        dispute_id=dispute.pk, seller=order.seller, actor=None, party="buyer", text="Foto", attachments=[png_upload()]
    )
    return {"dispute_id": dispute.pk, "attachment_id": message.attachments.get().pk}


def test_b_orders_never_in_a_list_or_counts(client_a, seller, other_seller):
    # given A with 3 orders and B with 5, some in the same statuses and with the same buyer name
    for status in (Status.PENDING_HANDLING, Status.SHIPPED, Status.SHIPPED):
        OrderFactory(seller=seller, status=status, buyer_full_name="Luis Rojas")
    b_orders = [OrderFactory(seller=other_seller, status=s, buyer_full_name="Luis Rojas") for s in Status.values]
    # when A's member looks at each tab, and searches B's numbers and buyer
    for status in ["", *Status.values]:
        response = client_a.get(reverse("dashboard:order_list"), {"status": status})
        html = response.content.decode()
        shown = {o.pk for o in response.context["page"].rows}
        # then only A's orders are there and the counts are A's
        assert shown == set(
            Order.objects.filter(seller=seller, **({"status": status} if status else {})).values_list("pk", flat=True)
        )
        for order in b_orders:
            assert f"#{order.number}<" not in html
    tabs = {t["code"]: t["count"] for t in response.context["tabs"]}
    assert tabs == {
        "": 3,
        "pending_handling": 1,
        "ready_to_ship": 0,
        "shipped": 2,
        "delivered": 0,
        "canceled": 0,
        "returned": 0,
    }
    for order in b_orders:
        found = client_a.get(reverse("dashboard:order_list"), {"q": order.number}).context["page"].rows
        assert found == []


def test_notifications_of_b_are_never_shown_to_a(client_a, other_seller, other_owner, owner):
    Notification.objects.create(user=other_owner, seller=other_seller, kind="new_order", text="Solo para B")
    html = client_a.get(reverse("dashboard:notifications")).content.decode()
    assert "Solo para B" not in html
