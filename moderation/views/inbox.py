"""The inbox: open comments, most urgent first, its live rows and bulk actions."""

import datetime
from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy
from django.views.decorators.http import require_POST

from core import pagination
from core.messages import REFUSALS, report_error
from core.permissions import require
from core.roles import Capability
from moderation import search, selectors
from moderation.forms import BulkForm
from moderation.models import Comment, Event
from moderation.services.filters import (
    saved_filter_create as saved_filter_create_service,
)
from moderation.services.filters import (
    saved_filter_delete as saved_filter_delete_service,
)
from moderation.services.triage import UNDO_SECONDS, comment_undo, comments_bulk
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
    view = params.get("view") if params.get("view") in selectors.VIEWS else None
    query, author, search_errors = _search_terms(params)
    comments = selectors.inbox(
        user=request.user,
        view=view,
        now=now,
        channel=params.get("channel") or None,
        status=status,
        category=category,
        mine=params.get("assigned") == "me",
        unassigned=params.get("assigned") == "none",
        escalated_to_me=params.get("assigned") == "escalated",
        author=author or None,
    )
    size = pagination.parse_size(params.get("size"))
    number = pagination.parse_number(params.get("page"))
    if query:
        page = search.window(comments, query, number=number, size=size)
    else:
        page = pagination.window(comments, number=number, size=size)
    poll = params.copy()
    poll.pop("since", None)
    others = poll.copy()  # what the pager keeps
    others.pop("page", None)
    views = poll.copy()  # what a view link keeps: the other filters
    for name in ("view", "page", "assigned"):
        views.pop(name, None)
    counts = selectors.view_counts(user=request.user, now=now)
    rows = selectors.inbox_rows(page, now=now, user=request.user)
    if polling:
        # Rows received since the version the page showed are highlighted once
        # (a class the server sets: the page's CSP allows no script styling).
        fresh = selectors.received_since(
            [row.comment.pk for row in rows], since=params.get("since", "")
        )
        rows = [replace(row, fresh=row.comment.pk in fresh) for row in rows]
    context = {
        "views": [
            (name, VIEW_LABELS[name], counts[name], name == (view or "open"))
            for name in selectors.VIEWS
        ],
        "views_query": views.urlencode(),
        "view": view or "",
        "page": page,
        "rows": rows,
        "now": now,
        "version": version,
        "poll_query": poll.urlencode(),
        "query": others.urlencode(),
        "saved_query": search.filter_query(params),
        "refresh_seconds": settings.INBOX_REFRESH_SECONDS,
        "search_errors": search_errors,
        "filters": {
            "q": query,
            "author": author,
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
            "saved_filters": list(request.user.saved_filters.all()),
        }
        context["undo"] = _pending_undo(request, now)
        response = render(request, "moderation/inbox.html", context)
    # The same address answers a page or a fragment: caches must keep both.
    patch_vary_headers(response, ["HX-Target"])
    return response


def _search_terms(params):
    """Return the words searched, the author filtered on and the messages
    saying why either was refused (too long)."""
    query = params.get("q", "").strip()
    author = params.get("author", "").strip()
    errors = []
    if len(query) > search.MAX_QUERY:
        errors.append(
            _("Search for at most %(count)d characters.") % {"count": search.MAX_QUERY}
        )
        query = ""
    if len(author) > AUTHOR_LENGTH:
        errors.append(_("An author's handle has at most 200 characters."))
        author = ""
    if not search.words_of(query):
        query = ""
    return query, author, errors


AUTHOR_LENGTH = Comment._meta.get_field("author").max_length


VIEW_LABELS = {
    "mine": gettext_lazy("Mine"),
    "unassigned": gettext_lazy("Unassigned"),
    "sent_back": gettext_lazy("Sent back"),
    "escalated": gettext_lazy("Escalated to me"),
    "breaching": gettext_lazy("Due within the hour"),
    "open": gettext_lazy("All open"),
}


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
    if done and data["action"] in ("close", "hide"):
        # The inbox offers to undo it for a few seconds (a toast).
        request.session[UNDO_KEY] = {
            "action": data["action"],
            "ids": [comment.pk for comment in done],
            "at": timezone.now().isoformat(),
        }
    for comment, why in failed:
        messages.warning(
            request,
            _("%(author)s (%(comment)s): %(why)s")
            % {"author": comment.author, "comment": comment, "why": why},
        )
    return redirect(back)


@login_required
@require_POST
def saved_filter_create(request):
    """Save the inbox's current filters under a name, for the person only."""
    require_worker(request.user)
    try:
        saved = saved_filter_create_service(
            user=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except REFUSALS as exc:
        report_error(request, exc)
        return redirect(
            reverse("moderation:inbox") + "?" + request.POST.get("query", "")[:1000]
        )
    messages.success(request, _("Filters saved as “%(name)s”.") % {"name": saved.name})
    return redirect(reverse("moderation:inbox") + "?" + saved.query)


@login_required
@require_POST
def saved_filter_delete(request, pk):
    """Delete one of the person's saved filters (another's is not found)."""
    require_worker(request.user)
    if not saved_filter_delete_service(user=request.user, pk=pk):
        raise Http404
    messages.success(request, _("Saved filter deleted."))
    return redirect("moderation:inbox")


UNDO_KEY = "inbox-undo"


def _pending_undo(request, now):
    """Return the bulk hide or close that may still be undone, with its count
    and seconds left, or ``None``."""
    pending = request.session.get(UNDO_KEY)
    if not pending:
        return None
    try:
        at = datetime.datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        request.session.pop(UNDO_KEY, None)
        return None
    left = UNDO_SECONDS - int((now - at).total_seconds())
    if left <= 0:
        request.session.pop(UNDO_KEY, None)
        return None
    # The message above says what was done and to how many comments.
    return {
        "ids": pending.get("ids", []),
        "seconds": left,
        "words": _("You can undo it for a few seconds."),
    }


@login_required
@require_POST
def undo(request):
    """Undo the last bulk hide or close, comment by comment, each with its
    own "undone" event."""
    require_worker(request.user)
    pending = request.session.pop(UNDO_KEY, None) or {}
    ids = [pk for pk in pending.get("ids", []) if isinstance(pk, int)]
    comments = selectors.comments_visible_to(request.user).filter(pk__in=ids)
    undone = 0
    for comment in comments:
        try:
            comment_undo(comment=comment, actor=request.user)
        except REFUSALS as exc:
            report_error(request, exc)
        else:
            undone += 1
    if undone:
        messages.success(
            request,
            ngettext(
                "%(count)d comment restored.", "%(count)d comments restored.", undone
            )
            % {"count": undone},
        )
    elif not ids:
        messages.error(request, _("There is nothing to undo."))
    return redirect("moderation:inbox")
