from sellers.permissions import permissions_of
from sellers.selectors import memberships_of


def current_seller(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    seller = getattr(request, "seller", None)
    memberships = getattr(request, "memberships", None)  # loaded once by CurrentSellerMiddleware
    return {
        "current_seller": seller if seller else None,
        "user_memberships": memberships if memberships is not None else memberships_of(user=user),
        # what the current membership may do, so templates show only the buttons that will work:
        # {% if "appeal_penalties" in can %}
        "can": permissions_of(getattr(request, "membership", None)),
    }
