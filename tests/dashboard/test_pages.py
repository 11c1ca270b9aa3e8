from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dashboard.templatetags.dashboard import handling_due
from notifications.models import Notification
from orders.models import Status
from sellers.middleware import SESSION_SELLER_KEY
from tests.dashboard.conftest import STATES, page_messages
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrderFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    # given nobody logged in, when they open the list, then they land on the login page
    response = client.get(reverse("dashboard:order_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert "Iniciar sesión" in login.content.decode()


def test_login_with_the_form_reaches_the_list(client, owner):
    response = client.post(reverse("login"), {"username": owner.username, "password": DEFAULT_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.templates[0].name == "dashboard/order_list.html"


def test_user_without_membership_sees_a_clear_page(client, db):
    # given a user who belongs to no seller
    loner = UserFactory(username="sin_tienda")
    client.force_login(loner)
    # when they open each page, then they are told why, with no crash
    for url in (reverse("dashboard:order_list"), reverse("dashboard:notifications")):
        response = client.get(url)
        assert response.status_code == 403
        assert "no pertenece a ningún seller" in response.content.decode()


@pytest.mark.parametrize("state", STATES)
def test_detail_renders_for_a_member_in_every_state(client_a, order_in, state):
    order = order_in(state)
    response = client_a.get(reverse("dashboard:order_detail", args=[order.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Orden #{order.number}" in html
    assert order.buyer_full_name in html and order.buyer_document_number in html
    assert order.get_status_display() in html
    assert 'id="timeline"' in html


def test_detail_shows_shipment_evidence_and_timeline(client_a, order_in):
    # given a delivered order with a photo
    order = order_in(Status.DELIVERED)
    evidence = order.delivery_evidence.get()
    # when the member opens it
    html = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    # then the shipment, the thumbnail (served privately) and each step are there, with no buttons left
    assert "Olva Courier" in html and "OLV-123456" in html
    assert f'src="{reverse("dashboard:evidence_file", args=[evidence.pk])}?size=thumbnail"' in html
    for label in ("Iniciar manejo", "Realizar envío", "Evidencia agregada", "Entregar"):
        assert label in html
    assert 'data-kind="deliver"' in html
    assert 'data-action="' not in html


def test_canceled_order_shows_its_cancellation(client_a, order_in):
    order = order_in(Status.CANCELED)
    html = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "Cancelado por el seller [CS]" in html
    assert "Quiebre de stock" in html and "Ana Pérez" in html


@pytest.mark.parametrize(
    "state, buttons",
    [
        (Status.PENDING_HANDLING, {"start_handling", "cancel"}),
        (Status.READY_TO_SHIP, {"ship"}),
        (Status.SHIPPED, {"deliver", "add_evidence"}),
        (Status.DELIVERED, set()),
        (Status.CANCELED, set()),
    ],
)
def test_buttons_follow_allowed_actions(client_a, order_in, state, buttons):
    order = order_in(state)
    html = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    names = ("start_handling", "ship", "deliver", "add_evidence", "cancel")
    shown = {name for name in names if f'data-action="{name}"' in html}
    assert shown == buttons


def test_evidence_file_is_streamed_to_members_only(client, order_in, owner, other_owner):
    order = order_in(Status.DELIVERED)
    evidence = order.delivery_evidence.get()
    url = reverse("dashboard:evidence_file", args=[evidence.pk])
    # a member gets the bytes, privately
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "private" in response["Cache-Control"]
    # the other seller's owner and an anonymous visitor do not
    client.force_login(other_owner)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    # and the file does not live under a public media URL
    assert "/media/" not in client.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()


def test_notifications_page_lists_and_marks_read(client_a, seller, owner, other_seller):
    # given two unread notices for this seller and one for another seller the user does not see
    order = OrderFactory(seller=seller)
    Notification.objects.create(user=owner, seller=seller, order=order, kind="new_order", text="Nueva orden uno")
    Notification.objects.create(user=owner, seller=seller, kind="order_updated", text="Aviso dos")
    Notification.objects.create(user=owner, seller=other_seller, kind="order_updated", text="De otra tienda")
    # when the member opens the list, then the bell counts 2 and both are listed
    response = client_a.get(reverse("dashboard:notifications"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="unread-count">2<' in html
    assert "Nueva orden uno" in html and "Aviso dos" in html and "De otra tienda" not in html
    # when they mark them read, then the bell is gone and the other seller's notice is untouched
    response = client_a.post(reverse("dashboard:notifications_mark_read"), follow=True)
    assert "Notificaciones marcadas como leídas." in page_messages(response)
    assert 'data-testid="unread-count"' not in response.content.decode()
    assert Notification.objects.filter(seller=other_seller, read_at__isnull=True).count() == 1


def test_seller_switcher_changes_the_current_seller(client, owner, seller):
    # given a user who belongs to two sellers
    second = SellerFactory(name="Zeta Import SAC")
    MembershipFactory(user=owner, seller=second)
    OrderFactory(seller=second, buyer_full_name="Cliente de Zeta")
    client.force_login(owner)
    html = client.get(reverse("dashboard:order_list")).content.decode()
    assert 'name="seller_id"' in html and "Zeta Import SAC" in html
    assert "Cliente de Zeta" not in html
    # when they switch, then the list is the second seller's
    response = client.post(reverse("dashboard:switch_seller"), {"seller_id": second.pk}, follow=True)
    assert client.session[SESSION_SELLER_KEY] == second.pk
    assert "Cliente de Zeta" in response.content.decode()


def test_switching_to_a_seller_one_does_not_belong_to_is_404(client_a, other_seller):
    response = client_a.post(reverse("dashboard:switch_seller"), {"seller_id": other_seller.pk})
    assert response.status_code == 404
    assert SESSION_SELLER_KEY not in client_a.session


def test_single_membership_shows_no_switcher(client_a):
    assert 'name="seller_id"' not in client_a.get(reverse("dashboard:order_list")).content.decode()


def test_logout_is_a_post(client_a):
    response = client_a.post(reverse("logout"))
    assert response.status_code == 302
    assert client_a.get(reverse("dashboard:order_list")).status_code == 302


@time_machine.travel("2026-11-20 12:00:00-05:00", tick=False)
def test_handling_deadline_reads_as_hours_left_or_overdue(db):
    now = timezone.now()
    pending = OrderFactory.build(status=Status.PENDING_HANDLING, handling_deadline=now + timedelta(hours=3, minutes=20))
    soon = OrderFactory.build(status=Status.PENDING_HANDLING, handling_deadline=now + timedelta(minutes=25))
    late = OrderFactory.build(status=Status.PENDING_HANDLING, handling_deadline=now - timedelta(minutes=1))
    shipped = OrderFactory.build(status=Status.SHIPPED, handling_deadline=now - timedelta(hours=5))
    assert handling_due(pending) == "vence en 3 h"
    assert handling_due(soon) == "vence en 25 min"
    assert handling_due(late) == "vencido"
    assert handling_due(shipped) == ""
