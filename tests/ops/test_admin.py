"""The operators' admin: every model is there, orders are searchable, history and status stay untouched."""

from __future__ import annotations

import io

import pytest
from django import forms
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import IdempotencyRecord
from orders.models import IntegrationCredential, Order, OrderEvent, Status, hash_credential
from sellers.models import DeviceToken
from tests.factories import OrderFactory, SellerFactory, SiteFactory

pytestmark = pytest.mark.django_db


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def change_form_data(response) -> dict:
    """The POST body a browser would send back for a rendered admin change form, inlines included."""
    data: dict = {}

    def add_form(form) -> None:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, forms.BooleanField):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            else:
                data[form.add_prefix(name)] = "" if value is None else str(value)

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add_form(inline.formset.management_form)
        for form in inline.formset.forms:
            add_form(form)
    return data


def test_every_registered_model_has_a_working_changelist_search_and_object_page(operator_client, operator):
    # given the demo data, plus the rows the demo does not make
    call_command("seed_demo", stdout=io.StringIO())
    DeviceToken.objects.create(user=operator, device_name="Moto G")
    IdempotencyRecord.objects.create(user=operator, key="k-1", fingerprint="f" * 64, response_status=201)
    failures = []
    # when the operator opens each registered model's list, searches it and opens its first row
    for model, model_admin in admin.site._registry.items():
        pages = [admin_url(model, "changelist")]
        if model_admin.search_fields:
            pages.append(admin_url(model, "changelist") + "?q=1300")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(admin_url(model, "change", first.pk))
        for url in pages:
            status = operator_client.get(url).status_code
            if status != 200:
                failures.append(f"{model._meta.label} {url} -> {status}")
    # then every page renders
    assert not failures, failures
    # and every model of our apps is registered
    ours = {"core", "sellers", "catalog", "orders", "fulfillment", "evidence", "disputes", "payments", "notifications"}
    from django.apps import apps

    missing = [m._meta.label for m in apps.get_models() if m._meta.app_label in ours and m not in admin.site._registry]
    assert not missing, missing


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("880011", "number"),
        ("MKT-880011", "external_id"),
        ("quispe", "buyer_full_name"),
        ("45678912", "buyer_document_number"),
    ],
)
def test_the_order_list_finds_an_order_by_number_external_id_buyer_and_document(operator_client, query, field):
    # given two orders of different buyers
    wanted = OrderFactory(
        number="880011",
        external_id="MKT-880011",
        buyer_full_name="Rosa Quispe Mamani",
        buyer_document_number="45678912",
    )
    OrderFactory(number="880012", external_id="MKT-880012", buyer_full_name="Juan Pérez Rojas")
    # when the operator searches
    response = operator_client.get(admin_url(Order, "changelist"), {"q": query})
    # then only the matching order is listed
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted], field


def test_the_order_list_filters_by_status_seller_site_and_date(operator_client):
    pending = OrderFactory()
    other = OrderFactory(status=Status.CANCELED)
    url = admin_url(Order, "changelist")
    by_status = operator_client.get(url, {"status__exact": Status.CANCELED})
    by_seller = operator_client.get(url, {"seller__id__exact": pending.seller_id})
    by_site = operator_client.get(url, {"site__id__exact": other.site_id})
    by_day = operator_client.get(
        url,
        {
            "placed_at__year": pending.placed_at.year,
            "placed_at__month": pending.placed_at.month,
            "placed_at__day": pending.placed_at.day,
        },
    )
    assert list(by_status.context["cl"].result_list) == [other]
    assert list(by_seller.context["cl"].result_list) == [pending]
    assert list(by_site.context["cl"].result_list) == [other]
    assert by_day.status_code == 200


def test_the_order_list_runs_the_same_queries_for_5_or_45_orders(operator_client):
    # given a few orders
    for _ in range(5):
        OrderFactory()
    url = admin_url(Order, "changelist")
    operator_client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        assert operator_client.get(url).status_code == 200
    # when there are many more, of more sellers and sites
    for _ in range(40):
        OrderFactory(seller=SellerFactory(), site=SiteFactory())
    with CaptureQueriesContext(connection) as many:
        response = operator_client.get(url)
    # then the list costs the same number of queries (no query per row)
    assert len(response.context["cl"].result_list) == 45
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(few) <= 12


def test_the_order_page_shows_lines_shipment_evidence_and_history_read_only(operator_client, delivered_order):
    # when the operator opens a delivered order
    response = operator_client.get(admin_url(Order, "change", delivered_order.pk))
    # then its lines, shipment, evidence and events are on the page
    assert response.status_code == 200
    inlines = {inline.opts.model._meta.model_name: inline for inline in response.context["inline_admin_formsets"]}
    assert set(inlines) >= {"orderline", "shipment", "deliveryevidence", "orderevent", "cancellation"}
    body = response.content.decode()
    assert "OLV-778899" in body
    assert "https://fotos.example.com/entregas/778899.jpg" in body
    # the history names each event as the dashboard does, not by its code
    for label in ("Iniciar manejo", "Realizar envío", "Evidencia agregada", "Entregar"):
        assert f"<p>{label}</p>" in body, label
    assert "<p>start_handling</p>" not in body
    assert "<p>Entregada</p>" in body  # the last event's target, by its label
    # and nothing in the history can be added, changed or deleted
    history = inlines["orderevent"]
    assert not history.has_add_permission and not history.has_change_permission and not history.has_delete_permission


def test_the_order_page_shows_the_cancellation_and_the_allowed_actions(operator_client, canceled_order, seller):
    pending = OrderFactory(seller=seller)
    canceled_page = operator_client.get(admin_url(Order, "change", canceled_order.pk)).content.decode()
    pending_page = operator_client.get(admin_url(Order, "change", pending.pk)).content.decode()
    assert "Quiebre de stock del SKU" in canceled_page
    # the workflow decides the actions: a pending order offers "Iniciar manejo" and "Cancelar"
    assert "Iniciar manejo, Cancelar" in pending_page
    assert "Iniciar manejo" not in canceled_page


def test_the_status_cannot_be_changed_in_the_admin(operator_client, seller):
    # given a pending order
    order = OrderFactory(seller=seller, buyer_phone="987654321")
    url = admin_url(Order, "change", order.pk)
    page = operator_client.get(url)
    assert "status" not in page.context["adminform"].form.fields
    # when the operator saves the form with a corrected phone and a forged status
    data = change_form_data(page)
    data.update(buyer_phone="912345678", status=Status.DELIVERED, delivered_at="2026-01-01 10:00")
    response = operator_client.post(url, data)
    # then the phone is saved, and the status and its timestamp are untouched
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    order.refresh_from_db()
    assert order.buyer_phone == "912345678"
    assert (order.status, order.delivered_at) == (Status.PENDING_HANDLING, None)


def test_an_admin_save_does_not_overwrite_a_status_the_workflow_changed_meanwhile(operator_client, seller, owner):
    # given the operator opened the order while it was pending
    from fulfillment.services import start_handling
    from tests.factories import order_with_stock

    order = order_with_stock(seller=seller)
    url = admin_url(Order, "change", order.pk)
    data = change_form_data(operator_client.get(url))
    # when the seller starts handling before the operator saves
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    data["buyer_email"] = "nuevo@example.pe"
    operator_client.post(url, data)
    # then the seller's transition stands
    order.refresh_from_db()
    assert (order.status, order.buyer_email) == (Status.READY_TO_SHIP, "nuevo@example.pe")


def test_order_events_cannot_be_deleted_or_edited_in_the_admin(operator_client, delivered_order):
    event = delivered_order.events.first()
    changelist = operator_client.get(admin_url(OrderEvent, "changelist"))
    assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(changelist.wsgi_request)
    assert operator_client.get(admin_url(OrderEvent, "delete", event.pk)).status_code == 403
    assert operator_client.post(admin_url(OrderEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert operator_client.post(admin_url(OrderEvent, "changelist"), {
        "action": "delete_selected", "_selected_action": [event.pk], "post": "yes"
    }).status_code in (200, 302)  # fmt: skip
    # nor with the order they belong to
    assert operator_client.post(admin_url(Order, "delete", delivered_order.pk), {"post": "yes"}).status_code == 403
    assert OrderEvent.objects.filter(pk=event.pk).exists()
    assert OrderEvent.objects.filter(order=delivered_order).count() == 4


def test_orders_are_not_added_in_the_admin(operator_client):
    assert operator_client.get(admin_url(Order, "add")).status_code == 403


def test_an_integration_credential_shows_its_raw_key_once(operator_client, site):
    # when the operator adds a credential for the marketplace feed
    response = operator_client.post(
        admin_url(IntegrationCredential, "add"), {"name": "Feed Plaza Vea", "sites": [site.pk], "is_active": "on"}
    )
    assert response.status_code == 302
    credential = IntegrationCredential.objects.get(name="Feed Plaza Vea")
    shown = operator_client.get(response.url)
    # then the raw key is shown once, and only its digest is stored
    [message] = [str(m) for m in shown.context["messages"] if "<code>" in str(m)]
    raw_key = message.split("<code>")[1].split("</code>")[0]
    assert credential.key_digest == hash_credential(raw_key)
    assert list(credential.sites.all()) == [site]
    assert credential.is_active
    assert raw_key not in operator_client.get(response.url).content.decode()


def test_device_tokens_are_listed_and_revoked(operator_client, owner):
    token, _raw = DeviceToken.objects.create(user=owner, device_name="iPhone de Ana")
    listing = operator_client.get(admin_url(DeviceToken, "changelist"))
    assert "iPhone de Ana" in listing.content.decode()
    response = operator_client.post(
        admin_url(DeviceToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert not DeviceToken.objects.filter(pk=token.pk).exists()


def test_the_admin_names_apps_and_columns_in_spanish(operator_client, delivered_order):
    index = operator_client.get(reverse("admin:index"))
    names = {app["app_label"]: str(app["name"]) for app in index.context["app_list"]}
    assert names["catalog"] == "Catálogo" and names["orders"] == "Órdenes"
    assert names["disputes"] == "Controversias y cancelaciones" and names["evidence"] == "Evidencia de entrega"
    assert all(name != label.title() for label, name in names.items()), names
    listing = operator_client.get(admin_url(Order, "changelist")).content.decode()
    assert "›</a> Órdenes" not in listing and '">Órdenes</a>' in listing  # the breadcrumb
    for heading in ("Sitio", "Comprador", "Compra", "Plazo", "Total"):
        assert f">{heading}</a>" in listing, heading
    assert ">Site</a>" not in listing
    page = operator_client.get(admin_url(Order, "change", delivered_order.pk)).content.decode()
    assert "Created by" not in page and "Created at" not in page and "Registrado por" in page
    # the events' payloads read as «clave: valor» lines, not JSON
    assert "field-payload_display" in page and 'class="field-payload"' not in page
    assert "<div>carrier: Olva Courier</div>" in page


def test_the_order_changelist_keeps_eight_short_columns(operator_client, seller):
    OrderFactory(seller=seller, number="7700001")
    order_admin = admin.site._registry[Order]
    assert len(order_admin.list_display) == 8
    listing = operator_client.get(admin_url(Order, "changelist")).content.decode()
    placed = Order.objects.get(number="7700001").placed_at
    from django.utils import timezone

    assert timezone.localtime(placed).strftime("%d/%m/%y %H:%M") in listing
