from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """A server must not start without its signing key: fail at boot, not at the first login."""
    from django.conf import settings

    try:
        settings.SECRET_KEY  # noqa: B018  (Django refuses an empty key on access)
    except ImproperlyConfigured:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development).") from None
