"""The inbox: open comments, most urgent first, its live rows and bulk actions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST

from core import pagination
from core.permissions import require
from core.roles import Capability
from moderation import selectors
from moderation.forms import BulkForm
from moderation.models import Comment, Event
from moderation.services.triage import comments_bulk
from moderation.views.common import require_worker
from policies.models import Category


def inbox_version(now):
    """Return what the inbox's content depends on: the last audit event (every
    change to a comment writes one) and the minute (its countdowns)."""
    last = Event.objects.aggregate(last=Max("pk"))["last"] or 0
    return f"{last}.{int(now.timestamp() // 60)}"


@login_required
def inbox(request):
    """Open comments, most urgent first, with filters.

    The page polls itself (htmx) with the version it shows: the answer is an
    empty 204 while nothing changed, one cheap query, and the table otherwise.
    """
    require_worker(request.user)
    params = request.GET
    now = timezone.now()
    version = inbox_version(now)
    polling = request.headers.get("HX-Target") == "inbox-live"
    if polling and params.get("since") == version:
        return HttpResponse(status=204)
    status = (
        params.get("status") if params.get("status") in Comment.Status.values else None
    )
    category = (
        params.get("category") if params.get("category") in Category.values else None
    )
    comments = selectors.inbox(
        user=request.user,
        channel=params.get("channel") or None,
        status=status,
        category=category,
        mine=params.get("assigned") == "me",
        unassigned=params.get("assigned") == "none",
        escalated_to_me=params.get("assigned") == "escalated",
    )
    size = pagination.parse_size(params.get("size"))
    page = pagination.window(
        comments, number=pagination.parse_number(params.get("page")), size=size
    )
    poll = params.copy()
    poll.pop("since", None)
    others = poll.copy()  # what the pager keeps
    others.pop("page", None)
    context = {
        "page": page,
        "rows": selectors.inbox_rows(page, now=now, user=request.user),
        "now": now,
        "version": version,
        "poll_query": poll.urlencode(),
        "query": others.urlencode(),
        "refresh_seconds": settings.INBOX_REFRESH_SECONDS,
        "filters": {
            "channel": params.get("channel", ""),
            "status": status or "",
            "category": category or "",
            "assigned": params.get("assigned", ""),
            "size": size,
        },
    }
    if polling:
        response = render(request, "moderation/_inbox_live.html", context)
    else:
        context |= {
            "channels": selectors.channels_visible_to(request.user).order_by("slug"),
            "statuses": Comment.Status.choices,
            "categories": Category.choices,
            "bulk": BulkForm(user=request.user),
            "sizes": pagination.PAGE_SIZES,
        }
        response = render(request, "moderation/inbox.html", context)
    # The same address answers a page or a fragment: caches must keep both.
    patch_vary_headers(response, ["HX-Target"])
    return response


BULK_DONE = {
    "close": ngettext_lazy(
        "%(count)d comment closed.", "%(count)d comments closed.", "count"
    ),
    "hide": ngettext_lazy(
        "%(count)d comment hidden.", "%(count)d comments hidden.", "count"
    ),
    "escalate": ngettext_lazy(
        "%(count)d comment escalated.", "%(count)d comments escalated.", "count"
    ),
    "assign": ngettext_lazy(
        "%(count)d comment assigned.", "%(count)d comments assigned.", "count"
    ),
}


@login_required
@require_POST
def bulk(request):
    """Apply an action to the comments selected in the inbox, then go back."""
    require(request.user, Capability.TRIAGE)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("moderation:inbox")
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    done, failed = comments_bulk(
        action=data["action"],
        comments=data["comments"],
        actor=request.user,
        reason=data["reason"],
        to=data["assignee"],
    )
    if done:
        messages.success(request, BULK_DONE[data["action"]] % {"count": len(done)})
    for comment, why in failed:
        messages.warning(
            request,
            _("%(author)s (%(comment)s): %(why)s")
            % {"author": comment.author, "comment": comment, "why": why},
        )
    return redirect(back)
