"""The API's timeline names each event with the dashboard's words, for every kind the code writes."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from orders.workflow import EVENT_LABELS, TRANSITIONS, record_event
from tests.api.conftest import client_with_token, token_for
from tests.factories import DEFAULT_PASSWORD, OrderFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "sellers", "catalog", "orders", "fulfillment", "evidence", "disputes", "payments", "notifications")
EVENT_WRITERS = {"record_event", "OrderEvent"}
# raw SQL that appends events (the deadline sweep): the kind is the first literal the SELECT writes
SQL_EVENT_KIND = re.compile(r"INSERT INTO orders_orderevent\b.*?SELECT[^']*'([a-z_]+)'", re.S | re.I)


def _writes_an_event(call: ast.Call) -> bool:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name in EVENT_WRITERS:
        return True
    # OrderEvent.objects.create(...)
    return (
        name == "create"
        and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id == "OrderEvent"
    )


def event_kinds_in_code() -> set[str]:
    """Every OrderEvent.kind the code can write: workflow actions, literal kinds passed to
    record_event / OrderEvent(...), and the kinds raw SQL inserts."""
    kinds = set(TRANSITIONS)
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _writes_an_event(node):
                    for keyword in node.keywords:
                        if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                            kinds.add(keyword.value.value)
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    kinds.update(SQL_EVENT_KIND.findall(node.value))
    return kinds


def test_the_scan_finds_kinds_written_by_each_app():
    # a guard on the scan itself: kinds written by services in four apps and by the sweep's SQL
    found = event_kinds_in_code()
    assert {"received", "evidence_added", "dispute_opened", "penalty_waived", "penalty_raised", "ship"} <= found


def test_no_event_kind_lacks_a_label():
    missing = sorted(kind for kind in event_kinds_in_code() if kind not in EVENT_LABELS)
    assert not missing, f"event kinds without a label in orders.workflow.EVENT_LABELS: {missing}"


def dashboard_labels(html: str) -> dict[str, str]:
    return {
        kind: unescape(label).strip()
        for kind, label in re.findall(r'<li class="event" data-kind="([^"]+)">.*?<strong>(.*?)</strong>', html, re.S)
    }


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_api_and_the_dashboard_give_every_kind_the_same_label(client, seller, owner, language):
    # given an order whose history holds one event of every kind the code knows
    order = OrderFactory(seller=seller)
    kinds = sorted(event_kinds_in_code() | set(EVENT_LABELS))
    for kind in kinds:
        record_event(order=order, kind=kind, actor=owner)
    # when the seller reads it on the dashboard and through the API, in the same language
    assert client.login(username=owner.username, password=DEFAULT_PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    api = client_with_token(token_for(owner))
    events = api.get(f"/api/v1/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()["events"]
    # then both name each kind with the same words, and never with the raw kind
    on_dashboard = dashboard_labels(page)
    in_api = {event["kind"]: event["label"] for event in events}
    assert set(in_api) == set(on_dashboard) == set(kinds)
    for kind in kinds:
        assert in_api[kind] == on_dashboard[kind], kind
        assert in_api[kind] != kind, f"{kind} has no words of its own"


def test_the_labels_follow_the_request_language(seller, owner):
    order = OrderFactory(seller=seller)
    record_event(order=order, kind="cancellation_requested")
    api = client_with_token(token_for(owner))
    spanish = api.get(f"/api/v1/orders/{order.pk}/").json()["events"][-1]
    english = api.get(f"/api/v1/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["events"][-1]
    assert (spanish["kind"], spanish["label"]) == ("cancellation_requested", "Solicitud de cancelación del comprador")
    assert english["label"] == "Buyer's cancellation request"
