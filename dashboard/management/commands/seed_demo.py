"""Demo data for `make run`: two sites, two sellers with their people, stock and ~50 orders each
(and a manual order, «Venta directa», each: dashboard/management/demo_manual_orders.py).

Every order is moved by the real services, each action taken at a moment of the order's own past
(between its purchase and now), so timelines, deadlines and penalties read like a real history:
most orders were handled on time, a few were late and carry a penalty, a few notices are unread.

Loaded once: when the demo sellers and the demo's integration key (written last) exist, a second
run changes nothing at all, whatever the users did with the data since.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from catalog.models import StockItem
from dashboard.management import demo_payments
from dashboard.management.demo_manual_orders import seed_manual_orders
from disputes.models import ReasonCode
from disputes.services import cancel_order
from evidence.models import DeliveryEvidence, EvidenceKind, ReviewState
from evidence.services import add_delivery_evidence, deliver
from fulfillment.services import ship, start_handling
from notifications.models import Notification
from notifications.receivers import enqueue_new_order_notice
from notifications.services import mark_read, notify_new_order
from orders.models import IntegrationCredential, Order, OrderEvent, Status, hash_credential
from orders.services import LineInput, OrderInput, receive_order
from orders.workflow import order_created
from payments.services import deliver_and_collect
from sellers.models import Contract, LogisticsMode, MarketplaceSite, Membership, Role, Seller
from sellers.services import change_member, invite_member, remove_member

DEMO_PASSWORD = "demo1234"
DEMO_INTEGRATION_KEY = "int_demo_key_do_not_use_in_production"
ORDERS_PER_SELLER = 50
# the newest notices of each member stay unread; the older ones were read soon after they arrived
UNREAD_PER_MEMBER = 4
ALREADY_LOADED = "Demo data already loaded; nothing changed."

SITES = [
    ("plazavea", "Plaza Vea", "www.plazavea.com.pe"),
    ("oechsle", "Oechsle", "www.oechsle.pe"),
]


@dataclass(frozen=True)
class DemoSeller:
    index: int
    name: str
    tax_id: str  # valid RUC check digits
    logistics_mode: str
    owner: tuple[str, str, str]  # username, first name, last name
    staff: tuple[str, str, str]
    carriers: tuple[str, ...]
    evidence_host: str
    skus: tuple[tuple[str, str, int, Decimal], ...]  # sku, name, on hand, price
    short_skus: tuple[tuple[str, str, int, Decimal], ...]  # too little stock: "Iniciar manejo" fails


SELLERS = [
    DemoSeller(
        index=1,
        name="Tienda Andina SAC",
        tax_id="20601234565",
        logistics_mode=LogisticsMode.OWN_COURIER,
        owner=("andina", "Rosa", "Quispe Huamán"),
        staff=("andina-staff", "Luis", "Mamani Condori"),
        carriers=("Olva Courier", "Shalom", "Urbano Express"),
        evidence_host="fotos.tiendaandina.pe",
        skus=(
            ("AND-CHOM-M", "Chompa de alpaca talla M", 300, Decimal("189.90")),
            ("AND-CHUL-01", "Chullo andino multicolor", 300, Decimal("45.00")),
            ("AND-CAFE-500", "Café orgánico de Chanchamayo 500 g", 300, Decimal("38.50")),
            ("AND-MANT-150", "Manta de alpaca 1.5 x 2 m", 300, Decimal("259.00")),
            ("AND-QUIN-1K", "Quinua blanca orgánica 1 kg", 300, Decimal("22.90")),
        ),
        short_skus=(("AND-PONC-VIC", "Poncho de vicuña hecho a mano", 1, Decimal("1890.00")),),
    ),
    DemoSeller(
        index=2,
        name="Costa Market EIRL",
        tax_id="20549876545",
        logistics_mode=LogisticsMode.MARKETPLACE_COURIER,
        owner=("costa", "Carlos", "Rojas Vargas"),
        staff=("costa-staff", "Milagros", "Torres Paredes"),
        carriers=("Courier del marketplace (Chazki)", "Courier del marketplace (Savar)"),
        evidence_host="entregas.costamarket.pe",
        skus=(
            ("CST-AUD-BT", "Audífonos Bluetooth inalámbricos", 300, Decimal("129.00")),
            ("CST-LIC-15", "Licuadora 1.5 L 600 W", 300, Decimal("199.90")),
            ("CST-ARR-18", "Olla arrocera 1.8 L", 300, Decimal("149.00")),
            ("CST-VEN-16", 'Ventilador de pie 16"', 300, Decimal("119.90")),
            ("CST-HER-17", "Hervidor eléctrico 1.7 L", 300, Decimal("79.90")),
        ),
        short_skus=(("CST-TV55-4K", 'Smart TV 55" 4K UHD', 0, Decimal("1999.00")),),
    ),
]

FIRST_NAMES = [
    "María Fernanda", "José Luis", "Ana Lucía", "Juan Carlos", "Rosa Elena", "Miguel Ángel", "Carmen",
    "Luis Alberto", "Patricia", "Jorge", "Gabriela", "César Augusto", "Milagros", "Renzo", "Lucía",
    "Diego", "Sofía", "Víctor Raúl", "Karina", "Alonso", "Yolanda", "Percy", "Flor de María", "Wilmer",
]  # fmt: skip
SURNAMES = [
    "Quispe", "Flores", "Sánchez", "Rodríguez", "García", "Huamán", "Mamani", "Chávez", "Ramírez",
    "Torres", "Vargas", "Rojas", "Castillo", "Mendoza", "Gutiérrez", "Espinoza", "Vásquez", "Paredes",
    "Condori", "Salazar", "Castro", "Ccahuana", "Ticona", "Villanueva",
]  # fmt: skip
DISTRICTS = [
    "Miraflores", "San Isidro", "Santiago de Surco", "La Molina", "San Borja", "Jesús María", "Lince",
    "Magdalena del Mar", "Pueblo Libre", "San Miguel", "Los Olivos", "San Juan de Lurigancho", "Ate",
    "Chorrillos", "Barranco", "Surquillo", "Breña", "La Victoria", "Comas", "Villa El Salvador",
]  # fmt: skip
STREETS = [
    "Av. Javier Prado Este", "Av. Arequipa", "Jr. Huallaga", "Av. Brasil", "Calle Los Pinos",
    "Av. La Marina", "Av. Benavides", "Jr. Junín", "Av. Universitaria", "Calle Las Begonias",
    "Av. Angamos Este", "Av. Túpac Amaru", "Jr. Ica", "Av. El Sol", "Calle Schell",
]  # fmt: skip
REFERENCES = ["Frente al parque", "Altura de la cuadra 12", "Al costado de la farmacia", "Portón verde", ""]
PICKUP_POINTS = {"plazavea": "Plaza Vea Angamos", "oechsle": "Oechsle Jockey Plaza"}

# What happens to each order, in the order they are numbered (50 per seller).
PLAN = (
    ["pending_due_soon"] * 4
    + ["pending_fresh"] * 5
    + ["pending_overdue"] * 2
    + ["pending_short_stock"] * 2
    + ["pending_payment"] * 1
    + [Status.READY_TO_SHIP] * 10
    + [Status.SHIPPED] * 10
    + [Status.DELIVERED] * 8
    + ["delivered_late_handling"]  # handled after its 24 h: a late-handling penalty
    + ["delivered_late_shipping"]  # shipped after its ship-by deadline: a late-shipping penalty
    + [Status.RETURNED] * 1
    + [Status.CANCELED] * 5
)
assert len(PLAN) == ORDERS_PER_SELLER
# the state each kind of order ends in
STATUS_OF = {"delivered_late_handling": Status.DELIVERED, "delivered_late_shipping": Status.DELIVERED}

# Hours since purchase for each kind of order: pending ones around the 24 h deadline, the others old
# enough for each step to have happened at a usual pace.
AGE_HOURS = {
    "pending_due_soon": (19, 23),
    "pending_fresh": (1, 8),
    "pending_overdue": (26, 70),
    "pending_short_stock": (3, 15),
    "pending_payment": (2, 10),
    Status.READY_TO_SHIP: (4, 72),
    Status.SHIPPED: (30, 144),
    Status.DELIVERED: (72, 240),
    "delivered_late_handling": (90, 200),
    "delivered_late_shipping": (130, 230),
    Status.CANCELED: (6, 240),
    Status.RETURNED: (130, 240),
}


@contextmanager
def happening_at(moment: datetime) -> Iterator[None]:
    """Inside the block `timezone.now()` reads `moment` (advancing with the real clock), so the services
    stamp what they write (events, deadlines, penalties, notices) as if the action was taken then."""
    started = time.monotonic()

    def now() -> datetime:
        return moment + timedelta(seconds=time.monotonic() - started)

    with mock.patch("django.utils.timezone.now", now):
        yield


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(plain.lower().split())


class Command(BaseCommand):
    help = (
        "Carga datos de demostración una sola vez: sitios, sellers, usuarios, stock y órdenes en cada "
        "estado. Si ya están cargados, no cambia nada."
    )

    # the demo's notices stay in the panel: no e-mail to its made-up addresses
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    def handle(self, *args, **options):
        if self.already_loaded():
            self.summary()
            self.stdout.write(ALREADY_LOADED)
            return
        self.now = timezone.now()
        sites = [self.site(code, name, domain) for code, name, domain in SITES]
        self.operator()
        # the demo raises a few notifications itself instead of one per seeded order
        order_created.disconnect(enqueue_new_order_notice)
        try:
            for spec in SELLERS:
                seller, owner, staff = self.seller(spec)
                orders = [
                    self.order(spec, seller, sites, number, owner, staff) for number in range(1, ORDERS_PER_SELLER + 1)
                ]
                rng = random.Random(f"{spec.tax_id}-reviews")
                self.notifications(orders)
                self.evidence_reviews(seller, [Order.objects.get(pk=o.pk) for o in orders], owner, rng)
                self.disputes(seller, orders, owner, rng)
                seed_manual_orders(seller=seller, owner=owner, staff=staff, now=self.now, at=self.at)
                self.team(spec, seller, owner)
        finally:
            order_created.connect(enqueue_new_order_notice)
        self.deadlines()
        self.read_older_notices()
        # last: its presence is what tells a later run that the demo is complete
        self.integration_credential(sites)
        self.summary()

    def already_loaded(self) -> bool:
        """The demo sellers exist: loaded (then nothing may change), or a run stopped half-way."""
        if not Seller.objects.filter(tax_id__in=[spec.tax_id for spec in SELLERS]).exists():
            return False
        if IntegrationCredential.objects.filter(key_digest=hash_credential(DEMO_INTEGRATION_KEY)).exists():
            return True
        raise CommandError(
            "The demo sellers exist but the demo data is incomplete (an earlier seed_demo stopped before its "
            "last step). Nothing was changed. To load the demo again, start from an empty database "
            "(for `make run`: delete var/db.sqlite3) and run it again."
        )

    # --- the clock ---------------------------------------------------------------------------------

    def at(self, moment: datetime):
        return happening_at(min(moment, self.now - timedelta(minutes=1)))

    def later(self, moment: datetime, low: float, high: float, rng: random.Random) -> datetime:
        """Between `low` and `high` hours after `moment`, and never after the seed's now."""
        room = (self.now - timedelta(minutes=2) - moment).total_seconds() / 3600
        high = max(min(high, room), 0)
        return moment + timedelta(hours=rng.uniform(min(low, high), high))

    def last_event_at(self, order: Order) -> datetime:
        return OrderEvent.objects.filter(order=order).order_by("-created_at").values_list("created_at", flat=True)[0]

    # --- reference data -------------------------------------------------------------------

    def site(self, code: str, name: str, domain: str) -> MarketplaceSite:
        site, _ = MarketplaceSite.objects.get_or_create(code=code, defaults={"name": name, "domain": domain})
        return site

    def user(self, username: str, first_name: str, last_name: str, **flags):
        user, _ = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username.replace('-', '.')}@demo.sellercenter.pe",
                **flags,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def operator(self):
        return self.user("operador", "Operador", "Marketplace", is_staff=True, is_superuser=True)

    def seller(self, spec: DemoSeller):
        seller, _ = Seller.objects.get_or_create(
            tax_id=spec.tax_id,
            defaults={
                "name": spec.name,
                "logistics_mode": spec.logistics_mode,
                "notification_email": f"pedidos@{spec.evidence_host.split('.', 1)[1]}",
            },
        )
        Contract.objects.get_or_create(
            seller=seller,
            defaults={"handling_window": timedelta(hours=24), "signed_at": timezone.localdate() - timedelta(days=180)},
        )
        owner = self.user(*spec.owner)
        staff = self.user(*spec.staff)
        Membership.objects.get_or_create(user=owner, seller=seller, defaults={"role": Role.OWNER})
        Membership.objects.get_or_create(user=staff, seller=seller, defaults={"role": Role.STAFF})
        for sku, name, on_hand, _price in spec.skus + spec.short_skus:
            StockItem.objects.get_or_create(
                seller=seller, sku=sku, defaults={"name": name, "quantity_on_hand": on_hand}
            )
        return seller, owner, staff

    # --- orders -----------------------------------------------------------------------------

    def order(self, spec: DemoSeller, seller: Seller, sites, index: int, owner, staff) -> Order:
        rng = random.Random(f"{spec.tax_id}-{index}")
        kind = PLAN[index - 1]
        site = sites[index % len(sites)]
        number = f"{1_300_000 + spec.index * 10_000 + index}"
        low, high = demo_payments.age_hours(index, AGE_HOURS[kind])
        placed_at = self.now - timedelta(hours=rng.uniform(low, high))
        # the marketplace's feed sends it a few minutes after the purchase
        received_at = placed_at + timedelta(minutes=rng.uniform(1, 6))

        first = rng.choice(FIRST_NAMES)
        surnames = rng.sample(SURNAMES, 2)
        full_name = f"{first} {' '.join(surnames)}"
        district = rng.choice(DISTRICTS)
        pickup = rng.random() < 0.15

        in_stock = rng.sample(spec.skus, rng.randint(1, 3))
        lines = [LineInput(sku=s, name=n, quantity=rng.randint(1, 2), unit_price=p) for s, n, _q, p in in_stock]
        if kind == "pending_short_stock":
            sku, name, _q, price = spec.short_skus[0]
            lines.append(LineInput(sku=sku, name=name, quantity=2, unit_price=price))
        cash = STATUS_OF.get(kind, kind) == Status.DELIVERED and rng.random() < 0.3
        payment = {"payment_method": "card", "payment_status": "paid"}
        if cash:
            payment = {"payment_method": "cash_on_delivery", "payment_status": "pending"}
        if kind == "pending_payment":
            payment = {"payment_method": "bank_transfer", "payment_status": "pending"}
        payment = demo_payments.payment_fields(index, payment)

        data = OrderInput(
            number=number,
            external_id=f"DEMO-{site.code.upper()}-{number}",
            placed_at=placed_at,
            buyer_full_name=full_name,
            buyer_document_type="dni",
            buyer_document_number=f"{rng.randint(10_000_000, 79_999_999)}",
            buyer_phone=f"9{rng.randint(10_000_000, 99_999_999)}",
            buyer_email=f"{ascii_slug(first.split()[0] + ' ' + surnames[0])}{rng.randint(1, 99)}@correo.pe",
            delivery_method="pickup_point" if pickup else "home_delivery",
            shipping_address="" if pickup else f"{rng.choice(STREETS)} {rng.randint(100, 3999)}",
            shipping_district="" if pickup else district,
            shipping_city="" if pickup else "Lima",
            shipping_region="" if pickup else "Lima",
            shipping_reference="" if pickup else rng.choice(REFERENCES),
            pickup_point_name=PICKUP_POINTS[site.code] if pickup else "",
            shipping_total=Decimal("0.00") if pickup else Decimal(rng.choice(["9.90", "12.90", "15.00"])),
            lines=lines,
            **payment,
        )
        with self.at(received_at):
            order, _created = receive_order(seller=seller, site=site, data=data)
        actor = owner if index % 2 else staff
        self.advance(order, kind, spec, seller, actor, owner, rng, received_at, index)
        return order

    def advance(self, order: Order, kind: str, spec, seller: Seller, actor, owner, rng, received_at, index) -> None:
        """Take the order to its final state, each step some hours after the one before."""
        target = STATUS_OF.get(kind, kind)
        if target == Status.CANCELED:
            reason = rng.choice([ReasonCode.CANCELED_BY_SELLER, ReasonCode.BUYER_REQUEST])
            text = (
                "Quiebre de stock: el almacén no tiene unidades del producto."
                if reason == ReasonCode.CANCELED_BY_SELLER
                else "El cliente pidió anular la compra por teléfono."
            )
            with self.at(self.later(received_at, 0.5, 20, rng)):
                cancel_order(
                    order_id=order.pk,
                    seller=seller,
                    actor=actor,
                    cancellation_type=reason,
                    text=text,
                    responsible=owner.get_full_name(),
                )
            demo_payments.after_cancel(index=index, order=order, seller=seller, at=self.at, now=self.now)
            return
        if target not in (Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED, Status.RETURNED):
            demo_payments.while_pending(index=index, order=order, seller=seller, at=self.at)
            return  # stays "Para manejo" (or its payment never came)
        demo_payments.before_handling(index=index, order=order, seller=seller, actor=actor, received_at=received_at,
                                      at=self.at)  # fmt: skip

        # "Iniciar manejo": within the 24 h of the contract, except the one that was late
        if kind == "delivered_late_handling":
            moment = self.later(order.placed_at, 25, 30, rng)
        else:
            moment = self.later(received_at, 0.3, 16, rng)
        with self.at(moment):
            order = start_handling(order_id=order.pk, seller=seller, actor=actor)
        if target == Status.READY_TO_SHIP:
            return

        # "Realizar envío": well before the ship-by deadline, except the one that was late
        if kind == "delivered_late_shipping":
            moment = self.later(order.ship_by_deadline, 1, 8, rng)
        else:
            moment = self.later(order.handling_started_at, 2, 24, rng)
        carrier = rng.choice(spec.carriers)
        with self.at(moment):
            order = ship(
                order_id=order.pk,
                seller=seller,
                actor=actor,
                carrier=carrier,
                tracking_number=f"{carrier[:3].upper()}{rng.randint(10_000_000, 99_999_999)}",
                guide_number=f"GR-{rng.randint(1000, 9999)}-{order.number[-4:]}",
            )
        if target == Status.SHIPPED:
            return
        if target == Status.RETURNED:
            self.failed_attempts(order, seller, actor, rng)
            return

        # the courier hands it over a day or two later; the proof comes with it
        delivered_at = self.later(order.shipped_at, 18, 46, rng)
        with self.at(delivered_at):
            self.evidence(order, spec, seller, actor, rng)
        with self.at(delivered_at + timedelta(minutes=rng.uniform(2, 40))):
            # cash on delivery: the courier's cash registered with the delivery
            collected = order.payment_method == "cash_on_delivery" and demo_payments.collects_cash(index)
            cash = order.total if collected else None
            deliver_and_collect(
                order_id=order.pk,
                seller=seller,
                actor=actor,
                deliver=lambda: deliver(order_id=order.pk, seller=seller, actor=actor),
                cash_collected=cash,
            )

    def evidence(self, order: Order, spec: DemoSeller, seller: Seller, actor, rng) -> None:
        url = f"https://{spec.evidence_host}/entregas/{order.number}.jpg"
        if rng.random() < 0.4:
            add_delivery_evidence(
                order_id=order.pk,
                seller=seller,
                actor=actor,
                kind=EvidenceKind.SIGNED_GUIDE,
                url=url.replace(".jpg", "-guia.pdf"),
                receiver_full_name=order.buyer_full_name,
                receiver_document_number=order.buyer_document_number,
                received_at=timezone.now() - timedelta(minutes=rng.randint(5, 90)),
            )
        else:
            add_delivery_evidence(
                order_id=order.pk, seller=seller, actor=actor, kind=EvidenceKind.BUYER_RECEIVING, url=url
            )

    def failed_attempts(self, order: Order, seller: Seller, actor, rng) -> None:
        """The courier gave up after the contract's attempts, one a day: each one recorded, the last
        returns the order. The marketplace's courier reports its own attempts (no member as actor)."""
        from evidence.models import AttemptReason
        from evidence.services import record_failed_attempt

        if order.logistics_mode == LogisticsMode.MARKETPLACE_COURIER:
            actor = None
        reasons = [AttemptReason.BUYER_ABSENT, AttemptReason.BAD_ADDRESS, AttemptReason.REFUSED_BY_BUYER]
        moment = order.shipped_at
        while Order.objects.filter(pk=order.pk, status=Status.SHIPPED).exists():
            done = order.delivery_attempts.count()
            moment = self.later(moment, 18, 28, rng)
            with self.at(moment):
                record_failed_attempt(
                    order_id=order.pk,
                    seller=seller,
                    actor=actor,
                    reason=reasons[done % len(reasons)],
                    note="Se dejó aviso en la puerta." if done == 0 else "",
                )

    def evidence_reviews(self, seller: Seller, orders: list[Order], owner, rng) -> None:
        """An operator's verdicts to show: one evidence accepted, one rejected with its reason, and one
        failed attempt on a shipped order of an own-courier seller."""
        from evidence.services import record_failed_attempt, review_evidence

        operator = self.operator()
        delivered = [o for o in orders if o.status == Status.DELIVERED][:2]
        verdicts = [(ReviewState.ACCEPTED, ""), (ReviewState.REJECTED, "La foto no muestra el paquete ni al cliente.")]
        for order, (decision, reason) in zip(delivered, verdicts, strict=False):
            evidence = DeliveryEvidence.objects.filter(order=order, review_state=ReviewState.PENDING).first()
            if evidence is not None:
                with self.at(self.later(order.delivered_at, 3, 30, rng)):
                    review_evidence(evidence_id=evidence.pk, reviewer=operator, decision=decision, reason=reason)
        shipped = next((o for o in orders if o.status == Status.SHIPPED), None)
        if shipped is not None and shipped.logistics_mode == LogisticsMode.OWN_COURIER:
            with self.at(self.later(shipped.shipped_at, 6, 30, rng)):
                record_failed_attempt(
                    order_id=shipped.pk, seller=seller, actor=owner, reason="buyer_absent", note="Nadie atendió."
                )

    def notifications(self, orders: list[Order]) -> None:
        """The three newest pending orders of each seller notify its members, when they arrived."""
        pending = [o for o in orders if o.status == Status.PENDING_HANDLING]
        for order in sorted(pending, key=lambda o: o.placed_at, reverse=True)[:3]:
            with self.at(self.last_event_at(order) + timedelta(seconds=20)):
                notify_new_order(order_id=order.pk)

    def deadlines(self) -> None:
        """The sweep as beat ran it: a few minutes after each overdue deadline, then now; the warnings for
        what is due soon; one appeal and one waiver."""
        from fulfillment.deadlines import appeal_penalty, enforce_deadlines, send_deadline_warnings, waive_penalty
        from fulfillment.models import Penalty

        rng = random.Random("deadlines")
        overdue = Order.objects.filter(status=Status.PENDING_HANDLING, handling_deadline__lt=self.now)
        for deadline in overdue.order_by("handling_deadline").values_list("handling_deadline", flat=True):
            with self.at(deadline + timedelta(minutes=rng.uniform(1, 10))):
                enforce_deadlines()
        enforce_deadlines()
        send_deadline_warnings()
        andina, costa = (Seller.objects.get(tax_id=spec.tax_id) for spec in SELLERS)
        first = Penalty.objects.filter(seller=andina).order_by("raised_at", "id").first()
        if first is not None:
            owner = get_user_model().objects.get(username=SELLERS[0].owner[0])
            with self.at(self.later(first.raised_at, 1, 10, rng)):
                appeal_penalty(
                    penalty_id=first.pk,
                    seller=andina,
                    actor=owner,
                    text="El pago por transferencia se confirmó recién al día siguiente.",
                )
        first = Penalty.objects.filter(seller=costa).order_by("raised_at", "id").first()
        if first is not None:
            with self.at(self.later(first.raised_at, 2, 20, rng)):
                waive_penalty(
                    penalty_id=first.pk,
                    actor=self.operator(),
                    reason="Caída de la plataforma: el seller no pudo operar.",
                )

    def disputes(self, seller: Seller, orders: list[Order], owner, rng) -> None:
        """Per seller, all recent (still waiting for an answer): a buyer's cancellation request on a
        shipped order, a buyer's dispute on a delivered one, and the seller's own "Crear controversia"
        after handling."""
        from disputes.models import Party
        from disputes.services import open_dispute, request_cancellation

        def first(status: str) -> Order | None:
            # the list holds the orders as received; their states are read back after `advance`
            return Order.objects.filter(pk__in=[o.pk for o in orders], status=status).order_by("number").first()

        def recently(order: Order, hours: float) -> datetime:
            since = max(self.last_event_at(order), self.now - timedelta(hours=hours))
            return self.later(since, 0.1, hours, rng)

        shipped, delivered, ready = first(Status.SHIPPED), first(Status.DELIVERED), first(Status.READY_TO_SHIP)
        if shipped is not None:
            with self.at(recently(shipped, 6)):
                request_cancellation(
                    order_id=shipped.pk,
                    seller=seller,
                    reason_code=ReasonCode.BUYER_REQUEST,
                    text="Ya no necesito el producto, lo compré en tienda.",
                    reference=f"DEMO-CR-{shipped.number}",
                )
        if delivered is not None:
            with self.at(recently(delivered, 30)):
                open_dispute(
                    order_id=delivered.pk,
                    seller=seller,
                    actor=None,
                    party=Party.BUYER,
                    reason_code=ReasonCode.PRODUCT_DAMAGED,
                    text="La caja llegó aplastada y el producto no enciende.",
                    responsible=delivered.buyer_full_name,
                    reference=f"DEMO-DSP-{delivered.number}",
                )
        if ready is not None:
            with self.at(recently(ready, 8)):
                open_dispute(
                    order_id=ready.pk,
                    seller=seller,
                    actor=owner,
                    party=Party.SELLER,
                    reason_code=ReasonCode.CANCELED_BY_SELLER,
                    text="Iniciamos manejo por error: el almacén no tiene el producto (quiebre de stock).",
                    responsible=owner.get_full_name(),
                    reference=f"DEMO-DSP-{ready.number}",
                )

    def team(self, spec: DemoSeller, seller: Seller, owner) -> None:
        """«Equipo»: the staff member stays staff (andina-staff without grants; costa's owner let
        costa-staff appeal penalties), a former helper was removed last week (history), and an
        invitation sent yesterday is still pending."""
        domain = spec.evidence_host.split(".", 1)[1]
        links = {
            "accept_url": lambda uid, token: f"http://localhost:8000{reverse('accept_invitation', args=[uid, token])}",
            "login_url": "http://localhost:8000/accounts/login/",
        }
        staff = Membership.objects.get(seller=seller, role=Role.STAFF)
        if spec.index == 2:
            with self.at(self.now - timedelta(days=6)):
                change_member(seller=seller, actor=owner, membership_id=staff.pk, grants=["appeal_penalties"])
        former = self.user(f"{spec.owner[0]}-temporal", "Pedro", "Salas Ríos")
        with self.at(self.now - timedelta(days=9)):
            helper, _created = invite_member(seller=seller, actor=owner, email=former.email, **links)
        with self.at(self.now - timedelta(days=7)):
            remove_member(seller=seller, actor=owner, membership_id=helper.pk)
        with self.at(self.now - timedelta(hours=20)):
            invite_member(seller=seller, actor=owner, email=f"nuevo.ingreso@{domain}", **links)

    def read_older_notices(self) -> None:
        """The members read their notices as they came; only the newest few of each are still unread."""
        rng = random.Random("read")
        for membership in Membership.objects.select_related("user", "seller").order_by("id"):
            mine = Notification.objects.filter(user=membership.user, seller=membership.seller)
            for notice in mine.order_by("-created_at", "-id")[UNREAD_PER_MEMBER:]:
                with self.at(self.later(notice.created_at, 0.05, 3, rng)):
                    mark_read(user=membership.user, seller=membership.seller, notification_ids=[notice.pk])

    def integration_credential(self, sites) -> None:
        if not IntegrationCredential.objects.filter(key_digest=hash_credential(DEMO_INTEGRATION_KEY)).exists():
            credential, _ = IntegrationCredential.issue(name="Marketplace feed", raw_key=DEMO_INTEGRATION_KEY)
            credential.sites.set(sites)

    # --- report ---------------------------------------------------------------------------------

    def summary(self) -> None:
        out = self.stdout
        for spec in SELLERS:
            seller = Seller.objects.get(tax_id=spec.tax_id)
            counts = Counter(Order.objects.filter(seller=seller).values_list("status", flat=True))
            by_status = ", ".join(f"{Status(s).label}: {counts.get(s, 0)}" for s in Status.values)
            out.write(f"{seller.name} (RUC {seller.tax_id}): {by_status}")
            out.write(f"  logins: {spec.owner[0]} (propietario), {spec.staff[0]} (personal) / {DEMO_PASSWORD}")
            pending = Membership.team.filter(seller=seller, invitation_expires_at__isnull=False)
            for invitation in pending.select_related("user"):
                out.write(f"  invitación pendiente: {invitation.user.email}")
        out.write(f"Operador (admin): operador / {DEMO_PASSWORD}")
        out.write(f"Clave de integración demo (API de ingreso): {DEMO_INTEGRATION_KEY}")
        out.write(self.style.SUCCESS("Datos de demostración listos."))
