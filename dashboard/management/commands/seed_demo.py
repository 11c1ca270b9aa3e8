"""Demo data for `make run`: two sites, two sellers with their people, stock and ~50 orders each.

Every order is moved by the real services, so the demo shows what the code does. Idempotent:
rows are looked up by natural keys and fixed external ids, and each order is only ever moved
forward towards its target state, so a second run (or a run after an interrupted one) adds nothing.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from catalog.models import StockItem
from disputes.models import ReasonCode
from disputes.services import cancel_order
from evidence.models import DeliveryEvidence, EvidenceKind
from evidence.services import add_delivery_evidence, deliver
from fulfillment.services import ship, start_handling
from notifications.models import Notification
from notifications.receivers import enqueue_new_order_notice
from notifications.services import notify_new_order
from orders.models import IntegrationCredential, Order, Status, hash_credential
from orders.services import LineInput, OrderInput, receive_order
from orders.workflow import order_created
from sellers.models import Contract, LogisticsMode, MarketplaceSite, Membership, Role, Seller

DEMO_PASSWORD = "demo1234"
DEMO_INTEGRATION_KEY = "int_demo_key_do_not_use_in_production"
ORDERS_PER_SELLER = 50

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

# Target state of the orders, in the order they are numbered (50 per seller).
PLAN = (
    ["pending_due_soon"] * 5
    + ["pending_fresh"] * 2
    + ["pending_overdue"] * 4
    + ["pending_short_stock"] * 2
    + ["pending_payment"] * 1
    + [Status.READY_TO_SHIP] * 10
    + [Status.SHIPPED] * 10
    + [Status.DELIVERED] * 10
    + [Status.RETURNED] * 1
    + [Status.CANCELED] * 5
)
assert len(PLAN) == ORDERS_PER_SELLER

# Hours since purchase for each kind of order: pending ones around the 24 h deadline.
AGE_HOURS = {
    "pending_due_soon": (19, 23),
    "pending_fresh": (1, 8),
    "pending_overdue": (26, 70),
    "pending_short_stock": (3, 15),
    "pending_payment": (2, 10),
    Status.READY_TO_SHIP: (4, 72),
    Status.SHIPPED: (30, 144),
    Status.DELIVERED: (72, 240),
    Status.CANCELED: (6, 240),
    Status.RETURNED: (96, 240),
}


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(plain.lower().split())


class Command(BaseCommand):
    help = "Carga datos de demostración (idempotente): sitios, sellers, usuarios, stock y órdenes en cada estado."

    def handle(self, *args, **options):
        now = timezone.now()
        sites = [self.site(code, name, domain) for code, name, domain in SITES]
        self.operator()
        # the demo raises a few notifications itself instead of one per seeded order
        order_created.disconnect(enqueue_new_order_notice)
        try:
            for spec in SELLERS:
                seller, owner, staff = self.seller(spec)
                orders = [
                    self.order(spec, seller, sites, number, owner, staff, now)
                    for number in range(1, ORDERS_PER_SELLER + 1)
                ]
                self.notifications(orders)
                self.evidence_reviews(seller, [Order.objects.get(pk=o.pk) for o in orders], owner)
                self.disputes(seller, orders, owner)
        finally:
            order_created.connect(enqueue_new_order_notice)
        self.integration_credential(sites)
        self.deadlines()
        self.summary()

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

    def order(self, spec: DemoSeller, seller: Seller, sites, index: int, owner, staff, now) -> Order:
        # the same seed per order: a rerun computes the same order, found by its external id
        rng = random.Random(f"{spec.tax_id}-{index}")
        target = PLAN[index - 1]
        site = sites[index % len(sites)]
        number = f"{1_300_000 + spec.index * 10_000 + index}"
        low, high = AGE_HOURS[target]
        placed_at = now - timedelta(hours=rng.uniform(low, high))

        first = rng.choice(FIRST_NAMES)
        surnames = rng.sample(SURNAMES, 2)
        full_name = f"{first} {' '.join(surnames)}"
        district = rng.choice(DISTRICTS)
        pickup = rng.random() < 0.15

        in_stock = rng.sample(spec.skus, rng.randint(1, 3))
        lines = [LineInput(sku=s, name=n, quantity=rng.randint(1, 2), unit_price=p) for s, n, _q, p in in_stock]
        if target == "pending_short_stock":
            sku, name, _q, price = spec.short_skus[0]
            lines.append(LineInput(sku=sku, name=name, quantity=2, unit_price=price))
        cash = target == Status.DELIVERED and rng.random() < 0.3
        payment = {"payment_method": "card", "payment_status": "paid"}
        if cash:
            payment = {"payment_method": "cash_on_delivery", "payment_status": "pending"}
        if target == "pending_payment":
            payment = {"payment_method": "bank_transfer", "payment_status": "pending"}

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
        order, _created = receive_order(seller=seller, site=site, data=data)
        actor = owner if index % 2 else staff
        self.advance(order, target, spec, seller, actor, owner, rng)
        return order

    def advance(self, order: Order, target: str, spec: DemoSeller, seller: Seller, actor, owner, rng) -> None:
        """Move the order forward to its target state, from wherever it is now."""
        if target == Status.CANCELED:
            if order.status == Status.PENDING_HANDLING:
                kind = rng.choice([ReasonCode.CANCELED_BY_SELLER, ReasonCode.BUYER_REQUEST])
                text = (
                    "Quiebre de stock: el almacén no tiene unidades del producto."
                    if kind == ReasonCode.CANCELED_BY_SELLER
                    else "El cliente pidió anular la compra por teléfono."
                )
                cancel_order(
                    order_id=order.pk,
                    seller=seller,
                    actor=actor,
                    cancellation_type=kind,
                    text=text,
                    responsible=owner.get_full_name(),
                )
            return
        if target == Status.RETURNED:
            if order.status == Status.RETURNED:
                return
            self.advance(order, Status.SHIPPED, spec, seller, actor, owner, rng)
            self.failed_attempts(order, seller, actor)
            return
        if target not in (Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED):
            return  # stays "Para manejo"
        steps = [Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED]
        goal = steps.index(target)
        while steps.index(order.status) < goal:
            if order.status == Status.PENDING_HANDLING:
                order = start_handling(order_id=order.pk, seller=seller, actor=actor)
            elif order.status == Status.READY_TO_SHIP:
                carrier = rng.choice(spec.carriers)
                tracking = f"{carrier[:3].upper()}{rng.randint(10_000_000, 99_999_999)}"
                order = ship(
                    order_id=order.pk,
                    seller=seller,
                    actor=actor,
                    carrier=carrier,
                    tracking_number=tracking,
                    guide_number=f"GR-{rng.randint(1000, 9999)}-{order.number[-4:]}",
                )
            elif order.status == Status.SHIPPED:
                if not DeliveryEvidence.objects.filter(order=order).exists():
                    self.evidence(order, spec, seller, actor, rng)
                order = deliver(order_id=order.pk, seller=seller, actor=actor)

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
                received_at=timezone.now() - timedelta(minutes=rng.randint(5, 600)),
            )
        else:
            add_delivery_evidence(
                order_id=order.pk, seller=seller, actor=actor, kind=EvidenceKind.BUYER_RECEIVING, url=url
            )

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    def failed_attempts(self, order: Order, seller: Seller, actor) -> None:
        """The courier gave up after the contract's attempts: each one recorded, the last returns the order.

        The marketplace's courier reports its own attempts (no member as actor)."""
        from evidence.models import AttemptReason
        from evidence.services import record_failed_attempt

        if order.logistics_mode == LogisticsMode.MARKETPLACE_COURIER:
            actor = None
        reasons = [AttemptReason.BUYER_ABSENT, AttemptReason.BAD_ADDRESS, AttemptReason.REFUSED_BY_BUYER]
        while Order.objects.filter(pk=order.pk, status=Status.SHIPPED).exists():
            done = order.delivery_attempts.count()
            record_failed_attempt(
                order_id=order.pk,
                seller=seller,
                actor=actor,
                reason=reasons[done % len(reasons)],
                note="Se dejó aviso en la puerta." if done == 0 else "",
            )

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    def evidence_reviews(self, seller: Seller, orders: list[Order], owner) -> None:
        """An operator's verdicts to show: one evidence accepted, one rejected with its reason, and one
        failed attempt on a shipped order of an own-courier seller. Idempotent: only pending ones move."""
        from evidence.models import DeliveryEvidence, ReviewState
        from evidence.services import record_failed_attempt, review_evidence

        operator = self.operator()
        delivered = [o for o in orders if o.status == Status.DELIVERED][:2]
        verdicts = [(ReviewState.ACCEPTED, ""), (ReviewState.REJECTED, "La foto no muestra el paquete ni al cliente.")]
        for order, (decision, reason) in zip(delivered, verdicts, strict=False):
            evidence = DeliveryEvidence.objects.filter(order=order, review_state=ReviewState.PENDING).first()
            if (
                evidence is not None
                and not DeliveryEvidence.objects.filter(order=order).exclude(review_state=ReviewState.PENDING).exists()
            ):
                review_evidence(evidence_id=evidence.pk, reviewer=operator, decision=decision, reason=reason)
        shipped = next((o for o in orders if o.status == Status.SHIPPED), None)
        if (
            shipped is not None
            and shipped.logistics_mode == LogisticsMode.OWN_COURIER
            and not shipped.delivery_attempts.exists()
        ):
            record_failed_attempt(
                order_id=shipped.pk, seller=seller, actor=owner, reason="buyer_absent", note="Nadie atendió."
            )

    # the notices stay in the panel: no e-mail to the demo's made-up addresses
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    def notifications(self, orders: list[Order]) -> None:
        """The three newest pending orders of each seller notify its members, once."""
        pending = [o for o in orders if o.status == Status.PENDING_HANDLING]
        for order in sorted(pending, key=lambda o: o.placed_at, reverse=True)[:3]:
            if not Notification.objects.filter(order=order).exists():
                notify_new_order(order_id=order.pk)

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    def deadlines(self) -> None:
        """Penalties for the overdue orders (the sweep itself), warnings for those due soon, one appeal
        and one waiver. Idempotent: the sweep and the warnings are once per order by construction."""
        from fulfillment.deadlines import appeal_penalty, enforce_deadlines, send_deadline_warnings, waive_penalty
        from fulfillment.models import Penalty, PenaltyStatus

        enforce_deadlines()
        send_deadline_warnings()
        andina, costa = (Seller.objects.get(tax_id=spec.tax_id) for spec in SELLERS)
        first = Penalty.objects.filter(seller=andina).order_by("raised_at", "id").first()
        if first and not Penalty.objects.filter(seller=andina).exclude(status=PenaltyStatus.RAISED).exists():
            owner = get_user_model().objects.get(username=SELLERS[0].owner[0])
            appeal_penalty(
                penalty_id=first.pk,
                seller=andina,
                actor=owner,
                text="El pago por transferencia se confirmó recién al día siguiente.",
            )
        first = Penalty.objects.filter(seller=costa).order_by("raised_at", "id").first()
        if first and not Penalty.objects.filter(seller=costa, status=PenaltyStatus.WAIVED).exists():
            waive_penalty(
                penalty_id=first.pk, actor=self.operator(), reason="Caída de la plataforma: el seller no pudo operar."
            )

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    def disputes(self, seller: Seller, orders: list[Order], owner) -> None:
        """Per seller: a buyer's pending cancellation request on a shipped order, a buyer's dispute
        waiting for the seller on a delivered one, and the seller's own "Crear controversia" after
        handling. Idempotent: each carries a fixed marketplace reference."""
        from disputes.models import Party
        from disputes.services import open_dispute, request_cancellation

        def first(status: str) -> Order | None:
            # the list holds the orders as received; their states are read back after `advance`
            return Order.objects.filter(pk__in=[o.pk for o in orders], status=status).order_by("number").first()

        shipped, delivered, ready = first(Status.SHIPPED), first(Status.DELIVERED), first(Status.READY_TO_SHIP)
        if shipped is not None:
            request_cancellation(
                order_id=shipped.pk,
                seller=seller,
                reason_code=ReasonCode.BUYER_REQUEST,
                text="Ya no necesito el producto, lo compré en tienda.",
                reference=f"DEMO-CR-{shipped.number}",
            )
        if delivered is not None:
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
        out.write(f"Operador (admin): operador / {DEMO_PASSWORD}")
        out.write(f"Clave de integración demo (API de ingreso): {DEMO_INTEGRATION_KEY}")
        out.write(self.style.SUCCESS("Datos de demostración listos."))
