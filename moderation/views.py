"""The inbox, the comment page, the approvals page and the SLA dashboard."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST

from core import pagination
from core.messages import REFUSALS, report_error
from core.permissions import require, require_any
from core.roles import Capability
from moderation import masking, selectors
from moderation.forms import AnswerForm, BulkForm, ReasonForm, ReportForm
from moderation.models import (
    Answer,
    Comment,
    Event,
    OutboxMessage,
    PostedPeriod,
)
from moderation.services.answers import answer_approve, answer_reject, answer_submit
from moderation.services.escalation import (
    comment_escalate,
    comment_send_back,
    comment_take,
)
from moderation.services.outbox import outbox_retry
from moderation.services.transitions import WORKERS, may_act_on
from moderation.services.triage import (
    comment_claim,
    comment_close,
    comment_hide,
    comment_reassign,
    comments_bulk,
)
from moderation.sla import reports
from policies.matcher import Match, segments
from policies.models import Category, PolicyVersion


def _require_worker(user):
    """Responders, counsel (on what is escalated to them) and managers."""
    require_any(user, WORKERS)


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
    _require_worker(request.user)
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
        "rows": selectors.inbox_rows(page, now=now),
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


@login_required
def comment_page(request, pk):
    """One comment: the highlighted evidence, guidance, templates, answer, history."""
    _require_worker(request.user)
    try:
        comment = selectors.comment_detail(pk, user=request.user)
    except Comment.DoesNotExist:
        raise Http404 from None
    user = request.user
    escalated = comment.status == Comment.Status.ESCALATED
    handles = comment.escalated_to_user(user) or user.can(Capability.PLAN_COVERAGE)
    view = masking.comment_view_for(user, comment)
    matches = [
        Match(
            m.rule,
            m.category,
            m.severity,
            m.pattern,
            "",
            m.start,
            m.end,
            view.excerpts[m.pk],
        )
        for m in comment.matches.all()
    ]
    context = {
        "comment": comment,
        "pieces": segments(view.text, matches),
        "rules": selectors.rules_of(comment),
        "others": selectors.other_comments(comment, user=request.user),
        "now": timezone.now(),
        "can_answer": (
            comment.assignee_id == user.pk and comment.status == Comment.Status.ASSIGNED
        )
        or comment.escalated_to_user(user),
        "can_act": may_act_on(comment, user),
        "can_escalate": user.can(Capability.TRIAGE) and not escalated,
        "can_take": escalated and handles,
        "can_reassign_escalation": escalated and user.can(Capability.PLAN_COVERAGE),
        "escalatees": selectors.escalatees()
        if escalated and user.can(Capability.PLAN_COVERAGE)
        else [],
        "perms_approve": user.can(Capability.APPROVE),
    }
    return render(request, "moderation/comment.html", context)


def _form_errors(request, form):
    """Show a page form's errors as messages, each with its field's label."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.error(
                request,
                _("%(field)s: %(error)s") % {"field": label, "error": error}
                if label
                else error,
            )


def _reason(request):
    """Return the posted reason, or ``None`` (with its errors shown)."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return None
    return form.cleaned_data["reason"]


def _visible_comment(request, pk):
    """Return the comment ``pk`` if the signed-in person may see it, else 404
    (403 for those who do not work on comments at all)."""
    _require_worker(request.user)
    return get_object_or_404(selectors.comments_visible_to(request.user), pk=pk)


def _act(request, pk, service, success, **arguments):
    comment = _visible_comment(request, pk)
    if "reason" in arguments and arguments["reason"] is None:
        return redirect("moderation:comment", pk=pk)
    try:
        service(comment=comment, actor=request.user, **arguments)
    except REFUSALS as exc:
        report_error(request, exc)
    else:
        messages.success(request, success)
    return redirect("moderation:comment", pk=pk)


@login_required
@require_POST
def claim(request, pk):
    return _act(request, pk, comment_claim, _("The comment is yours."))


@login_required
@require_POST
def escalate(request, pk):
    return _act(
        request, pk, comment_escalate, _("Escalated."),
        reason=_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def hide(request, pk):
    return _act(
        request, pk, comment_hide, _("Hidden."),
        reason=_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def close(request, pk):
    return _act(
        request, pk, comment_close, _("Closed."),
        reason=_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def take(request, pk):
    return _act(request, pk, comment_take, _("The comment is yours."))


@login_required
@require_POST
def send_back(request, pk):
    return _act(
        request, pk, comment_send_back, _("Sent back to the queue."),
        reason=_reason(request),
    )  # fmt: skip


@login_required
@require_POST
def reassign(request, pk):
    require(request.user, Capability.PLAN_COVERAGE)
    chosen = request.POST.get("to", "")
    to = selectors.escalatees().filter(pk=chosen).first() if chosen.isdigit() else None
    if to is None:
        messages.error(request, _("Choose who the comment goes to."))
        return redirect("moderation:comment", pk=pk)
    return _act(request, pk, comment_reassign, _("Reassigned."), to=to)


@login_required
@require_POST
def answer(request, pk):
    comment = _visible_comment(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("moderation:comment", pk=pk)
    body = form.cleaned_data["body"]
    try:
        result = answer_submit(comment=comment, actor=request.user, body=body)
    except REFUSALS as exc:
        report_error(request, exc)
        return redirect("moderation:comment", pk=pk)
    if result.status == Answer.Status.PUBLISHED:
        messages.success(request, _("Answer published."))
    else:
        messages.success(request, _("Answer sent for approval."))
    return redirect("moderation:comment", pk=pk)


@login_required
def approvals(request):
    """Answers waiting for approval, oldest first."""
    require(request.user, Capability.APPROVE)
    return render(
        request,
        "moderation/approvals.html",
        {
            "answers": selectors.pending_answers(user=request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def decide(request, pk, decision):
    require(request.user, Capability.APPROVE)
    answer_obj = get_object_or_404(selectors.answers_visible_to(request.user), pk=pk)
    try:
        if decision == "approve":
            answer_approve(answer=answer_obj, actor=request.user)
            messages.success(request, _("Answer approved and published."))
        else:
            reason = _reason(request)
            if reason is None:
                return redirect("moderation:approvals")
            answer_reject(answer=answer_obj, actor=request.user, reason=reason)
            messages.success(request, _("Answer sent back to its author."))
    except REFUSALS as exc:
        report_error(request, exc)
    return redirect("moderation:approvals")


@login_required
@require_POST
def retry_delivery(request, pk):
    require(request.user, Capability.APPROVE)
    message = get_object_or_404(
        OutboxMessage,
        pk=pk,
        answer__in=selectors.answers_visible_to(request.user),
    )
    if outbox_retry(message=message, actor=request.user):
        messages.success(request, _("The delivery is back in line."))
    else:
        messages.error(request, _("This delivery has not failed."))
    return redirect("moderation:comment", pk=message.answer.comment_id)


@login_required
def backtest(request, version_pk):
    """Show what a policy version would flag differently on recent comments."""
    require(request.user, Capability.EDIT_POLICIES)
    version = get_object_or_404(PolicyVersion, pk=version_pk)
    try:
        days = max(1, min(90, int(request.GET.get("days", 7))))
    except ValueError:
        days = 7
    checked, changes = selectors.backtest(version=version, days=days)
    context = {
        "version": version,
        "days": days,
        "checked": checked,
        "changes": changes,
        "rows": [
            (comment, masking.visible_text(comment, request.user), added, removed)
            for comment, added, removed in changes
        ],
    }
    return render(request, "moderation/backtest.html", context)


def _report_form(request):
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    return form, form.period()


def _bars(values):
    """Return ``(label, value, percent of the largest)`` for bar charts."""
    top = max((value or 0 for _label, value in values), default=0) or 1
    return [
        (label, value, round(100 * (value or 0) / top, 1)) for label, value in values
    ]


@login_required
def sla_dashboard(request):
    """SLA figures for managers: breach rate, response times by period,
    approval wait, weeks without anyone on duty, and the breaches."""
    require(request.user, Capability.VIEW_DASHBOARD)
    form, period = _report_form(request)
    context = {"form": form}
    if period:
        start, end = period
        scope = {
            "channel": form.cleaned_data["channel"],
            "channels": form.cleaned_data["channels"],
        }
        weeks = reports.uncovered_weeks(start=start, end=end, **scope)
        report = reports.sla_report(start=start, end=end, weeks=weeks, **scope)
        periods = dict(PostedPeriod.choices)
        context |= {
            "report": report,
            "periods": [
                (periods[key], figures) for key, figures in report["by_period"].items()
            ],
            "response_bars": _bars(
                [
                    (periods[key], figures["first_response_minutes"]["p50"])
                    for key, figures in report["by_period"].items()
                ]
            ),
            "breach_bars": _bars(
                [
                    (periods[key], round(100 * (figures["breach_rate"] or 0), 1))
                    for key, figures in report["by_period"].items()
                ]
            ),
            "weeks": weeks,
            "week_bars": _bars(
                [(f"{w['channel']} · {w['week']}", w["longest_hours"]) for w in weeks]
            ),
            "breaches": reports.breaches(start=start, end=end, limit=50, **scope),
            "query": request.GET.urlencode(),
        }
    return render(request, "moderation/sla.html", context)


CSV_ROWS = {"comments", "breaches", "coverage"}


@login_required
def sla_export(request):
    """The rows behind the dashboard's figures, as CSV."""
    require(request.user, Capability.VIEW_DASHBOARD)
    form, period = _report_form(request)
    rows = request.GET.get("rows", "comments")
    if not period or rows not in CSV_ROWS:
        errors = form.errors_by_parameter()
        if rows not in CSV_ROWS:
            errors["rows"] = [_("Unknown rows.")]
        return HttpResponse(
            "\n".join(
                f"{name}: {message}"
                for name, messages_ in errors.items()
                for message in messages_
            ),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    start, end = period
    scope = {
        "channel": form.cleaned_data["channel"],
        "channels": form.cleaned_data["channels"],
    }
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="sla-{rows}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    writer = csv.writer(response)
    if rows == "coverage":
        writer.writerow(
            ["channel", "week", "uncovered_hours", "longest_hours", "longest_from",
             "longest_to"]
        )  # fmt: skip
        for week in reports.uncovered_weeks(start=start, end=end, **scope):
            writer.writerow(
                [week["channel"], week["week"], week["uncovered_hours"],
                 week["longest_hours"], _iso(week["longest_from"]),
                 _iso(week["longest_to"])]
            )  # fmt: skip
        return response
    comments = (
        reports.breaches(start=start, end=end, **scope)
        if rows == "breaches"
        else reports.judged(start=start, end=end, **scope)
        .select_related("channel")
        .order_by("posted_at")
    )
    writer.writerow(
        ["channel", "external_id", "severity", "posted_at", "posted_on",
         "first_response_due_at", "first_responded_at", "response_minutes",
         "response_business_minutes", "sla_met", "approval_wait_minutes"]
    )  # fmt: skip
    for c in comments.iterator(chunk_size=2000):
        writer.writerow(
            [c.channel.slug, _csv_safe(c.external_id), c.severity,
             _iso(c.posted_at), c.posted_period, _iso(c.first_response_due_at),
             _iso(c.first_responded_at), c.response_minutes,
             c.response_business_minutes, c.sla_met, c.approval_wait_minutes]
        )  # fmt: skip
    return response


def _iso(value):
    return value.isoformat() if value else ""


def _csv_safe(value):
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
