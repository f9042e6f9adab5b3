"""The due-process pages: the public decision page, appeals, the Report
content form, the transparency report; the reviewers' queue; privacy."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.messages import REFUSALS, report_error
from core.permissions import require
from core.roles import Capability
from core.throttling import Window, client_address
from decisions import forms, selectors
from decisions.models import (
    Appeal,
    Category,
    LegalHold,
    Notice,
    RetentionRule,
    Statement,
)
from decisions.references import secret_matches
from decisions.services.appeals import (
    appeal_deadline,
    appeal_decide,
    appeal_lodge,
    deletion_reversed,
    deletion_reversed_text,
    may_decide,
)
from decisions.services.notices import notice_decide, notice_submit
from decisions.services.privacy import (
    author_anonymise,
    author_export,
    hold_place,
    hold_release,
)
from decisions.services.retention import retention_set
from decisions.services.statements import window_text
from moderation import access
from moderation.models import Channel, Comment
from moderation.restrictions import Kind
from policies.models.bilingual import localized


def _statement_context(statement, key):
    holder = secret_matches(statement.reference, key)
    return {
        "statement": statement,
        "rule_name": localized(statement, "rule_name", statement.language),
        "grounds": localized(statement, "grounds", statement.language).splitlines(),
        "appeals": list(statement.appeals.order_by("lodged_at")),
        "deadline": appeal_deadline(statement),
        "window": window_text(statement),
        # A reversed deletion: what could not be undone, and what the author may do.
        "deletion_note": deletion_reversed_text(statement)
        if deletion_reversed(statement)
        else "",
        "holder": holder,
        "key": key if holder else "",
        "open": holder
        and statement.reversed_at is None
        and timezone.now() <= appeal_deadline(statement)
        and not statement.appeals.filter(status=Appeal.Status.PENDING).exists(),
    }


def statement_page(request, reference):
    """The statement of reasons, public, in the author's language."""
    statement = get_object_or_404(Statement, reference=reference)
    key = request.GET.get("key", "")
    with translation.override(statement.language):
        context = _statement_context(statement, key)
        context["form"] = forms.AppealForm(initial={"key": key})
        response = render(request, "decisions/statement.html", context)
    response["Content-Language"] = statement.language
    return response


@require_POST
def appeal(request, reference):
    """Lodge an appeal from the decision page (the link's holder)."""
    statement = get_object_or_404(Statement, reference=reference)
    form = forms.AppealForm(request.POST)
    with translation.override(statement.language):
        if form.is_valid():
            try:
                appeal_lodge(
                    statement=statement,
                    secret=form.cleaned_data["key"],
                    reasons=form.cleaned_data["reasons"],
                    kind=form.cleaned_data["kind"],
                )
            except REFUSALS as exc:
                report_error(request, exc)
            else:
                messages.success(
                    request, _("Your appeal was received; a person will decide it.")
                )
            url = reverse("decisions:statement", args=[reference])
            return redirect(f"{url}?key={form.cleaned_data['key']}")
        context = _statement_context(statement, request.POST.get("key", ""))
        if not context["holder"]:
            raise PermissionDenied
        context["form"] = form
        return render(request, "decisions/statement.html", context, status=400)


def report_content(request):
    """The public Report content form (DSA art. 16): throttled per address,
    a honeypot field, no third-party captcha."""
    if request.method != "POST":
        return render(
            request, "decisions/report.html", {"form": forms.ReportContentForm()}
        )
    window = Window("report_content_address", client_address(request))
    if window.add() > window.limit:
        response = render(
            request,
            "decisions/report.html",
            {"form": forms.ReportContentForm(request.POST), "throttled": True},
            status=429,
        )
        response["Retry-After"] = str(int(window.wait) + 1)
        return response
    form = forms.ReportContentForm(request.POST)
    if not form.is_valid():
        return render(request, "decisions/report.html", {"form": form}, status=400)
    data = form.cleaned_data
    if data["website"]:
        # A robot filled the hidden field: it sees what a person would.
        return redirect("decisions:report-received")
    notice = notice_submit(
        url=data["url"],
        reasons=data["reasons"],
        name=data["name"],
        email=data["email"],
        language=(get_language() or "fr")[:2],
    )
    request.session["notice_reference"] = notice.reference
    return redirect("decisions:report-received")


def report_received(request):
    reference = request.session.pop("notice_reference", "")
    return render(request, "decisions/report_received.html", {"reference": reference})


def _quarter(request):
    now_year, now_quarter = selectors.current_quarter(timezone.now())
    try:
        year = int(request.GET.get("year", now_year))
        quarter = int(request.GET.get("quarter", now_quarter))
        selectors.quarter_bounds(year, quarter)
    except ValueError:
        return None
    return year, quarter


def transparency(request):
    """The transparency report of a quarter (DSA art. 15 and 24)."""
    chosen = _quarter(request)
    if chosen is None:
        return HttpResponseBadRequest(_("Choose a year and a quarter (1 to 4)."))
    report = selectors.transparency_report(year=chosen[0], quarter=chosen[1])
    by_type = [
        (kind.label, report["decisions"]["by_type"].get(kind.value, 0)) for kind in Kind
    ]
    return render(
        request, "decisions/transparency.html", {"report": report, "by_type": by_type}
    )


CSV_ROWS = (
    ("comments_received", lambda r: r["comments_received"]),
    ("decisions", lambda r: r["decisions"]["total"]),
    ("decisions_automated", lambda r: r["decisions"]["automated"]),
    ("decisions_detected_automatically", lambda r: r["decisions"]["detected"]),
    ("median_minutes_to_decision", lambda r: r["median_minutes_to_decision"]),
    (
        "median_minutes_to_first_response",
        lambda r: r["median_minutes_to_first_response"],
    ),
    ("notices", lambda r: r["notices"]["total"]),
    ("notices_acted", lambda r: r["notices"]["acted"]),
    ("notices_rejected", lambda r: r["notices"]["rejected"]),
    ("appeals", lambda r: r["appeals"]["total"]),
    ("appeals_upheld", lambda r: r["appeals"]["upheld"]),
    ("appeals_reversed", lambda r: r["appeals"]["reversed"]),
    ("human_reviews", lambda r: r["appeals"]["human_reviews"]),
)


def transparency_csv(request):
    chosen = _quarter(request)
    if chosen is None:
        return HttpResponseBadRequest(_("Choose a year and a quarter (1 to 4)."))
    report = selectors.transparency_report(year=chosen[0], quarter=chosen[1])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"transparency-{chosen[0]}-q{chosen[1]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["figure", "value"])
    for label, value in CSV_ROWS:
        writer.writerow([label, "" if value(report) is None else value(report)])
    for kind, count in sorted(report["decisions"]["by_type"].items()):
        writer.writerow([f"decisions_{kind}", count])
    for row in report["flagged_by_rule"]:
        writer.writerow([f"flagged_{row['rule']}", row["comments"]])
    return response


def _reviewer(request):
    require(request.user, Capability.DECIDE_APPEALS)


def _channel_visible(user, comment):
    return comment is None or access.in_scope(user, comment)


@login_required
def queue(request):
    """Pending appeals, human reviews and reports, the most urgent first."""
    _reviewer(request)
    items = [
        item
        for item in selectors.queue_items()
        if _channel_visible(
            request.user,
            item.statement.comment if isinstance(item, Appeal) else item.comment,
        )
    ]
    return render(request, "decisions/queue.html", {"items": items})


@login_required
def appeal_page(request, pk):
    _reviewer(request)
    appeal = get_object_or_404(
        Appeal.objects.select_related("statement__comment__channel"), pk=pk
    )
    if not _channel_visible(request.user, appeal.statement.comment):
        raise Http404
    form = forms.AppealDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_decide(
                appeal=appeal,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
            )
        except REFUSALS as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("The appeal is decided."))
            return redirect("decisions:queue")
    statement = appeal.statement
    return render(
        request,
        "decisions/appeal.html",
        {
            "appeal": appeal,
            "statement": statement,
            "form": form,
            "may_decide": may_decide(request.user, appeal),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
def notice_page(request, pk):
    _reviewer(request)
    notice = get_object_or_404(Notice.objects.select_related("comment"), pk=pk)
    if not _channel_visible(request.user, notice.comment):
        raise Http404
    form = forms.NoticeDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice_decide(
                notice=notice,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
            )
        except REFUSALS as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("The report is decided; its author is told."))
            return redirect("decisions:queue")
    return render(
        request,
        "decisions/notice.html",
        {"notice": notice, "form": form},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _officer(request):
    require(request.user, Capability.MANAGE_PRIVACY)


@login_required
def privacy(request):
    """Retention schedule, legal holds and access requests (privacy officer)."""
    _officer(request)
    current = dict(RetentionRule.objects.values_list("category", "days"))
    retention = forms.RetentionForm(current=current)
    hold = forms.HoldForm()
    status = 200
    if request.method == "POST" and "retention" in request.POST:
        retention = forms.RetentionForm(request.POST, current=current)
        if retention.is_valid():
            retention_set(actor=request.user, days_by_category=retention.cleaned_data)
            messages.success(request, _("The retention schedule is saved."))
            return redirect("decisions:privacy")
        status = 400
    if request.method == "POST" and "hold" in request.POST:
        hold = forms.HoldForm(request.POST)
        if hold.is_valid() and _place_hold(request, hold):
            return redirect("decisions:privacy")
        status = 400
    return render(
        request,
        "decisions/privacy.html",
        {
            "retention": retention,
            "hold": hold,
            "author_form": forms.AuthorForm(),
            "holds": LegalHold.objects.filter(released_at__isnull=True)
            .select_related("comment__channel", "channel")
            .order_by("-placed_at"),
            "categories": Category,
        },
        status=status,
    )


def _place_hold(request, form):
    data = form.cleaned_data
    comment = channel = None
    if data["comment"]:
        comment = Comment.objects.select_related("channel").filter(pk=data["comment"])
        comment = comment.first()
        if comment is None:
            form.add_error("comment", _("No such comment."))
            return False
    elif data["channel"]:
        channel = Channel.objects.filter(slug=data["channel"]).first()
        if channel is None:
            form.add_error("channel", _("No such channel."))
            return False
    try:
        hold_place(
            actor=request.user,
            reason=data["reason"],
            comment=comment,
            channel=channel,
            author=data["author"],
        )
    except REFUSALS as exc:
        report_error(request, exc)
        return False
    messages.success(request, _("The legal hold is placed; the evidence is copied."))
    return True


@login_required
@require_POST
def hold_lift(request, pk):
    _officer(request)
    hold_release(actor=request.user, hold=get_object_or_404(LegalHold, pk=pk))
    messages.success(request, _("The legal hold is lifted."))
    return redirect("decisions:privacy")


@login_required
@require_POST
def access_request(request):
    """Export everything held about an author handle, or anonymise it."""
    _officer(request)
    form = forms.AuthorForm(request.POST)
    if not form.is_valid():
        report_error(request, _invalid(form))
        return redirect("decisions:privacy")
    author = form.cleaned_data["author"]
    if "anonymise" in request.POST:
        try:
            done, kept = author_anonymise(actor=request.user, author=author)
        except REFUSALS as exc:
            report_error(request, exc)
        else:
            messages.success(
                request,
                _("%(done)d comments anonymised, %(kept)d kept under a legal hold.")
                % {"done": done, "kept": kept},
            )
        return redirect("decisions:privacy")
    response = HttpResponse(
        author_export(actor=request.user, author=author),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="access-request.json"'
    return response


def _invalid(form):
    return ValidationError([e for errors in form.errors.values() for e in errors])
