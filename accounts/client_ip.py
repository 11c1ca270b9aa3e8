"""The client's address, one rule for the login lockouts (django-axes) and the API rates (DRF)."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies sit in front of the app: then the address the
    outermost of them saw, i.e. the TRUSTED_PROXY_COUNT-th entry of X-Forwarded-For from the right
    (each proxy appends the address it received the request from; what is left of that is client-written)."""
    remote_addr = request.META.get("REMOTE_ADDR", "") or ""
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < trusted:
        # fewer hops than configured proxies: the header did not come through them; do not trust it
        return remote_addr
    return forwarded[-trusted]
