"""Rate limits of the API: per token, per address, and failed sign-ins by token.

A view opts in with ``throttle_scope`` (``"ingest"``, ``"classify"``); its
requests are then counted per token (per user for a browser session, per address
for the anonymous) against the scope's rate, and per client address against the
``<scope>_address`` rate, so that one address cycling through many tokens is
bounded too. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` and are
read at each request.

Counts are kept in fixed windows in the default cache, with an atomic increment:
on Redis, every gunicorn worker shares them. A window allows at most twice its
rate across its boundary, the price of one counter per window instead of one
timestamp per request. When the cache cannot be reached, requests are let
through and the failure is logged: a rate limit must not take the API down.
After a failure the process leaves the cache alone for ``CACHE_PAUSE_SECONDS``,
so that a Redis that accepts connections and never answers costs one timeout
per pause rather than several per request.
"""

import abc
import logging
import math
import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
CACHE_PAUSE_SECONDS = 5.0
# Until when (time.monotonic()) this process does not ask the cache.
_cache_paused_until = 0.0


def _cache_paused():
    return time.monotonic() < _cache_paused_until


def _cache_failed():
    global _cache_paused_until
    _cache_paused_until = time.monotonic() + CACHE_PAUSE_SECONDS
    logger.warning("Throttle cache unavailable; not counting", exc_info=True)


def parse_rate(rate):
    """Return ``(requests, seconds)`` for ``"N/period"`` (s, min, hour, day)."""
    try:
        count, period = rate.split("/")
        requests = int(count)
        seconds = _PERIODS[period.strip()[:1]]
    except (AttributeError, ValueError, KeyError):
        raise ImproperlyConfigured(
            f"{rate!r} is not a rate: write it as 100/min (s, min, hour, day)."
        ) from None
    if requests < 1:
        raise ImproperlyConfigured(f"{rate!r} must allow at least one request.")
    return requests, seconds


def rate_for(scope):
    """Return the configured ``(requests, seconds)`` of ``scope``."""
    try:
        rate = api_settings.DEFAULT_THROTTLE_RATES[scope]
    except KeyError:
        raise ImproperlyConfigured(f"No throttle rate is set for {scope!r}.") from None
    return parse_rate(rate)


class Window:
    """The current window of one counter: read it, add to it, time its end."""

    def __init__(self, scope, ident, *, now=None):
        self.limit, self.seconds = rate_for(scope)
        now = time.time() if now is None else now
        start = math.floor(now / self.seconds) * self.seconds
        self.wait = start + self.seconds - now
        self.key = f"throttle:{scope}:{ident}:{start}"

    def count(self):
        """Return how many requests the window holds; 0 if the cache is away."""
        if _cache_paused():
            return 0
        try:
            return cache.get(self.key, 0)
        except Exception:  # any cache backend's connection error
            _cache_failed()
            return 0

    def add(self):
        """Count one more request; return the new count (0 if the cache is away)."""
        if _cache_paused():
            return 0
        try:
            # Outlives the window a little so that a late increment finds it.
            cache.add(self.key, 0, timeout=self.seconds + 60)
            return cache.incr(self.key)
        except ValueError:  # evicted between add and incr: start again
            cache.set(self.key, 1, timeout=self.seconds + 60)
            return 1
        except Exception:  # any cache backend's connection error
            _cache_failed()
            return 0


def client_address(request):
    """Return the client's address, trusting ``NUM_PROXIES`` proxies only."""
    return BaseThrottle().get_ident(request)


class _ScopedThrottle(abc.ABC, BaseThrottle):
    """Count a view's ``throttle_scope`` per what ``ident`` names."""

    def scope(self, view):
        return getattr(view, "throttle_scope", None)

    @abc.abstractmethod
    def ident(self, request):
        """Return what the requests are counted by."""

    def allow_request(self, request, view):
        scope = self.scope(view)
        if not scope:
            return True
        self.window = Window(scope, self.ident(request))
        return self.window.add() <= self.window.limit

    def wait(self):
        return self.window.wait


class TokenRateThrottle(_ScopedThrottle):
    """Count a scope's requests per token, per session user, or per address."""

    def ident(self, request):
        token_id = getattr(request.auth, "pk", None)
        if token_id is not None:
            return f"token-{token_id}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"address-{client_address(request)}"


class AddressRateThrottle(_ScopedThrottle):
    """Count a scope's requests per client address, whatever the credentials."""

    def scope(self, view):
        scope = super().scope(view)
        return f"{scope}_address" if scope else None

    def ident(self, request):
        return client_address(request)


class FailedAuthentication:
    """Failed token authentications from one address, within the current window.

    Once the address has failed ``auth_failure`` times, every token it presents
    is refused with 429 until the window ends, before the token is looked up:
    guessing stops, and a right guess would not be told from a wrong one.
    """

    scope = "auth_failure"

    def __init__(self, request):
        self.window = Window(self.scope, client_address(request))

    def refuse_if_exceeded(self):
        """Raise ``Throttled`` when the address has failed too often."""
        if self.window.count() >= self.window.limit:
            raise Throttled(wait=self.window.wait)

    def record(self):
        """Count one more failure for the address."""
        self.window.add()
