"""Every action through the dashboard: each allowed move, and each refused one from every other state."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evidence.models import DeliveryEvidence
from fulfillment.models import Shipment
from orders.models import Status
from tests.dashboard.conftest import STATES, page_messages, png_upload, snapshot

pytestmark = pytest.mark.django_db


def ship_data(**overrides):
    return {
        "carrier": "Olva Courier",
        "tracking_number": "OLV-777",
        "tracking_url": "https://olva.pe/t/777",
        **overrides,
    }


def evidence_data(**overrides):
    return {"kind": "buyer_receiving", "file": png_upload(), **overrides}


def cancel_data(**overrides):
    return {
        "cancellation_type": "canceled_by_seller",
        "text": "Quiebre de stock",
        "responsible": "Ana Pérez",
        **overrides,
    }


# action -> (url name, form data, the state it starts from, the state it leads to)
ACTIONS = {
    "start_handling": ("dashboard:start_handling", dict, Status.PENDING_HANDLING, Status.READY_TO_SHIP),
    "ship": ("dashboard:ship", ship_data, Status.READY_TO_SHIP, Status.SHIPPED),
    "deliver": ("dashboard:deliver", evidence_data, Status.SHIPPED, Status.DELIVERED),
    "cancel": ("dashboard:cancel", cancel_data, Status.PENDING_HANDLING, Status.CANCELED),
}


def post(client, name, order, data):
    return client.post(reverse(name, args=[order.pk]), data, follow=True)


@pytest.mark.parametrize("action", ACTIONS)
def test_each_allowed_action_moves_the_order(client_a, order_in, action, owner):
    url_name, data, source, target = ACTIONS[action]
    # given an order where the action is allowed
    order = order_in(source)
    # when the member submits its form
    response = post(client_a, url_name, order, data())
    # then the order moved, with one event by that member, and a success message is shown
    order.refresh_from_db()
    assert response.status_code == 200
    assert order.status == target
    event = order.events.get(kind=action)
    assert event.actor == owner and event.to_status == target
    assert response.context["messages"]._loaded_messages[0].level_tag == "success"


REFUSED = [(action, state) for action, spec in ACTIONS.items() for state in STATES if state != spec[2]]


@pytest.mark.parametrize("action, state", REFUSED)
def test_each_refused_action_shows_a_message_and_changes_nothing(client_a, order_in, action, state):
    url_name, data, _source, _target = ACTIONS[action]
    # given an order in a state that does not allow the action
    order = order_in(state)
    before = snapshot(order)
    # when the member submits the action anyway (a stale page, a second tab)
    response = post(client_a, url_name, order, data())
    # then an error message explains it and the order did not change at all
    assert response.status_code == 200
    errors = [m for m in response.context["messages"]._loaded_messages if m.level_tag == "error"]
    assert errors and errors[0].message
    assert snapshot(order) == before


def test_refused_start_handling_names_the_state(client_a, order_in):
    order = order_in(Status.SHIPPED)
    messages = page_messages(post(client_a, "dashboard:start_handling", order, {}))
    assert messages == ["No se puede «Iniciar manejo»: la orden está «Enviada»."]


def test_cancel_after_handling_points_to_a_dispute(client_a, order_in):
    order = order_in(Status.READY_TO_SHIP)
    messages = page_messages(post(client_a, "dashboard:cancel", order, cancel_data()))
    assert "Crear controversia" in messages[0]


@pytest.mark.parametrize("state", [Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.CANCELED])
def test_adding_evidence_before_shipping_is_refused(client_a, order_in, state):
    order = order_in(state)
    before = snapshot(order)
    messages = page_messages(post(client_a, "dashboard:add_evidence", order, evidence_data()))
    assert messages and "enviadas o entregadas" in messages[0]
    assert snapshot(order) == before


def test_add_evidence_while_shipped_then_deliver_without_another(client_a, order_in):
    # given a shipped order
    order = order_in(Status.SHIPPED)
    # when the member adds a URL evidence, then delivers with an empty evidence form
    messages = page_messages(
        post(
            client_a,
            "dashboard:add_evidence",
            order,
            {"kind": "buyer_receiving", "url": "https://fotos.example.pe/1.jpg"},
        )
    )
    assert messages == ["Evidencia agregada."]
    messages = page_messages(post(client_a, "dashboard:deliver", order, {"kind": "buyer_receiving"}))
    # then the order is delivered on the strength of the evidence already there
    assert messages == ["Orden entregada."]
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert order.delivery_evidence.count() == 1


def test_deliver_without_any_evidence_is_refused(client_a, order_in):
    order = order_in(Status.SHIPPED)
    before = snapshot(order)
    messages = page_messages(post(client_a, "dashboard:deliver", order, {"kind": "buyer_receiving"}))
    assert "al menos una evidencia" in messages[0]
    assert snapshot(order) == before


def test_signed_guide_needs_the_receiver(client_a, order_in):
    order = order_in(Status.SHIPPED)
    before = snapshot(order)
    messages = page_messages(post(client_a, "dashboard:deliver", order, evidence_data(kind="signed_guide")))
    assert "nombre completo, documento" in messages[0]
    assert snapshot(order) == before
    # with the receiver's name, document and time it is accepted
    received = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = evidence_data(
        kind="signed_guide", receiver_full_name="Rosa Quispe", receiver_document_number="45678912", received_at=received
    )
    assert page_messages(post(client_a, "dashboard:deliver", order, data)) == ["Orden entregada."]
    assert DeliveryEvidence.objects.get(order=order).receiver_full_name == "Rosa Quispe"


def test_future_shipped_at_is_refused(client_a, order_in):
    order = order_in(Status.READY_TO_SHIP)
    before = snapshot(order)
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    messages = page_messages(post(client_a, "dashboard:ship", order, ship_data(shipped_at=tomorrow)))
    assert "no puede estar en el futuro" in messages[0]
    assert snapshot(order) == before
    assert not Shipment.objects.filter(order=order).exists()


def test_missing_carrier_is_refused(client_a, order_in):
    order = order_in(Status.READY_TO_SHIP)
    before = snapshot(order)
    messages = page_messages(post(client_a, "dashboard:ship", order, ship_data(carrier="")))
    assert messages and "Transportista" in messages[0]
    assert snapshot(order) == before


def test_a_file_that_is_not_an_image_is_refused(client_a, order_in):
    order = order_in(Status.SHIPPED)
    before = snapshot(order)
    for url_name in ("dashboard:deliver", "dashboard:add_evidence"):
        fake = SimpleUploadedFile("foto.png", b"MZ\x90\x00 this is an exe", content_type="image/png")
        messages = page_messages(post(client_a, url_name, order, evidence_data(file=fake)))
        assert "Formato no admitido" in messages[0]
        assert snapshot(order) == before


def test_an_http_url_is_refused(client_a, order_in):
    order = order_in(Status.SHIPPED)
    before = snapshot(order)
    data = {"kind": "buyer_receiving", "url": "http://fotos.example.pe/1.jpg"}
    for url_name in ("dashboard:deliver", "dashboard:add_evidence"):
        messages = page_messages(post(client_a, url_name, order, data))
        assert "https://" in messages[0]
        assert snapshot(order) == before


def test_file_and_url_together_are_refused(client_a, order_in):
    order = order_in(Status.SHIPPED)
    before = snapshot(order)
    messages = page_messages(
        post(client_a, "dashboard:deliver", order, evidence_data(url="https://x.example.pe/a.jpg"))
    )
    assert "uno de los dos" in messages[0]
    assert snapshot(order) == before


def test_cancel_without_text_is_refused(client_a, order_in):
    order = order_in(Status.PENDING_HANDLING)
    before = snapshot(order)
    messages = page_messages(post(client_a, "dashboard:cancel", order, cancel_data(text="   ")))
    assert messages
    assert snapshot(order) == before


def test_unknown_cancellation_type_is_refused(client_a, order_in):
    order = order_in(Status.PENDING_HANDLING)
    before = snapshot(order)
    messages = page_messages(post(client_a, "dashboard:cancel", order, cancel_data(cancellation_type="aburrido")))
    assert messages and "Tipo" in messages[0]
    assert snapshot(order) == before


def test_start_handling_without_stock_names_the_sku(client_a, seller, owner):
    from tests.dashboard.conftest import make_order

    order = make_order(seller=seller, actor=owner, state=Status.PENDING_HANDLING, quantity=5, on_hand=1)
    before = snapshot(order)
    messages = page_messages(post(client_a, "dashboard:start_handling", order, {}))
    assert order.lines.get().sku in messages[0]
    assert snapshot(order) == before


@pytest.mark.parametrize("url_name", ["dashboard:start_handling", "dashboard:ship", "dashboard:deliver"])
def test_actions_refuse_get(client_a, order_in, url_name):
    order = order_in(Status.PENDING_HANDLING)
    assert client_a.get(reverse(url_name, args=[order.pk])).status_code == 405
