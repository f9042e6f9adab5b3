"""Sign a YouTube channel in with Google: managers only.

The ``state`` sent to Google is random, kept in the manager's session with
the channel it is for and the PKCE verifier, and used once: a callback whose
state is missing, forged, already used or for another channel changes
nothing (400).
"""

import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from connectors.youtube import client as api
from connectors.youtube import oauth
from core.permissions import require
from core.roles import Capability
from moderation.models import Channel
from moderation.registry import AuthFailed, ConnectorError

logger = logging.getLogger(__name__)

SESSION_KEY = "youtube_oauth"


def _channel(request, pk):
    require(request.user, Capability.PLAN_COVERAGE)
    return get_object_or_404(Channel, pk=pk, connector="youtube")


def _redirect_uri(request):
    # One address for every channel: Google wants each redirect URI
    # registered, and the session says which channel the answer is for.
    return request.build_absolute_uri(reverse("youtube:callback"))


def _page(request, channel, *, status=200):
    credentials = channel.get_credentials()
    context = {
        "channel": channel,
        "signed_in": bool(credentials.get("refresh_token")),
        "youtube_channel": credentials.get("channel_title")
        or credentials.get("channel_id", ""),
    }
    response = render(
        request, "connectors/youtube/sign_in.html", context, status=status
    )
    # The form posts here, and the answer redirects to Google's consent page:
    # browsers hold that redirect to the page's form-action too.
    auth = urlsplit(settings.YOUTUBE_AUTH_URI)
    response._csp_update = {"form-action": [f"{auth.scheme}://{auth.netloc}"]}
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sign_in(request, pk):
    """Show the channel's sign-in; on POST send the manager to Google."""
    channel = _channel(request, pk)
    if request.method == "GET":
        return _page(request, channel)
    state = secrets.token_urlsafe(32)
    try:
        url, verifier = oauth.authorise_url(_redirect_uri(request), state)
    except ConnectorError as exc:
        messages.error(request, _(str(exc.public)))
        return _page(request, channel, status=400)
    request.session[SESSION_KEY] = {
        "state": state,
        "channel": channel.pk,
        "verifier": verifier,
    }
    return redirect(url)


@login_required
@require_GET
def callback(request):
    """Take Google's answer: exchange the code, find the YouTube channel,
    store the token."""
    require(request.user, Capability.PLAN_COVERAGE)
    pending = request.session.pop(SESSION_KEY, None) or {}
    if not isinstance(pending.get("channel"), int):
        raise BadRequest("no YouTube sign-in under way")
    channel = _channel(request, pending["channel"])
    state = request.GET.get("state", "")
    if (
        not state
        or pending.get("channel") != channel.pk
        or not secrets.compare_digest(str(pending.get("state", "")), state)
    ):
        logger.warning("YouTube sign-in of %s: state refused", channel.slug)
        messages.error(
            request, _("This sign-in is not valid or has expired: start it again.")
        )
        return _page(request, channel, status=400)
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("Google did not grant access."))
        return redirect("youtube:sign-in", pk=channel.pk)
    try:
        token = oauth.exchange(
            _redirect_uri(request),
            state=state,
            code=request.GET["code"],
            code_verifier=pending.get("verifier", ""),
        )
        probe = Channel(pk=None, connector="youtube")
        probe.set_credentials(token)
        found = api.Client(probe)
        answer = found.execute(
            "channels.list",
            found.service.channels().list(part="snippet", mine=True, maxResults=1),
        )
    except AuthFailed as exc:
        logger.warning("YouTube sign-in of %s refused: %s", channel.slug, exc)
        messages.error(request, _("Google refused the sign-in: start it again."))
        return redirect("youtube:sign-in", pk=channel.pk)
    except ConnectorError as exc:
        logger.warning("YouTube sign-in of %s failed: %s", channel.slug, exc)
        messages.error(request, _(str(exc.public)))
        return redirect("youtube:sign-in", pk=channel.pk)
    items = answer.get("items") or []
    if not items:
        messages.error(
            request,
            _("This Google account has no YouTube channel: sign in with another."),
        )
        return redirect("youtube:sign-in", pk=channel.pk)
    found_channel = items[0]
    title = str((found_channel.get("snippet") or {}).get("title") or "")[:200]
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        locked.set_credentials(
            {
                **token,
                "channel_id": str(found_channel.get("id") or ""),
                "channel_title": title,
            }
        )
        locked.save(update_fields=["credentials_encrypted", "credentials_set_at"])
    messages.success(
        request, _("Signed in as the YouTube channel %(title)s.") % {"title": title}
    )
    return redirect("youtube:sign-in", pk=channel.pk)
