"""REST API of business calendars and coverage."""

import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    StrictQueryParametersMixin,
    capability_permission,
    query_instant,
)
from core.roles import Capability
from policies.models import localized
from staffing import businesstime, selectors
from staffing.models import BusinessCalendar

MAX_MINUTES = 60 * 24 * 366
MAX_GAP_DAYS = 92


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$"})
class HourMinuteField(serializers.TimeField):
    """A time of day as "09:00", which JSON Schema's "time" format (seconds
    and an offset) does not describe."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class WindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField()
    starts = HourMinuteField()
    ends = HourMinuteField()


class CalendarSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    windows = WindowSerializer(many=True, read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = [
            "slug",
            "name",
            "time_zone",
            "always_open",
            "holiday_country",
            "holiday_subdivision",
            "windows",
        ]

    def get_name(self, calendar) -> str:
        return localized(calendar, "name")


class DueSerializer(serializers.Serializer):
    due = serializers.DateTimeField()
    business_minutes = serializers.IntegerField()


class GapSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    hours = serializers.FloatField()


EXAMPLE_CALENDAR = {
    "slug": "qc-business",
    "name": "Heures de bureau (Québec)",
    "time_zone": "America/Toronto",
    "always_open": False,
    "holiday_country": "CA",
    "holiday_subdivision": "QC",
    "windows": [
        {"weekday": weekday, "starts": "09:00", "ends": "17:00"} for weekday in range(5)
    ],
}


@extend_schema_view(
    list=extend_schema(
        summary="Business calendars",
        description="The calendars response-time targets are counted on: their "
        "time zone, opening hours per weekday (0 is Monday) and the public "
        "holidays they close on. `name` is in the request's language. Anyone "
        "signed in may read them.",
        examples=[
            OpenApiExample(
                "Québec business hours",
                value=EXAMPLE_CALENDAR,
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One business calendar",
        description="A calendar by its slug, with its opening hours. Anyone "
        "signed in may read it; an unknown slug is not found (404).",
        examples=[
            OpenApiExample(
                "Québec business hours", value=EXAMPLE_CALENDAR, response_only=True
            )
        ],
    ),
)
class CalendarViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    """Business calendars: when answers count against response-time targets."""

    serializer_class = CalendarSerializer
    lookup_field = "slug"
    extra_query_parameters = {"from", "minutes"}

    def get_queryset(self):
        return selectors.calendars()

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("minutes", OpenApiTypes.INT, required=True),
        ],
        responses=DueSerializer,
        summary="When a response-time target falls due",
        description="The instant `minutes` business minutes after `from` run "
        "out on this calendar, skipping nights, weekends and public holidays: "
        "how the product computes a comment's first-response due time. Anyone "
        "signed in may ask. A missing or malformed `from` or `minutes` is "
        "refused with 400 naming it; a calendar that does not open within two "
        "years, or an unknown slug, is not found (404).",
        examples=[
            OpenApiExample(
                "Four business hours from Friday 15:00",
                value={"due": "2026-12-07T16:00:00Z", "business_minutes": 240},
                response_only=True,
            ),
            OpenApiExample(
                "Minutes that are not a number",
                value={
                    "minutes": ["Enter a whole number of minutes from 0 to 527040."]
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    @action(detail=True)
    def due(self, request, slug=None):
        """Return when ``minutes`` business minutes after ``from`` run out."""
        start = query_instant(request.query_params, "from", required=True)
        raw = request.query_params.get("minutes")
        if raw is None:
            raise ValidationError({"minutes": ["This parameter is required."]})
        if not raw.isdigit() or int(raw) > MAX_MINUTES:
            raise ValidationError(
                {
                    "minutes": [
                        f"Enter a whole number of minutes from 0 to {MAX_MINUTES}."
                    ]
                }
            )
        minutes = int(raw)
        calendar = self.get_object()
        try:
            due = selectors.calendar_due(calendar, start=start, minutes=minutes)
        except businesstime.NeverOpens:
            raise NotFound("This calendar does not open within two years.") from None
        return Response(DueSerializer({"due": due, "business_minutes": minutes}).data)


class CoverageGapsView(StrictQueryParametersMixin, APIView):
    """Periods when a calendar is open and nobody who may answer is on shift."""

    extra_query_parameters = {"from", "to", "calendar", "channel"}
    permission_classes = [
        capability_permission(Capability.PLAN_COVERAGE, Capability.VIEW_DASHBOARD)
    ]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATETIME, description="Default: now."
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATETIME, description="Default: +14 days."
            ),
            OpenApiParameter(
                "calendar",
                OpenApiTypes.STR,
                description="Calendar slug (default 24-7).",
            ),
            OpenApiParameter("channel", OpenApiTypes.STR, description="Channel slug."),
        ],
        responses=GapSerializer(many=True),
        summary="Coverage gaps",
        description="The stretches from `from` to `to` (now to 14 days ahead "
        "by default, at most 92 days) when the calendar is open and nobody who "
        "may answer (on `channel`, when given) is on shift. For those who plan "
        "coverage or see the dashboard; others get 403. A bad instant, `to` "
        "not after `from`, a period too long or an unknown calendar is refused "
        "with 400 naming the parameter.",
        examples=[
            OpenApiExample(
                "Saturday night uncovered",
                value=[
                    {
                        "start": "2026-12-06T03:00:00Z",
                        "end": "2026-12-06T11:00:00Z",
                        "hours": 8.0,
                    }
                ],
                response_only=True,
            ),
            OpenApiExample(
                "An unknown calendar",
                value={"calendar": ["Unknown calendar 'weekend'."]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def get(self, request):
        params = request.query_params
        now = timezone.now()
        start = query_instant(params, "from", default=now)
        end = query_instant(params, "to", default=start + datetime.timedelta(days=14))
        if end <= start:
            raise ValidationError({"to": ["Must be after from."]})
        if end - start > datetime.timedelta(days=MAX_GAP_DAYS):
            raise ValidationError({"to": [f"At most {MAX_GAP_DAYS} days after from."]})
        slug = params.get("calendar", "24-7")
        calendar = selectors.calendars().filter(slug=slug).first()
        if calendar is None:
            raise ValidationError({"calendar": [f"Unknown calendar {slug!r}."]})
        gaps = selectors.coverage_gaps(
            calendar=calendar,
            start=start,
            end=end,
            channel=params.get("channel") or None,
        )
        data = [
            {"start": a, "end": b, "hours": round((b - a).total_seconds() / 3600, 2)}
            for a, b in gaps
        ]
        return Response(GapSerializer(data, many=True).data)
