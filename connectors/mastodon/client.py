"""``Mastodon.py`` clients that call through ``core.outbound``, and its errors
turned into the registry's.

Every client gets a session from ``connectors.http`` (address checks,
deadlines, no redirect), ``ratelimit_method="throw"`` (the SDK would
otherwise sleep inside a worker until the limit resets: the poller backs off
instead) and no version check (one request fewer; the endpoints used here
exist since Mastodon 3).
"""

import contextlib
import logging
import time
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _
from mastodon import Mastodon, errors

from connectors.http import outbound_error_of, outbound_session
from core import outbound
from moderation.registry import AuthFailed, ConnectorError, RateLimit, RateLimited

logger = logging.getLogger(__name__)

# What the product asks of the account: read its mentions and threads, post
# answers, mute, block and report.
SCOPES = ["read", "write:statuses", "write:mutes", "write:blocks", "write:reports"]
USER_AGENT = "social-governance/1"

REFUSED = _("The Mastodon instance refused the request.")
NO_TOKEN = _("The channel is not signed in to its Mastodon instance yet.")


def instance_of(url):
    """Return the instance's base URL (scheme and host, no trailing slash)."""
    target = outbound.parse(url)
    base = f"{target.scheme}://{target.host_header}"
    return base


class Client(Mastodon):
    """``Mastodon.py``'s client, with the poller's one call made without its
    typed entities.

    The SDK turns every answer into typed objects, field by field: for a page
    of thirty mentions that costs about 120 ms of CPU, thirteen times the
    request itself (``benchmarks/poller.py``), which at fifty busy channels
    is more than the cores have. ``mentions`` makes the same request through
    the SDK (its authentication, errors and rate-limit handling) and keeps
    the JSON as plain dicts, which is all the connector reads.
    """

    def mentions(self, *, min_id=None, limit=None):
        """Return the mention notifications after ``min_id`` (all, newest
        first, without it), as plain dicts, newest first."""
        params = {"types[]": ["mention"]}
        if min_id is not None:
            params["min_id"] = str(min_id)
        if limit is not None:
            params["limit"] = int(limit)
        # The SDK's request method (name-mangled, as it is private), with its
        # documented escape from casting: override_type.
        return self._Mastodon__api_request(
            "GET", "/api/v1/notifications", params, override_type=list
        )


def client_for(instance_url, *, token=None, client_id=None, client_secret=None):
    """Return a ``Mastodon`` client of ``instance_url`` whose calls go
    through ``core.outbound``."""
    return Client(
        api_base_url=instance_of(instance_url),
        access_token=token,
        client_id=client_id,
        client_secret=client_secret,
        session=outbound_session(),
        ratelimit_method="throw",
        version_check_mode="none",
        request_timeout=outbound.TOTAL_TIMEOUT,
        user_agent=USER_AGENT,
    )


def channel_client(channel):
    """Return a client signed in with the channel's token; raise
    ``AuthFailed`` when it has none."""
    credentials = channel.get_credentials()
    token = credentials.get("access_token")
    if not credentials.get("instance_url") or not token:
        raise AuthFailed(
            f"channel {channel.slug}: no instance or token", public=NO_TOKEN
        )
    try:
        return client_for(credentials["instance_url"], token=token)
    except outbound.OutboundError as exc:
        # Credentials written through the API are not checked by the form.
        raise ConnectorError(
            f"channel {channel.slug}: instance URL: {exc}", public=exc.public
        ) from None


def last_headers(client):
    """Return the headers of the client's last answer ({} before any)."""
    adapter = client.session.get_adapter("https://")
    return getattr(adapter, "last_headers", {})


def _reset_at(value):
    """Return ``X-RateLimit-Reset`` (ISO 8601, or seconds since the epoch)
    as an aware datetime, or ``None`` when it cannot be read."""
    if not value:
        return None
    with contextlib.suppress(ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(int(value), tz=UTC)
    with contextlib.suppress(ValueError):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _int(value):
    with contextlib.suppress(TypeError, ValueError):
        return int(value)
    return None


def rate_limit_of(headers):
    """Return the ``RateLimit`` the ``X-RateLimit-*`` headers tell, or ``None``."""
    folded = {key.lower(): value for key, value in (headers or {}).items()}
    if not any(key.startswith("x-ratelimit-") for key in folded):
        return None
    return RateLimit(
        limit=_int(folded.get("x-ratelimit-limit")),
        remaining=_int(folded.get("x-ratelimit-remaining")),
        reset_at=_reset_at(folded.get("x-ratelimit-reset")),
    )


def _retry_after(headers, *, now=None):
    """Return the seconds until the limit resets (at least 1, at most an hour)."""
    limit = rate_limit_of(headers)
    folded = {key.lower(): value for key, value in (headers or {}).items()}
    seconds = _int(folded.get("retry-after"))
    if limit and limit.reset_at:
        now = now or time.time()
        seconds = int(limit.reset_at.timestamp() - now) + 1
    if seconds is None:
        return 60
    return max(1, min(seconds, 3600))


@contextlib.contextmanager
def calling(client, what):
    """Turn what the SDK raises inside the block into a ``ConnectorError``.

    ``what`` names the call in the log. The public texts are generic; what the
    instance said goes to the log only (it may echo a token or an internal
    address). A 401 or 403 is ``AuthFailed``, a 429 ``RateLimited`` with the
    seconds until ``X-RateLimit-Reset``.
    """
    try:
        yield
    except errors.MastodonRatelimitError as exc:
        headers = last_headers(client) if client is not None else {}
        raise RateLimited(
            f"{what}: rate limited ({exc})", retry_after=_retry_after(headers)
        ) from None
    except (errors.MastodonUnauthorizedError, errors.MastodonAPIError) as exc:
        status = _status_of(exc)
        if status in (401, 403):
            raise AuthFailed(f"{what}: HTTP {status}: {exc}") from None
        if status == 429:
            headers = last_headers(client) if client is not None else {}
            raise RateLimited(
                f"{what}: rate limited", retry_after=_retry_after(headers)
            ) from None
        raise ConnectorError(f"{what}: HTTP {status}: {exc}", public=REFUSED) from None
    except errors.MastodonError as exc:
        # A network error wraps ours: a refused address, no answer, a redirect.
        cause = outbound_error_of(exc)
        if cause is not None:
            raise ConnectorError(f"{what}: {cause}", public=cause.public) from None
        raise ConnectorError(f"{what}: {type(exc).__name__}: {exc}") from None


def _status_of(exc):
    # Mastodon.py raises MastodonAPIError('Mastodon API returned error', code,
    # reason, message).
    for arg in exc.args:
        if isinstance(arg, int):
            return arg
    return None
