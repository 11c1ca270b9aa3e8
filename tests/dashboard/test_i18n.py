import pytest
from django.conf import settings
from django.urls import reverse

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
