"""REST API of accreditation status: who may answer at once, until when."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import capability_permission
from core.roles import Capability
from training import selectors


class AccreditationStatusSerializer(serializers.Serializer):
    program = serializers.SlugField()
    accredited = serializers.BooleanField()
    level = serializers.IntegerField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    retry_at = serializers.DateTimeField(allow_null=True)


class AccreditationStatusView(APIView):
    """Your accreditation per program; managers ask for anyone's with ``responder``."""

    permission_classes = [capability_permission(Capability.READ_API)]

    @extend_schema(
        summary="Accreditation status per training program",
        description="For each training program: whether the person is "
        "accredited, at which level, until when, and when a failed quiz may be "
        "retried. Anyone with API access reads their own status; managers read "
        "a colleague's with `responder=<username>`. Asking for someone else "
        "without being a manager, or for an unknown name, is not found (404).",
        parameters=[OpenApiParameter("responder", str, required=False)],
        responses=AccreditationStatusSerializer(many=True),
        examples=[
            OpenApiExample(
                "Accredited for one program, retrying another",
                value=[
                    {
                        "program": "reponse-publique",
                        "accredited": True,
                        "level": 2,
                        "expires_at": "2027-06-01T04:00:00Z",
                        "retry_at": None,
                    },
                    {
                        "program": "donnees-personnelles",
                        "accredited": False,
                        "level": None,
                        "expires_at": None,
                        "retry_at": "2026-12-04T14:30:00Z",
                    },
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request):
        user = request.user
        username = request.query_params.get("responder")
        if username and username != user.get_username():
            # Someone else's status is for managers only; others get a 404.
            if not user.can(Capability.MANAGE_STAFF):
                raise NotFound
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise NotFound
        rows = selectors.accreditation_status(user=user)
        return Response(AccreditationStatusSerializer(rows, many=True).data)
