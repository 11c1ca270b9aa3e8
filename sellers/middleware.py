from django.utils.functional import SimpleLazyObject

from sellers.selectors import membership_for_user, memberships_of

SESSION_SELLER_KEY = "seller_id"


class CurrentSellerMiddleware:
    """Puts the seller the dashboard acts for on `request.seller` (None for non-members), the
    membership it acts through on `request.membership`, and the user's memberships on
    `request.memberships`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # one query serves both the current seller and the layout's seller switcher
        request.memberships = SimpleLazyObject(
            lambda: list(memberships_of(user=request.user)) if request.user.is_authenticated else []
        )
        # the membership carries the role and grants the permission checks read: no query of its own
        request.membership = SimpleLazyObject(
            lambda: membership_for_user(
                user=request.user,
                seller_id=request.session.get(SESSION_SELLER_KEY),
                memberships=request.memberships,
            )
        )
        request.seller = SimpleLazyObject(lambda: request.membership.seller if request.membership else None)
        return self.get_response(request)
