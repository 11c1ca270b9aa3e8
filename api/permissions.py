from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.errors import Forbidden
from orders.models import IntegrationCredential
from sellers.permissions import PERMISSIONS, has_permission, refusal_message
from sellers.selectors import membership_for_user

SELLER_HEADER = "X-Seller-Id"


class IsSellerMember(BasePermission):
    """Resolves `request.seller` and `request.membership` (role and grants) from the user's live
    memberships (`X-Seller-Id` picks one); none -> 403."""

    message = _("Tu usuario no pertenece a ningún seller.")

    def has_permission(self, request, view) -> bool:
        wanted = request.headers.get(SELLER_HEADER, "").strip() or None
        membership = membership_for_user(user=request.user, seller_id=wanted)
        if membership is None:
            return False
        if wanted is not None and str(membership.seller_id) != wanted:
            # membership_for_user falls back to the first membership; an API client must not act for the wrong one
            self.message = _("No perteneces al seller indicado en X-Seller-Id.")
            return False
        request.membership = membership
        request.seller = membership.seller
        return True


def requires(permission: str) -> type[BasePermission]:
    """A DRF permission class: a member of the request's seller whose role (or grants) allow
    `permission` (sellers.permissions). A refusal is 403 `permission_denied` naming what is missing.

        permission_classes = [IsAuthenticated, requires("manage_members")]
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    class RequiresPermission(IsSellerMember):
        def has_permission(self, request, view) -> bool:
            if not super().has_permission(request, view):
                return False
            if not has_permission(request.membership, permission):
                raise Forbidden(refusal_message(request.membership, permission), fields={"permission": [permission]})
            return True

    RequiresPermission.__name__ = RequiresPermission.__qualname__ = f"Requires_{permission}"
    RequiresPermission.permission = permission
    return RequiresPermission


class IsIntegration(BasePermission):
    message = _("Esta operación requiere una credencial de integración.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, IntegrationCredential)
