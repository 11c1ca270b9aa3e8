from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import ActorKind, MovementReason, StockItem, StockMovement
from orders.models import Order, OrderLine, PaymentStatus, Status
from sellers.models import Contract, MarketplaceSite, Membership, Role, Seller

DEFAULT_PASSWORD = "secreto-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.pe")
    first_name = "Ana"
    last_name = factory.Sequence(lambda n: f"Pérez{n}")
    password = factory.django.Password(DEFAULT_PASSWORD)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketplaceSite
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"site{n}")
    name = factory.Sequence(lambda n: f"Tienda {n}")


class SellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seller
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Seller {n} SAC")
    tax_id = factory.Sequence(lambda n: f"20{n:09d}")
    contract = factory.RelatedFactory("tests.factories.ContractFactory", factory_related_name="seller")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    seller = factory.SubFactory(SellerFactory, contract=None)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    seller = factory.SubFactory(SellerFactory)
    role = Role.OWNER


class StockItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockItem

    seller = factory.SubFactory(SellerFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Producto {n}")
    quantity_on_hand = 10
    quantity_reserved = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # with its opening movement, as catalog.services.create_sku makes it: quantities = sum of movements
        item = super()._create(model_class, *args, **kwargs)
        StockMovement.objects.create(
            seller_id=item.seller_id,
            stock_item=item,
            reason=MovementReason.OPENING,
            delta_on_hand=item.quantity_on_hand,
            delta_reserved=item.quantity_reserved,
            on_hand_after=item.quantity_on_hand,
            reserved_after=item.quantity_reserved,
            actor_kind=ActorKind.SYSTEM,
        )
        return item


class OrderFactory(factory.django.DjangoModelFactory):
    """An order straight in the database (tests of later states set `status` and timestamps)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    seller = factory.SubFactory(SellerFactory)
    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: f"{700000 + n}")
    external_id = factory.Sequence(lambda n: f"EXT-{n:07d}")
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    buyer_full_name = factory.Sequence(lambda n: f"Comprador Número {n}")
    buyer_document_type = "dni"
    buyer_document_number = factory.Sequence(lambda n: f"{40000000 + n}")
    buyer_phone = "987654321"
    buyer_email = factory.Sequence(lambda n: f"buyer{n}@example.pe")
    shipping_address = "Av. Arequipa 1234"
    shipping_district = "Lince"
    shipping_city = "Lima"
    shipping_region = "Lima"
    subtotal = Decimal("100.00")
    total = Decimal("100.00")
    status = Status.PENDING_HANDLING
    handling_deadline = factory.LazyAttribute(lambda o: o.placed_at + timedelta(hours=24))

    @factory.post_generation
    def ledger(order, create, extracted, **kwargs):
        # an order stored as paid has its payment in the ledger, as intake records it
        if create and order.payment_status == PaymentStatus.PAID and order.total > 0:
            from payments.services import record_paid_at_intake

            record_paid_at_intake(order=order)


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "Producto"
    quantity = 1
    unit_price = Decimal("100.00")


def order_with_stock(*, seller, quantity: int = 1, on_hand: int = 10, **order_fields) -> Order:
    """A pending order of one line whose SKU the seller has in stock."""
    order = OrderFactory(seller=seller, **order_fields)
    item = StockItemFactory(seller=seller, quantity_on_hand=on_hand)
    OrderLineFactory(order=order, sku=item.sku, quantity=quantity)
    return order


def order_in_status(status: str, *, seller, actor, evidence_url: str | None = None, evidence_file=None, **fields):
    """An order brought to `status` through the real services, so its shipment, evidence and events exist.

    Shipped orders get `evidence_url` / `evidence_file` when given; delivered ones always get one.
    """
    from disputes.services import cancel_order
    from evidence.services import add_delivery_evidence, deliver
    from fulfillment.services import ship, start_handling
    from orders.workflow import transition

    order = order_with_stock(seller=seller, **fields)
    if status == Status.CANCELED:
        cancel_order(
            order_id=order.pk,
            seller=seller,
            actor=actor,
            cancellation_type="canceled_by_seller",
            text="Quiebre de stock",
            responsible="Ana Pérez",
        )
    if status in (Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED, Status.RETURNED):
        start_handling(order_id=order.pk, seller=seller, actor=actor)
    if status in (Status.SHIPPED, Status.DELIVERED, Status.RETURNED):
        ship(order_id=order.pk, seller=seller, actor=actor, carrier="Olva Courier", tracking_number="OLV-123456")
        if status == Status.DELIVERED and not (evidence_url or evidence_file):
            evidence_url = "https://fotos.example.com/entrega/123.jpg"
        if evidence_url or evidence_file:
            add_delivery_evidence(
                order_id=order.pk,
                seller=seller,
                actor=actor,
                kind="buyer_receiving",
                url=evidence_url or "",
                file=evidence_file,
            )
    if status == Status.DELIVERED:
        deliver(order_id=order.pk, seller=seller, actor=actor)
    if status == Status.RETURNED:
        transition(order_id=order.pk, seller=seller, action="return_to_seller", actor=None)
    order.refresh_from_db()
    assert order.status == status
    return order


def manual_order(*, seller, actor, sku: str | None = None, quantity: int = 1, on_hand: int = 10, **fields) -> Order:
    """A direct sale («Venta directa») made through the real service, of one SKU the seller has."""
    from sales.services import ManualLine, ManualOrderInput, create_manual_order

    item = StockItemFactory(seller=seller, quantity_on_hand=on_hand, **({"sku": sku} if sku else {}))
    data = {
        "buyer_full_name": "Rosa Quispe Mamani",
        "buyer_document_type": "dni",
        "buyer_document_number": "45781236",
        "buyer_phone": "987654321",
        "payment_method": "cash",
        "delivery_method": "pickup_point",
        "lines": [ManualLine(sku=item.sku, quantity=quantity, unit_price=Decimal("25.00"))],
        **fields,
    }
    return create_manual_order(seller=seller, actor=actor, data=ManualOrderInput(**data))
