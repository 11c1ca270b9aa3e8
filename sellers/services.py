"""The seller's team: invite by e-mail, accept an invitation, change a role or its grants, remove a
member, revoke a member's device. Every change writes a MembershipEvent (who, when, before, after);
nothing is deleted but device tokens. Team changes of one seller are serialised on its row, so the
"last owner" guard holds when two owners act at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.ids import parse_id
from sellers.models import DeviceToken, Membership, MembershipEvent, MembershipEventKind, Role, Seller
from sellers.permissions import GRANTS, grants_of, has_permission, refusal_message

User = get_user_model()


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, salted apart: a reset link is not an invitation link and
    vice versa. It dies when the password is set (the hash covers it), so a link works once."""

    key_salt = "sellers.services.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()

AcceptUrl = Callable[[str, str], str]  # (uidb64, token) -> absolute link


def snapshot(membership: Membership) -> dict:
    """What a MembershipEvent records before and after a change."""
    return {
        "role": membership.role,
        "grants": grants_of(membership),
        "pending": membership.is_pending,
        "removed": membership.removed_at is not None,
    }


def _record(membership: Membership, *, kind: str, actor, before: dict, after: dict) -> MembershipEvent:
    return MembershipEvent.objects.create(
        seller_id=membership.seller_id, membership=membership, kind=kind, actor=actor, before=before, after=after
    )


def _lock_team(*, seller: Seller, actor) -> Membership:
    """Lock the seller's team and return the actor's membership, refusing who may not manage it."""
    Seller.objects.select_for_update().filter(pk=seller.pk).first()
    acting = Membership.objects.filter(user=actor, seller=seller).first()
    if not has_permission(acting, "manage_members"):
        raise Forbidden(refusal_message(acting, "manage_members"), fields={"permission": ["manage_members"]})
    return acting


def _member(*, seller: Seller, membership_id) -> Membership:
    pk = parse_id(membership_id)
    membership = (
        Membership.team.select_for_update(of=("self",)).select_related("user").filter(pk=pk, seller=seller).first()
        if pk is not None
        else None
    )
    if membership is None:
        raise NotFound(_("Miembro no encontrado."))
    return membership


def _clean_role_and_grants(role: str, grants: Iterable[str]) -> tuple[str, set[str]]:
    if role not in Role.values:
        raise ValidationFailed(_("Rol no válido."), fields={"role": [_("Elige «owner» o «staff».")]})
    grants = set(grants)
    unknown = sorted(grants - set(GRANTS))
    if unknown:
        raise ValidationFailed(
            _("Permiso adicional no válido: %(names)s.") % {"names": ", ".join(unknown)},
            fields={"grants": [_("Se pueden conceder: %(names)s.") % {"names": ", ".join(GRANTS)}]},
        )
    if role == Role.OWNER and grants:
        raise ValidationFailed(
            _("Un propietario ya tiene todos los permisos: los adicionales son solo para el personal."),
            fields={"grants": [_("Déjalo vacío para un propietario.")]},
        )
    return role, grants


def _apply_grants(membership: Membership, grants: set[str]) -> None:
    for name, column in GRANTS.items():
        setattr(membership, column, name in grants)


def _is_last_owner(membership: Membership) -> bool:
    if membership.role != Role.OWNER or membership.is_pending:
        return False
    others = Membership.objects.filter(seller_id=membership.seller_id, role=Role.OWNER).exclude(pk=membership.pk)
    return not others.exists()


def _send_invitation(membership: Membership, *, accept_url: AcceptUrl, inviter) -> None:
    user = membership.user
    link = accept_url(urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user))
    expires = timezone.localtime(membership.invitation_expires_at).strftime("%d/%m/%Y %H:%M")
    subject = _("Te invitaron al equipo de %(seller)s en Seller Center") % {"seller": membership.seller.name}
    text = _(
        "%(inviter)s te invitó al equipo de %(seller)s en Seller Center como %(role)s.\n\n"
        "Elige tu contraseña en este enlace para entrar (vence el %(expires)s):\n%(link)s\n\n"
        "Tu usuario es: %(username)s\n"
    ) % {
        "inviter": inviter.get_full_name() or inviter.get_username(),
        "seller": membership.seller.name,
        "role": membership.get_role_display(),
        "expires": expires,
        "link": link,
        "username": user.get_username(),
    }
    transaction.on_commit(lambda: send_mail(subject, text, None, [user.email]))


def _send_added_notice(membership: Membership, *, login_url: str, inviter) -> None:
    user = membership.user
    subject = _("Ahora eres parte del equipo de %(seller)s en Seller Center") % {"seller": membership.seller.name}
    text = _(
        "%(inviter)s te agregó al equipo de %(seller)s en Seller Center como %(role)s.\n\n"
        "Entra con tu usuario de siempre (%(username)s): %(link)s\n"
    ) % {
        "inviter": inviter.get_full_name() or inviter.get_username(),
        "seller": membership.seller.name,
        "role": membership.get_role_display(),
        "username": user.get_username(),
        "link": login_url,
    }
    transaction.on_commit(lambda: send_mail(subject, text, None, [user.email]))


def _new_invited_user(email: str):
    base = email[:150]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        suffix = f"-{n}"
        username = base[: 150 - len(suffix)] + suffix
    user = User(username=username, email=email, is_active=False)  # active once they choose a password
    user.set_unusable_password()
    user.save()
    return user


def invite_member(
    *,
    seller: Seller,
    actor,
    email: str,
    role: str = Role.STAFF,
    grants: Iterable[str] = (),
    accept_url: AcceptUrl,
    login_url: str,
) -> tuple[Membership, bool]:
    """Invite `email` to the seller's team. A new e-mail gets an inactive user and a link to choose
    a password (valid SELLER_INVITATION_DAYS); a person who already has an account joins at once.
    Idempotent: inviting again returns the same membership (and sends a pending invitation again,
    with a new expiry), so the second value says whether one was created."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            _("Correo electrónico no válido."), fields={"email": [_("Escribe un correo como ana@tienda.pe.")]}
        ) from None
    role, grants = _clean_role_and_grants(role, grants)
    expires = timezone.now() + timedelta(days=settings.SELLER_INVITATION_DAYS)
    with transaction.atomic():
        _lock_team(seller=seller, actor=actor)
        user = User.objects.filter(email__iexact=email).order_by("-is_active", "id").first()
        if user is None:
            user = _new_invited_user(email)
        existing = Membership.team.select_for_update().filter(user=user, seller=seller).first()
        if existing is not None:
            if existing.is_pending:
                before = snapshot(existing)
                existing.invitation_expires_at = expires
                existing.save(update_fields=["invitation_expires_at"])
                _record(
                    existing,
                    kind=MembershipEventKind.INVITATION_RESENT,
                    actor=actor,
                    before=before,
                    after={**snapshot(existing), "expires_at": expires.isoformat()},
                )
                _send_invitation(existing, accept_url=accept_url, inviter=actor)
            return existing, False
        needs_password = not (user.is_active and user.has_usable_password())
        membership = Membership(
            user=user,
            seller=seller,
            role=role,
            invited_by=actor,
            invitation_expires_at=expires if needs_password else None,
        )
        _apply_grants(membership, grants)
        membership.save()
        after = {**snapshot(membership), "email": email}
        if needs_password:
            _record(membership, kind=MembershipEventKind.INVITED, actor=actor, before={}, after=after)
            _send_invitation(membership, accept_url=accept_url, inviter=actor)
        else:
            _record(membership, kind=MembershipEventKind.ADDED, actor=actor, before={}, after=after)
            _send_added_notice(membership, login_url=login_url, inviter=actor)
    return membership, True


def invited_user(*, uidb64: str, token: str):
    """The invited person a link names, if the link is genuine and one of their invitations is open."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not invitation_tokens.check_token(user, token):
        return None
    if not open_invitations(user=user).exists():
        return None
    return user


def open_invitations(*, user):
    return Membership.team.filter(user=user, invitation_expires_at__gt=timezone.now()).select_related("seller")


def accept_invitation(*, uidb64: str, token: str, password: str, password_again: str):
    """Choose a password through an invitation link: the account becomes active and its open
    invitations become memberships. The link works once (the token covers the password)."""
    with transaction.atomic():
        user = invited_user(uidb64=uidb64, token=token)
        if user is None:
            raise ValidationFailed(
                _("El enlace de invitación no es válido o ya venció. Pide al propietario que te invite de nuevo."),
                code="invalid_invitation",
            )
        user = User.objects.select_for_update().get(pk=user.pk)
        if password != password_again:
            raise ValidationFailed(
                _("Las contraseñas no coinciden."), fields={"password_again": [_("Escribe la misma contraseña.")]}
            )
        try:
            password_validation.validate_password(password, user)
        except DjangoValidationError as error:
            raise ValidationFailed(_("Elige otra contraseña."), fields={"password": list(error.messages)}) from None
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        for membership in open_invitations(user=user).select_for_update(of=("self",)):
            before = snapshot(membership)
            membership.invitation_expires_at = None
            membership.save(update_fields=["invitation_expires_at"])
            _record(membership, kind=MembershipEventKind.JOINED, actor=user, before=before, after=snapshot(membership))
    return user


def change_member(
    *, seller: Seller, actor, membership_id, role: str | None = None, grants: Iterable[str] | None = None
) -> Membership:
    """Change a member's role and/or grants. The last owner cannot become staff (409)."""
    with transaction.atomic():
        _lock_team(seller=seller, actor=actor)
        membership = _member(seller=seller, membership_id=membership_id)
        new_role = membership.role if role is None else role
        if grants is None:
            grants = [] if new_role == Role.OWNER else grants_of(membership)
        new_role, new_grants = _clean_role_and_grants(new_role, grants)
        if membership.role == Role.OWNER and new_role != Role.OWNER and _is_last_owner(membership):
            raise Conflict(
                _("Es el único propietario del seller: nombra a otro propietario antes de cambiar su rol."),
                code="last_owner",
            )
        before = snapshot(membership)
        membership.role = new_role
        _apply_grants(membership, new_grants)
        after = snapshot(membership)
        if after == before:
            return membership
        membership.save(update_fields=["role", *GRANTS.values()])
        if after["role"] != before["role"]:
            _record(membership, kind=MembershipEventKind.ROLE_CHANGED, actor=actor, before=before, after=after)
        elif after["grants"] != before["grants"]:
            _record(membership, kind=MembershipEventKind.GRANTS_CHANGED, actor=actor, before=before, after=after)
    return membership


def remove_member(*, seller: Seller, actor, membership_id) -> Membership:
    """Take a member (or a pending invitation) off the team: the membership is kept, marked removed
    with who and when; the person's device tokens are revoked unless they still belong to another
    seller (a token is the person's, not the seller's; this seller refuses them either way).
    The last owner cannot be removed (409)."""
    with transaction.atomic():
        _lock_team(seller=seller, actor=actor)
        membership = _member(seller=seller, membership_id=membership_id)
        if _is_last_owner(membership):
            raise Conflict(
                _("Es el único propietario del seller: nombra a otro propietario antes de retirarlo."),
                code="last_owner",
            )
        before = snapshot(membership)
        membership.removed_at = timezone.now()
        membership.removed_by = actor
        membership.save(update_fields=["removed_at", "removed_by"])
        revoked = 0
        if not Membership.objects.filter(user_id=membership.user_id).exists():
            revoked, _details = DeviceToken.objects.filter(user_id=membership.user_id).delete()
        _record(
            membership,
            kind=MembershipEventKind.REMOVED,
            actor=actor,
            before=before,
            after={**snapshot(membership), "devices_revoked": revoked},
        )
    return membership


def revoke_member_device(*, seller: Seller, actor, token_key: str) -> DeviceToken:
    """An owner revokes a device token of any live member of the seller; another's is not found."""
    with transaction.atomic():
        acting = Membership.objects.filter(user=actor, seller=seller).first()
        if not has_permission(acting, "manage_devices_of_all_members"):
            raise Forbidden(
                refusal_message(acting, "manage_devices_of_all_members"),
                fields={"permission": ["manage_devices_of_all_members"]},
            )
        token = (
            DeviceToken.objects.select_for_update(of=("self",))
            .filter(token_key=token_key, user__memberships__seller=seller, user__memberships__removed_at__isnull=True)
            .first()
        )
        if token is None:
            raise NotFound(_("Token no encontrado."))
        membership = Membership.team.get(user_id=token.user_id, seller=seller)
        _record(
            membership,
            kind=MembershipEventKind.DEVICE_REVOKED,
            actor=actor,
            before={"device": token.device_name, "token_key": token.token_key},
            after={},
        )
        DeviceToken.objects.filter(pk=token.pk).delete()
    return token
