"""The coverage page (who is on shift this week, and when nobody is) and the
API tokens page (each signed-in user's own tokens)."""

import contextlib
import datetime
import zoneinfo
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import dates
from core.permissions import require
from core.roles import Capability
from staffing import selectors
from staffing.coverage import longest as longest_gap
from staffing.forms import ApiTokenForm, RotaForm, ShiftForm
from staffing.models import ApiToken, BusinessCalendar, Shift
from staffing.services import shifts, tokens


def _planner(request):
    require(request.user, Capability.PLAN_COVERAGE)
    return request.user


def _week(params):
    """Return the day named by the ``week`` parameter, else today; raise
    ``InvalidDate`` for a bad one."""
    raw = params.get("week", "")
    return dates.parse_day(raw) if raw else timezone.localdate()


def _week_and_calendar(params):
    zone = zoneinfo.ZoneInfo(timezone.get_current_timezone_name())
    try:
        day = _week(params)
    except dates.InvalidDate:  # the page says so (see ``coverage``)
        day = timezone.localdate()
    monday = selectors.week_of(day)
    slug = params.get("calendar")
    if slug:
        calendar = get_object_or_404(selectors.calendars(), slug=slug)
    else:
        # 24/7 first: the weekend is where coverage goes missing.
        calendar = (
            selectors.calendars().filter(always_open=True).first()
            or selectors.calendars().first()
        )
        if calendar is None:
            raise Http404(_("Create a business calendar in the administration first."))
    return monday, zone, calendar


@login_required
def coverage(request):
    """Show the week: one row per responder, gaps in red."""
    _planner(request)
    try:
        _week(request.GET)
    except dates.InvalidDate as exc:
        messages.error(request, _("Week: %(error)s") % {"error": exc})
        return _render(request, request.GET, status=400)
    return _render(request, request.GET)


def _render(request, params, shift_form=None, status=200):
    monday, zone, calendar = _week_and_calendar(params)
    week = selectors.coverage_week(monday=monday, zone=zone, calendar=calendar)
    # "This week" counts what is still ahead: a gap already past cannot be
    # closed any more.
    upcoming = week["upcoming"]
    gap_hours = sum((b - a).total_seconds() for a, b in upcoming) / 3600
    gaps_by_day = []
    for day in week["days"]:
        low, high = _day_start(day, zone), _day_start(day, zone, 1)
        gaps_by_day.append(
            [
                {**gap, "start": max(gap["start"], low), "end": min(gap["end"], high)}
                for gap in week["gaps"]
                if gap["start"] < high and gap["end"] > low
            ]
        )
        for gap in gaps_by_day[-1]:
            gap["fill_url"] = _fill_url(monday, calendar, gap)
    longest = longest_gap(upcoming)
    context = {
        **week,
        "gaps_by_day": gaps_by_day,
        "gap_hours": gap_hours,
        "longest_gap": longest,
        "longest_gap_hours": (longest[1] - longest[0]).total_seconds() / 3600
        if longest
        else 0,
        "multilingual": any(need.language for need in week["needs"]),
        "monday": monday,
        "previous_week": monday - datetime.timedelta(days=7),
        "next_week": monday + datetime.timedelta(days=7),
        "calendar": calendar,
        "calendars": BusinessCalendar.objects.order_by("slug"),
        "shift_form": shift_form or ShiftForm(initial=_prefill(params, zone)),
        "rota_form": RotaForm(),
    }
    return render(request, "staffing/coverage.html", context, status=status)


def _fill_url(monday, calendar, gap):
    """Return the coverage page with the shift form filled to close ``gap``."""
    params = {
        "week": monday.isoformat(),
        "calendar": calendar.slug,
        "starts_at": timezone.localtime(gap["start"]).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(gap["end"]).strftime("%Y-%m-%dT%H:%M"),
    }
    if gap["need"].channel:
        params["channel"] = gap["need"].channel
    if gap["need"].language:
        params["language"] = gap["need"].language
    return f"{reverse('staffing:coverage')}?{urlencode(params)}#add-shift"


def _prefill(params, zone):
    """Return the shift form's initial values from a gap's link: its times,
    and the first person free then who may answer what is missing."""
    initial = {}
    try:
        starts_at = dates.parse_instant(params.get("starts_at", ""))
        ends_at = dates.parse_instant(params.get("ends_at", ""))
    except dates.InvalidDate:
        return initial
    if ends_at <= starts_at:
        return initial
    initial.update(starts_at=starts_at, ends_at=ends_at)
    candidate = selectors.free_to_close(
        starts_at=starts_at,
        ends_at=ends_at,
        channel=params.get("channel") or None,
        language=params.get("language") or None,
    )
    if candidate is not None:
        initial["responder"] = candidate.pk
    return initial


def _day_start(day, zone, offset=0):
    return datetime.datetime.combine(
        day + datetime.timedelta(days=offset), datetime.time()
    ).replace(tzinfo=zone)


def _back(request):
    """Redirect to the coverage page of the week and calendar being edited."""
    params = {}
    # A bad week goes back to this week (the form that sent it said why).
    with contextlib.suppress(dates.InvalidDate):
        if request.POST.get("week"):
            params["week"] = _week(request.POST).isoformat()
    if BusinessCalendar.objects.filter(slug=request.POST.get("calendar", "")).exists():
        params["calendar"] = request.POST["calendar"]
    url = reverse("staffing:coverage")
    return redirect(f"{url}?{urlencode(params)}" if params else url)


@login_required
@require_POST
def shift_add(request):
    actor = _planner(request)
    form = ShiftForm(request.POST)
    if form.is_valid():
        try:
            shifts.shift_create(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Shift added."))
            return _back(request)
    return _render(request, request.POST, shift_form=form, status=400)


@login_required
@require_POST
def shift_delete(request, pk):
    actor = _planner(request)
    shift = get_object_or_404(Shift, pk=pk)
    shifts.shift_delete(actor=actor, shift=shift)
    messages.success(request, _("Shift removed."))
    return _back(request)


@login_required
@require_POST
def rota_generate(request):
    actor = _planner(request)
    form = RotaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rota and a number of weeks from 1 to 26."))
        return _back(request)
    try:
        monday = _week(request.POST)
    except dates.InvalidDate as exc:
        messages.error(request, _("Week: %(error)s") % {"error": exc})
        return _back(request)
    created, skipped = shifts.rota_generate(
        actor=actor,
        template=form.cleaned_data["template"],
        start_date=monday,
        weeks=form.cleaned_data["weeks"],
    )
    messages.success(
        request,
        ngettext(
            "%(created)d shift created, %(skipped)d skipped (already planned).",
            "%(created)d shifts created, %(skipped)d skipped (already planned).",
            created,
        )
        % {"created": created, "skipped": skipped},
    )
    return _back(request)


@login_required
@never_cache
def api_tokens(request):
    """List the user's tokens; create one and show its secret this once."""
    form = ApiTokenForm(request.POST or None)
    secret, created, status = None, None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, secret = tokens.api_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form = ApiTokenForm()
        if secret is None:
            status = 400
    context = {
        "form": form,
        "secret": secret,
        "created": created,
        "tokens": selectors.api_tokens_of(request.user),
        "now": timezone.now(),
    }
    return render(request, "staffing/api_tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request, pk):
    """Revoke one of the user's own tokens; others' are 404 here."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if tokens.api_token_revoke(actor=request.user, token=token):
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("staffing:api-tokens")
