"""«Equipo»: the owner's page of the seller's team (members, invitations, roles and grants, devices,
history), and the page where an invited person chooses a password. Thin over sellers.services."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, NotFound
from dashboard.views import error_text, requires
from sellers.models import Role
from sellers.permissions import GRANTS, PERMISSIONS, ROLE_PERMISSIONS, grants_of
from sellers.selectors import team_devices, team_events, team_members
from sellers.services import (
    accept_invitation,
    change_member,
    invite_member,
    invited_user,
    open_invitations,
    remove_member,
    revoke_member_device,
)


def grant_choices() -> list[tuple[str, str]]:
    return [(name, PERMISSIONS[name]) for name in GRANTS]


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Correo electrónico"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Rol"), choices=Role.choices, initial=Role.STAFF)
    grants = forms.MultipleChoiceField(
        label=gettext_lazy("Permisos adicionales (solo personal)"),
        choices=grant_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Rol"), choices=Role.choices)
    grants = forms.MultipleChoiceField(
        label=gettext_lazy("Permisos adicionales (solo personal)"),
        choices=grant_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=gettext_lazy("Repite la contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def _links(request: HttpRequest) -> dict:
    return {
        "accept_url": lambda uid, token: request.build_absolute_uri(reverse("accept_invitation", args=[uid, token])),
        "login_url": request.build_absolute_uri(reverse("login")),
    }


def _team_page(request: HttpRequest, *, invite_form: InviteForm | None = None, status: int = 200) -> HttpResponse:
    members = list(team_members(seller=request.seller))
    devices = defaultdict(list)
    for token in team_devices(seller=request.seller):
        devices[token.user_id].append(token)
    rows = [
        {
            "membership": membership,
            "grants": [PERMISSIONS[name] for name in grants_of(membership)],
            "devices": devices.get(membership.user_id, []),
            "form": MemberForm(
                initial={"role": membership.role, "grants": grants_of(membership)},
                prefix=f"m{membership.pk}",
            ),
            "is_me": membership.user_id == request.user.pk,
        }
        for membership in members
    ]
    table = [
        {
            "name": name,
            "label": label,
            "owner": name in ROLE_PERMISSIONS[Role.OWNER],
            "staff": name in ROLE_PERMISSIONS[Role.STAFF],
            "grantable": name in GRANTS,
        }
        for name, label in PERMISSIONS.items()
    ]
    context = {
        "rows": rows,
        "invite_form": invite_form or InviteForm(),
        "events": team_events(seller=request.seller, limit=30),
        "permission_table": table,
    }
    return render(request, "dashboard/team.html", context, status=status)


@require_GET
@requires("manage_members")
def team_page(request: HttpRequest) -> HttpResponse:
    return _team_page(request)


@require_POST
@requires("manage_members")
def invite_view(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Revisa los datos de la invitación."))
        return _team_page(request, invite_form=form, status=400)
    try:
        membership, created = invite_member(
            seller=request.seller, actor=request.user, **form.cleaned_data, **_links(request)
        )
    except DomainError as refused:
        messages.error(request, error_text(refused))
        return _team_page(request, invite_form=form, status=refused.status_code)
    email = membership.user.email
    if not created and not membership.is_pending:
        messages.info(request, _("%(email)s ya es parte del equipo.") % {"email": email})
    elif not created:
        messages.success(request, _("Invitación enviada de nuevo a %(email)s.") % {"email": email})
    elif membership.is_pending:
        messages.success(request, _("Invitación enviada a %(email)s.") % {"email": email})
    else:
        messages.success(request, _("%(email)s ya tenía cuenta y ahora es parte del equipo.") % {"email": email})
    return redirect("dashboard:team")


def _act(request: HttpRequest, action, success: str) -> HttpResponse:
    try:
        action()
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, error_text(refused))
        return _team_page(request, status=refused.status_code)
    messages.success(request, success)
    return redirect("dashboard:team")


@require_POST
@requires("manage_members")
def member_update_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    form = MemberForm(request.POST, prefix=f"m{membership_id}")
    if not form.is_valid():
        # another seller's id is 404 whatever was sent
        if not any(m.pk == membership_id for m in team_members(seller=request.seller)):
            raise Http404
        messages.error(request, _("Elige un rol válido."))
        return _team_page(request, status=400)
    data = form.cleaned_data
    grants = [] if data["role"] == Role.OWNER else data["grants"]
    return _act(
        request,
        lambda: change_member(
            seller=request.seller, actor=request.user, membership_id=membership_id, role=data["role"], grants=grants
        ),
        _("Rol y permisos guardados."),
    )


@require_POST
@requires("manage_members")
def member_remove_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: remove_member(seller=request.seller, actor=request.user, membership_id=membership_id),
        _("Miembro retirado del equipo; sus dispositivos ya no entran."),
    )


@require_POST
@requires("manage_devices_of_all_members")
def device_revoke_view(request: HttpRequest, token_key: str) -> HttpResponse:
    return _act(
        request,
        lambda: revoke_member_device(seller=request.seller, actor=request.user, token_key=token_key),
        _("Dispositivo revocado."),
    )


@require_http_methods(["GET", "POST"])
def accept_invitation_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of an invitation e-mail: choose a password, then log in. Works once."""
    user = invited_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "dashboard/invitation_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accept_invitation(
                uidb64=uidb64,
                token=token,
                password=form.cleaned_data["password"],
                password_again=form.cleaned_data["password_again"],
            )
        except DomainError as refused:
            for field, problems in refused.fields.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            if not refused.fields:
                form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Contraseña guardada. Ya puedes entrar con tu usuario %(username)s.")
                % {"username": user.get_username()},
            )
            return redirect("login")
    sellers = ", ".join(membership.seller.name for membership in open_invitations(user=user))
    context = {"form": form, "invited": user, "sellers": sellers}
    return render(request, "dashboard/invitation_accept.html", context, status=400 if form.errors else 200)
