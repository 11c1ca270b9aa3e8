"""A refused form comes back with what the seller typed, its errors beside the fields, and its panel open."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Status
from tests.dashboard.conftest import page_messages, snapshot

pytestmark = pytest.mark.django_db


def post(client, name, order, data):
    return client.post(reverse(name, args=[order.pk]), data, follow=True)


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_ship_with_a_future_date_keeps_carrier_and_tracking(client_a, order_in):
    order = order_in(Status.READY_TO_SHIP)
    before = snapshot(order)
    tomorrow = local_input(timezone.now() + timedelta(days=1))
    data = {"carrier": "Olva Courier", "tracking_number": "OLV-2026-0001", "shipped_at": tomorrow}
    response = post(client_a, "dashboard:ship", order, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert page_messages(response) == ["Revisa los datos del envío. La fecha de envío no puede estar en el futuro."]
    assert 'value="Olva Courier"' in page and 'value="OLV-2026-0001"' in page and f'value="{tomorrow}"' in page
    assert 'data-action="ship" open' in page
    assert response.context["ship_form"].errors["shipped_at"] == ["La fecha de envío no puede estar en el futuro."]
    assert snapshot(order) == before


def test_ship_missing_a_field_keeps_the_rest(client_a, order_in):
    order = order_in(Status.READY_TO_SHIP)
    response = post(client_a, "dashboard:ship", order, {"carrier": "Shalom", "guide_number": "G-77"})
    page = response.content.decode()
    assert 'value="Shalom"' in page and 'value="G-77"' in page
    assert 'data-action="ship" open' in page


def test_cancel_without_a_responsible_keeps_the_text(client_a, order_in):
    order = order_in(Status.PENDING_HANDLING)
    data = {
        "cancellation_type": "canceled_by_seller",
        "text": "Se nos acabó el stock del color rojo",
        "responsible": "",
    }
    response = post(client_a, "dashboard:cancel", order, data)
    page = response.content.decode()
    assert "Se nos acabó el stock del color rojo</textarea>" in page
    assert 'data-action="cancel" open' in page
    assert Status(snapshot(order)[0]) == Status.PENDING_HANDLING


@pytest.mark.parametrize(
    "action, panel", [("deliver", 'data-action="deliver" open'), ("add_evidence", 'data-action="add_evidence" open')]
)
def test_a_signed_guide_without_its_receiver_keeps_what_was_typed(client_a, order_in, action, panel):
    order = order_in(Status.SHIPPED)
    data = {
        "kind": "signed_guide",
        "url": "https://fotos.example.pe/guia.jpg",
        "receiver_full_name": "Lucía Torres",
        "signature_present": "true",
    }
    response = post(client_a, f"dashboard:{action}", order, data)
    page = response.content.decode()
    # the field problem is a sentence of its own, not glued lowercase to the message; it is beside the fields too
    assert page_messages(response) == [
        "La guía debe indicar nombre completo, documento, fecha y hora de recepción. Requerido para una guía."
    ]
    assert '<option value="signed_guide" selected>' in page
    assert 'value="https://fotos.example.pe/guia.jpg"' in page and 'value="Lucía Torres"' in page
    assert '<option value="true" selected>' in page
    assert "Requerido para una guía." in page
    assert panel in page


def test_an_attempt_in_the_future_keeps_the_note(client_a, order_in):
    order = order_in(Status.SHIPPED)
    later = local_input(timezone.now() + timedelta(days=2))
    data = {"reason": "buyer_absent", "note": "Tocamos el timbre dos veces", "attempted_at": later}
    response = post(client_a, "dashboard:record_attempt", order, data)
    page = response.content.decode()
    assert page_messages(response) == ["La fecha del intento está en el futuro."]
    assert 'value="Tocamos el timbre dos veces"' in page and f'value="{later}"' in page
    assert 'data-evidence-action="attempt" open' in page
    assert order.delivery_attempts.count() == 0


def test_a_refused_message_without_a_form_reads_as_sentences():
    from core.errors import ValidationFailed
    from dashboard.views import error_text

    error = ValidationFailed("La guía debe indicar nombre completo", fields={"a": ["requerido para una guía"]})
    assert error_text(error) == "La guía debe indicar nombre completo. Requerido para una guía."
