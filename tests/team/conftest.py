"""The seller's team: an owner, a staff member without grants, a staff member the owner granted extras."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fulfillment.deadlines import enforce_deadlines
from fulfillment.models import Penalty
from sellers.models import DeviceToken, Membership
from tests.factories import MembershipFactory, OrderFactory, UserFactory


def api_client(user, **headers) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {DeviceToken.objects.create(user=user, device_name='Pixel')[1]}")
    return client


def web_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def granted_staff(seller):
    """Staff with every grant an owner can give."""
    return MembershipFactory(
        seller=seller,
        user=UserFactory(username="staff_granted"),
        role="staff",
        grant_appeal_penalties=True,
        grant_manage_payouts=True,
        grant_view_contract=True,
    ).user


@pytest.fixture
def staff_membership(seller, staff_member) -> Membership:
    return Membership.objects.get(user=staff_member, seller=seller)


@pytest.fixture
def owner_membership(seller, owner) -> Membership:
    return Membership.objects.get(user=owner, seller=seller)


@pytest.fixture
def raised_penalty(seller) -> Penalty:
    OrderFactory(seller=seller, placed_at=timezone.now() - timedelta(hours=30))
    enforce_deadlines()
    return Penalty.objects.get(seller=seller)
