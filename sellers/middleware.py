from django.utils.functional import SimpleLazyObject

from sellers.selectors import seller_for_user

SESSION_SELLER_KEY = "seller_id"


class CurrentSellerMiddleware:
    """Puts the seller the dashboard acts for on `request.seller` (None for non-members)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.seller = SimpleLazyObject(
            lambda: seller_for_user(user=request.user, seller_id=request.session.get(SESSION_SELLER_KEY))
        )
        return self.get_response(request)
