"""The demo shows every kind of payment, and an order canceled for want of payment."""

import pytest
from django.urls import reverse

from orders.models import Order, PaymentStatus, Status
from payments.models import Kind, Payment, Source
from payments.selectors import ledger
from payments.services import expire_unpaid_orders
from sellers.models import Seller
from tests.ops.test_seed_demo import seed

pytestmark = pytest.mark.django_db


def test_each_demo_seller_has_payments_of_each_kind_and_an_expired_order(client):
    seed()
    for seller in Seller.objects.all():
        rows = Payment.objects.filter(seller=seller)
        # a transfer and a payment link registered by a member with their references
        for method in ("bank_transfer", "payment_link"):
            assert rows.filter(method=method, source=Source.MEMBER).exclude(reference="").exists(), method
        # cash collected at «Entregar», and one delivered COD order still to collect
        assert rows.filter(method="cash_on_delivery", note="Cobrado al entregar").exists()
        assert Order.objects.filter(seller=seller, status=Status.DELIVERED, payment_method="cash_on_delivery",
                                    payment_status=PaymentStatus.PENDING).count() == 1  # fmt: skip
        # a card payment the marketplace confirmed, and a refund it sent
        assert rows.filter(method="card", source=Source.MARKETPLACE, reference__startswith="PAY-").exists()
        refund = rows.get(kind=Kind.REFUND, reference__startswith="REF-")
        assert refund.order.payment_status == PaymentStatus.REFUNDED
        # an unpaid transfer canceled as «Pago no recibido», with no penalty
        expired = Order.objects.get(seller=seller, payment_status=PaymentStatus.EXPIRED)
        assert expired.status == Status.CANCELED and expired.cancellation.reason_id == "payment_not_received"
        assert not expired.penalties.exists()
        # and a transfer still waiting for its payment
        assert Order.objects.filter(seller=seller, status=Status.PENDING_HANDLING, payment_method="bank_transfer",
                                    payment_status=PaymentStatus.PENDING, channel="marketplace").exists()  # fmt: skip
        assert ledger(seller=seller).count() > 30
    # the sweep finds nothing more to expire right after the seed
    assert expire_unpaid_orders() == 0
    # and the «Pagos» page shows it
    client.login(username="andina", password="demo1234")
    assert client.get(reverse("dashboard:payments")).status_code == 200
