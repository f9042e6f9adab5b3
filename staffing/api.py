"""REST API of business calendars and coverage."""

import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
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
