from sellers.selectors import memberships_of


def current_seller(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    seller = getattr(request, "seller", None)
    return {
        "current_seller": seller if seller else None,
        "user_memberships": memberships_of(user=user),
    }
