"""Reads of staffing shared by pages, the API and tasks."""

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from core.roles import Capability
from staffing import businesstime, eligibility, intervals
from staffing.delegation import AccreditationFacts, GrantFacts, decide
from staffing.models import ApiToken, BusinessCalendar, RotaTemplate, Shift
from staffing.publicholidays import statutory_holidays


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


def calendar_due(calendar, *, start, minutes):
    """Return when ``minutes`` open minutes of ``calendar`` after ``start`` run out.

    Raise ``businesstime.NeverOpens`` when the calendar does not open in time.
    """
    spec = calendar_spec(
        calendar, start=start, end=start + datetime.timedelta(days=366)
    )
    return businesstime.add_business_minutes(spec, start, minutes)


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


def person_facts(user, *, triagers=None):
    """Return ``user`` as the plain facts ``eligibility`` decides on.

    ``triagers``: the ids of the people who triage, when the caller read them
    once for many (else the user's prefetched groups are asked).
    """
    triages = (
        user.pk in triagers if triagers is not None else user.can(Capability.TRIAGE)
    )
    return eligibility.Person(
        id=user.pk,
        triages=bool(triages and user.is_active),
        channels=frozenset(user.channels or ()),
        languages=frozenset(user.languages or ()),
    )


def _channel_model():
    # The channels live in a higher layer (moderation); the calendar's reverse
    # relation names their model without an import running back up the layers.
    return BusinessCalendar._meta.get_field("channels").related_model


def needs(*, calendar, channel=None):
    """Return the ``eligibility.Need`` list a calendar's coverage must meet.

    With ``channel`` (a slug), that channel's languages; else every active
    channel watched by ``calendar``, one need per language. A calendar that no
    channel uses needs someone who triages, in any language.
    """
    rows = _channel_model().objects.filter(active=True)
    if channel is not None:
        pairs = list(rows.filter(slug=channel).values_list("slug", "languages"))
        return eligibility.needs_of(pairs or [(channel, [])])
    pairs = list(
        rows.filter(calendar=calendar).order_by("slug").values_list("slug", "languages")
    )
    return eligibility.needs_of(pairs) if pairs else [eligibility.Need()]


def shift_facts(start, end):
    """Return ``(person, start, end)`` triples of the shifts overlapping
    [start, end), clipped to it; two queries whatever the number of shifts."""
    triagers = set(
        get_user_model()
        .objects.with_capability(Capability.TRIAGE)
        .values_list("pk", flat=True)
    )
    facts = {}
    triples = []
    for shift in shifts_between(start, end):
        person = facts.get(shift.responder_id)
        if person is None:
            person = facts[shift.responder_id] = person_facts(
                shift.responder, triagers=triagers
            )
        triples.append((person, max(shift.starts_at, start), min(shift.ends_at, end)))
    return triples


def coverage_gaps_by_need(*, calendar, start, end, channel=None):
    """Return the ``eligibility.Gap`` list: ``calendar`` open and nobody on shift
    who may answer one of its needs (a channel in a language)."""
    spec = calendar_spec(calendar, start=start, end=end)
    required = businesstime.open_intervals(spec, start, end)
    return eligibility.gaps(
        required, shift_facts(start, end), needs(calendar=calendar, channel=channel)
    )


def coverage_gaps(*, calendar, start, end, channel=None):
    """Return ``(start, end)`` gaps: ``calendar`` open, and some channel (or
    ``channel``) has a language nobody on shift may answer."""
    found = coverage_gaps_by_need(
        calendar=calendar, start=start, end=end, channel=channel
    )
    return intervals.merge((g.start, g.end) for g in found)


def week_of(day):
    """Return the Monday that starts the week of ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def coverage_week(*, monday, zone, calendar, now=None):
    """Return what the coverage page shows for the week starting ``monday``.

    Rows: the people who may answer one of the calendar's needs, by name;
    each shift in the day it starts (a night shift is one block, not two
    halves). Gaps: one per need and stretch, the past ones apart from those
    still ahead (``upcoming``), each marked when the rota template the week
    was generated from leaves it open.
    """
    now = now or timezone.now()
    start = datetime.datetime.combine(monday, datetime.time()).replace(tzinfo=zone)
    end = datetime.datetime.combine(
        monday + datetime.timedelta(days=7), datetime.time()
    ).replace(tzinfo=zone)
    week_needs = needs(calendar=calendar)
    people, facts = {}, {}
    for person in (
        get_user_model().objects.with_capability(Capability.TRIAGE).order_by("pk")
    ):
        facts[person.pk] = person_facts(person, triagers={person.pk})
        if any(eligibility.serves(facts[person.pk], need) for need in week_needs):
            people[person.pk] = person
    shifts = list(
        Shift.objects.filter(
            starts_at__lt=end, ends_at__gt=start, responder__in=list(people)
        ).order_by("starts_at")
    )
    triples = [
        (facts[s.responder_id], max(s.starts_at, start), min(s.ends_at, end))
        for s in shifts
    ]
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    ordered = sorted(
        people.values(),
        key=lambda u: ((u.get_full_name() or u.get_username()).casefold(), u.pk),
    )
    rows = []
    for responder in ordered:
        cells = [[] for _day in days]
        for shift in shifts:
            if shift.responder_id != responder.pk:
                continue
            first = max(timezone.localtime(shift.starts_at, zone).date(), monday)
            cells[(first - monday).days].append(shift)
        rows.append((responder, cells))
    spec = calendar_spec(calendar, start=start, end=end)
    required = businesstime.open_intervals(spec, start, end)
    found = eligibility.gaps(required, triples, week_needs)
    rota = _rota_of_week(shifts, zone) if found else None
    rota_open = (
        {
            need: eligibility.covered(_rota_triples(rota, monday), need)
            for need in week_needs
        }
        if rota
        else {}
    )
    gaps = [
        {
            "start": gap.start,
            "end": gap.end,
            "need": gap.need,
            "past": gap.end <= now,
            "rota": rota
            if rota and not _inside(gap.start, rota_open[gap.need])
            else None,
        }
        for gap in found
    ]
    upcoming = intervals.merge(
        (max(g["start"], now), g["end"]) for g in gaps if g["end"] > now
    )
    return {
        "days": days,
        "rows": rows,
        "gaps": gaps,
        "upcoming": upcoming,
        "needs": week_needs,
        "start": start,
        "end": end,
    }


def free_to_close(*, starts_at, ends_at, channel=None, language=None):
    """Return the person to propose for closing a gap: one who may answer
    ``channel`` in ``language`` and has no shift in [starts_at, ends_at);
    first those whose shift ends as it starts or starts as it ends (the
    shift runs on), then by name. ``None`` when nobody is free."""
    need = eligibility.Need(channel, language)
    busy = set(
        Shift.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).values_list(
            "responder_id", flat=True
        )
    )
    adjacent = set(
        Shift.objects.filter(Q(ends_at=starts_at) | Q(starts_at=ends_at)).values_list(
            "responder_id", flat=True
        )
    )
    people = sorted(
        get_user_model().objects.with_capability(Capability.TRIAGE),
        key=lambda u: (
            u.pk not in adjacent,
            (u.get_full_name() or u.get_username()).casefold(),
            u.pk,
        ),
    )
    for person in people:
        if person.pk not in busy and eligibility.serves(
            person_facts(person, triagers={person.pk}), need
        ):
            return person
    return None


def _inside(instant, spans):
    return any(a <= instant < b for a, b in spans)


def _rota_of_week(shifts, zone):
    """Return the rota template the week's shifts were generated from: the one
    with most slots matching a shift (same person, weekday and start)."""
    if not shifts:
        return None
    keys = set()
    for shift in shifts:
        local_start = timezone.localtime(shift.starts_at, zone)
        keys.add((shift.responder_id, local_start.weekday(), local_start.time()))
    best, best_count = None, 0
    for template in RotaTemplate.objects.prefetch_related("slots__responder"):
        count = sum(
            (slot.responder_id, slot.weekday, slot.starts) in keys
            for slot in template.slots.all()
        )
        if count > best_count:
            best, best_count = template, count
    return best


def _rota_triples(template, monday):
    """Lay ``template``'s slots on the week of ``monday`` (and the one before,
    for the shifts running over into it) as ``eligibility`` triples."""
    zone = zoneinfo.ZoneInfo(template.time_zone)
    triples = []
    for slot in template.slots.all():
        person = person_facts(slot.responder)
        for week in (-1, 0):
            day = monday + datetime.timedelta(days=7 * week + slot.weekday)
            begins = datetime.datetime.combine(day, slot.starts).replace(tzinfo=zone)
            ends = begins + datetime.timedelta(minutes=slot.duration_minutes)
            triples.append((person, begins, ends))
    return triples


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


def managers_on_duty(at):
    """Return the managers on shift at ``at``, or every manager when none is."""
    managers = list(get_user_model().objects.with_capability(Capability.PLAN_COVERAGE))
    on = set(
        Shift.objects.filter(
            starts_at__lte=at, ends_at__gt=at, responder__in=managers
        ).values_list("responder_id", flat=True)
    )
    return [m for m in managers if m.pk in on] or managers


def accreditation_facts(responder):
    """Return ``responder``'s accreditations as plain facts for ``decide``."""
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
    """Return ``responder``'s delegation grants as plain facts for ``decide``."""
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


def api_tokens_of(user):
    """Return ``user``'s API tokens, newest first (index ``staffing_token_user``)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
