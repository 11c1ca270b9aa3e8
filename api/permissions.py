from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from orders.models import IntegrationCredential
from sellers.selectors import seller_for_user

SELLER_HEADER = "X-Seller-Id"


class IsSellerMember(BasePermission):
    """Resolves `request.seller` from the user's memberships (`X-Seller-Id` picks one); none -> 403."""

    message = _("Tu usuario no pertenece a ningún seller.")

    def has_permission(self, request, view) -> bool:
        wanted = request.headers.get(SELLER_HEADER, "").strip() or None
        seller = seller_for_user(user=request.user, seller_id=wanted)
        if seller is None:
            return False
        if wanted is not None and str(seller.pk) != wanted:
            # seller_for_user falls back to the first membership; an API client must not act for the wrong one
            self.message = _("No perteneces al seller indicado en X-Seller-Id.")
            return False
        request.seller = seller
        return True


class IsIntegration(BasePermission):
    message = _("Esta operación requiere una credencial de integración.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, IntegrationCredential)
