from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from core.ids import parse_id
from sellers.models import Membership, Seller


def memberships_of(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    # the contract comes along: the order lists' SLA clocks read its terms
    return Membership.objects.filter(user=user, seller__is_active=True).select_related("seller__contract")


def seller_for_user(*, user: AbstractBaseUser, seller_id: int | str | None = None) -> Seller | None:
    """The seller a request acts for: the chosen one if the user belongs to it, else the first."""
    if not user or not user.is_authenticated:
        return None
    memberships = memberships_of(user=user).order_by("seller__name", "seller_id")
    if seller_id not in (None, ""):
        wanted = parse_id(seller_id)
        chosen = memberships.filter(seller_id=wanted).first() if wanted else None
        if chosen:
            return chosen.seller
    first = memberships.first()
    return first.seller if first else None


def membership_role(*, user: AbstractBaseUser, seller: Seller) -> str | None:
    return Membership.objects.filter(user=user, seller=seller).values_list("role", flat=True).first()
