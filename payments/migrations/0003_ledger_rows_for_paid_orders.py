"""Before the ledger, `Order.payment_status = 'paid'` was typed (by the feed or an operator). Each such
order gets one ledger row of its total, registered by the marketplace, so that the status derived
from the ledger is the one it had; pending and refunded orders keep their status with no row
(a legacy 'refunded' order gets its payment and its refund)."""

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    Payment = apps.get_model("payments", "Payment")
    orders = Order.objects.filter(payment_status__in=["paid", "refunded"], total__gt=0).order_by("pk")
    rows = []
    for order in orders.values("pk", "seller_id", "payment_method", "total", "currency", "external_id", "placed_at",
                               "payment_status").iterator(chunk_size=BATCH):  # fmt: skip
        common = {
            "seller_id": order["seller_id"],
            "order_id": order["pk"],
            "method": order["payment_method"],
            "amount": order["total"],
            "currency": order["currency"],
            "reference": order["external_id"][:100],
            "source": "marketplace",
            "created_by_label": "marketplace",
            "note": "registro previo al libro de pagos",
        }
        rows.append(Payment(kind="payment", status="confirmed", effect=order["total"], **common))
        if order["payment_status"] == "refunded":
            rows.append(Payment(kind="refund", status="confirmed", effect=-order["total"], **common))
        if len(rows) >= BATCH:
            Payment.objects.bulk_create(rows)
            rows = []
    if rows:
        Payment.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_append_only_trigger")]

    # backwards: the rows stay (the table goes with 0001's reversal)
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
