"""A seller never sees or touches another seller's data.

The routes are read from the URLconf, so a route added later is covered without editing this
file: every dashboard page and API endpoint that takes an object id answers 404 to seller A
for each of seller B's objects, for every method, and B's data stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from catalog.models import StockMovement, StockUpload, StockUploadRow
from evidence.models import DeliveryAttempt, DeliveryEvidence
from fulfillment.models import Penalty, Shipment
from notifications.models import Notification
from orders.models import Order, OrderEvent, Status
from payments.models import Payment
from sellers.models import DeviceToken, Membership, MembershipEvent
from tests.factories import (
    MembershipFactory,
    OrderFactory,
    OrderLineFactory,
    SellerFactory,
    StockItemFactory,
    UserFactory,
)

# Operators see every seller (admin); the marketplace feed and the schema are not tenant views.
NOT_TENANT_SCOPED = ("admin/", "api/v1/intake/", "api/v1/schema", "api/v1/docs", "i18n/", "accounts/", "media/")
METHODS = ("get", "post", "put", "patch", "delete")
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
PNG_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a0e0c8ab0000000049454e44ae426082"
)
# B's objects get ids no object of A can have, so a 404 can only mean "not yours".
FOREIGN_ID_BASE = 900_000


@dataclass(frozen=True)
class Route:
    template: str
    name: str

    @property
    def parameters(self) -> list[tuple[str, str]]:
        return [(m["converter"] or "str", m["name"]) for m in PARAMETER.finditer(self.template)]

    def fill(self, value) -> str:
        return "/" + PARAMETER.sub(str(value), self.template)

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/")


def walk(patterns, prefix: str = "") -> list[Route]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            routes += walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            template = prefix + str(entry.pattern)
            if template.startswith("^") or "(?P" in template:
                template = template.lstrip("^").rstrip("$")  # DRF format suffixes and static() regexes
            routes.append(Route(template, entry.name or ""))
    return routes


def routes_with_an_id() -> list[Route]:
    found = {}
    for route in walk(get_resolver().url_patterns):
        if route.template.startswith(NOT_TENANT_SCOPED) or not route.parameters:
            continue
        if "(?P" in route.template or "\\." in route.template:
            continue  # format-suffix duplicates (…\.json) of routes already listed
        found[route.template] = route
    return sorted(found.values(), key=lambda r: r.template)


ROUTES = routes_with_an_id()


def tenant_objects(seller, user, *, base: int | None) -> dict[str, list]:
    """One of every kind of tenant-owned object, with ids from `base` up when given."""

    def pk(offset: int) -> dict:
        return {"pk": base + offset} if base else {}

    # B's rows carry a marker that must never show up in any page or answer of A
    marker = {"buyer_full_name": f"Foráneo {base}", "number": f"F{base}1"} if base else {}
    pending = OrderFactory(seller=seller, **marker, **pk(1))
    item = StockItemFactory(seller=seller, **pk(2))
    OrderLineFactory(order=pending, sku=item.sku, **pk(3))
    if base:
        marker = {"buyer_full_name": f"Foráneo {base}", "number": f"F{base}4"}
    shipped = OrderFactory(seller=seller, status=Status.SHIPPED, **marker, **pk(4))
    shipment = Shipment.objects.create(
        order=shipped, seller=seller, carrier="Olva", tracking_number="T-1", shipped_at=shipped.placed_at, **pk(5)
    )
    evidence = DeliveryEvidence.objects.create(
        seller=seller, order=shipped, kind="buyer_receiving", url="https://fotos.example.pe/e.jpg", **pk(6)
    )
    photo = DeliveryEvidence(seller=seller, order=shipped, kind="buyer_receiving", content_type="image/png", **pk(9))
    photo.file.save("photo.png", ContentFile(PNG_PIXEL), save=True)
    attempt = DeliveryAttempt(
        seller=seller, order=shipped, number=1, reason="buyer_absent", attempted_at=shipped.placed_at, **pk(20)
    )
    attempt.photo.save("attempt.png", ContentFile(PNG_PIXEL), save=True)
    event = OrderEvent.objects.create(order=shipped, seller=seller, kind="ship", **pk(7))
    notification = Notification.objects.create(
        user=user, seller=seller, order=pending, kind="new_order", text="Nueva orden", **pk(8)
    )
    token, _raw = DeviceToken.objects.create(user=user, device_name="Teléfono")
    penalty = Penalty.objects.create(
        seller=seller, order=pending, rule="late_handling", clause="19", deadline=pending.handling_deadline,
        amount=50, currency="PEN", raised_at=pending.handling_deadline, **pk(10),
    )  # fmt: skip
    from disputes.models import CancellationReason, CancellationRequest, Dispute, DisputeAttachment, DisputeMessage

    reason = CancellationReason.objects.get(code="product_damaged")
    dispute = Dispute.objects.create(
        seller=seller, order=shipped, reason=reason, opened_by_party="buyer", text="Llegó roto", responsible="Ana",
        status="awaiting_seller", respond_by=shipped.placed_at + timedelta(days=5), **pk(40),
    )  # fmt: skip
    message = DisputeMessage.objects.create(dispute=dispute, seller=seller, party="buyer", text="Foto", **pk(41))
    attachment = DisputeAttachment(
        message=message, seller=seller, content_type="image/png", size_bytes=len(PNG_PIXEL), sha256="0" * 64, **pk(42)
    )
    attachment.file.save("foto.png", ContentFile(PNG_PIXEL), save=True)
    CancellationRequest.objects.create(
        seller=seller, order=shipped, reason=CancellationReason.objects.get(code="buyer_request"),
        deadline=shipped.placed_at + timedelta(hours=72), **pk(43),
    )  # fmt: skip
    # a bulk stock upload waiting for its confirmation, whose row would set the SKU to 0
    upload = StockUpload.objects.create(seller=seller, created_by=user, filename="stock.csv", row_count=1, **pk(44))
    StockUploadRow.objects.create(upload=upload, line=2, sku=item.sku, quantity=0)
    # a transfer order with a registered payment and its supporting document
    transfer = OrderFactory(seller=seller, payment_method="bank_transfer", payment_status="pending", **pk(50))
    payment = Payment(
        seller=seller, order=transfer, kind="payment", method="bank_transfer", amount=transfer.total,
        effect=transfer.total, currency="PEN", reference="OP-1", source="member", document_content_type="image/png",
        **pk(51),
    )  # fmt: skip
    payment.document.save("voucher.png", ContentFile(PNG_PIXEL), save=False)
    payment.save(force_insert=True)
    member = MembershipFactory(seller=seller, role="staff", user=UserFactory(), **pk(52))  # a teammate
    return {
        "id": [pending.pk, shipped.pk, item.pk, shipment.pk, evidence.pk, photo.pk, event.pk, notification.pk]
        + [penalty.pk, member.pk]
        + [attempt.pk]
        + [dispute.pk, attachment.pk]
        + [upload.pk]
        + [transfer.pk, payment.pk],
        "str": [token.token_key, str(pending.pk), str(evidence.pk)],
        "uuid": ["00000000-0000-4000-8000-000000000000"],
        "slug": [token.token_key],
        "path": [str(evidence.pk)],
        "sku": [item.sku],
    }


def snapshot(seller) -> dict:
    """Everything of the seller a stray request could change."""
    orders = Order.objects.filter(seller=seller)
    return {
        "orders": list(orders.order_by("pk").values_list("pk", "status", "updated_at")),
        "events": OrderEvent.objects.filter(seller=seller).count(),
        "evidence": list(DeliveryEvidence.objects.filter(seller=seller).values_list("pk", "kind", "url")),
        "shipments": list(Shipment.objects.filter(seller=seller).values_list("pk", "tracking_number")),
        "notifications": list(Notification.objects.filter(seller=seller).values_list("pk", "read_at")),
        "stock": list(seller.stock_items.values_list("pk", "quantity_on_hand", "quantity_reserved", "updated_at")),
        "stock_movements": StockMovement.objects.filter(seller=seller).count(),
        "stock_uploads": list(StockUpload.objects.filter(seller=seller).values_list("pk", "status")),
        "tokens": DeviceToken.objects.filter(user__memberships__seller=seller).count(),
        "members": list(
            Membership.all_objects.filter(seller=seller).order_by("pk").values_list("pk", "role", "removed_at")
        ),
        "member_events": MembershipEvent.objects.filter(seller=seller).count(),
        "payments": list(Payment.objects.filter(seller=seller).values_list("pk", "amount")),
        "payment_status": list(orders.order_by("pk").values_list("pk", "payment_status", "handling_deadline")),
    }


@pytest.fixture
def tenants(db):
    seller_a, seller_b = SellerFactory(name="Seller A"), SellerFactory(name="Seller B")
    user_a = MembershipFactory(seller=seller_a, user=UserFactory(username="tenant_a")).user
    user_b = MembershipFactory(seller=seller_b, user=UserFactory(username="tenant_b")).user
    own = tenant_objects(seller_a, user_a, base=None)
    foreign = tenant_objects(seller_b, user_b, base=FOREIGN_ID_BASE)
    assert max(own["id"]) < FOREIGN_ID_BASE
    return {"seller_a": seller_a, "user_a": user_a, "seller_b": seller_b, "own": own, "foreign": foreign}


def client_for(route: Route, user):
    if route.is_api:
        token = DeviceToken.objects.create(user=user, device_name="tests")[1]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def candidate_values(route: Route, objects: dict) -> list:
    converter = route.parameters[0][0]
    return objects.get(converter, objects["str"])


def test_the_urlconf_has_tenant_routes_in_both_interfaces():
    # guards the enumeration itself: if it found nothing, every test below would pass vacuously
    assert any(r.is_api for r in ROUTES) and any(not r.is_api for r in ROUTES)
    assert any("orders" in r.template for r in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.template)
def test_another_sellers_ids_are_404_and_change_nothing(route, tenants):
    client = client_for(route, tenants["user_a"])
    before = snapshot(tenants["seller_b"])
    answers = {}
    for value in candidate_values(route, tenants["foreign"]):
        url = route.fill(value)
        for method in METHODS:
            answer = getattr(client, method)(url, data={}, format="json" if route.is_api else None)
            answers[(url, method)] = answer.status_code
    # then nothing but 404 (or 405 for a method the route does not have) came back…
    leaks = {key: code for key, code in answers.items() if code not in (404, 405)}
    assert not leaks, f"{route.template} answered seller A about seller B's objects: {leaks}"
    assert 404 in answers.values()
    # …and B's data is exactly as it was
    assert snapshot(tenants["seller_b"]) == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.template)
def test_the_same_route_answers_for_the_sellers_own_ids(route, tenants):
    # the 404s above mean "not yours" only if the route works for one's own objects;
    # a new kind of object needs a line in tenant_objects() for this to pass
    client = client_for(route, tenants["user_a"])
    codes = set()
    for value in candidate_values(route, tenants["own"]):
        for method in METHODS:
            answer = getattr(client, method)(route.fill(value), data={}, format="json" if route.is_api else None)
            codes.add(answer.status_code)
    assert codes - {404, 405}, f"{route.template} never found seller A's own objects"


def test_lists_and_counts_never_include_another_sellers_orders(tenants):
    user_a = tenants["user_a"]
    foreign_ids = set(Order.objects.filter(seller=tenants["seller_b"]).values_list("pk", flat=True))
    own_count = Order.objects.filter(seller=tenants["seller_a"]).count()
    # the API list and its counts
    api = client_for(Route("api/v1/orders/", ""), user_a)
    listed = api.get("/api/v1/orders/", {"page_size": 100}).json()
    ids = {row["id"] for row in listed["results"]}
    assert ids and not ids & foreign_ids
    counts = api.get("/api/v1/orders/counts/").json()
    assert sum(v for k, v in counts.items() if k in Status.values) == own_count
    # the dashboard list, whatever tab or search
    dashboard = client_for(Route("", ""), user_a)
    for params in ({}, {"status": "shipped"}, {"q": "Comprador"}):
        page = dashboard.get("/", params)
        assert page.status_code == 200
        shown = {order.pk for order in page.context["page"].rows}
        assert not shown & foreign_ids
    all_tab = page.context["tabs"][0]
    assert all_tab["code"] == "" and all_tab["count"] == own_count


@pytest.mark.parametrize("route", [r for r in ROUTES if r.parameters[0][0] == "id"], ids=lambda r: r.template)
def test_an_id_too_large_for_the_database_is_a_plain_404(route, tenants):
    # a 30-digit id must not reach the database driver (overflow) and become a 500
    client = client_for(route, tenants["user_a"])
    url = route.fill("9" * 30)
    assert client.get(url).status_code == 404


def test_a_seller_header_too_large_for_the_database_is_refused_not_crashed(tenants):
    client = client_for(Route("api/v1/orders/", ""), tenants["user_a"])
    answer = client.get("/api/v1/orders/", HTTP_X_SELLER_ID="9" * 30)
    assert answer.status_code == 403 and answer.json()["error"]["message"]


def routes_without_an_id() -> list[Route]:
    found = {}
    for route in walk(get_resolver().url_patterns):
        if route.template.startswith(NOT_TENANT_SCOPED) or route.parameters or "(?P" in route.template:
            continue
        found[route.template] = route
    return sorted(found.values(), key=lambda r: r.template)


@pytest.mark.parametrize("route", routes_without_an_id(), ids=lambda r: r.template or "/")
def test_no_list_page_or_endpoint_shows_another_sellers_data(route, tenants):
    # every page and endpoint without an id (lists, counts, exports) read as seller A...
    client = client_for(route, tenants["user_a"])
    answer = client.get("/" + route.template)
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    # ...never names B's orders or buyers, whatever it is
    assert answer.status_code in (200, 302, 405), answer.status_code
    assert f"Foráneo {FOREIGN_ID_BASE}".encode() not in body
    assert f"F{FOREIGN_ID_BASE}".encode() not in body
