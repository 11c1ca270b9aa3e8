"""Sign-in lockouts (django-axes): the API token, the dashboard and the admin logins, per account."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.client_ip import client_ip
from accounts.models import LoginFailure
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

TOKEN_URL = "/api/v1/auth/token/"
LIMIT = 5  # AXES_FAILURE_LIMIT's default: the tests exercise the real setting
COOL_OFF_SECONDS = 15 * 60


def api_login(username, password=DEFAULT_PASSWORD, *, ip="203.0.113.7"):
    return APIClient(REMOTE_ADDR=ip).post(
        TOKEN_URL, {"username": username, "password": password, "device_name": "Moto G"}, format="json"
    )


def dashboard_login(username, password=DEFAULT_PASSWORD, *, ip="203.0.113.7", language="es"):
    client = Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=language)
    return client.post(reverse("login"), {"username": username, "password": password})


def admin_login(username, password=DEFAULT_PASSWORD, *, ip="203.0.113.7"):
    return Client(REMOTE_ADDR=ip).post(reverse("admin:login"), {"username": username, "password": password})


def test_settings_are_the_documented_defaults(settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert timedelta(seconds=COOL_OFF_SECONDS) == settings.AXES_COOLOFF_TIME


def test_the_api_token_endpoint_locks_an_account_after_the_limit(owner):
    # given four wrong passwords, each answered as usual
    for _attempt in range(LIMIT - 1):
        assert api_login(owner.username, "incorrecta").status_code == 400
    # when the fifth is wrong too
    response = api_login(owner.username, "incorrecta")
    # then 429 in the error envelope, saying when to come back
    assert response.status_code == 429
    assert response["Retry-After"] == str(COOL_OFF_SECONDS)
    error = response.json()["error"]
    assert error["code"] == "too_many_attempts"
    assert "15 minutos" in error["message"] and error["fields"] == {}
    # and even the right password is refused until the cool-off ends
    locked = api_login(owner.username)
    assert locked.status_code == 429 and "token" not in locked.json()


def test_a_locked_account_does_not_lock_another_account_from_the_same_address(owner, staff_member):
    for _attempt in range(LIMIT):
        api_login(owner.username, "incorrecta")
    assert api_login(owner.username).status_code == 429
    # another person of the same office, same address: API and dashboard still open
    assert api_login(staff_member.username).status_code == 200
    assert dashboard_login(staff_member.username).status_code == 302


def test_failures_from_different_addresses_add_up_for_the_account(owner):
    # an attacker spreading guesses over many addresses still locks the account
    for number in range(LIMIT):
        api_login(owner.username, "incorrecta", ip=f"198.51.100.{number + 1}")
    assert api_login(owner.username, ip="198.51.100.200").status_code == 429


def test_a_right_password_before_the_limit_clears_the_count(owner):
    for _attempt in range(LIMIT - 1):
        api_login(owner.username, "incorrecta")
    assert api_login(owner.username).status_code == 200
    # the count starts again: four more failures are still answered as wrong passwords
    for _attempt in range(LIMIT - 1):
        assert api_login(owner.username, "incorrecta").status_code == 400


def test_the_lockout_ends_after_the_cool_off(owner):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _attempt in range(LIMIT):
            api_login(owner.username, "incorrecta")
        assert api_login(owner.username).status_code == 429
    with time_machine.travel(start + timedelta(seconds=COOL_OFF_SECONDS + 60), tick=False):
        assert api_login(owner.username).status_code == 200


def test_the_dashboard_login_shows_a_lockout_page_in_spanish_and_english(owner):
    for _attempt in range(LIMIT - 1):
        response = dashboard_login(owner.username, "incorrecta")
        assert response.status_code == 200 and "Usuario o contraseña incorrectos" in response.content.decode()
    response = dashboard_login(owner.username, "incorrecta")
    assert response.status_code == 429
    assert response["Retry-After"] == str(COOL_OFF_SECONDS)
    page = response.content.decode()
    assert "Acceso bloqueado temporalmente" in page and "15 minutos" in page
    english = dashboard_login(owner.username, language="en")
    assert english.status_code == 429
    assert "Sign-in temporarily blocked" in english.content.decode()


def test_the_admin_login_locks_too(operator):
    for _attempt in range(LIMIT):
        admin_login(operator.username, "incorrecta")
    response = admin_login(operator.username)
    assert response.status_code == 429
    assert response["Retry-After"] == str(COOL_OFF_SECONDS)
    assert reverse("admin:login") in response.content.decode()  # "try again" leads back to the admin


def test_an_operator_sees_and_lifts_a_lockout_in_the_admin(owner, operator):
    # given a locked-out seller
    for _attempt in range(LIMIT):
        api_login(owner.username, "incorrecta")
    assert api_login(owner.username).status_code == 429
    admin = Client()
    admin.force_login(operator)
    # when the operator opens the list of failed sign-ins
    changelist = admin.get(reverse("admin:accounts_loginfailure_changelist"), {"bloqueado": "si"})
    # then the account is there, marked as locked, in Spanish
    page = changelist.content.decode()
    assert changelist.status_code == 200
    assert owner.username in page and "Bloqueado" in page and "Intentos fallidos y bloqueos" in page
    # and the unlock action lets the seller in again
    ids = [str(pk) for pk in LoginFailure.objects.filter(username=owner.username).values_list("pk", flat=True)]
    response = admin.post(
        reverse("admin:accounts_loginfailure_changelist"), {"action": "unlock", "_selected_action": ids}, follow=True
    )
    assert response.status_code == 200
    assert not LoginFailure.objects.filter(username=owner.username).exists()
    assert api_login(owner.username).status_code == 200


@pytest.mark.parametrize("known", [True, False])
def test_a_wrong_password_runs_the_password_hasher_for_known_and_unknown_users(db, known):
    # the same work, hence the same time, whether the username exists or not
    user = MembershipFactory(user=UserFactory(username="real_user")).user
    username = user.username if known else "nobody_by_this_name"
    with (
        mock.patch.object(MD5PasswordHasher, "verify", autospec=True, side_effect=MD5PasswordHasher.verify) as verify,
        mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as encode,
    ):
        response = api_login(username, "incorrecta")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"
    # a known user's stored hash is verified (encode inside verify); an unknown one's password is hashed
    assert encode.call_count == 1
    assert verify.call_count == (1 if known else 0)


def test_the_client_address_is_remote_addr_unless_proxies_are_trusted(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # a client-written header is not believed
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our one proxy saw, not what the client wrote
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"  # fewer hops than proxies: the header is not ours
