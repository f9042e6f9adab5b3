"""REST API of the work: ingest comments, read them, claim them."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api import StrictQueryParametersMixin, capability_permission
from moderation import services
from moderation.models import Channel, Comment, RuleMatch
from policies.classify import NoPublishedVersion
from staffing.roles import Capability

MAX_TEXT = 20_000


class MatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleMatch
        fields = ["rule", "category", "severity", "pattern", "start", "end", "excerpt"]


class IngestSerializer(serializers.Serializer):
    channel = serializers.SlugRelatedField(
        slug_field="slug", queryset=Channel.objects.filter(active=True)
    )
    external_id = serializers.CharField(max_length=200)
    author = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False)
    posted_at = serializers.DateTimeField()
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=["fr", "en"], required=False)
    parent = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CommentSerializer(serializers.ModelSerializer):
    channel = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    matches = MatchSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "channel",
            "external_id",
            "author",
            "text",
            "language",
            "url",
            "posted_at",
            "received_at",
            "status",
            "severity",
            "priority",
            "categories",
            "policy_version",
            "assignee",
            "first_response_due_at",
            "matches",
        ]


class IngestResultSerializer(serializers.ModelSerializer):
    matches = MatchSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "status", "priority", "matches", "first_response_due_at"]


class CommentViewSet(
    StrictQueryParametersMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Incoming comments: ingest (API clients) and read (responders)."""

    serializer_class = CommentSerializer

    def get_permissions(self):
        if self.action == "create":
            return [capability_permission(Capability.INGEST)()]
        return [capability_permission(Capability.TRIAGE)()]

    def get_queryset(self):
        return (
            Comment.objects.select_related("channel", "assignee")
            .prefetch_related("matches")
            .order_by("first_response_due_at", "-priority", "pk")
        )

    @extend_schema(
        request=IngestSerializer,
        responses={200: IngestResultSerializer, 201: IngestResultSerializer},
    )
    def create(self, request):
        incoming = IngestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        try:
            comment, created = services.comment_ingest(actor=request.user, **data)
        except NoPublishedVersion:
            return Response(
                {"detail": "No policy version is published yet."},
                status=status.HTTP_409_CONFLICT,
            )
        body = IngestResultSerializer(
            Comment.objects.prefetch_related("matches").get(pk=comment.pk)
        ).data
        return Response(
            body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        request=None, responses={200: CommentSerializer, 409: OpenApiTypes.OBJECT}
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Take the comment; 409 when someone else already has it."""
        comment = get_object_or_404(Comment, pk=pk)
        try:
            comment = services.comment_claim(comment=comment, actor=request.user)
        except services.Conflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(CommentSerializer(self.get_queryset().get(pk=comment.pk)).data)
