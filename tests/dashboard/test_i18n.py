from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from orders.models import Status
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_spanish_is_the_default(client_a, seller):
    OrderFactory(seller=seller, status=Status.READY_TO_SHIP)
    html = client_a.get(reverse("dashboard:order_list")).content.decode()
    assert '<html lang="es">' in html
    for label in ("Órdenes", "Todas", "Para envío", "Buscar", "Salir"):
        assert label in html


def test_english_with_the_language_cookie(client_a, seller):
    # given the member chose English (the cookie set_language writes)
    OrderFactory(seller=seller, status=Status.READY_TO_SHIP)
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when they open the list, then labels, tabs and badges are English
    html = client_a.get(reverse("dashboard:order_list")).content.decode()
    assert '<html lang="en">' in html
    for label in ("Orders", "All", "Pending handling", "Ready to ship", "Search", "Log out"):
        assert label in html
    assert "Para envío" not in html and "Todas" not in html


def test_english_with_accept_language(client_a, order_in):
    order = order_in(Status.PENDING_HANDLING)
    html = client_a.get(reverse("dashboard:order_detail", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("Start handling", "Cancel", "Buyer", "Timeline", "Handling deadline", "due in 21 h"):
        assert label in html, label
    assert "Iniciar manejo" not in html


def test_refusal_messages_are_translated(client_a, order_in):
    order = order_in(Status.SHIPPED)
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client_a.post(reverse("dashboard:start_handling", args=[order.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Cannot “Start handling”: the order is “Shipped”."]


def test_language_switch_sets_english(client_a):
    response = client_a.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Orders" in response.content.decode()
    assert response.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_money_and_the_sla_clock_read_the_same_on_every_page(client_a, seller):
    from fulfillment.models import Penalty
    from tests.factories import OrderFactory

    now = timezone.now()
    # an order due the day after tomorrow, one whose penalty has cents, and one already penalised
    order = OrderFactory(
        seller=seller, total=Decimal("538.80"), placed_at=now, handling_deadline=now + timedelta(days=2)
    )
    seller.contract.late_handling_penalty_kind = "percent"
    seller.contract.late_handling_penalty_value = Decimal("10.00")
    seller.contract.save()
    Penalty.objects.create(
        seller=seller,
        order=order,
        rule="late_handling",
        clause="19",
        deadline=now,
        amount=Decimal("53.88"),
        currency="PEN",
        raised_at=now,
    )
    detail = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    when = timezone.localtime(order.handling_deadline).strftime("%d/%m")
    assert f"antes del {when} a las" in detail and "antes de el" not in detail
    # Peru writes money with a decimal point, as its marketplaces and receipts do
    assert "S/ 53.88" in detail and "53,88" not in detail
    assert "S/ 538.80" in detail and "PEN 538" not in detail
    listing = client_a.get(reverse("dashboard:order_list")).content.decode()
    assert "S/ 538.80" in listing and "PEN " not in listing
    penalties = client_a.get(reverse("dashboard:penalties")).content.decode()
    assert "S/ 53.88" in penalties and "PEN " not in penalties


def test_thousands_are_grouped_with_a_comma_in_spanish_and_english():
    from django.utils import translation

    from dashboard.templatetags.dashboard import format_money

    for language in ("es", "en"):
        with translation.override(language):
            assert format_money(Decimal("1538.8"), "PEN") == "S/ 1,538.80"
            assert format_money(Decimal("50"), "PEN", short=True) == "S/ 50"


def test_the_timeline_says_by_the_system(client_a, seller):
    from orders.workflow import record_event
    from tests.factories import OrderFactory

    order = OrderFactory(seller=seller)
    record_event(order=order, kind="penalty_raised", actor=None)
    detail = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "por el sistema" in detail and "por system" not in detail
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "by the system" in english
