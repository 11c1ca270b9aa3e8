"""Two doors into the API: a device token for a seller's people, a Bearer key for the marketplace feed."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from orders.models import IntegrationCredential, hash_credential
from sellers.models import DeviceToken

# last_used_at is informative only: one write every few minutes per token is enough
LAST_USED_RESOLUTION = timedelta(minutes=5)


class DeviceTokenAuthentication(TokenAuthentication):
    """knox's `Authorization: Token <token>`, noting when each device was last seen."""

    def _cleanup_token(self, auth_token) -> bool:
        """Refuse (and delete) this token if expired. knox also loads every other token of the user
        on each request to purge expired ones; that is done at login instead (issue_device_token)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        if auth_token.last_used_at is None or now - auth_token.last_used_at > LAST_USED_RESOLUTION:
            DeviceToken.objects.filter(pk=auth_token.pk).update(last_used_at=now)
            auth_token.last_used_at = now
        return user, auth_token


class IntegrationClient:
    """The `request.user` of an intake call: a credential, never a person or a seller member."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, credential: IntegrationCredential):
        self.credential = credential
        self.username = f"integration:{credential.name}"

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.username


class IntegrationCredentialAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`: the key's SHA-256 must match an active IntegrationCredential."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Cabecera Authorization no válida: usa «Bearer <clave>»."))
        try:
            raw_key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Clave de integración no válida.")) from None
        credential = IntegrationCredential.objects.filter(key_digest=hash_credential(raw_key), is_active=True).first()
        if credential is None:
            raise exceptions.AuthenticationFailed(_("Clave de integración no válida o revocada."))
        now = timezone.now()
        if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_RESOLUTION:
            IntegrationCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
        return IntegrationClient(credential), credential

    def authenticate_header(self, request):
        return self.keyword


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = DeviceTokenAuthentication
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>` from `POST /api/v1/auth/token/` (one per device, expires).",
        }


class IntegrationCredentialScheme(OpenApiAuthenticationExtension):
    target_class = IntegrationCredentialAuthentication
    name = "integrationKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The marketplace feed's integration key (an IntegrationCredential), not a seller token.",
        }
