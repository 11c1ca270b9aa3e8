"""The OpenAPI schema is served and documents auth, headers and every 4xx answer."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_every_operation_lists_its_4xx_answers(schema):
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 13
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert {"400", "401", "403", "404"} <= codes, (path, method, codes)
        if method == "post":
            assert {"409", "413", "415"} <= codes, (path, method, codes)


def test_auth_schemes_and_headers_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["deviceToken"]["name"] == "Authorization"
    assert schemes["integrationKey"]["scheme"] == "bearer"
    ship = schema["paths"]["/api/v1/orders/{order_id}/ship/"]["post"]
    headers = {p["name"] for p in ship["parameters"] if p["in"] == "header"}
    assert headers == {"Idempotency-Key", "X-Seller-Id"}
    assert ship["security"] == [{"deviceToken": []}]
    assert schema["paths"]["/api/v1/intake/orders/"]["post"]["security"] == [{"integrationKey": []}]
    evidence = schema["paths"]["/api/v1/orders/{order_id}/evidence/"]["post"]["requestBody"]["content"]
    assert set(evidence) == {"multipart/form-data", "application/json"}


def test_docs_page_is_served(db):
    assert APIClient().get("/api/v1/docs/").status_code == 200


def test_the_docs_page_loads_its_swagger_ui_from_our_own_static_files(client, db):
    # no CDN: the docs must work on a machine (or a network) without internet access
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets), assets
    for asset in assets:
        # shipped among the static files that runserver, whitenoise and collectstatic serve
        assert finders.find(asset.removeprefix("/static/")), asset
