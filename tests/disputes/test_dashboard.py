"""The seller's pages: disputes list and thread, the order's request banner and "Crear controversia"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from disputes.models import CancellationReason, CancellationRequest, Dispute, DisputeStatus, Party, RequestStatus
from disputes.services import close_dispute, open_dispute, request_cancellation
from orders.models import Status
from tests.disputes.conftest import fake_png, png_upload, state
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def buyer_dispute(order, reason_code: str = "product_damaged"):
    dispute, _ = open_dispute(
        order_id=order.pk,
        seller=order.seller,
        actor=None,
        party=Party.BUYER,
        reason_code=reason_code,
        text="Llegó roto",
        responsible="Comprador",
    )
    return dispute


def flash(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_list_has_status_tabs_and_a_countdown(client_a, order_in):
    waiting = buyer_dispute(order_in(Status.SHIPPED))
    Dispute.objects.filter(pk=waiting.pk).update(respond_by=timezone.now() + timedelta(days=2, hours=3, minutes=5))
    page = client_a.get(reverse("dashboard:disputes"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-dispute-id="{waiting.pk}"' in html and "quedan 2 d 3 h" in html
    tabs = {tab["code"]: tab["count"] for tab in page.context["tabs"]}
    assert tabs[""] == 1 and tabs["awaiting_seller"] == 1 and tabs["resolved"] == 0
    assert 'href="/disputes/"' in html  # the nav link
    empty = client_a.get(reverse("dashboard:disputes"), {"status": "resolved"})
    assert f'data-dispute-id="{waiting.pk}"' not in empty.content.decode()


def test_the_dispute_page_shows_the_thread_and_a_reply_with_attachments_is_saved(client_a, order_in):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    url = reverse("dashboard:dispute_reply", args=[dispute.pk])
    response = client_a.post(url, {"text": "Aquí la guía", "attachments": [png_upload("g1.png"), png_upload("g2.png")]})
    assert response.status_code == 302
    page = client_a.get(reverse("dashboard:dispute", args=[dispute.pk]))
    html = page.content.decode()
    assert "Aquí la guía" in html and "Llegó roto" in html
    message = dispute.messages.get()
    attachment = message.attachments.first()
    assert message.attachments.count() == 2
    assert reverse("dashboard:dispute_attachment", args=[attachment.pk]) in html
    download = client_a.get(reverse("dashboard:dispute_attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_BUYER


def test_a_bad_attachment_is_a_message_and_nothing_changes(client_a, order_in):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    before = state(order)
    response = client_a.post(
        reverse("dashboard:dispute_reply", args=[dispute.pk]),
        {"text": "Mira", "attachments": [fake_png()]},
        follow=True,
    )
    assert any("Formato no admitido" in m for m in flash(response))
    assert state(order) == before


def test_a_reply_to_a_closed_dispute_is_refused_with_a_message(client_a, order_in, operator):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    close_dispute(dispute_id=dispute.pk, actor=operator, note="Duplicada")
    before = state(order)
    response = client_a.post(reverse("dashboard:dispute_reply", args=[dispute.pk]), {"text": "Hola"}, follow=True)
    assert any("ya no admite mensajes" in m for m in flash(response))
    assert "reply-form" not in response.content.decode()
    assert state(order) == before


def test_crear_controversia_appears_after_handling_and_opens_one(client_a, order_in):
    pending = order_in(Status.PENDING_HANDLING)
    assert (
        "Crear controversia" not in client_a.get(reverse("dashboard:order_detail", args=[pending.pk])).content.decode()
    )
    order = order_in(Status.READY_TO_SHIP)
    assert (
        'data-panel="open_dispute"' in client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    )
    response = client_a.post(
        reverse("dashboard:open_dispute", args=[order.pk]),
        {"reason": "canceled_by_seller", "text": "Iniciamos manejo por error", "responsible": "Ana Pérez"},
    )
    dispute = Dispute.objects.get(order=order)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:dispute", args=[dispute.pk])
    assert dispute.status == DisputeStatus.OPEN and dispute.opened_by_party == Party.SELLER


def test_crear_controversia_on_a_pending_order_is_refused(client_a, order_in):
    order = order_in(Status.PENDING_HANDLING)
    before = state(order)
    response = client_a.post(
        reverse("dashboard:open_dispute", args=[order.pk]),
        {"reason": "canceled_by_seller", "text": "Sin stock", "responsible": "Ana"},
        follow=True,
    )
    assert any("Cancelar" in m for m in flash(response))
    assert state(order) == before


def test_the_banner_shows_a_pending_request_and_hides_the_conflicting_buttons(client_a, order_in):
    order = order_in(Status.READY_TO_SHIP)
    request_cancellation(order_id=order.pk, seller=order.seller, text="Me arrepentí")
    html = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="cancellation-request"' in html and "Me arrepentí" in html
    assert 'data-action="ship"' not in html
    response = client_a.post(reverse("dashboard:accept_cancellation_request", args=[order.pk]), follow=True)
    order.refresh_from_db()
    assert order.status == Status.CANCELED and order.on_hold_reason == ""
    assert any("Cancelada" in m for m in flash(response))


def test_rejecting_a_shipped_order_without_tracking_is_refused_then_with_it_accepted(client_a, order_in):
    order = order_in(Status.SHIPPED)
    request_cancellation(order_id=order.pk, seller=order.seller)
    url = reverse("dashboard:reject_cancellation_request", args=[order.pk])
    before = state(order)
    response = client_a.post(url, {"reason": "Ya salió"}, follow=True)
    assert any("número de seguimiento" in m for m in flash(response))
    assert state(order) == before
    client_a.post(url, {"reason": "Ya salió", "tracking_number": "OLV-123456"})
    assert CancellationRequest.objects.get(order=order).status == RequestStatus.REJECTED
    html = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "Rechazada" in html and 'data-panel="reject_cancellation_request"' not in html


def test_another_member_cannot_download_an_attachment(client, order_in, other_owner):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    client_a_owner = order.seller
    from disputes.services import post_message

    message = post_message(
        dispute_id=dispute.pk,
        seller=client_a_owner,
        actor=None,
        party=Party.BUYER,
        text="x",
        attachments=[png_upload()],
    )
    assert client.login(username=other_owner.username, password=DEFAULT_PASSWORD)
    response = client.get(reverse("dashboard:dispute_attachment", args=[message.attachments.get().pk]))
    assert response.status_code == 404


# --- admin --------------------------------------------------------------------------------------------


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def admin_action(client, action: str, disputes, **data):
    return client.post(
        reverse("admin:disputes_dispute_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [d.pk for d in disputes], "apply": "1", **data},
        follow=True,
    )


def test_the_operator_resolves_for_the_buyer_in_the_admin(operator_client, order_in):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    asked = operator_client.post(
        reverse("admin:disputes_dispute_changelist"),
        {"action": "resolve_for_buyer", ACTION_CHECKBOX_NAME: [dispute.pk]},
    )
    assert asked.status_code == 200 and b"apply" in asked.content  # the intermediate page asks for a note
    admin_action(operator_client, "resolve_for_buyer", [dispute], note="Sin respuesta útil")
    dispute.refresh_from_db()
    order.refresh_from_db()
    assert dispute.resolution == "for_buyer" and order.status == Status.CANCELED
    page = operator_client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk]))
    assert page.status_code == 200


def test_the_operator_asks_the_seller_reassigns_and_closes(operator_client, operator, order_in):
    from tests.factories import UserFactory

    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    admin_action(operator_client, "ask_seller", [dispute], note="¿Tiene la guía firmada?")
    dispute.refresh_from_db()
    assert dispute.messages.get().party == Party.OPERATOR and dispute.status == DisputeStatus.AWAITING_SELLER
    colleague = UserFactory(username="operadora2", is_staff=True)
    admin_action(operator_client, "reassign", [dispute], operator=colleague.pk)
    admin_action(operator_client, "close", [dispute], note="El comprador retiró el reclamo")
    dispute.refresh_from_db()
    assert dispute.assigned_to == colleague and dispute.status == DisputeStatus.CLOSED


def test_reasons_are_edited_in_the_admin(operator_client):
    reason = CancellationReason.objects.get(code="product_damaged")
    page = operator_client.get(reverse("admin:disputes_cancellationreason_change", args=[reason.pk]))
    assert page.status_code == 200
    added = operator_client.post(
        reverse("admin:disputes_cancellationreason_add"),
        {
            "code": "wrong_size",
            "label_es": "Talla equivocada",
            "label_en": "Wrong size",
            "usable_by_buyer": "on",
            "usable_by_operator": "on",
            "is_dispute_type": "on",
            "active": "on",
            "position": "200",
        },
    )
    assert added.status_code == 302
    assert CancellationReason.objects.get(code="wrong_size").usable_by("buyer")
