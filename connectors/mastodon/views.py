"""Sign a Mastodon channel in by OAuth: managers only.

The ``state`` sent to the instance is random, kept in the manager's session
with the channel it is for, and used once: a callback whose state is missing,
forged, already used or for another channel changes nothing (400).

The form's answer is a page with a link to the instance's authorisation page,
not a redirect: the instance is whatever the manager typed, so the pages'
Content-Security-Policy (``form-action 'self'``, which browsers also apply to
the redirects that follow a form's POST) cannot name it in advance, and a
link the manager follows is a plain navigation, outside ``form-action``.
"""

import logging
import secrets
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from connectors.mastodon import oauth
from connectors.mastodon.forms import InstanceForm
from core.permissions import require
from core.roles import Capability
from moderation.models import Channel
from moderation.registry import AuthFailed, ConnectorError

logger = logging.getLogger(__name__)

SESSION_KEY = "mastodon_oauth"


def _channel(request, pk):
    require(request.user, Capability.PLAN_COVERAGE)
    return get_object_or_404(Channel, pk=pk, connector="mastodon")


def _page(request, channel, form, *, status=200):
    credentials = channel.get_credentials()
    context = {
        "channel": channel,
        "form": form,
        "acct": credentials.get("acct") if credentials.get("access_token") else "",
        "instance": credentials.get("instance_url", ""),
    }
    return render(request, "connectors/mastodon/sign_in.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sign_in(request, pk):
    """Show the channel's sign-in; on POST register the app on the instance
    and offer the manager a link to its authorisation page."""
    channel = _channel(request, pk)
    if request.method == "GET":
        initial = {"instance_url": channel.get_credentials().get("instance_url", "")}
        return _page(request, channel, InstanceForm(initial=initial))
    form = InstanceForm(request.POST)
    if not form.is_valid():
        return _page(request, channel, form, status=400)
    instance = form.cleaned_data["instance_url"]
    redirect_uri = request.build_absolute_uri(
        reverse("mastodon:callback", args=[channel.pk])
    )
    try:
        credentials = oauth.app_for(channel, instance, redirect_uri)
    except ConnectorError as exc:
        logger.warning("Mastodon app registration for %s failed: %s", channel.slug, exc)
        form.add_error(
            "instance_url",
            _("The instance did not register the application: %(reason)s")
            % {"reason": _(exc.public)},
        )
        return _page(request, channel, form, status=400)
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        locked.set_credentials(credentials)
        locked.save(update_fields=["credentials_encrypted", "credentials_set_at"])
    state = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = {"state": state, "channel": channel.pk}
    response = render(
        request,
        "connectors/mastodon/continue.html",
        {
            "channel": channel,
            "authorise_url": oauth.authorise_url(credentials, state),
            "instance_host": urlsplit(credentials["oauth"]["instance_url"]).netloc,
        },
    )
    # The link carries the one-time state: no cache keeps it.
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def callback(request, pk):
    """Take the instance's answer: exchange the code, store the token."""
    channel = _channel(request, pk)
    pending = request.session.pop(SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if (
        not state
        or pending.get("channel") != channel.pk
        or not secrets.compare_digest(str(pending.get("state", "")), state)
    ):
        logger.warning("Mastodon sign-in of %s: state refused", channel.slug)
        messages.error(
            request,
            _("This sign-in is not valid or has expired: start it again."),
        )
        return _page(request, channel, InstanceForm(), status=400)
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("The instance did not grant access."))
        return redirect("mastodon:sign-in", pk=channel.pk)
    credentials = channel.get_credentials()
    if not credentials.get("oauth"):
        messages.error(
            request, _("This sign-in is not valid or has expired: start it again.")
        )
        return redirect("mastodon:sign-in", pk=channel.pk)
    try:
        token, account = oauth.exchange(credentials, request.GET["code"])
    except AuthFailed as exc:
        logger.warning("Mastodon sign-in of %s refused: %s", channel.slug, exc)
        messages.error(request, _("The instance refused the sign-in: start it again."))
        return redirect("mastodon:sign-in", pk=channel.pk)
    except ConnectorError as exc:
        logger.warning("Mastodon sign-in of %s failed: %s", channel.slug, exc)
        messages.error(request, _(exc.public))
        return redirect("mastodon:sign-in", pk=channel.pk)
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        locked.set_credentials(oauth.signed_in(credentials, token, account))
        locked.save(update_fields=["credentials_encrypted", "credentials_set_at"])
    messages.success(
        request,
        _("Signed in as @%(acct)s.") % {"acct": account.get("acct") or ""},
    )
    return redirect("mastodon:sign-in", pk=channel.pk)
