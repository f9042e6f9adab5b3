"""REST API of answers: read them; approve or reject those pending approval."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import StrictQueryParametersMixin, capability_permission
from core.roles import Capability
from moderation import selectors
from moderation.api.serializers import (
    ID_PATTERN,
    AnswerSerializer,
    ReasonSerializer,
    posted_reason,
)
from moderation.services.answers import answer_approve, answer_reject


class AnswerViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    """Answers; approvers approve or reject those pending approval."""

    lookup_value_regex = ID_PATTERN

    serializer_class = AnswerSerializer
    permission_classes = [capability_permission(Capability.TRIAGE)]

    def get_queryset(self):
        return (
            selectors.answers_visible_to(self.request.user)
            .select_related("author", "approver")
            .order_by("-created_at")
        )

    def _decide(self, request, pk, service, **arguments):
        answer = get_object_or_404(self.get_queryset(), pk=pk)
        answer = service(answer=answer, actor=request.user, **arguments)
        return Response(AnswerSerializer(answer).data)

    @extend_schema(request=None, responses={200: AnswerSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Publish the answer (not by its author)."""
        return self._decide(request, pk, answer_approve)

    @extend_schema(request=ReasonSerializer, responses={200: AnswerSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Send the answer back to its author with a reason."""
        return self._decide(request, pk, answer_reject, reason=posted_reason(request))
