"""The transparency report through the API: public, as its page is."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
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
