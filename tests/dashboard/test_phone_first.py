"""What the phone-first pages promise in their markup: dates typed and shown as in Peru, the camera
for evidence (and a PDF still possible), keyboards that fit the field, messages in a live region."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.models import Party
from disputes.services import open_dispute
from evidence.models import DeliveryEvidence
from fulfillment.models import Shipment
from orders.models import Status
from tests.dashboard.conftest import page_messages, png_upload, snapshot
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
LIST = "dashboard:order_list"


def numbers(response) -> list[str]:
    return [o.number for o in response.context["page"].rows]


def tag(html: str, element_id: str) -> str:
    found = re.search(rf'<(?:input|select|textarea)[^>]*id="{element_id}"[^>]*>', html)
    assert found, element_id
    return found.group(0)


def test_the_date_filters_read_and_take_dd_mm_aaaa(client_a, seller):
    # given orders placed on three days
    for number, day in [("D1", 2), ("D2", 5), ("D3", 9)]:
        placed = timezone.make_aware(timezone.datetime(2026, 11, day, 12, 0))
        OrderFactory(seller=seller, number=number, placed_at=placed)
    # when the seller types the range as in Peru
    response = client_a.get(reverse(LIST), {"desde": "05/11/2026", "hasta": "09/11/2026"})
    html = response.content.decode()
    # then it filters, and the fields (and the tabs' links) keep the dates in that style
    assert numbers(response) == ["D3", "D2"]
    assert 'value="05/11/2026"' in html and 'value="09/11/2026"' in html
    assert "desde=05/11/2026" in html.replace("%2F", "/")
    field = tag(html, "id_desde")
    assert 'type="text"' in field and 'placeholder="dd/mm/aaaa"' in field
    # an old link in ISO still works, and is shown back the Peruvian way
    old = client_a.get(reverse(LIST), {"desde": "2026-11-05"})
    assert numbers(old) == ["D3", "D2"] and 'value="05/11/2026"' in old.content.decode()


def test_the_penalty_filters_take_dd_mm_aaaa(client_a):
    html = client_a.get(reverse("dashboard:penalties"), {"desde": "02/11/2026"}).content.decode()
    field = tag(html, "id_desde")
    assert 'type="text"' in field and 'placeholder="dd/mm/aaaa"' in field and 'value="02/11/2026"' in field


def test_a_shipping_date_typed_as_in_peru_is_taken(client_a, order_in):
    order = order_in(Status.READY_TO_SHIP)
    minutes_ago = timezone.localtime(timezone.now() - timedelta(minutes=20)).replace(second=0, microsecond=0)
    data = {"carrier": "Olva", "tracking_number": "OLV123", "shipped_at": minutes_ago.strftime("%d/%m/%Y %H:%M")}
    client_a.post(reverse("dashboard:ship", args=[order.pk]), data)
    assert Shipment.objects.get(order=order).shipped_at == minutes_ago


def test_order_page_fields_have_the_keyboard_and_camera_they_need(client_a, order_in):
    # given a shipped order of a buyer with a DNI
    order = order_in(Status.SHIPPED)
    html = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    # the camera opens for the photo; the file chooser still takes a PDF (a scanned guide)
    camera = tag(html, "deliver_photo")
    assert 'accept="image/*"' in camera and "capture" in camera
    assert "application/pdf" in tag(html, "deliver_file")
    # the receiver's DNI gets the numeric keypad; dates are text in dd/mm/aaaa hh:mm
    assert 'inputmode="numeric"' in tag(html, "deliver_receiver_document_number")
    assert 'placeholder="dd/mm/aaaa hh:mm"' in tag(html, "deliver_received_at")
    assert 'inputmode="url"' in tag(html, "deliver_url")
    # the failed attempt's photo comes from the camera too
    assert 'accept="image/*"' in tag(html, "id_photo") and "capture" in tag(html, "id_photo")


def test_tracking_numbers_get_the_full_keyboard_in_capitals(client_a, order_in):
    order = order_in(Status.READY_TO_SHIP)
    html = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    tracking = tag(html, "id_tracking_number")
    assert 'autocapitalize="characters"' in tracking and 'spellcheck="false"' in tracking
    assert 'type="url"' in tag(html, "id_tracking_url")


def test_a_photo_from_the_camera_delivers_the_order(client_a, order_in):
    order = order_in(Status.SHIPPED)
    response = client_a.post(
        reverse("dashboard:deliver", args=[order.pk]), {"kind": "buyer_receiving", "photo": png_upload()}, follow=True
    )
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert page_messages(response) == ["Orden entregada."]
    assert DeliveryEvidence.objects.get(order=order).file


def test_a_camera_photo_and_a_file_together_are_refused(client_a, order_in):
    order = order_in(Status.SHIPPED)
    before = snapshot(order)
    data = {"kind": "buyer_receiving", "photo": png_upload("a.png"), "file": png_upload("b.png")}
    response = client_a.post(reverse("dashboard:deliver", args=[order.pk]), data, follow=True)
    assert "no los dos" in response.content.decode()
    assert snapshot(order) == before


def test_a_dispute_answer_takes_the_camera_photo_and_the_chosen_files(client_a, order_in, seller):
    order = order_in(Status.DELIVERED)
    dispute, _ = open_dispute(
        order_id=order.pk,
        seller=seller,
        actor=None,
        party=Party.BUYER,
        reason_code="product_damaged",
        text="Llegó roto",
        responsible="Comprador",
    )
    html = client_a.get(reverse("dashboard:dispute", args=[dispute.pk])).content.decode()
    assert 'accept="image/*"' in tag(html, "id_camera") and "application/pdf" in tag(html, "id_attachments")
    data = {"text": "Fotos del embalaje", "camera": png_upload("cam.png"), "attachments": [png_upload("g.png")]}
    client_a.post(reverse("dashboard:dispute_reply", args=[dispute.pk]), data)
    message = dispute.messages.get(party=Party.SELLER)
    assert message.attachments.count() == 2


def test_messages_are_in_a_live_region_on_every_page(client_a, order_in):
    # given an empty page: the region is there already, so what comes into it is read out
    html = client_a.get(reverse(LIST)).content.decode()
    assert '<div class="messages" id="messages" role="status">' in html
    # when an action succeeds, then fails
    order = order_in(Status.PENDING_HANDLING)
    done = client_a.post(reverse("dashboard:start_handling", args=[order.pk]), follow=True).content.decode()
    again = client_a.post(reverse("dashboard:start_handling", args=[order.pk]), follow=True).content.decode()
    # then the success is a polite status, the refusal an alert
    region = re.search(r'<div class="messages" id="messages" role="status">(.*?)</div>', done, re.S).group(1)
    assert 'class="message message-success"' in region and "role=" not in region
    assert re.search(r'<p class="message message-error" role="alert">', again)
