"""REST API of the SLA report."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StrictQueryParametersMixin, capability_permission
from core.roles import Capability
from moderation.forms import ReportForm
from moderation.sla import reports

FIGURES = {
    "count": 120,
    "met": 111,
    "breached": 9,
    "breach_rate": 0.075,
    "first_response_minutes": {"p50": 42.0, "p90": 610.5},
    "business_minutes": {"p50": 35.0, "p90": 188.0},
}


class SlaReportView(StrictQueryParametersMixin, APIView):
    """SLA figures of the comments posted in a period (dashboard's figures).

    ``from`` and ``to`` are inclusive dates (default: the last 30 days);
    ``channel`` a channel's slug. Minutes are wall-clock (what the public saw)
    and business time (what the SLA counts); ``uncovered_hours`` adds up the
    hours each channel's calendar required someone on duty and nobody who may
    answer for it was on shift; ``longest_uncovered_hours`` is the longest such
    stretch.
    """

    permission_classes = [capability_permission(Capability.VIEW_DASHBOARD)]
    extra_query_parameters = {"from", "to", "channel"}

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("channel", OpenApiTypes.STR),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Response-time (SLA) report of a period",
        description="The dashboard's figures for the comments posted from "
        "`from` to `to` (inclusive dates, the last 30 days by default), on one "
        "channel or all: how many met or breached their response-time target, "
        "percentiles of wall-clock and business minutes to a first answer, by "
        "period of the week, by responder, by rule and by week, and the hours "
        "nobody who could answer was on shift. For those who see the "
        "dashboard (managers); others get 403. A bad date, a period that ends "
        "before it starts or an unknown channel is refused with 400, naming "
        "the parameter.",
        examples=[
            OpenApiExample(
                "November on the Facebook page",
                value={
                    "from": "2026-11-01",
                    "to": "2026-11-30",
                    "channel": "facebook-main",
                    **FIGURES,
                    "by_period": {
                        "weekday": FIGURES,
                        "weekend": FIGURES,
                        "holiday": FIGURES,
                    },
                    "approval_wait_minutes": {"p50": 18.0, "p90": 75.0},
                    "by_responder": [
                        {"responder": "alice", "name": "Alice Tremblay", **FIGURES}
                    ],
                    "by_rule": [
                        {
                            "rule": "defamation",
                            "name": "Calomnie ou diffamation",
                            **FIGURES,
                        }
                    ],
                    "by_week": [{"week": "2026-11-02", **FIGURES}],
                    "uncovered_hours": 6.5,
                    "longest_uncovered_hours": 4.0,
                },
                response_only=True,
            ),
            OpenApiExample(
                "A period that ends before it starts",
                value={"non_field_errors": ["The period ends before it starts."]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def get(self, request):
        form = ReportForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(form.errors_by_parameter())
        start, end = form.period()
        return Response(
            reports.sla_report(
                start=start,
                end=end,
                channel=form.cleaned_data["channel"],
                channels=form.cleaned_data["channels"],
            )
        )
