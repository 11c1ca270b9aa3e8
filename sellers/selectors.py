from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.ids import parse_id
from sellers.models import DeviceToken, Membership, MembershipEvent, Seller


def memberships_of(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    """The user's live memberships (Membership.objects leaves removed and pending ones out), with role and grants.

    The contract comes along: the order lists' SLA clocks read its terms."""
    return (
        Membership.objects.filter(user=user, seller__is_active=True)
        .select_related("seller__contract")
        .order_by("seller__name", "seller_id")
    )


def membership_for_user(
    *, user: AbstractBaseUser, seller_id: int | str | None = None, memberships: list[Membership] | None = None
) -> Membership | None:
    """The membership a request acts through: the chosen seller's if the user belongs to it, else
    the first. It carries the role and grants (sellers.permissions reads them) and the seller.

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
    return chosen


def seller_for_user(
    *, user: AbstractBaseUser, seller_id: int | str | None = None, memberships: list[Membership] | None = None
) -> Seller | None:
    """The seller a request acts for (see membership_for_user)."""
    membership = membership_for_user(user=user, seller_id=seller_id, memberships=memberships)
    return membership.seller if membership else None


def membership_role(*, user: AbstractBaseUser, seller: Seller) -> str | None:
    return Membership.objects.filter(user=user, seller=seller).values_list("role", flat=True).first()


def team_members(*, seller: Seller) -> QuerySet[Membership]:
    """The seller's live team, pending invitations included, owners first."""
    return (
        Membership.team.filter(seller=seller)
        .select_related("user", "invited_by")
        .order_by(Case(When(role="owner", then=0), default=1), "user__username", "id")
    )


def team_member(*, seller: Seller, membership_id) -> Membership:
    pk = parse_id(membership_id)
    membership = team_members(seller=seller).filter(pk=pk).first() if pk is not None else None
    if membership is None:
        raise NotFound(_("Miembro no encontrado."))
    return membership


def team_devices(*, seller: Seller, user_ids: list[int] | None = None) -> QuerySet[DeviceToken]:
    """Live device tokens of the seller's live members (of some of them when `user_ids` is given)."""
    members = Membership.team.filter(seller=seller).values("user_id")
    tokens = DeviceToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user_id__in=members
    ).select_related("user")
    if user_ids is not None:
        tokens = tokens.filter(user_id__in=user_ids)
    return tokens.order_by("user_id", "-created")


def team_events(*, seller: Seller, limit: int = 50) -> QuerySet[MembershipEvent]:
    return (
        MembershipEvent.objects.filter(seller=seller)
        .select_related("actor", "membership__user")
        .order_by("-created_at", "-id")[:limit]
    )
