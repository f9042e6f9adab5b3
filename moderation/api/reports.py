"""REST API of the SLA report."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StrictQueryParametersMixin, capability_permission
from core.roles import Capability
from moderation.forms import ReportForm
from moderation.sla import reports


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
