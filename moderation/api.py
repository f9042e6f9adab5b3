"""REST API of the work: ingest comments, read them, claim them."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api import StrictQueryParametersMixin, capability_permission
from moderation import services, webhooks
from moderation.models import Channel, Comment, RuleMatch
from policies.classify import NoPublishedVersion
from staffing.models import BusinessCalendar
from staffing.roles import Capability

MAX_TEXT = 20_000


class RuleMatchSerializer(serializers.ModelSerializer):
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
    matches = RuleMatchSerializer(many=True, read_only=True)

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
    matches = RuleMatchSerializer(many=True, read_only=True)

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


MAX_BULK = 500


class BulkIngestView(APIView):
    """Ingest up to 500 comments; each item gets its own result or errors."""

    permission_classes = [capability_permission(Capability.INGEST)]

    @extend_schema(
        request=IngestSerializer(many=True), responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ValidationError(
                {"non_field_errors": ["Send a JSON array of comments."]}
            )
        if not 1 <= len(items) <= MAX_BULK:
            raise ValidationError(
                {"non_field_errors": [f"Send between 1 and {MAX_BULK} comments."]}
            )
        results = []
        for index, item in enumerate(items):
            incoming = IngestSerializer(data=item)
            if not incoming.is_valid():
                results.append(
                    {"index": index, "result": "invalid", "errors": incoming.errors}
                )
                continue
            try:
                comment, created = services.comment_ingest(
                    actor=request.user, **incoming.validated_data
                )
            except NoPublishedVersion:
                return Response(
                    {"detail": "No policy version is published yet."},
                    status=status.HTTP_409_CONFLICT,
                )
            results.append(
                {
                    "index": index,
                    "result": "created" if created else "existing",
                    "id": comment.pk,
                    "status": comment.status,
                    "priority": comment.priority,
                }
            )
        counts = {
            name: sum(1 for r in results if r["result"] == name)
            for name in ("created", "existing", "invalid")
        }
        return Response({**counts, "results": results})


class WebhookIngestSerializer(IngestSerializer):
    channel = None


class WebhookView(APIView):
    """A channel's signed webhook: the platform connector posts comments here."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=WebhookIngestSerializer,
        responses={
            200: IngestResultSerializer,
            201: IngestResultSerializer,
            401: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request, slug):
        channel = get_object_or_404(Channel, slug=slug, active=True)
        try:
            services.webhook_accept(
                channel=channel,
                timestamp=request.headers.get(webhooks.TIMESTAMP_HEADER),
                signature=request.headers.get(webhooks.SIGNATURE_HEADER),
                body=request.body,
            )
        except webhooks.BadSignature as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_401_UNAUTHORIZED)
        incoming = WebhookIngestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            comment, created = services.comment_ingest(
                channel=channel, **incoming.validated_data
            )
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


class ChannelSerializer(serializers.ModelSerializer):
    calendar = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessCalendar.objects.all()
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=["fr", "en"]), required=False
    )

    class Meta:
        model = Channel
        fields = [
            "slug",
            "platform",
            "handle",
            "languages",
            "calendar",
            "connector",
            "active",
        ]


class ChannelViewSet(StrictQueryParametersMixin, viewsets.ModelViewSet):
    """Channels: listed for any authenticated client, changed by managers."""

    serializer_class = ChannelSerializer
    lookup_field = "slug"
    queryset = Channel.objects.select_related("calendar").order_by("slug")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsAuthenticated()]
        return [capability_permission(Capability.EDIT_POLICIES)()]
