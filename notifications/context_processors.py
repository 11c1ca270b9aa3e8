from notifications.services import unread_count


def unread_notifications(request):
    user = getattr(request, "user", None)
    seller = getattr(request, "seller", None)
    if not user or not user.is_authenticated or not seller:
        return {}
    return {"unread_notifications": unread_count(user=user, seller=seller)}
