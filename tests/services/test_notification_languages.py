"""Notices are written in every UI language, and each reader sees their own."""

import pytest
from django.urls import reverse

from disputes.services import open_dispute
from notifications.models import Notification
from notifications.services import notify_new_order
from orders.models import Status
from tests.factories import order_in_status, order_with_stock


@pytest.mark.django_db
def test_a_new_order_notice_reads_in_spanish_and_in_english(client, seller, owner):
    # given a new order and its notice
    order = order_with_stock(seller=seller)
    notify_new_order(order_id=order.pk)
    notice = Notification.objects.get(user=owner, order=order)
    # then it was written in both languages, Spanish being the default text
    assert notice.text == notice.texts["es"] and notice.text.startswith("Nueva orden")
    assert notice.texts["en"].startswith("New order") and f"#{order.number}" in notice.texts["en"]
    # and the notifications page shows the reader's language
    client.force_login(owner)
    english = client.get(reverse("dashboard:notifications"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get(reverse("dashboard:notifications"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert notice.texts["en"] in english and notice.texts["en"] not in spanish


@pytest.mark.django_db(transaction=True)
def test_a_dispute_notice_names_its_type_in_each_language(seller, owner):
    # when the seller opens a dispute (notices go out after commit)
    order = order_in_status(Status.READY_TO_SHIP, seller=seller, actor=owner)
    open_dispute(
        order_id=order.pk,
        seller=seller,
        actor=owner,
        party="seller",
        reason_code="canceled_by_seller",
        text="Quiebre de stock",
        responsible="Ana",
    )
    notice = Notification.objects.get(user=owner, order=order, kind="dispute")
    # then the type is in Spanish in the Spanish text and in English in the English one
    assert "Cancelado por el seller" in notice.texts["es"]
    assert "Canceled by seller" in notice.texts["en"] and "Cancelado" not in notice.texts["en"]
