"""API rates: per device token and per integration key, reads and writes counted apart, bulk and
export operations stricter. Counters live in the default cache (Redis in production: CACHE_URL;
local memory for the demo). Every counted answer carries the IETF draft's RateLimit-Limit,
RateLimit-Remaining and RateLimit-Reset (seconds); a refusal is 429 with Retry-After."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from rest_framework.throttling import SimpleRateThrottle

from orders.models import IntegrationCredential
from sellers.models import DeviceToken

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# a view sets `rate_scope = BULK` (or EXPORT) to be counted under that stricter rate instead
BULK = "bulk"
EXPORT = "export"


RATE_FORMAT = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")


@checks.register(checks.Tags.security)
def check_api_rates(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A mistyped API_RATE_* fails at start-up, not at the first request."""
    return [
        checks.Error(f"API rate {scope!r} is {rate!r}", hint="Write it as N/s, N/min, N/hour or N/day.", id="api.E001")
        for scope, rate in settings.API_RATES.items()
        if not RATE_FORMAT.match(str(rate))
    ]


@dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    reset: int  # seconds until a request is counted out of the window


def rate_scope(request, view) -> tuple[str, str] | None:
    """(scope, who) of a request, or None for what is not counted here (no credential: the login)."""
    auth = request.auth
    if isinstance(auth, IntegrationCredential):
        kind, who = "intake", f"key:{auth.pk}"
    elif isinstance(auth, DeviceToken):
        kind, who = "token", f"token:{auth.pk}"
    else:
        return None
    special = getattr(view, "rate_scope", None)
    if special in (BULK, EXPORT):
        return special, who
    return f"{kind}_{'read' if request.method in READ_METHODS else 'write'}", who


class ApiRateThrottle(SimpleRateThrottle):
    """One sliding-window counter per credential and scope; the rates come from settings.API_RATES
    (read per request, so an environment or a test changes them without a restart of the class)."""

    def __init__(self):
        self.rate = None  # chosen per request in allow_request

    def get_cache_key(self, request, view):
        return self.key

    def allow_request(self, request, view):
        found = rate_scope(request, view)
        if found is None:
            return True
        self.scope, who = found
        self.rate = settings.API_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = f"throttle:{self.scope}:{who}"
        allowed = super().allow_request(request, view)
        oldest = self.history[-1] if self.history else self.now
        request._request.rate_limit = RateLimit(
            limit=self.num_requests,
            remaining=max(0, self.num_requests - len(self.history)),
            reset=math.ceil(self.duration - (self.now - oldest)),
        )
        return allowed

    def wait(self):
        # whole seconds, rounded up: a client that waits exactly Retry-After is let in
        wait = super().wait()
        return None if wait is None else math.ceil(wait)


class RateLimitHeadersMiddleware:
    """Writes the counted request's RateLimit-* fields on its answer, the 429 included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            response["RateLimit-Limit"] = str(rate_limit.limit)
            response["RateLimit-Remaining"] = str(rate_limit.remaining)
            response["RateLimit-Reset"] = str(rate_limit.reset)
        return response
