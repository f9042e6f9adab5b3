"""REST API of a comment's internal notes: read them, write one."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from core.api import capability_permission
from moderation import selectors
from moderation.models import Note
from moderation.models.collab import NOTE_LENGTH
from moderation.services.collab import note_add, notes_of
from moderation.services.transitions import WORKERS


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    mentioned = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        read_only=True,
        help_text="The people the note mentions (told in the app and by e-mail).",
    )
    body = serializers.CharField(
        max_length=NOTE_LENGTH,
        help_text="The note; `@username` tells a colleague who may see the comment.",
    )

    class Meta:
        model = Note
        fields = ["id", "comment", "author", "body", "mentioned", "created_at"]
        read_only_fields = ["id", "comment", "author", "mentioned", "created_at"]


EXAMPLE_NOTE = {
    "id": 12,
    "comment": 4821,
    "author": "alice",
    "body": "@carole the author wrote to us last week too: answer in private?",
    "mentioned": ["carole"],
    "created_at": "2026-11-28T02:14:09Z",
}


class NoteListCreateView(generics.ListCreateAPIView):
    """A comment's internal notes, for those who may see the comment."""

    serializer_class = NoteSerializer
    permission_classes = [capability_permission(*WORKERS)]

    def comment(self):
        return get_object_or_404(
            selectors.comments_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator
            return Note.objects.none()
        return (
            notes_of(self.comment())
            .prefetch_related("mentioned")
            .order_by("created_at", "pk")
        )

    @extend_schema(
        summary="A comment's internal notes",
        description="The notes on the comment, oldest first. Notes are for "
        "colleagues: they are never sent to the platform or shown to the "
        "comment's author. A comment you may not see is not found (404).",
        examples=[
            OpenApiExample(
                "One note",
                value=EXAMPLE_NOTE,
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Write an internal note",
        description="Add a note to the comment. Each `@username` it names is "
        "told: an unread mention (the navigation's *Mentions (1)*) and an "
        "e-mail in their language. A name that is unknown, or of someone who "
        "may not see the comment, is refused with 400 and nothing is written.",
        examples=[
            OpenApiExample(
                "A note for an approver",
                value={"body": "@carole the author wrote to us last week too."},
                request_only=True,
            ),
            OpenApiExample("The note written", value=EXAMPLE_NOTE, response_only=True),
            OpenApiExample(
                "Someone who may not see the comment",
                value={"body": ["Nobody of that name may see this comment: @zoe."]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
        responses={201: NoteSerializer},
    )
    def post(self, request, *args, **kwargs):
        incoming = NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        note = note_add(
            comment=self.comment(),
            actor=request.user,
            body=incoming.validated_data["body"],
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
