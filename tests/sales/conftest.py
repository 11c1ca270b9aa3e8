import pytest
from rest_framework.test import APIClient

from tests.api.conftest import client_with_token, token_for
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def api(owner) -> APIClient:
    """Seller A's owner, logged in from a device."""
    return client_with_token(token_for(owner))


@pytest.fixture
def client_a(client, owner):
    """Seller A's owner, logged in to the dashboard."""
    assert client.login(username=owner.username, password=DEFAULT_PASSWORD)
    return client
