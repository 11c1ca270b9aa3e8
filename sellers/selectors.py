from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from core.ids import parse_id
from sellers.models import Membership, Seller


def memberships_of(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    # the contract comes along: the order lists' SLA clocks read its terms
    return (
        Membership.objects.filter(user=user, seller__is_active=True)
        .select_related("seller__contract")
        .order_by("seller__name", "seller_id")
    )


def seller_for_user(
    *, user: AbstractBaseUser, seller_id: int | str | None = None, memberships: list[Membership] | None = None
) -> Seller | None:
    """The seller a request acts for: the chosen one if the user belongs to it, else the first.

    Pass `memberships` (the user's, from `memberships_of`) when they are loaded already.
    """
    if not user or not user.is_authenticated:
        return None
    if memberships is None:
        memberships = list(memberships_of(user=user))  # a person belongs to a few sellers: one query for all
    wanted = parse_id(seller_id) if seller_id not in (None, "") else None
    chosen = next((membership for membership in memberships if membership.seller_id == wanted), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    return chosen.seller if chosen else None


def membership_role(*, user: AbstractBaseUser, seller: Seller) -> str | None:
    return Membership.objects.filter(user=user, seller=seller).values_list("role", flat=True).first()
