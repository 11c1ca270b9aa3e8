from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check before any password is looked at. Every sign-in from the web passes its
    request (the login views, the admin, the API token view); a call without one (a script, Django's
    test client `login()`) comes from nobody's address and has nothing to lock, so it is let through
    to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
