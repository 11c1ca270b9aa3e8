"""Device tokens: issued per device to seller members only, used, expiring, revocable."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from sellers.models import DeviceToken
from tests.api.conftest import client_with_token, token_for
from tests.factories import DEFAULT_PASSWORD, UserFactory

TOKEN_URL = "/api/v1/auth/token/"


def login(username, password=DEFAULT_PASSWORD, device_name="Moto G"):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password, "device_name": device_name}, format="json"
    )


def test_member_gets_a_token_that_opens_the_api(owner):
    # when the owner logs in from a phone
    response = login(owner.username)
    # then a token for that device comes back, stored only as a digest
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["device_name"] == "Moto G" and body["expiry"]
    stored = DeviceToken.objects.get(user=owner)
    assert stored.device_name == "Moto G"
    assert body["token"] not in stored.digest
    # and the token opens the order list
    assert client_with_token(body["token"]).get("/api/v1/orders/").status_code == 200


def test_wrong_password_is_400(owner):
    # when the password is wrong
    response = login(owner.username, password="incorrecta")
    # then 400 with a message, and no token
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert response.json()["error"]["message"]
    assert not DeviceToken.objects.exists()


def test_missing_device_name_is_400(owner):
    response = APIClient().post(TOKEN_URL, {"username": owner.username, "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 400
    assert "device_name" in response.json()["error"]["fields"]


def test_user_without_seller_gets_403(operator):
    # given a user with no seller membership (an operator)
    # when it asks for an API token
    response = login(operator.username)
    # then 403 with a message, and no token
    assert response.status_code == 403
    assert response.json()["error"]["message"]
    assert not DeviceToken.objects.exists()


def test_no_token_is_401():
    response = APIClient().get("/api/v1/orders/")
    assert response.status_code == 401
    assert response.json()["error"]["message"]


def test_garbage_token_is_401(db):
    assert client_with_token("nope").get("/api/v1/orders/").status_code == 401


def test_member_whose_membership_was_removed_gets_403(owner):
    # given a token issued while the user was a member
    client = client_with_token(token_for(owner))
    # when the membership is removed
    owner.memberships.all().delete()
    # then the token still authenticates but the seller endpoints refuse with 403
    assert client.get("/api/v1/orders/").status_code == 403


def test_token_expires(owner, settings):
    # given a token issued now
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = login(owner.username).json()["token"]
        client = client_with_token(token)
        assert client.get("/api/v1/orders/counts/").status_code == 200
        # when its lifetime has passed
        traveller.shift(settings.REST_KNOX["TOKEN_TTL"] + timedelta(minutes=1))
        # then it no longer opens the API, and is gone
        assert client.get("/api/v1/orders/counts/").status_code == 401
        assert not DeviceToken.objects.filter(user=owner).exists()


def test_logging_in_again_purges_the_users_expired_tokens(owner, settings):
    # given an old device's token that has expired
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(owner.username, device_name="Viejo")
        traveller.shift(settings.REST_KNOX["TOKEN_TTL"] + timedelta(minutes=1))
        # when the user logs in from a new device
        login(owner.username, device_name="Nuevo")
    # then only the live token is kept
    assert list(DeviceToken.objects.filter(user=owner).values_list("device_name", flat=True)) == ["Nuevo"]


def test_logout_revokes_only_the_current_token(owner):
    # given two devices logged in
    phone = client_with_token(login(owner.username, device_name="Teléfono").json()["token"])
    tablet = client_with_token(login(owner.username, device_name="Tablet").json()["token"])
    # when the phone logs out
    assert phone.post("/api/v1/auth/logout/").status_code == 204
    # then the phone's token is dead and the tablet's still works
    assert phone.get("/api/v1/orders/").status_code == 401
    assert tablet.get("/api/v1/orders/").status_code == 200


def test_list_and_revoke_a_device(owner, other_owner):
    # given two devices of the owner and one of another user
    phone_token = login(owner.username, device_name="Teléfono").json()
    tablet = client_with_token(login(owner.username, device_name="Tablet").json()["token"])
    login(other_owner.username, device_name="Ajeno")
    # when the tablet lists the devices
    listed = tablet.get("/api/v1/auth/tokens/").json()
    # then it sees the owner's two devices only, itself marked current
    assert sorted(t["device_name"] for t in listed) == ["Tablet", "Teléfono"]
    assert [t["device_name"] for t in listed if t["current"]] == ["Tablet"]
    # when it revokes the phone
    response = tablet.delete(f"/api/v1/auth/tokens/{phone_token['token_key']}/")
    # then the phone is out
    assert response.status_code == 204
    assert client_with_token(phone_token["token"]).get("/api/v1/orders/").status_code == 401
    assert [t["device_name"] for t in tablet.get("/api/v1/auth/tokens/").json()] == ["Tablet"]


def test_cannot_revoke_another_users_token(owner, other_owner):
    # given another user's device
    other = login(other_owner.username, device_name="Ajeno").json()
    # when the owner tries to revoke it
    response = client_with_token(token_for(owner)).delete(f"/api/v1/auth/tokens/{other['token_key']}/")
    # then 404, and it still works
    assert response.status_code == 404
    assert client_with_token(other["token"]).get("/api/v1/orders/").status_code == 200


@pytest.mark.parametrize("header", ["abc", "999999"])
def test_x_seller_id_of_a_foreign_seller_is_403(api, other_seller, header):
    # when the owner asks to act for a seller it does not belong to (or a nonsense id)
    response = api.get("/api/v1/orders/", HTTP_X_SELLER_ID=str(other_seller.pk) if header == "999999" else header)
    # then 403 rather than silently acting for another seller
    assert response.status_code == 403


def test_x_seller_id_picks_among_memberships(seller, other_seller, make_order, owner):
    # given a user who belongs to two sellers, each with an order
    from tests.factories import MembershipFactory, order_with_stock

    user = UserFactory(username="dual")
    MembershipFactory(user=user, seller=seller)
    MembershipFactory(user=user, seller=other_seller)
    mine_a = make_order()
    mine_b = order_with_stock(seller=other_seller)
    client = client_with_token(token_for(user))
    # when it lists with X-Seller-Id for each seller
    ids_a = [o["id"] for o in client.get("/api/v1/orders/", HTTP_X_SELLER_ID=str(seller.pk)).json()["results"]]
    ids_b = [o["id"] for o in client.get("/api/v1/orders/", HTTP_X_SELLER_ID=str(other_seller.pk)).json()["results"]]
    # then each list holds that seller's order only
    assert ids_a == [mine_a.pk]
    assert ids_b == [mine_b.pk]
