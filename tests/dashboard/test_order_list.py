from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, Status
from tests.factories import OrderFactory, SiteFactory

pytestmark = pytest.mark.django_db
LIST = "dashboard:order_list"


def numbers(response) -> list[str]:
    return [o.number for o in response.context["page"].rows]


def test_list_shows_tabs_badges_and_deadlines(client_a, seller):
    # given a pending order with 3 h left, an overdue one and a shipped one
    now = timezone.now()
    OrderFactory(seller=seller, number="1001", placed_at=now - timedelta(hours=21, minutes=10))
    OrderFactory(seller=seller, number="1002", placed_at=now - timedelta(hours=30))
    OrderFactory(seller=seller, number="1003", status=Status.SHIPPED)
    html = client_a.get(reverse(LIST)).content.decode()
    # then each status has its tab and count, "Todas" included, and the deadlines read as sellers say them
    assert 'data-status="all"' in html and "Todas" in html
    assert 'data-status="pending_handling"' in html
    assert "vence en 2 h" in html
    assert "vencido" in html
    assert 'class="badge badge-shipped"' in html


def test_search_by_number_buyer_name_and_document(client_a, seller):
    OrderFactory(seller=seller, number="5550001", buyer_full_name="María Huamán", buyer_document_number="41234567")
    OrderFactory(seller=seller, number="5550002", buyer_full_name="Pedro Castillo", buyer_document_number="47654321")
    assert numbers(client_a.get(reverse(LIST), {"q": "5550002"})) == ["5550002"]
    assert numbers(client_a.get(reverse(LIST), {"q": "#5550001"})) == ["5550001"]
    assert numbers(client_a.get(reverse(LIST), {"q": "huamán"})) == ["5550001"]
    assert numbers(client_a.get(reverse(LIST), {"q": "47654321"})) == ["5550002"]
    assert numbers(client_a.get(reverse(LIST), {"q": "nadie"})) == []


def test_date_filter_includes_whole_days(client_a, seller):
    tz = timezone.get_current_timezone()
    OrderFactory(seller=seller, number="D1", placed_at=timezone.datetime(2026, 11, 1, 9, tzinfo=tz))
    OrderFactory(seller=seller, number="D2", placed_at=timezone.datetime(2026, 11, 5, 23, 30, tzinfo=tz))
    OrderFactory(seller=seller, number="D3", placed_at=timezone.datetime(2026, 11, 9, 8, tzinfo=tz))
    response = client_a.get(reverse(LIST), {"desde": "2026-11-02", "hasta": "2026-11-05"})
    assert numbers(response) == ["D2"]
    assert numbers(client_a.get(reverse(LIST), {"desde": "2026-11-05"})) == ["D3", "D2"]


def test_status_tab_keeps_the_search(client_a, seller):
    OrderFactory(seller=seller, number="S1", status=Status.SHIPPED, buyer_full_name="Ana Flores")
    OrderFactory(seller=seller, number="S2", status=Status.PENDING_HANDLING, buyer_full_name="Ana Flores")
    response = client_a.get(reverse(LIST), {"status": "shipped", "q": "Flores"})
    assert numbers(response) == ["S1"]
    assert "q=Flores" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"desde": "ayer"},
        {"after": "no-es-cursor"},
        {"before": "9" * 40 + ".1"},
        {"status": "inventado"},
        {"per_page": "x"},
    ],
)
def test_bad_filters_never_break_the_page(client_a, seller, params):
    OrderFactory(seller=seller)
    response = client_a.get(reverse(LIST), params)
    assert response.status_code == 200


def test_keyset_pages_walk_forward_and_back_without_gaps_or_repeats(client_a, seller):
    # given 23 orders, several placed at the very same instant (the id breaks the tie)
    base = timezone.now() - timedelta(days=1)
    for i in range(23):
        OrderFactory(seller=seller, placed_at=base - timedelta(minutes=i // 3))
    expected = list(Order.objects.filter(seller=seller).order_by("-placed_at", "-id").values_list("number", flat=True))
    # when the member follows "Siguiente" to the end
    pages, response = [], client_a.get(reverse(LIST), {"per_page": 10})
    while True:
        pages.append(numbers(response))
        nxt = response.context["page"].next_cursor
        if not nxt:
            break
        assert "Siguiente" in response.content.decode()
        response = client_a.get(reverse(LIST), {"per_page": 10, "after": nxt})
    # then every order appears once, in order
    assert [len(p) for p in pages] == [10, 10, 3]
    assert sum(pages, []) == expected
    # and "Anterior" walks back to the first page
    back = client_a.get(reverse(LIST), {"per_page": 10, "before": response.context["page"].previous_cursor})
    assert numbers(back) == pages[1]
    first = client_a.get(reverse(LIST), {"per_page": 10, "before": back.context["page"].previous_cursor})
    assert numbers(first) == pages[0]
    assert first.context["page"].previous_cursor is None


def count_list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("status", ["", Status.PENDING_HANDLING])
def test_list_runs_a_constant_number_of_queries(client_a, seller, django_assert_max_num_queries, status):
    sites = [SiteFactory(), SiteFactory()]

    def add(n):
        for i in range(n):
            OrderFactory(seller=seller, site=sites[i % 2])

    # given 5 orders, then 40 (all on one page)
    add(5)
    # session, user, memberships (current seller and switcher), page, tab counts, unread bell
    with django_assert_max_num_queries(6):
        few = count_list_queries(client_a, per_page=50, status=status)
    add(35)
    with django_assert_max_num_queries(6):
        many = count_list_queries(client_a, per_page=50, status=status)
    # then the page size does not change the number of queries
    assert few == many
    assert len(client_a.get(reverse(LIST), {"per_page": 50, "status": status}).context["page"].rows) == 40


def test_a_reversed_date_range_says_so_and_does_not_filter(client_a, seller):
    tz = timezone.get_current_timezone()
    OrderFactory(seller=seller, number="R1", placed_at=timezone.datetime(2026, 11, 3, 9, tzinfo=tz))
    OrderFactory(seller=seller, number="R2", placed_at=timezone.datetime(2026, 11, 8, 9, tzinfo=tz))
    # «Desde» after «Hasta»
    response = client_a.get(reverse(LIST), {"desde": "2026-11-09", "hasta": "2026-11-02"})
    html = response.content.decode()
    assert "«Desde» debe ser anterior o igual a «Hasta»." in html
    # the dates are not applied (the list is not silently empty) and the inputs keep what was typed
    assert numbers(response) == ["R2", "R1"]
    assert 'value="2026-11-09"' in html and 'value="2026-11-02"' in html


def test_the_penalty_filter_refuses_a_reversed_range_too(client_a, seller):
    response = client_a.get(reverse("dashboard:penalties"), {"desde": "2026-11-09", "hasta": "2026-11-02"})
    assert "«Desde» debe ser anterior o igual a «Hasta»." in response.content.decode()
