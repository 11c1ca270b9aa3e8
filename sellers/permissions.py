"""What each role of a seller's team may do: the one definition the dashboard, the API and the
services read (through `has_permission` / `permissions_of`).

Owners may do everything. Staff handle the daily work (orders, stock, evidence, shipping,
messages); an owner may grant a staff member some extras (GRANTS), stored as boolean columns on
the Membership so the role and its grants come with the membership row, never in a second query.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sellers.models import Membership, Role

# name -> what it allows, as the refusal names what is missing ("… no te permite <label>")
PERMISSIONS = {
    "view_orders": _("ver las órdenes"),
    "manage_orders": _("gestionar las órdenes (iniciar manejo, cancelar, solicitudes de cancelación)"),
    "manage_shipping": _("registrar envíos e intentos de entrega"),
    "manage_evidence": _("subir evidencias de entrega y entregar"),
    "manage_stock": _("gestionar el stock"),
    "manage_messages": _("responder controversias y mensajes"),
    "view_penalties": _("ver las penalidades"),
    "appeal_penalties": _("apelar penalidades"),
    "manage_payouts": _("gestionar pagos y liquidaciones"),
    "view_contract": _("ver el contrato"),
    "manage_members": _("gestionar el equipo (invitar, cambiar roles, retirar)"),
    "manage_devices_of_all_members": _("ver y revocar los dispositivos de todo el equipo"),
    "manage_webhooks": _("gestionar webhooks y sus secretos"),
    "manage_integrations": _("gestionar la configuración de integraciones"),
}

STAFF_PERMISSIONS = frozenset(
    {
        "view_orders",
        "manage_orders",
        "manage_shipping",
        "manage_evidence",
        "manage_stock",
        "manage_messages",
        "view_penalties",
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(PERMISSIONS),
    Role.STAFF: STAFF_PERMISSIONS,
}

# what an owner may grant a staff member -> the Membership column that stores it
GRANTS = {
    "appeal_penalties": "grant_appeal_penalties",
    "manage_payouts": "grant_manage_payouts",
    "view_contract": "grant_view_contract",
}

assert set(GRANTS) <= set(PERMISSIONS) and not set(GRANTS) & STAFF_PERMISSIONS


def grants_of(membership: Membership) -> list[str]:
    """The extras granted to this (staff) membership, in GRANTS order."""
    return [name for name, column in GRANTS.items() if getattr(membership, column)]


def permissions_of(membership: Membership | None) -> frozenset[str]:
    if not membership or membership.removed_at is not None:  # `not`: a lazy request.membership may wrap None
        return frozenset()
    return ROLE_PERMISSIONS.get(membership.role, frozenset()) | frozenset(grants_of(membership))


def has_permission(membership: Membership | None, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")  # a typo must not silently refuse (or allow)
    return permission in permissions_of(membership)


def refusal_message(membership: Membership | None, permission: str) -> str:
    """What a refused person reads: which permission is missing, and who can give it."""
    what = PERMISSIONS[permission]
    if not membership:
        return str(_("No perteneces a este seller: no puedes %(what)s.") % {"what": what})
    if permission in GRANTS:
        return str(
            _("Tu rol (%(role)s) no te permite %(what)s; el propietario del seller puede concedértelo.")
            % {"role": membership.get_role_display(), "what": what}
        )
    return str(
        _("Tu rol (%(role)s) no te permite %(what)s; solo el propietario del seller puede hacerlo.")
        % {"role": membership.get_role_display(), "what": what}
    )
