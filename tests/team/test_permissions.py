"""Each permission both ways: the owner is allowed, staff is refused with a 403 that names what is
missing, staff with the owner's grant is allowed; on the dashboard and on the API."""

from __future__ import annotations

import pytest

from fulfillment.models import PenaltyStatus
from sellers.models import Membership, Role
from sellers.permissions import GRANTS, PERMISSIONS, ROLE_PERMISSIONS, has_permission, permissions_of
from tests.team.conftest import api_client, web_client

pytestmark = pytest.mark.django_db

OWNER_ONLY = sorted(set(PERMISSIONS) - ROLE_PERMISSIONS[Role.STAFF])


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_an_owner_has_every_permission(permission, seller, owner):
    assert has_permission(Membership.objects.get(user=owner, seller=seller), permission)


@pytest.mark.parametrize("permission", OWNER_ONLY)
def test_staff_lacks_each_owner_permission_unless_granted(permission, seller, staff_member, granted_staff):
    # given a staff member without grants and one with every grant
    plain = Membership.objects.get(user=staff_member, seller=seller)
    granted = Membership.objects.get(user=granted_staff, seller=seller)
    # then the plain one has none of the owner's powers; the granted one has exactly the grantable ones
    assert not has_permission(plain, permission)
    assert has_permission(granted, permission) == (permission in GRANTS)


def test_staff_does_the_daily_work(seller, staff_member):
    staff = permissions_of(Membership.objects.get(user=staff_member, seller=seller))
    assert {"manage_orders", "manage_stock", "manage_evidence", "manage_shipping", "manage_messages"} <= staff
    assert not {"manage_members", "manage_webhooks", "manage_payouts", "appeal_penalties"} & staff


def test_an_unknown_permission_is_a_programming_error(seller, owner):
    with pytest.raises(ValueError):
        has_permission(Membership.objects.get(user=owner, seller=seller), "manage_everything")


def test_a_removed_membership_has_no_permission(seller, owner):
    membership = Membership.objects.get(user=owner, seller=seller)
    membership.removed_at = membership.created_at
    assert permissions_of(membership) == frozenset()


# --- appeal_penalties (grantable) --------------------------------------------------------------------


def test_api_appeal_owner_allowed(raised_penalty, owner):
    answer = api_client(owner).post(
        f"/api/v1/penalties/{raised_penalty.pk}/appeal/", {"text": "El courier no pasó"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["status"] == PenaltyStatus.APPEALED


def test_api_appeal_staff_refused_with_a_clear_403(raised_penalty, staff_member):
    answer = api_client(staff_member).post(
        f"/api/v1/penalties/{raised_penalty.pk}/appeal/", {"text": "El courier no pasó"}, format="json"
    )
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["code"] == "permission_denied"
    assert error["fields"] == {"permission": ["appeal_penalties"]}
    assert "apelar penalidades" in error["message"] and "Personal" in error["message"]
    raised_penalty.refresh_from_db()
    assert raised_penalty.status == PenaltyStatus.RAISED


def test_api_refusal_speaks_english_when_asked(raised_penalty, staff_member):
    answer = api_client(staff_member).post(
        f"/api/v1/penalties/{raised_penalty.pk}/appeal/",
        {"text": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 403
    assert "appeal penalties" in answer.json()["error"]["message"]


def test_api_appeal_staff_with_grant_allowed(raised_penalty, granted_staff):
    answer = api_client(granted_staff).post(
        f"/api/v1/penalties/{raised_penalty.pk}/appeal/", {"text": "El courier no pasó"}, format="json"
    )
    assert answer.status_code == 200


def test_dashboard_appeal_owner_allowed(raised_penalty, owner):
    answer = web_client(owner).post(f"/penalties/{raised_penalty.pk}/appeal/", {"text": "El courier no pasó"})
    assert answer.status_code == 302
    raised_penalty.refresh_from_db()
    assert raised_penalty.status == PenaltyStatus.APPEALED


def test_dashboard_appeal_staff_refused_with_a_403_page(raised_penalty, staff_member):
    answer = web_client(staff_member).post(f"/penalties/{raised_penalty.pk}/appeal/", {"text": "El courier no pasó"})
    assert answer.status_code == 403
    assert "apelar penalidades" in answer.content.decode()
    raised_penalty.refresh_from_db()
    assert raised_penalty.status == PenaltyStatus.RAISED


def test_dashboard_appeal_staff_with_grant_allowed(raised_penalty, granted_staff):
    answer = web_client(granted_staff).post(f"/penalties/{raised_penalty.pk}/appeal/", {"text": "No pasó"})
    assert answer.status_code == 302
    raised_penalty.refresh_from_db()
    assert raised_penalty.status == PenaltyStatus.APPEALED


def test_the_appeal_button_shows_only_to_who_may_appeal(raised_penalty, owner, staff_member, granted_staff):
    # staff still sees the penalties (what lateness costs), without «Apelar»
    for user, shown in ((owner, True), (staff_member, False), (granted_staff, True)):
        page = web_client(user).get("/penalties/")
        assert page.status_code == 200
        assert ('data-action="appeal"' in page.content.decode()) is shown, user.username


# --- manage_members (owner only) --------------------------------------------------------------------


def test_api_members_owner_allowed_staff_refused_even_with_grants(owner, staff_member, granted_staff):
    assert api_client(owner).get("/api/v1/members/").status_code == 200
    for user in (staff_member, granted_staff):
        answer = api_client(user).get("/api/v1/members/")
        assert answer.status_code == 403
        assert answer.json()["error"]["fields"] == {"permission": ["manage_members"]}
        invite = api_client(user).post("/api/v1/members/", {"email": "nueva@tienda.pe"}, format="json")
        assert invite.status_code == 403


def test_dashboard_team_owner_allowed_staff_refused(owner, staff_member, granted_staff):
    page = web_client(owner).get("/team/")
    assert page.status_code == 200
    for user in (staff_member, granted_staff):
        refused = web_client(user).get("/team/")
        assert refused.status_code == 403
        assert "gestionar el equipo" in refused.content.decode()
        assert web_client(user).post("/team/invite/", {"email": "x@tienda.pe", "role": "staff"}).status_code == 403


def test_the_team_link_shows_only_to_owners(owner, staff_member):
    assert 'href="/team/"' in web_client(owner).get("/").content.decode()
    assert 'href="/team/"' not in web_client(staff_member).get("/").content.decode()


# --- manage_devices_of_all_members (owner only) ------------------------------------------------------


def test_api_owner_revokes_a_members_device_staff_cannot(seller, owner, staff_member, granted_staff):
    from sellers.models import DeviceToken

    device, _raw = DeviceToken.objects.create(user=staff_member, device_name="Moto G")
    # staff, even granted, cannot revoke a teammate's device
    refused = api_client(granted_staff).delete(f"/api/v1/auth/tokens/{device.token_key}/")
    assert refused.status_code == 403
    assert refused.json()["error"]["fields"] == {"permission": ["manage_devices_of_all_members"]}
    assert DeviceToken.objects.filter(pk=device.pk).exists()
    # the owner sees it in the team list and revokes it
    listed = api_client(owner).get("/api/v1/members/").json()
    staff_row = next(row for row in listed if row["username"] == staff_member.username)
    assert [d["device_name"] for d in staff_row["devices"]] == ["Moto G"]
    assert api_client(owner).delete(f"/api/v1/auth/tokens/{device.token_key}/").status_code == 204
    assert not DeviceToken.objects.filter(pk=device.pk).exists()
    assert seller.membership_events.filter(kind="device_revoked").count() == 1


def test_dashboard_owner_revokes_a_members_device_staff_cannot(owner, staff_member):
    from sellers.models import DeviceToken

    device, _raw = DeviceToken.objects.create(user=owner, device_name="Tablet")
    assert web_client(staff_member).post(f"/team/devices/{device.token_key}/revoke/").status_code == 403
    assert DeviceToken.objects.filter(pk=device.pk).exists()
    assert web_client(owner).post(f"/team/devices/{device.token_key}/revoke/").status_code == 302
    assert not DeviceToken.objects.filter(pk=device.pk).exists()


def test_anyone_still_revokes_their_own_device(staff_member):
    from sellers.models import DeviceToken

    device, _raw = DeviceToken.objects.create(user=staff_member, device_name="Viejo")
    assert api_client(staff_member).delete(f"/api/v1/auth/tokens/{device.token_key}/").status_code == 204
