"""An invitation end to end: the owner invites from «Equipo», the e-mail carries a link, the invited
person chooses a password there and logs in to the seller's orders. The link works once and expires."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from sellers.models import Membership, MembershipEvent

pytestmark = pytest.mark.django_db
User = get_user_model()
LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^\s]+/)")
NEW_PASSWORD = "Ch4nchamayo-2026"


def invite(client, email, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/team/invite/", {"email": email, "role": "staff", **extra})


def test_invite_set_password_and_log_in(seller, owner, mailoutbox, django_capture_on_commit_callbacks):
    # given the owner on «Equipo»
    browser = Client()
    browser.force_login(owner)
    # when they invite a new e-mail with the penalties-appeal grant
    answer = invite(browser, "rosa@andina.pe", django_capture_on_commit_callbacks, grants=["appeal_penalties"])
    assert answer.status_code == 302
    team = browser.get("/team/").content.decode()
    assert "rosa@andina.pe" in team and 'data-testid="pending"' in team
    # then an e-mail with a link arrives
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["rosa@andina.pe"]
    path = LINK.search(mailoutbox[0].body).group(1)
    # and the invited person chooses a password there
    invited = Client()
    form = invited.get(path)
    assert form.status_code == 200 and seller.name in form.content.decode()
    done = invited.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == "/accounts/login/"
    # and logs in with it, to the seller's orders, as staff with the grant
    logged_in = invited.post("/accounts/login/", {"username": "rosa@andina.pe", "password": NEW_PASSWORD})
    assert logged_in.status_code == 302
    assert invited.get("/").status_code == 200
    membership = Membership.objects.get(user__email="rosa@andina.pe", seller=seller)
    assert not membership.is_pending and membership.grant_appeal_penalties and membership.invited_by == owner
    kinds = MembershipEvent.objects.filter(membership=membership).order_by("id").values_list("kind", flat=True)
    assert list(kinds) == ["invited", "joined"]
    # the link worked once
    assert Client().get(path).status_code == 404


def test_a_weak_or_mismatched_password_is_refused_beside_the_field(
    owner, mailoutbox, django_capture_on_commit_callbacks
):
    browser = Client()
    browser.force_login(owner)
    invite(browser, "leo@andina.pe", django_capture_on_commit_callbacks)
    path = LINK.search(mailoutbox[0].body).group(1)
    weak = Client().post(path, {"password": "123", "password_again": "123"})
    assert weak.status_code == 400 and "field-error" in weak.content.decode()
    mismatch = Client().post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400
    assert not User.objects.get(email="leo@andina.pe").is_active


def test_an_expired_invitation_link_is_refused_and_a_new_invite_renews_it(
    seller, owner, mailoutbox, django_capture_on_commit_callbacks
):
    browser = Client()
    browser.force_login(owner)
    invite(browser, "eva@andina.pe", django_capture_on_commit_callbacks)
    path = LINK.search(mailoutbox[0].body).group(1)
    # given the invitation's time ran out
    Membership.team.filter(user__email="eva@andina.pe").update(invitation_expires_at=timezone.now() - timedelta(1))
    # then its link is refused
    refused = Client().post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert refused.status_code == 404 and "venció" in refused.content.decode()
    assert not User.objects.get(email="eva@andina.pe").is_active
    # when the owner invites again, the new link works
    invite(browser, "eva@andina.pe", django_capture_on_commit_callbacks)
    fresh = LINK.search(mailoutbox[-1].body).group(1)
    assert Client().post(fresh, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 302
    assert User.objects.get(email="eva@andina.pe").is_active


def test_a_forged_link_is_refused(owner):
    assert Client().get("/accounts/invitation/MQ/abc-123/").status_code == 404
    assert Client().get("/accounts/invitation/%%%/x/").status_code == 404


def test_a_cancelled_invitation_link_no_longer_works(seller, owner, mailoutbox, django_capture_on_commit_callbacks):
    browser = Client()
    browser.force_login(owner)
    invite(browser, "ana@andina.pe", django_capture_on_commit_callbacks)
    path = LINK.search(mailoutbox[0].body).group(1)
    membership = Membership.team.get(user__email="ana@andina.pe")
    assert browser.post(f"/team/{membership.pk}/remove/").status_code == 302
    assert Client().get(path).status_code == 404
