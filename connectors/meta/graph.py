"""Meta's Graph API: one call, its errors and its usage headers.

Every call goes through ``core.outbound`` (``connectors.http``): address
checks, deadlines, no redirect followed. It names the pinned version
(``GRAPH_API_VERSION``) under ``GRAPH_API_BASE_URL``, and carries an
``appsecret_proof`` (HMAC-SHA256 of the token with the app secret) whenever
the deployment has an app secret, as Meta advises for server calls.

The documented error shape is ``{"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}``. Code 190 (token expired or revoked) is
``AuthFailed``; codes 4 (application), 17 (user), 32 (page), 613 and 80001
to 80014 (business use case) are throttling, ``RateLimited``; anything else
is a ``ConnectorError`` whose detail (never shown) keeps the message.

Throttling is read from ``X-App-Usage`` and ``X-Business-Use-Case-Usage``:
percentages of the allowance used. ``usage_of()`` turns them into a
``RateLimit`` whose ``remaining`` is the percentage left; at ``BACK_OFF``
percent used the connector stops calling until the reset the platform
estimated.
"""

import datetime
import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from connectors.http import outbound_error_of, outbound_session
from moderation.registry import AuthFailed, ConnectorError, RateLimit, RateLimited

logger = logging.getLogger(__name__)

TOKEN_REFUSED = 190
THROTTLING = {4, 17, 32, 613, *range(80001, 80015)}
# Per cent of an allowance used from which no more calls are made until it
# resets (Meta throttles at 100).
BACK_OFF = 90
# When the platform gives no estimate, wait this long.
DEFAULT_WAIT = datetime.timedelta(minutes=5)
REFUSED = gettext_noop("The Graph API refused the request.")


def base_url():
    return f"{settings.GRAPH_API_BASE_URL.rstrip('/')}/{settings.GRAPH_API_VERSION}"


def appsecret_proof(token):
    """Return the ``appsecret_proof`` of ``token`` ("" without an app secret)."""
    secret = settings.META_APP_SECRET
    if not secret:
        return ""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


class Answer:
    """A successful call's JSON body and what its headers said of usage."""

    def __init__(self, data, rate_limit):
        self.data = data
        self.rate_limit = rate_limit


def call(method, path, *, token="", params=None, now=None):
    """Call the Graph API; return an ``Answer``. Raise ``ConnectorError``.

    ``params`` go in the query string of a GET or DELETE and in the form body
    of a POST, as the Graph API takes them.
    """
    now = now or timezone.now()
    params = {key: value for key, value in (params or {}).items() if value is not None}
    if token:
        params["access_token"] = token
        proof = appsecret_proof(token)
        if proof:
            params["appsecret_proof"] = proof
    url = f"{base_url()}/{path.lstrip('/')}"
    session = outbound_session()
    what = f"{method} {path}"
    try:
        if method == "POST":
            response = session.post(url, data=params)
        else:
            response = session.request(method, url, params=params)
    except Exception as exc:
        error = outbound_error_of(exc)
        if error is not None:
            raise ConnectorError(f"{what}: {error}", public=error.public) from None
        raise ConnectorError(f"{what}: {exc!r}") from None
    rate_limit = usage_of(response.headers, now=now)
    try:
        data = response.json()
    except ValueError:
        data = None
    if response.status_code >= 400 or (isinstance(data, dict) and "error" in data):
        raise error_of(what, response.status_code, data, rate_limit=rate_limit)
    if not isinstance(data, dict):
        raise ConnectorError(f"{what}: not a JSON object", public=REFUSED)
    return Answer(data, rate_limit)


def error_of(what, status, data, *, rate_limit=None):
    """Return the ``ConnectorError`` for a Graph API error answer."""
    error = (data or {}).get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return ConnectorError(f"{what}: HTTP {status}", public=REFUSED)
    try:
        code = int(error.get("code"))
    except (TypeError, ValueError):
        code = None
    detail = (
        f"{what}: HTTP {status}: code {code} subcode {error.get('error_subcode')}: "
        f"{str(error.get('message'))[:300]} (fbtrace_id {error.get('fbtrace_id')})"
    )
    if code == TOKEN_REFUSED:
        return AuthFailed(detail)
    if code in THROTTLING:
        wait = DEFAULT_WAIT
        if rate_limit and rate_limit.reset_at:
            wait = max(wait, rate_limit.reset_at - timezone.now())
        return RateLimited(detail, retry_after=int(wait.total_seconds()))
    return ConnectorError(detail, public=REFUSED)


def _percentages(value):
    """Yield the usage percentages of one usage object and its estimated
    minutes to regain access (0 when not said)."""
    if not isinstance(value, dict):
        return
    minutes = value.get("estimated_time_to_regain_access") or 0
    for key in ("call_count", "total_time", "total_cputime", "acc_id_util_pct"):
        number = value.get(key)
        if isinstance(number, int | float) and not isinstance(number, bool):
            yield min(max(number, 0), 100), minutes if isinstance(minutes, int) else 0


def usage_of(headers, *, now):
    """Return the ``RateLimit`` the usage headers say, or ``None`` without them.

    ``limit`` is 100 (per cent), ``remaining`` the share left of the most
    used allowance, ``reset_at`` the platform's estimate of regained access
    when it gave one, else an hour (the window Meta's usage rolls over).
    """
    found = []
    for name in ("X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            logger.info("Unreadable %s header: %.200s", name, raw)
            continue
        if name == "X-Business-Use-Case-Usage" and isinstance(value, dict):
            for entries in value.values():
                for entry in entries if isinstance(entries, list) else []:
                    found.extend(_percentages(entry))
        else:
            found.extend(_percentages(value))
    if not found:
        return None
    used = max(percent for percent, _minutes in found)
    minutes = max(minutes for _percent, minutes in found)
    if minutes:
        reset_at = now + datetime.timedelta(minutes=min(minutes, 24 * 60))
    else:
        reset_at = now + datetime.timedelta(hours=1)
    return RateLimit(limit=100, remaining=int(100 - used), reset_at=reset_at)


def wait_for(rate_limit_json, *, now):
    """Return the seconds to wait before calling again, after the stored
    usage (``ChannelState.rate_limit``), or 0 when calls may go."""
    if not isinstance(rate_limit_json, dict):
        return 0
    remaining = rate_limit_json.get("remaining")
    reset = rate_limit_json.get("reset_at")
    if remaining is None or remaining > 100 - BACK_OFF or not reset:
        return 0
    try:
        reset_at = datetime.datetime.fromisoformat(reset)
    except (TypeError, ValueError):
        return 0
    return max(0, int((reset_at - now).total_seconds()))
