"""What no API route matches (unknown path, id out of range, missing slash) and a crash answer in the
API's error shape, never as an HTML page, whatever the method and with DEBUG on or off."""

from __future__ import annotations

import pytest
from django.test import Client

from orders.models import Status
from tests.api.conftest import order_in, snapshot

pytestmark = pytest.mark.django_db

OUT_OF_RANGE_IDS = ["99999999999999999999999", "9223372036854775808", "0", "-1", "abc"]


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and error["fields"] == {}
    return error


@pytest.mark.parametrize("order_id", OUT_OF_RANGE_IDS)
@pytest.mark.parametrize("suffix", ["", "evidence/", "ship/"])
def test_an_id_no_route_accepts_is_a_json_404(api, order_id, suffix):
    method = api.post if suffix == "ship/" else api.get
    assert_json_error(method(f"/api/v1/orders/{order_id}/{suffix}"), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v2/orders/", "/api/", "/api/v1/penalties/x/appeal/"])
def test_an_unknown_api_path_is_a_json_404(api, path):
    assert_json_error(api.get(path), 404, "not_found")


def test_a_post_to_an_unknown_path_is_a_json_404_even_with_csrf_checks():
    # a mobile client has no CSRF cookie: it must still read a JSON 404, not the CSRF page
    client = Client(enforce_csrf_checks=True)
    assert_json_error(client.post("/api/v1/orders/abc/ship/", {}, content_type="application/json"), 404, "not_found")


def test_a_missing_final_slash_is_named_and_not_redirected(api, make_order, seller, owner):
    order = order_in(Status.PENDING_HANDLING, seller=seller, actor=owner)
    before = snapshot(order)
    error = assert_json_error(api.post(f"/api/v1/orders/{order.pk}/start-handling"), 404, "not_found")
    assert "«/»" in error["message"]
    order.refresh_from_db()
    assert snapshot(order) == before
    # an unknown path without its slash gets the plain answer
    assert "«/»" not in assert_json_error(api.get("/api/v1/nope"), 404, "not_found")["message"]


def test_with_debug_on_the_answer_is_still_json(api, settings):
    settings.DEBUG = True
    assert_json_error(api.get("/api/v1/orders/99999999999999999999999/"), 404, "not_found")


def test_a_crash_in_an_api_view_is_a_json_500(api, monkeypatch):
    def crash(**_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("api.orders.order_list", crash)
    api.raise_request_exception = False
    assert_json_error(api.get("/api/v1/orders/"), 500, "server_error")


def test_a_crash_in_a_dashboard_page_is_still_the_html_500(client, owner, monkeypatch):
    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    client.force_login(owner)
    monkeypatch.setattr("dashboard.views.select_orders", crash)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
