"""API rates: per device token and per integration key, reads and writes apart, bulk stricter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from api.authentication import DeviceTokenAuthentication
from api.throttling import BULK, check_api_rates
from orders.models import IntegrationCredential
from tests.api.conftest import client_with_token, token_for

ROOT = Path(__file__).resolve().parents[2]
ORDERS = "/api/v1/orders/"
MISSING_ORDER_ACTION = "/api/v1/orders/999999/start-handling/"


@pytest.fixture
def tight_rates(settings):
    settings.API_RATES = {
        **settings.API_RATES,
        "token_read": "3/min",
        "token_write": "2/min",
        "intake_read": "3/min",
        "intake_write": "1/min",
        "bulk": "1/min",
    }
    return settings.API_RATES


def test_reads_beyond_the_token_rate_are_429_with_retry_after_and_rate_headers(tight_rates, owner):
    api = client_with_token(token_for(owner))
    # given three reads within the minute, each telling how many are left
    remaining = []
    for _read in range(3):
        response = api.get(ORDERS)
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == "3"
        assert 0 < int(response["RateLimit-Reset"]) <= 60
        remaining.append(response["RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    # when a fourth read comes
    refused = api.get(ORDERS)
    # then 429 in the error envelope, with when to come back
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert "segundos" in refused.json()["error"]["message"]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Remaining"] == "0" and refused["RateLimit-Limit"] == "3"


def test_reads_and_writes_are_counted_apart(tight_rates, owner):
    api = client_with_token(token_for(owner))
    # writes are counted even when they fail (here: an order that does not exist)
    assert api.post(MISSING_ORDER_ACTION, {}, format="json").status_code == 404
    assert api.post(MISSING_ORDER_ACTION, {}, format="json").status_code == 404
    assert api.post(MISSING_ORDER_ACTION, {}, format="json").status_code == 429
    # the write limit leaves reading alone
    response = api.get(ORDERS)
    assert response.status_code == 200 and response["RateLimit-Limit"] == "3"


def test_each_device_token_has_its_own_counter(tight_rates, owner, staff_member):
    phone, tablet = client_with_token(token_for(owner)), client_with_token(token_for(owner, "Tablet"))
    for _read in range(3):
        phone.get(ORDERS)
    assert phone.get(ORDERS).status_code == 429
    assert tablet.get(ORDERS).status_code == 200
    assert client_with_token(token_for(staff_member)).get(ORDERS).status_code == 200


def test_an_integration_key_has_its_own_write_rate(tight_rates, owner):
    _credential, key = IntegrationCredential.issue(name="Feed Plaza Vea")
    feed = APIClient()
    feed.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    # an invalid order is still a counted write
    first = feed.post("/api/v1/intake/orders/", {}, format="json")
    assert first.status_code == 400 and first["RateLimit-Limit"] == "1"
    refused = feed.post("/api/v1/intake/orders/", {}, format="json")
    assert refused.status_code == 429 and refused["Retry-After"]
    # another key, and the sellers' devices, are unaffected
    _other, other_key = IntegrationCredential.issue(name="Feed Oechsle")
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert other.post("/api/v1/intake/orders/", {}, format="json").status_code == 400
    assert client_with_token(token_for(owner)).post(MISSING_ORDER_ACTION, {}, format="json").status_code == 404


class BulkView(APIView):
    authentication_classes = [DeviceTokenAuthentication]
    rate_scope = BULK

    def put(self, request):
        return Response({"ok": True})


def test_bulk_operations_have_their_stricter_rate(tight_rates, owner):
    token = token_for(owner)
    factory = APIRequestFactory()

    def put():
        request = factory.put("/bulk/", {}, format="json", HTTP_AUTHORIZATION=f"Token {token}")
        return BulkView.as_view()(request)

    assert put().status_code == 200
    refused = put()
    assert refused.status_code == 429
    assert refused.data["error"]["code"] == "throttled"
    # the bulk counter is its own: ordinary writes of the same token still pass
    assert client_with_token(token).post(MISSING_ORDER_ACTION, {}, format="json").status_code == 404


def test_the_docs_are_not_counted(tight_rates, db):
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200 and "RateLimit-Limit" not in response


def run_settings(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CACHE_URL", "REDIS_URL", "API_RATE_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "sellercenter.settings", "DJANGO_DEBUG": "true", **env})
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.API_RATES['token_write'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_counters_live_in_redis_when_configured_and_rates_come_from_the_environment(tmp_path):
    demo = run_settings(SELLERCENTER_VAR_DIR=str(tmp_path))
    assert demo == "django.core.cache.backends.locmem.LocMemCache 120/min"
    production = run_settings(
        SELLERCENTER_VAR_DIR=str(tmp_path), CACHE_URL="redis://127.0.0.1:6379/5", API_RATE_TOKEN_WRITE="30/min"
    )
    assert production == "django.core.cache.backends.redis.RedisCache 30/min"


def test_a_mistyped_rate_is_a_configuration_error(settings):
    assert check_api_rates() == []
    settings.API_RATES = {**settings.API_RATES, "token_read": "600 per minute"}
    assert [error.id for error in check_api_rates()] == ["api.E001"]
