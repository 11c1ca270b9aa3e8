"""The team for owners: invite (idempotent), change role and grants, remove (kept as history,
devices revoked), the last owner stays; every change is a MembershipEvent; other sellers' members are 404."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from sellers.models import DeviceToken, Membership, MembershipEvent
from tests.factories import MembershipFactory, UserFactory
from tests.team.conftest import api_client, web_client

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_owner_lists_the_team_with_roles_grants_and_status(seller, owner, staff_member, granted_staff):
    rows = api_client(owner).get("/api/v1/members/").json()
    by_name = {row["username"]: row for row in rows}
    assert by_name["owner_a"]["role"] == "owner" and by_name["owner_a"]["status"] == "active"
    assert by_name["staff_a"]["grants"] == []
    assert by_name["staff_granted"]["grants"] == ["appeal_penalties", "manage_payouts", "view_contract"]
    assert rows[0]["role"] == "owner"  # owners first


def test_invite_a_new_email_creates_an_inactive_user_and_is_idempotent(
    seller, owner, mailoutbox, django_capture_on_commit_callbacks
):
    client = api_client(owner)
    # when the owner invites a new e-mail
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/members/", {"email": "Lucia@Tienda.pe", "role": "staff"}, format="json")
    # then there is one pending member, an inactive account without a password, and an e-mail with a link
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "pending" and body["email"] == "lucia@tienda.pe" and body["invitation_expires_at"]
    user = User.objects.get(email="lucia@tienda.pe")
    assert not user.is_active and not user.has_usable_password()
    assert len(mailoutbox) == 1 and "/accounts/invitation/" in mailoutbox[0].body
    # when the same invitation is sent again
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/api/v1/members/", {"email": "lucia@tienda.pe"}, format="json")
    # then it is the same member (200), re-sent, and still one account and one membership
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert User.objects.filter(email__iexact="lucia@tienda.pe").count() == 1
    assert Membership.team.filter(user=user, seller=seller).count() == 1
    assert len(mailoutbox) == 2
    kinds = list(MembershipEvent.objects.filter(membership_id=body["id"]).order_by("id").values_list("kind", flat=True))
    assert kinds == ["invited", "invitation_resent"]


def test_invite_an_existing_account_adds_it_at_once(
    seller, owner, other_owner, mailoutbox, django_capture_on_commit_callbacks
):
    # given someone who already works with Seller Center for another seller
    other_owner.email = "b@otra.pe"
    other_owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client(owner).post("/api/v1/members/", {"email": "b@otra.pe", "role": "staff"}, format="json")
    assert answer.status_code == 201 and answer.json()["status"] == "active"
    assert Membership.objects.filter(user=other_owner).count() == 2
    assert "ahora eres parte" in mailoutbox[0].subject.lower()


def test_invite_refuses_bad_input_with_the_envelope(owner):
    client = api_client(owner)
    for body, field in (
        ({"email": "no-es-correo"}, "email"),
        ({"email": "a@b.pe", "role": "admin"}, "role"),
        ({"email": "a@b.pe", "grants": ["manage_members"]}, "grants"),
    ):
        answer = client.post("/api/v1/members/", body, format="json")
        assert answer.status_code == 400, body
        assert field in answer.json()["error"]["fields"]
    owner_with_grants = client.post(
        "/api/v1/members/", {"email": "a@b.pe", "role": "owner", "grants": ["manage_payouts"]}, format="json"
    )
    assert owner_with_grants.status_code == 400 and "grants" in owner_with_grants.json()["error"]["fields"]
    assert not User.objects.filter(email="a@b.pe").exists()


def test_change_role_and_grants_is_recorded_before_and_after(seller, owner, staff_member, staff_membership):
    client = api_client(owner)
    granted = client.patch(f"/api/v1/members/{staff_membership.pk}/", {"grants": ["appeal_penalties"]}, format="json")
    assert granted.status_code == 200 and granted.json()["grants"] == ["appeal_penalties"]
    promoted = client.patch(f"/api/v1/members/{staff_membership.pk}/", {"role": "owner"}, format="json")
    assert promoted.status_code == 200 and promoted.json()["role"] == "owner" and promoted.json()["grants"] == []
    events = list(MembershipEvent.objects.filter(membership=staff_membership).order_by("id"))
    assert [e.kind for e in events] == ["grants_changed", "role_changed"]
    assert events[0].before["grants"] == [] and events[0].after["grants"] == ["appeal_penalties"]
    assert events[1].before["role"] == "staff" and events[1].after["role"] == "owner"
    assert all(e.actor == owner for e in events)


def test_the_last_owner_can_be_neither_demoted_nor_removed(seller, owner, owner_membership):
    client = api_client(owner)
    demoted = client.patch(f"/api/v1/members/{owner_membership.pk}/", {"role": "staff"}, format="json")
    assert demoted.status_code == 409 and demoted.json()["error"]["code"] == "last_owner"
    removed = client.delete(f"/api/v1/members/{owner_membership.pk}/")
    assert removed.status_code == 409
    owner_membership.refresh_from_db()
    assert owner_membership.role == "owner" and owner_membership.removed_at is None
    # with a second owner, the first may step down
    second = MembershipFactory(seller=seller, role="owner")
    assert client.patch(f"/api/v1/members/{owner_membership.pk}/", {"role": "staff"}, format="json").status_code == 200
    assert second.role == "owner"


def test_dashboard_last_owner_is_a_409(owner, owner_membership):
    answer = web_client(owner).post(f"/team/{owner_membership.pk}/remove/")
    assert answer.status_code == 409
    assert "único propietario" in answer.content.decode()


def test_removal_keeps_the_membership_revokes_devices_and_shuts_every_door(
    seller, owner, staff_member, staff_membership
):
    # given a staff member with a phone and a browser session
    device, raw = DeviceToken.objects.create(user=staff_member, device_name="Moto G")
    browser = web_client(staff_member)
    assert browser.get("/").status_code == 200
    # when the owner removes them
    assert api_client(owner).delete(f"/api/v1/members/{staff_membership.pk}/").status_code == 204
    # then the row is kept with who and when, and the event says so
    kept = Membership.all_objects.get(pk=staff_membership.pk)
    assert kept.removed_at is not None and kept.removed_by == owner
    event = MembershipEvent.objects.get(membership=kept, kind="removed")
    assert event.before["removed"] is False and event.after["removed"] is True and event.after["devices_revoked"] == 1
    # the device is revoked, the dashboard shows no seller, the API refuses
    assert not DeviceToken.objects.filter(pk=device.pk).exists()
    assert browser.get("/").status_code == 403
    _device, other_raw = DeviceToken.objects.create(user=staff_member, device_name="Otro")
    from rest_framework.test import APIClient

    stray = APIClient()
    stray.credentials(HTTP_AUTHORIZATION=f"Token {other_raw}")
    assert stray.get("/api/v1/orders/").status_code == 403
    # and the team list no longer shows them
    assert staff_member.username not in {r["username"] for r in api_client(owner).get("/api/v1/members/").json()}


def test_a_removed_person_can_be_invited_again(seller, owner, staff_member, staff_membership, mailoutbox):
    client = api_client(owner)
    client.delete(f"/api/v1/members/{staff_membership.pk}/")
    again = client.post("/api/v1/members/", {"email": staff_member.email}, format="json")
    assert again.status_code == 201 and again.json()["id"] != staff_membership.pk
    assert Membership.all_objects.filter(user=staff_member, seller=seller).count() == 2


def test_removing_a_member_of_two_sellers_keeps_their_devices(seller, other_seller, owner, staff_membership):
    # a token is the person's: the other seller they work for still needs it; this seller refuses it anyway
    MembershipFactory(user=staff_membership.user, seller=other_seller, role="staff")
    device, raw = DeviceToken.objects.create(user=staff_membership.user, device_name="Moto G")
    api_client(owner).delete(f"/api/v1/members/{staff_membership.pk}/")
    assert DeviceToken.objects.filter(pk=device.pk).exists()
    from rest_framework.test import APIClient

    phone = APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert phone.get("/api/v1/orders/", HTTP_X_SELLER_ID=str(seller.pk)).status_code == 403
    assert phone.get("/api/v1/orders/", HTTP_X_SELLER_ID=str(other_seller.pk)).status_code == 200


def test_another_sellers_member_is_404_for_every_method(owner, other_owner):
    foreign = Membership.objects.get(user=other_owner)
    client = api_client(owner)
    assert client.get(f"/api/v1/members/{foreign.pk}/").status_code == 404
    assert client.patch(f"/api/v1/members/{foreign.pk}/", {"role": "staff"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/members/{foreign.pk}/").status_code == 404
    web = web_client(owner)
    assert web.post(f"/team/{foreign.pk}/", {f"m{foreign.pk}-role": "staff"}).status_code == 404
    assert web.post(f"/team/{foreign.pk}/remove/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == "owner" and foreign.removed_at is None
    assert not MembershipEvent.objects.filter(membership=foreign).exists()


def test_inviting_a_member_of_another_seller_by_email_does_not_touch_that_seller(owner, other_owner, other_seller):
    other_owner.email = "dueno@otra.pe"
    other_owner.save()
    api_client(owner).post("/api/v1/members/", {"email": "dueno@otra.pe"}, format="json")
    assert Membership.objects.get(user=other_owner, seller=other_seller).role == "owner"


def test_the_team_list_costs_the_same_queries_with_more_members(seller, owner, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client(owner)
    web = web_client(owner)
    client.get("/api/v1/members/")
    web.get("/team/")
    with CaptureQueriesContext(connection) as api_few:
        client.get("/api/v1/members/")
    with CaptureQueriesContext(connection) as web_few:
        web.get("/team/")
    for i in range(8):
        member = MembershipFactory(seller=seller, role="staff", user=UserFactory(username=f"m{i}"))
        DeviceToken.objects.create(user=member.user, device_name="Tel")
    api_budget, web_budget = len(api_few.captured_queries), len(web_few.captured_queries)
    with django_assert_max_num_queries(api_budget):
        assert len(client.get("/api/v1/members/").json()) == 9
    with django_assert_max_num_queries(web_budget):
        assert web.get("/team/").status_code == 200
