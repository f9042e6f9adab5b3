"""The SLA dashboard and the CSV export of the rows behind it."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import localize
from django.utils.translation import gettext as _

from core.permissions import require
from core.roles import Capability
from moderation.durations import minutes
from moderation.forms import ReportForm
from moderation.models import PostedPeriod
from moderation.sla import reports

# The page lists the latest breaches; the CSV holds them all.
BREACHES_SHOWN = 50


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


def _trend(weeks, value, text):
    """Return a weekly trend chart's bars: ``x`` and ``height`` on a 0-100
    scale (each week a slot of 10 across), the value and its words."""
    top = max((value(week) or 0 for week in weeks), default=0) or 1
    bars = []
    for position, week in enumerate(weeks):
        height = round(100 * (value(week) or 0) / top, 1)
        bars.append(
            {
                "x": position * 10 + 1.5,
                "y": round(100 - height, 1),
                "height": height,
                "week": week["week"],
                "text": text(week),
            }
        )
    return {"bars": bars, "width": max(len(weeks), 1) * 10}


def _rate(figures):
    rate = figures["breach_rate"]
    return None if rate is None else round(100 * rate, 1)


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
            "trends": [
                (
                    _trend(
                        report["by_week"],
                        _rate,
                        lambda week: (
                            "—" if _rate(week) is None else f"{localize(_rate(week))} %"
                        ),
                    ),
                    _("Breach rate (%), week by week"),
                    True,
                ),
                (
                    _trend(
                        report["by_week"],
                        lambda week: week["first_response_minutes"]["p50"],
                        lambda week: minutes(week["first_response_minutes"]["p50"]),
                    ),
                    _("Median time to first response (wall-clock), week by week"),
                    False,
                ),
            ],
            "groups": [
                (_("By responder"), report["by_responder"], "responders"),
                (_("By rule"), report["by_rule"], "rules"),
            ],
            "breaches": reports.breaches(
                start=start, end=end, limit=BREACHES_SHOWN, **scope
            ),
            "breaches_shown": BREACHES_SHOWN,
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
