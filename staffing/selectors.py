"""Reads of staffing shared by pages, the API and tasks."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone

from staffing import businesstime, coverage
from staffing.delegation import AccreditationFacts, GrantFacts, decide
from staffing.models import ApiToken, BusinessCalendar, Shift
from staffing.publicholidays import statutory_holidays
from staffing.roles import Capability


def calendar_spec(calendar, *, start, end):
    """Return the ``CalendarSpec`` of ``calendar`` with holidays for [start, end]."""
    if calendar.always_open:
        return businesstime.always_open(calendar.time_zone)
    windows = {}
    for window in calendar.windows.all():
        windows.setdefault(window.weekday, []).append(window.minutes)
    # Holidays of the years around the period (and a year more for deadlines).
    years = range(start.year - 1, end.year + 3)
    closed = frozenset(
        statutory_holidays(
            calendar.holiday_country, calendar.holiday_subdivision, years
        )
    )
    closures = tuple((c.starts_at, c.ends_at) for c in calendar.closures.all())
    return businesstime.CalendarSpec(
        time_zone=calendar.time_zone,
        windows={day: tuple(sorted(spans)) for day, spans in windows.items()},
        closed_dates=closed,
        closures=closures,
    )


def calendars():
    return BusinessCalendar.objects.prefetch_related("windows", "closures").order_by(
        "slug"
    )


def eligible_responders(channel=None):
    """Return active users who triage comments and serve ``channel``."""
    users = get_user_model().objects.with_capability(Capability.TRIAGE)
    if channel is None:
        return users
    return [u for u in users if not u.channels or channel in u.channels]


def shifts_between(start, end, responders=None):
    """Return shifts overlapping [start, end), with their responder."""
    shifts = Shift.objects.filter(starts_at__lt=end, ends_at__gt=start).select_related(
        "responder"
    )
    if responders is not None:
        shifts = shifts.filter(responder__in=responders)
    return shifts.order_by("starts_at")


def coverage_gaps(*, calendar, start, end, channel=None):
    """Return ``(start, end)`` gaps: ``calendar`` open, nobody eligible on shift."""
    spec = calendar_spec(calendar, start=start, end=end)
    required = businesstime.open_intervals(spec, start, end)
    responders = eligible_responders(channel)
    covered = [
        (max(s.starts_at, start), min(s.ends_at, end))
        for s in shifts_between(start, end, responders)
    ]
    return coverage.gaps(required, covered)


def week_of(day):
    """Return the Monday that starts the week of ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def coverage_week(*, monday, zone, calendar):
    """Return what the coverage page shows for the week starting ``monday``."""
    start = datetime.datetime.combine(monday, datetime.time()).replace(tzinfo=zone)
    end = datetime.datetime.combine(
        monday + datetime.timedelta(days=7), datetime.time()
    ).replace(tzinfo=zone)
    responders = list(
        get_user_model()
        .objects.with_capability(Capability.TRIAGE)
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "shifts",
                queryset=Shift.objects.filter(
                    starts_at__lt=end, ends_at__gt=start
                ).order_by("starts_at"),
                to_attr="week_shifts",
            )
        )
    )
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    rows = []
    for responder in responders:
        cells = []
        for day in days:
            day_start = datetime.datetime.combine(day, datetime.time()).replace(
                tzinfo=zone
            )
            day_end = day_start + datetime.timedelta(days=1)
            cells.append(
                [
                    s
                    for s in responder.week_shifts
                    if s.starts_at < day_end and s.ends_at > day_start
                ]
            )
        rows.append((responder, cells))
    spec = calendar_spec(calendar, start=start, end=end)
    required = businesstime.open_intervals(spec, start, end)
    covered = [
        (max(s.starts_at, start), min(s.ends_at, end))
        for responder in responders
        for s in responder.week_shifts
    ]
    gaps = coverage.gaps(required, covered)
    return {"days": days, "rows": rows, "gaps": gaps, "start": start, "end": end}


def on_shift(at):
    """Return the active users on shift at the instant ``at``."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True, shifts__starts_at__lte=at, shifts__ends_at__gt=at
        )
        .distinct()
        .prefetch_related("groups", "grants", "accreditations")
    )


def api_tokens_of(user):
    """Return ``user``'s API tokens, newest first (index ``staffing_token_user``)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def accreditation_facts(responder):
    return [
        AccreditationFacts(
            program=a.program_id,
            level=a.level,
            granted_at=a.granted_at,
            expires_at=a.expires_at,
            revoked_at=a.revoked_at,
        )
        for a in responder.accreditations.all()
    ]


def grant_facts(responder):
    return [
        GrantFacts(
            channels=tuple(g.channels),
            categories=tuple(g.categories),
            max_severity=g.max_severity,
            required_program=g.required_program_id,
            required_level=g.required_level,
            valid_from=g.valid_from,
            valid_until=g.valid_until,
            revoked_at=g.revoked_at,
            id=g.pk,
        )
        for g in responder.grants.all()
    ]


def may_answer_without_approval(*, responder, channel, categories, severity, at=None):
    """Return the delegation ``Decision`` for ``responder`` at ``at`` (now)."""
    return decide(
        grant_facts(responder),
        accreditation_facts(responder),
        channel=channel,
        categories=categories,
        severity=severity,
        at=at or timezone.now(),
    )
