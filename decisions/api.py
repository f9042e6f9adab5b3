"""The transparency report through the API: public, as its page is."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StrictQueryParametersMixin
from decisions import selectors


class QuarterSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=selectors.MIN_YEAR, max_value=selectors.MAX_YEAR
    )
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)


class TransparencyView(StrictQueryParametersMixin, APIView):
    """The figures of one quarter (the current one by default)."""

    extra_query_parameters = {"year", "quarter"}
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("quarter", int),
        ],
        responses={200: dict},
        summary="Transparency report of a quarter",
        description="The public figures of one quarter (the current one "
        "unless `year` and `quarter` say otherwise): comments received, those "
        "flagged per rule, moderation decisions by type, median times to a "
        "decision and to a first answer, notices and appeals. Anyone may call "
        "it, signed in or not, as anyone may read the page. A year or quarter "
        "out of range, or an unknown parameter, is refused with 400.",
        examples=[
            OpenApiExample(
                "Fourth quarter of 2026",
                value={
                    "year": 2026,
                    "quarter": 4,
                    "start": "2026-10-01",
                    "end": "2026-12-31",
                    "comments_received": 1842,
                    "flagged_by_rule": [
                        {"rule": "offensive-content", "comments": 57},
                        {"rule": "defamation", "comments": 9},
                    ],
                    "decisions": {
                        "total": 71,
                        "automated": 0,
                        "detected": 44,
                        "reversed": 2,
                        "by_type": {"deleted": 19, "hidden": 52},
                    },
                    "median_minutes_to_decision": 38.0,
                    "median_minutes_to_first_response": 95.5,
                    "notices": {"total": 4, "acted": 2, "rejected": 1, "pending": 1},
                    "appeals": {
                        "total": 6,
                        "human_reviews": 5,
                        "upheld": 3,
                        "reversed": 2,
                        "pending": 1,
                    },
                },
                response_only=True,
            ),
            OpenApiExample(
                "A quarter that does not exist",
                value={"quarter": ["Ensure this value is less than or equal to 4."]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def get(self, request):
        params = QuarterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        year, quarter = selectors.current_quarter(timezone.now())
        return Response(
            selectors.transparency_report(
                year=params.validated_data.get("year", year),
                quarter=params.validated_data.get("quarter", quarter),
            )
        )
