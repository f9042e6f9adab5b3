"""REST API of answers: read them; approve or reject those pending approval."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
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

EXAMPLE_ANSWER = {
    "id": 311,
    "comment": 4821,
    "author": "bob",
    "body": "Thank you for writing to us. We have forwarded your question about "
    "the Saint-Roch branch's opening hours to the team concerned.",
    "status": "pending_approval",
    "needs_approval_because": "rule:defamation",
    "approval_reason": "Approval is needed because answers to defamation need "
    "approval.",
    "sent_back_reason": "",
    "created_at": "2026-11-28T14:02:11Z",
    "approver": None,
    "decided_at": None,
    "published_at": None,
}
PUBLISHED_ANSWER = {
    **EXAMPLE_ANSWER,
    "status": "published",
    "approver": "carole",
    "decided_at": "2026-11-28T14:20:45Z",
    "published_at": "2026-11-28T14:20:45Z",
}
SENT_BACK_ANSWER = {
    **EXAMPLE_ANSWER,
    "status": "rejected",
    "sent_back_reason": "Ne nommez pas l’employé : répondez au nom de l’équipe.",
    "approver": "carole",
    "decided_at": "2026-11-28T14:20:45Z",
}
NO_LONGER_PENDING = OpenApiExample(
    "Already decided",
    value={"detail": "This answer is no longer waiting for approval."},
    response_only=True,
    status_codes=["409"],
)


@extend_schema_view(
    list=extend_schema(
        summary="Answers you may see",
        description="The answers written to comments you may see, newest first: "
        "those waiting for approval, published and sent back. For responders, "
        "approvers and managers; others get 403.",
        examples=[
            OpenApiExample(
                "One answer waiting for approval",
                value=EXAMPLE_ANSWER,
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One answer",
        description="An answer, its status and, while it waits, why it needs "
        "approval (`approval_reason` in words, `needs_approval_because` as "
        "stable codes). An answer to a comment you may not see is not found "
        "(404).",
        examples=[
            OpenApiExample(
                "Waiting for approval", value=EXAMPLE_ANSWER, response_only=True
            )
        ],
    ),
)
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

    @extend_schema(
        request=None,
        responses={200: AnswerSerializer},
        summary="Approve an answer",
        description="Publish an answer waiting for approval: it is sent to the "
        "platform and the comment is answered. For approvers, on comments "
        "within their scope. Its author may not approve it (403); an answer "
        "already approved or sent back is a conflict (409); one you may not "
        "see is not found (404).",
        examples=[
            OpenApiExample("Published", value=PUBLISHED_ANSWER, response_only=True),
            OpenApiExample(
                "Its own author",
                value={
                    "detail": "An answer is approved by someone other than its author."
                },
                response_only=True,
                status_codes=["403"],
            ),
            NO_LONGER_PENDING,
        ],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Publish the answer (not by its author)."""
        return self._decide(request, pk, answer_approve)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: AnswerSerializer},
        summary="Send an answer back to its author",
        description="Refuse an answer waiting for approval and tell its author "
        "what to change; the comment goes back to them. For approvers, on "
        "comments within their scope. Without a reason it is refused with 400; "
        "an answer already decided is a conflict (409); one you may not see is "
        "not found (404).",
        examples=[
            OpenApiExample(
                "What to change",
                value={
                    "reason": "Ne nommez pas l’employé : répondez au nom de l’équipe."
                },
                request_only=True,
            ),
            OpenApiExample("Sent back", value=SENT_BACK_ANSWER, response_only=True),
            OpenApiExample(
                "No reason",
                value={"reason": ["Say what to change."]},
                response_only=True,
                status_codes=["400"],
            ),
            NO_LONGER_PENDING,
        ],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Send the answer back to its author with a reason."""
        return self._decide(request, pk, answer_reject, reason=posted_reason(request))
