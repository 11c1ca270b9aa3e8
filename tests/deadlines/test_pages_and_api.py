"""What sellers see: the SLA clock (dashboard and API), the penalties page and endpoints, sort and filter."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fulfillment.deadlines import enforce_deadlines
from fulfillment.models import Penalty, PenaltyStatus
from orders.models import OrderEvent, Status
from sellers.models import DeviceToken
from tests.deadlines.conftest import at
from tests.factories import DEFAULT_PASSWORD, OrderFactory, order_with_stock
from tests.factories import OrderFactory as Orders


def api_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {DeviceToken.objects.create(user=user, device_name='Pixel')[1]}")
    return client


@pytest.fixture
def browser(client, owner):
    assert client.login(username=owner.username, password=DEFAULT_PASSWORD)
    return client


@pytest.fixture
def penalties(seller, site, other_seller):
    """Three of the seller's penalties over two months, one of another seller."""
    for placed in ("2026-10-10 09:00", "2026-11-10 09:00", "2026-11-11 09:00"):
        OrderFactory(seller=seller, site=site, placed_at=at(placed), total=Decimal("80.00"))
    OrderFactory(seller=other_seller, site=site, placed_at=at("2026-11-10 09:00"))
    for day in ("2026-10-11 10:00", "2026-11-12 10:00"):
        with time_machine.travel(at(day), tick=False):
            enforce_deadlines()
    return list(Penalty.objects.filter(seller=seller).order_by("raised_at", "id"))


def test_the_clock_on_the_order_page_and_the_late_preview(browser, seller, site):
    # given an order due at 14:30 today
    with time_machine.travel(at("2026-11-21 09:00"), tick=False):
        order = order_with_stock(seller=seller, site=site, placed_at=at("2026-11-20 14:30"))
        page = browser.get(reverse("dashboard:order_detail", args=[order.pk]))
        # then the page says what to do, by when, and what missing it costs
        assert "Iniciar manejo antes de las 14:30 — si no, penalidad S/ 50 por cláusula 19" in page.text
        assert 'data-testid="sla-clock"' in page.text and "Fuera de plazo" not in page.text
    # and once late, the button's preview says pressing now costs the penalty
    with time_machine.travel(at("2026-11-21 15:00"), tick=False):
        page = browser.get(reverse("dashboard:order_detail", args=[order.pk]))
    assert "Fuera de plazo: penalidad S/ 50 por cláusula 19" in page.text
    assert "vencido" in page.text


def test_the_order_list_shows_clocks_sorts_by_deadline_and_filters_due_soon(browser, seller, site):
    with time_machine.travel(at("2026-11-21 09:00"), tick=False):
        later = Orders(seller=seller, site=site, placed_at=at("2026-11-20 20:00"))  # due 20:00
        sooner = Orders(seller=seller, site=site, placed_at=at("2026-11-20 11:00"))  # due 11:00, within 4 h
        newest = Orders(seller=seller, site=site, placed_at=at("2026-11-21 08:00"))  # due tomorrow
        delivered = Orders(seller=seller, site=site, placed_at=at("2026-11-21 08:30"), status=Status.DELIVERED)
        url = reverse("dashboard:order_list")
        default = browser.get(url)
        by_deadline = browser.get(url, {"orden": "deadline"})
        due_soon = browser.get(url, {"vence": "on"})
        paged = browser.get(url, {"orden": "deadline", "per_page": 10})
    assert [o.pk for o in default.context["page"].rows] == [delivered.pk, newest.pk, later.pk, sooner.pk]
    assert [o.pk for o in by_deadline.context["page"].rows] == [sooner.pk, later.pk, newest.pk]
    assert [o.pk for o in due_soon.context["page"].rows] == [sooner.pk]
    assert "Iniciar manejo antes de las 11:00" in default.text
    assert paged.status_code == 200


def test_the_api_order_list_and_detail_carry_the_clock_without_a_query_per_row(seller, site, owner):
    client = api_client(owner)
    with time_machine.travel(at("2026-11-21 09:00"), tick=False):
        for hour in range(10, 16):
            Orders(seller=seller, site=site, placed_at=at(f"2026-11-20 {hour}:00"))
        with CaptureQueriesContext(connection) as few:
            client.get("/api/v1/orders/", {"page_size": 2})
        with CaptureQueriesContext(connection) as many:
            listed = client.get("/api/v1/orders/", {"page_size": 6}).json()["results"]
        sorted_rows = client.get("/api/v1/orders/", {"sort": "deadline", "page_size": 2}).json()
        second = client.get(sorted_rows["next"]).json()
        due_soon = client.get("/api/v1/orders/", {"due_soon": "true"}).json()["results"]
        detail = client.get(f"/api/v1/orders/{listed[0]['id']}/").json()
    assert len(many.captured_queries) == len(few.captured_queries)
    sla = listed[-1]["sla"]
    assert sla["action"] == "start_handling" and sla["rule"] == "late_handling"
    assert (sla["penalty_amount"], sla["penalty_currency"], sla["penalty_clause"]) == ("50.00", "PEN", "19")
    assert sla["text"] == "Iniciar manejo antes de las 10:00 — si no, penalidad S/ 50 por cláusula 19"
    assert sla["overdue"] is False
    assert detail["sla"]["deadline"] == listed[0]["handling_deadline"]
    deadlines = [row["handling_deadline"] for row in sorted_rows["results"] + second["results"]]
    assert deadlines == sorted(deadlines) and len(deadlines) == 4
    # due within the 4 h lead time (by 13:00), newest first
    assert [row["sla"]["text"][:33] for row in due_soon] == [
        f"Iniciar manejo antes de las {h}:00" for h in (12, 11, 10)
    ]


def test_the_penalties_page_totals_per_month_and_csv(browser, penalties, seller):
    page = browser.get(reverse("dashboard:penalties"))
    assert page.status_code == 200
    assert [p.pk for p in page.context["page"].object_list] == [p.pk for p in reversed(penalties)]
    totals = {row["month"].strftime("%Y-%m"): (row["count"], row["owed"]) for row in page.context["totals"]}
    assert totals == {"2026-11": (2, Decimal("100.00")), "2026-10": (1, Decimal("50.00"))}
    filtered = browser.get(reverse("dashboard:penalties"), {"desde": "2026-11-01", "hasta": "2026-11-30"})
    assert len(filtered.context["page"].object_list) == 2
    export = browser.get(reverse("dashboard:penalties_csv"), {"desde": "2026-11-01"})
    assert export.streaming and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Orden" and len(rows) == 3
    assert {row[4] for row in rows[1:]} == {"50.00"}
    # the nav links to it
    assert reverse("dashboard:penalties") in browser.get(reverse("dashboard:order_list")).text


def test_appealing_from_the_dashboard(browser, penalties, owner):
    penalty = penalties[0]
    url = reverse("dashboard:penalty_appeal", args=[penalty.pk])
    empty = browser.post(url, {"text": ""}, follow=True)
    assert "Escribe el motivo" in empty.text
    browser.post(url, {"text": "Hubo un corte de luz", "next": "/penalties/"})
    penalty.refresh_from_db()
    assert penalty.status == PenaltyStatus.APPEALED
    assert OrderEvent.objects.get(order=penalty.order, kind="penalty_appealed").actor == owner
    again = browser.post(url, {"text": "otra vez"}, follow=True)
    assert "Solo se puede apelar" in again.text


def test_the_api_lists_and_appeals_idempotently(penalties, owner, other_seller):
    client = api_client(owner)
    listed = client.get("/api/v1/penalties/").json()
    assert [row["id"] for row in listed["results"]] == [p.pk for p in reversed(penalties)]
    assert not Penalty.objects.filter(pk__in=[r["id"] for r in listed["results"]], seller=other_seller).exists()
    assert len(client.get("/api/v1/penalties/", {"raised_after": "2026-11-01"}).json()["results"]) == 2
    assert client.get("/api/v1/penalties/", {"status": "nope"}).status_code == 400
    url = f"/api/v1/penalties/{penalties[0].pk}/appeal/"
    assert client.post(url, {}, format="json").status_code == 400
    first = client.post(url, {"text": "Corte de luz"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    replay = client.post(url, {"text": "Corte de luz"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == replay.status_code == 200
    assert first.json() == replay.json() and first.json()["status"] == "appealed"
    assert replay["Idempotent-Replay"] == "true"
    assert OrderEvent.objects.filter(kind="penalty_appealed").count() == 1
    assert client.post(url, {"text": "otra"}, format="json").status_code == 409
    foreign = Penalty.objects.get(seller=other_seller)
    assert client.post(f"/api/v1/penalties/{foreign.pk}/appeal/", {"text": "x"}, format="json").status_code == 404


def test_operators_waive_in_bulk_from_the_admin(penalties, operator, client):
    client.force_login(operator)
    url = reverse("admin:fulfillment_penalty_changelist")
    ids = [str(p.pk) for p in penalties[:2]]
    refused = client.post(url, {"action": "waive", "_selected_action": ids, "reason": ""}, follow=True)
    assert "Indica el motivo" in refused.text
    client.post(url, {"action": "waive", "_selected_action": ids, "reason": "Caída del marketplace"}, follow=True)
    statuses = dict(Penalty.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in penalties] == ["waived", "waived", "raised"]
    assert OrderEvent.objects.filter(kind="penalty_waived", actor=operator).count() == 2
    assert client.get(reverse("admin:fulfillment_penalty_change", args=[penalties[0].pk])).status_code == 200
