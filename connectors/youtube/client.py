"""YouTube Data API v3 clients that call through ``core.outbound``, and the
API's errors turned into the registry's.

The client is built by ``google-api-python-client`` from the discovery
document stored next to this module (``discovery/youtube.v3.json``, as the
library ships it), with its ``rootUrl`` replaced by ``YOUTUBE_API_ROOT``:
no discovery call at run time, and the tests point the same client at a
loopback server. Its transport is ``OutboundHttp``, an ``httplib2.Http``
look-alike that sends each request with ``core.outbound`` (address checks,
deadlines, no redirect, no retry). The channel's OAuth token is refreshed
here, through the same transport, and stored again when it changed.

Every call spends quota (``connectors.youtube.quota``) before it is sent:
Google counts a refused call too.
"""

import contextlib
import copy
import datetime
import functools
import json
import logging
from pathlib import Path

import google.auth.exceptions
import httplib2
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp, Request
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

from connectors.youtube import quota
from core import outbound
from moderation.models import Channel
from moderation.registry import AuthFailed, ConnectorError, RateLimited, Unsupported

logger = logging.getLogger(__name__)

DISCOVERY = Path(__file__).parent / "discovery" / "youtube.v3.json"
# Read and answer comments, and moderate those on the channel's videos: the
# only scope that allows comments.insert and comments.setModerationStatus.
SCOPES = ["https://www.googleapis.com/auth/youtube.force-ssl"]
# A page of 100 comment threads with their replies is well under this.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024

REFUSED = _("YouTube refused the request.")
NO_TOKEN = _("The channel is not signed in to YouTube yet.")
FORBIDDEN = _(
    "YouTube refused: the signed-in account may not moderate this channel's "
    "comments. Sign in with the channel's owner or a manager of it."
)
COMMENTS_DISABLED = _("Comments are turned off on this video.")
QUOTA_EXCEEDED = _(
    "The YouTube daily quota is spent; polling resumes when it is reset, at "
    "midnight Pacific time."
)
NOT_CONFIGURED = _(
    "This deployment has no YouTube OAuth client: set YOUTUBE_CLIENT_ID and "
    "YOUTUBE_CLIENT_SECRET."
)


class CommentNotFound(ConnectorError):
    """``commentNotFound`` (404): one or more of the comments named by ``id``
    does not exist (any more)."""


class OutboundHttp:
    """The part of ``httplib2.Http`` the Google libraries call, sending each
    request through ``core.outbound``.

    A redirect is not followed: it comes back as its own status, which the
    client reports as an error. No answer at all raises the outbound error,
    which ``calling()`` tells apart from a refusal.
    """

    def __init__(self):
        self.timeout = None

    def request(
        self,
        uri,
        method="GET",
        body=None,
        headers=None,
        redirections=0,
        connection_type=None,
    ):
        if isinstance(body, str):
            body = body.encode("utf-8")
        try:
            answer = outbound.request(
                method,
                uri,
                body=body,
                headers=dict(headers or {}),
                max_response_bytes=MAX_RESPONSE_BYTES,
            )
            status, answer_headers, content = (
                answer.status,
                answer.headers,
                answer.body,
            )
        except outbound.Refused as exc:
            status, answer_headers, content = exc.status, exc.headers, exc.body
        response = httplib2.Response(
            {k.lower(): v for k, v in dict(answer_headers).items()}
        )
        response.status = status
        response["status"] = str(status)
        return response, content

    def close(self):
        pass


@functools.cache
def _document():
    return json.loads(DISCOVERY.read_text())


def discovery_document():
    """Return the stored discovery document with its root at
    ``YOUTUBE_API_ROOT``."""
    document = copy.deepcopy(_document())
    root = settings.YOUTUBE_API_ROOT.rstrip("/") + "/"
    document["rootUrl"] = root
    document["baseUrl"] = root + document.get("servicePath", "")
    document["batchPath"] = "batch"
    return document


def client_config():
    """Return the OAuth client of the deployment, as Google's JSON has it;
    raise ``ConnectorError`` when it is not configured."""
    if not settings.YOUTUBE_CLIENT_ID or not settings.YOUTUBE_CLIENT_SECRET:
        raise ConnectorError("no YouTube OAuth client", public=NOT_CONFIGURED)
    return {
        "web": {
            "client_id": settings.YOUTUBE_CLIENT_ID,
            "client_secret": settings.YOUTUBE_CLIENT_SECRET,
            "auth_uri": settings.YOUTUBE_AUTH_URI,
            "token_uri": settings.YOUTUBE_TOKEN_URI,
        }
    }


def credentials_of(stored):
    """Return google-auth ``Credentials`` for the channel's stored token."""
    if not stored.get("refresh_token") and not stored.get("access_token"):
        raise AuthFailed("no YouTube token stored", public=NO_TOKEN)
    config = client_config()["web"]
    expiry = None
    if stored.get("expiry"):
        expiry = datetime.datetime.fromisoformat(stored["expiry"]).replace(tzinfo=None)
    return Credentials(
        token=stored.get("access_token") or None,
        refresh_token=stored.get("refresh_token") or None,
        token_uri=config["token_uri"],
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        scopes=SCOPES,
        expiry=expiry,
    )


def stored_token(credentials, previous):
    """Return the channel's stored credentials updated with ``credentials``'
    token (google-auth keeps expiry naive, in UTC)."""
    expiry = credentials.expiry
    return {
        **previous,
        "access_token": credentials.token or "",
        "refresh_token": credentials.refresh_token or previous.get("refresh_token", ""),
        "expiry": expiry.replace(tzinfo=datetime.UTC).isoformat() if expiry else "",
    }


class Client:
    """A channel's signed-in YouTube service, spending quota per call."""

    def __init__(self, channel):
        self.channel = channel
        self.stored = channel.get_credentials()
        self.credentials = credentials_of(self.stored)
        if not self.credentials.valid:
            self._refresh()
        self.service = build_from_document(
            discovery_document(),
            http=AuthorizedHttp(self.credentials, http=OutboundHttp()),
        )

    def _refresh(self):
        try:
            self.credentials.refresh(Request(OutboundHttp()))
        except google.auth.exceptions.RefreshError as exc:
            raise AuthFailed(f"token refresh: {exc}") from None
        except (google.auth.exceptions.TransportError, outbound.OutboundError) as exc:
            cause = _outbound_cause(exc)
            raise ConnectorError(
                f"token refresh: {exc}",
                public=cause.public if cause else outbound.UNREACHABLE,
            ) from None
        self._store_token()

    def _store_token(self):
        updated = stored_token(self.credentials, self.stored)
        if updated == self.stored or not self.channel.pk:
            return
        with transaction.atomic():
            locked = Channel.objects.select_for_update().get(pk=self.channel.pk)
            current = locked.get_credentials()
            locked.set_credentials({**current, **_token_fields(updated)})
            locked.save(update_fields=["credentials_encrypted", "credentials_set_at"])
        self.stored = updated

    def execute(self, method, request, *, now=None):
        """Spend ``method``'s cost, then send ``request``; return its answer.

        Raise ``RateLimited`` (until the reset) when the day's quota is spent
        here or by Google's word, ``AuthFailed`` for a refused token,
        ``Unsupported`` for comments turned off, ``ConnectorError`` otherwise.
        """
        now = now or timezone.now()
        if not quota.spend(method, now=now):
            raise RateLimited(
                f"{method}: daily quota spent here",
                retry_after=quota.seconds_to_reset(now),
                public=QUOTA_EXCEEDED,
            )
        token = self.credentials.token
        with calling(method, now=now):
            answer = request.execute(num_retries=0)
        if self.credentials.token != token:  # refreshed on a 401
            self._store_token()
        return answer


def _token_fields(stored):
    return {
        key: stored.get(key, "") for key in ("access_token", "refresh_token", "expiry")
    }


def _outbound_cause(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, outbound.OutboundError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def error_reason(exc):
    """Return the ``reason`` of a Data API error (``quotaExceeded``,
    ``forbidden``, ``commentsDisabled``...), or ""."""
    try:
        error = json.loads(exc.content or b"{}").get("error") or {}
    except (ValueError, AttributeError):
        return ""
    errors = error.get("errors") or [{}]
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("reason") or "")
    return ""


@contextlib.contextmanager
def calling(what, *, now):
    """Turn what the client raises inside the block into a ``ConnectorError``.

    The public texts are generic or name the documented reason; what Google
    said goes to the log only.
    """
    try:
        yield
    except HttpError as exc:
        status = exc.resp.status
        reason = error_reason(exc)
        detail = f"{what}: HTTP {status} {reason}"
        if reason in ("quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"):
            if reason != "rateLimitExceeded":
                quota.exhaust(now=now)
            raise RateLimited(
                detail,
                retry_after=quota.seconds_to_reset(now)
                if reason != "rateLimitExceeded"
                else 60,
                public=QUOTA_EXCEEDED if reason != "rateLimitExceeded" else None,
            ) from None
        if status == 401:
            raise AuthFailed(detail) from None
        if reason == "commentsDisabled":
            raise Unsupported(detail, public=COMMENTS_DISABLED) from None
        if status == 404 and reason == "commentNotFound":
            raise CommentNotFound(detail, public=REFUSED) from None
        if status == 403:
            raise AuthFailed(detail, public=FORBIDDEN) from None
        raise ConnectorError(detail, public=REFUSED) from None
    except google.auth.exceptions.RefreshError as exc:
        raise AuthFailed(f"{what}: token refresh: {exc}") from None
    except (google.auth.exceptions.TransportError, outbound.OutboundError) as exc:
        cause = _outbound_cause(exc)
        raise ConnectorError(
            f"{what}: {exc}", public=cause.public if cause else outbound.UNREACHABLE
        ) from None
