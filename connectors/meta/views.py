"""The app's webhook endpoint, and *Connect with Facebook* for managers.

The webhook answers Meta's verification handshake (``GET``, the verify token
compared in constant time) and takes deliveries (``POST``): the signature of
the raw body is checked before it is parsed, nothing is stored when it is
wrong (403), and the work is queued to run after the answer, which is 200
at once (Meta retries a slow or failing endpoint, and ingest stores a
repeated delivery once). When the queue cannot be reached the answer is 503,
so that Meta delivers again.

The Login flow's ``state`` is random, kept in the manager's session and used
once; the long-lived user token is kept there encrypted, only between the
callback and the choice of Pages.
"""

import json
import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from connectors import services
from connectors.meta import oauth, webhooks
from connectors.meta.forms import PagesForm
from core import encryption
from core.enqueue import enqueue
from core.permissions import require
from core.roles import Capability
from moderation.models import Channel
from moderation.registry import AuthFailed, ConnectorError

logger = logging.getLogger(__name__)

SESSION_KEY = "meta_oauth"
MAX_BODY = 1024 * 1024


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request):
    """Meta's webhooks for the deployment's app."""
    if request.method == "GET":
        token = request.GET.get("hub.verify_token", "")
        expected = settings.META_VERIFY_TOKEN
        if (
            request.GET.get("hub.mode") == "subscribe"
            and expected
            and secrets.compare_digest(token.encode(), expected.encode())
        ):
            return HttpResponse(
                request.GET.get("hub.challenge", ""), content_type="text/plain"
            )
        return HttpResponseForbidden("verification refused")
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return HttpResponseBadRequest("too large")
    body = request.body
    if not webhooks.signature_valid(
        body, request.headers.get(webhooks.SIGNATURE_HEADER, "")
    ):
        logger.warning("Meta delivery refused: bad or missing signature")
        return HttpResponseForbidden("bad signature")
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    if not isinstance(payload, dict):
        return HttpResponseBadRequest("not a JSON object")
    try:
        enqueue("connectors.tasks.meta_delivery", payload)
    except Exception:
        logger.exception("Meta delivery not queued")
        return HttpResponse("queue unavailable", status=503)
    return HttpResponse("ok", content_type="text/plain")


def _manager(request):
    require(request.user, Capability.PLAN_COVERAGE)


def _redirect_uri(request):
    return request.build_absolute_uri(reverse("meta:callback"))


@login_required
@require_http_methods(["GET", "POST"])
def connect(request):
    """Explain what is asked; on POST send the manager to Facebook's dialog."""
    _manager(request)
    configured = bool(settings.META_APP_ID and settings.META_APP_SECRET)
    if request.method == "GET" or not configured:
        response = render(
            request,
            "connectors/meta/connect.html",
            {"configured": configured, "permissions": oauth.PERMISSIONS},
            status=200 if request.method == "GET" else 400,
        )
        # The form's answer redirects to Facebook's dialog: the page's
        # Content-Security-Policy (forms post here only) must let it go there.
        dialog = urlsplit(settings.META_DIALOG_BASE_URL)
        response._csp_update = {"form-action": [f"{dialog.scheme}://{dialog.netloc}"]}
        return response
    state = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = {"state": state}
    return redirect(oauth.dialog_url(_redirect_uri(request), state))


@login_required
@require_GET
def sign_in(request, pk):
    """Connect an existing channel again (its token expired): the same flow."""
    _manager(request)
    get_object_or_404(Channel, pk=pk, connector__in=["facebook", "instagram"])
    return redirect("meta:connect")


@login_required
@require_GET
def callback(request):
    """Take the dialog's answer: exchange the code, read the Pages."""
    _manager(request)
    pending = request.session.pop(SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if not state or not secrets.compare_digest(
        str(pending.get("state", "")).encode(), state.encode()
    ):
        messages.error(
            request, _("This sign-in is not valid or has expired: start it again.")
        )
        return redirect("meta:connect")
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("Facebook did not grant access."))
        return redirect("meta:connect")
    try:
        token = oauth.long_lived_token(request.GET["code"], _redirect_uri(request))
        pages = oauth.managed_pages(token)
    except AuthFailed as exc:
        logger.warning("Facebook sign-in refused: %s", exc)
        messages.error(request, _("Facebook refused the sign-in: start it again."))
        return redirect("meta:connect")
    except ConnectorError as exc:
        logger.warning("Facebook sign-in failed: %s", exc)
        messages.error(request, _(exc.public))
        return redirect("meta:connect")
    request.session[SESSION_KEY] = {
        "token": encryption.encrypt(token),
        "pages": [
            {"id": p["id"], "name": p["name"], "instagram": p["instagram"]}
            for p in pages
        ],
    }
    return redirect("meta:pages")


@login_required
@require_http_methods(["GET", "POST"])
def pages(request):
    """Pick the Pages to watch; connect each (and its Instagram account)."""
    _manager(request)
    pending = request.session.get(SESSION_KEY) or {}
    if not pending.get("token"):
        messages.error(
            request, _("This sign-in is not valid or has expired: start it again.")
        )
        return redirect("meta:connect")
    form = PagesForm(request.POST or None, pages=pending["pages"])
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 400
        return render(
            request, "connectors/meta/pages.html", {"form": form}, status=status
        )
    try:
        token = encryption.decrypt(pending["token"])
        picked = [
            page
            for page in oauth.managed_pages(token)
            if page["id"] in form.cleaned_data["pages"]
        ]
        for page in picked:
            oauth.subscribe(page)
    except (ConnectorError, encryption.UnreadableSecret) as exc:
        logger.warning("Connecting Facebook Pages failed: %s", exc)
        form.add_error(None, _("Facebook refused to connect these Pages: start again."))
        return render(request, "connectors/meta/pages.html", {"form": form}, status=400)
    with transaction.atomic():
        channels = [
            channel
            for page in picked
            for channel in _channels_of(
                page, calendar=form.cleaned_data["calendar"], actor=request.user
            )
        ]
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _("Connected: %(channels)s.")
        % {"channels": ", ".join(channel.slug for channel in channels)},
    )
    return redirect("connectors:channels")


def _existing(connector, key, value):
    for channel in Channel.objects.filter(connector=connector):
        try:
            if channel.get_credentials().get(key) == value:
                return channel
        except encryption.UnreadableSecret:
            continue
    return None


def _unique_slug(base):
    base = (slugify(base) or "page")[:40]
    slug, number = base, 2
    while Channel.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _channels_of(page, *, calendar, actor):
    """Save the Facebook channel of ``page`` and its Instagram one, new or
    connected again (found by the Page's or account's id)."""
    wanted = [
        (
            "facebook",
            "page_id",
            page["id"],
            page["name"],
            {"page_id": page["id"], "page_name": page["name"]},
        )
    ]
    if page["instagram"]:
        linked = page["instagram"]
        wanted.append(
            (
                "instagram",
                "ig_user_id",
                linked["id"],
                linked["username"] or linked["id"],
                {
                    "page_id": page["id"],
                    "ig_user_id": linked["id"],
                    "ig_username": linked["username"],
                },
            )
        )
    saved = []
    for connector, key, value, handle, credentials in wanted:
        channel = _existing(connector, key, value) or Channel(
            slug=_unique_slug(f"{connector}-{handle}"),
            platform=connector,
            handle=handle,
            calendar=calendar,
            connector=connector,
            languages=[],
        )
        channel.active = True
        saved.append(
            services.channel_save(
                channel=channel,
                credentials={**credentials, "page_token": page["access_token"]},
                actor=actor,
                now=timezone.now(),
            )
        )
    return saved
