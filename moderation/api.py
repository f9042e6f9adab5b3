"""REST API of the work: ingest comments, read them, claim them."""

import django_filters
from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import outbound
from core.api import (
    DateTimeField,
    StrictQueryParametersMixin,
    capability_permission,
)
from core.languages import CODES
from core.roles import Capability
from moderation import masking, selectors, webhooks
from moderation.forms import MAX_ANSWER, MAX_REASON, ReportForm
from moderation.models import Answer, Channel, Comment, RuleMatch
from moderation.services.answers import answer_approve, answer_reject, answer_submit
from moderation.services.escalation import (
    comment_escalate,
    comment_send_back,
    comment_take,
)
from moderation.services.ingest import (
    comment_ingest,
    comments_ingest,
    webhook_accept,
    webhook_verify,
)
from moderation.services.transitions import WORKERS
from moderation.services.triage import (
    comment_claim,
    comment_close,
    comment_hide,
    comment_reassign,
    comment_release,
)
from moderation.sla import reports
from policies.models import Category
from staffing.models import BusinessCalendar

MAX_TEXT = 20_000
# Ids in addresses: digits, no longer than a 64-bit integer; anything else is
# not found (404) rather than a failed lookup.
ID_PATTERN = r"[0-9]{1,18}"


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request else None


class RuleMatchSerializer(serializers.ModelSerializer):
    excerpt = serializers.SerializerMethodField(
        help_text="Personal data is masked for those who need not see it."
    )

    class Meta:
        model = RuleMatch
        fields = ["rule", "category", "severity", "pattern", "start", "end", "excerpt"]

    def get_excerpt(self, match) -> str:
        # ``match.comment`` is the prefetching comment: no query per match.
        return masking.visible_excerpt(match, match.comment, _user(self))


class IngestSerializer(serializers.Serializer):
    channel = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Channel.objects.filter(active=True).select_related(
            "calendar", "sla_policy__calendar"
        ),
    )
    external_id = serializers.CharField(max_length=200)
    author = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False)
    posted_at = DateTimeField()
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=CODES, required=False)
    parent = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CommentSerializer(serializers.ModelSerializer):
    channel = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    text = serializers.SerializerMethodField(
        help_text="Personal data is masked for those who need not see it."
    )
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    escalated_to = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        help_text="Who the last escalation went to (read it while escalated).",
    )
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
            "escalated_to",
            "escalation_due_at",
            "matches",
        ]

    def get_text(self, comment) -> str:
        return masking.visible_text(comment, _user(self))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_REASON
    )


class ReassignSerializer(serializers.Serializer):
    to = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        help_text="The username of who takes the comment.",
    )


class AnswerInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_ANSWER)


class AnswerSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approver = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Answer
        fields = [
            "id",
            "comment",
            "author",
            "body",
            "status",
            "needs_approval_because",
            "created_at",
            "approver",
            "decided_at",
            "published_at",
        ]


def _reason(request):
    incoming = ReasonSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    return incoming.validated_data.get("reason", "")


class IngestResultSerializer(serializers.ModelSerializer):
    matches = RuleMatchSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "status", "priority", "matches", "first_response_due_at"]


class CommentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Comment.Status.choices)
    channel = django_filters.CharFilter(field_name="channel__slug")
    category = django_filters.ChoiceFilter(
        choices=Category.choices, method="by_category"
    )
    assignee = django_filters.CharFilter(field_name="assignee__username")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("first_response_due_at", "due"),
            ("priority", "priority"),
            ("posted_at", "posted_at"),
            ("received_at", "received_at"),
        )
    )

    class Meta:
        model = Comment
        fields = ["status", "channel", "category", "assignee"]

    def by_category(self, queryset, name, value):
        # A JSON list of slugs: its text holds the quoted slug.
        return queryset.filter(categories__icontains=f'"{value}"')


class CommentViewSet(
    StrictQueryParametersMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Incoming comments: ingest (API clients) and read (responders)."""

    lookup_value_regex = ID_PATTERN
    serializer_class = CommentSerializer
    filterset_class = CommentFilter

    @property
    def throttle_scope(self):
        return "ingest" if self.action == "create" else None

    def get_permissions(self):
        if self.action == "create":
            return [capability_permission(Capability.INGEST)()]
        if self.action in ("claim", "escalate"):
            return [capability_permission(Capability.TRIAGE)()]
        # Counsel reads and works on what is escalated to them.
        return [capability_permission(*WORKERS)()]

    def get_queryset(self):
        return (
            selectors.comments_visible_to(self.request.user)
            .select_related("channel", "assignee", "escalated_to")
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
        comment, created = comment_ingest(actor=request.user, **data)
        body = IngestResultSerializer(
            Comment.objects.select_related("channel")
            .prefetch_related("matches")
            .get(pk=comment.pk),
            context={"request": request},
        ).data
        return Response(
            body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _act(self, request, pk, service, **arguments):
        comment = get_object_or_404(self.get_queryset(), pk=pk)
        result = service(comment=comment, actor=request.user, **arguments)
        if isinstance(result, Answer):
            return Response(
                AnswerSerializer(result).data, status=status.HTTP_201_CREATED
            )
        # Read back whatever the actor may see now: counsel who settle or send
        # back an escalation no longer see the comment, but are told how it
        # ended (personal data masked, as it is no longer theirs).
        after = (
            Comment.objects.select_related("channel", "assignee", "escalated_to")
            .prefetch_related("matches")
            .get(pk=comment.pk)
        )
        return Response(CommentSerializer(after, context={"request": request}).data)

    @extend_schema(
        request=None, responses={200: CommentSerializer, 409: OpenApiTypes.OBJECT}
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Take the comment; 409 when someone else already has it."""
        return self._act(request, pk, comment_claim)

    @extend_schema(request=ReasonSerializer, responses={200: CommentSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """Escalate to managers or counsel (a reason is required)."""
        return self._act(request, pk, comment_escalate, reason=_reason(request))

    @extend_schema(request=ReasonSerializer, responses={200: CommentSerializer})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide the comment."""
        return self._act(request, pk, comment_hide, reason=_reason(request))

    @extend_schema(request=ReasonSerializer, responses={200: CommentSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the comment: no action needed."""
        return self._act(request, pk, comment_close, reason=_reason(request))

    @extend_schema(
        request=None, responses={200: CommentSerializer, 409: OpenApiTypes.OBJECT}
    )
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """Take an escalated comment (the person it is escalated to, managers)."""
        return self._act(request, pk, comment_take)

    @extend_schema(request=ReasonSerializer, responses={200: CommentSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Send an escalated comment back to the queue (a reason is required)."""
        return self._act(request, pk, comment_send_back, reason=_reason(request))

    @extend_schema(request=ReassignSerializer, responses={200: CommentSerializer})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """Give the comment to another responder, or an escalated one to another
        manager or counsel (managers)."""
        if not request.user.can(Capability.PLAN_COVERAGE):
            raise PermissionDenied
        incoming = ReassignSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._act(
            request, pk, comment_reassign, to=incoming.validated_data["to"]
        )

    @extend_schema(request=None, responses={200: CommentSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Give the comment back to the queue."""
        return self._act(request, pk, comment_release)

    @extend_schema(request=AnswerInSerializer, responses={201: AnswerSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Answer the comment: published, or pending approval."""
        incoming = AnswerInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._act(
            request, pk, answer_submit, body=incoming.validated_data["body"]
        )


MAX_BULK = 500
# The largest bulk body: 500 comments of 20,000 characters, each written as a
# six-byte \u escape (what json.dumps writes by default), plus their other
# fields; other endpoints keep Django's 2.5 MB.
BULK_MAX_BYTES = MAX_BULK * (MAX_TEXT * 6 + 4096)


class BulkItemSerializer(IngestSerializer):
    """An item of a bulk request; channels come from the batch's one lookup."""

    channel = serializers.CharField(max_length=50)

    def validate_channel(self, slug):
        try:
            return self.context["channels"][slug]
        except KeyError:
            raise ValidationError(
                _("Object with slug=%(slug)s does not exist.") % {"slug": slug}
            ) from None


class BulkItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's place in the request.")
    result = serializers.ChoiceField(choices=["created", "existing", "invalid"])
    id = serializers.IntegerField(required=False, help_text="Not for invalid items.")
    status = serializers.ChoiceField(choices=Comment.Status.choices, required=False)
    priority = serializers.IntegerField(required=False)
    errors = serializers.DictField(
        required=False, help_text="Invalid items only: messages by field."
    )


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    invalid = serializers.IntegerField()
    results = BulkItemResultSerializer(many=True)


class BulkIngestView(APIView):
    """Ingest up to 500 comments; each item gets its own result or errors.

    The answer is 200 however many items are invalid: the valid ones are
    stored, and the invalid ones say why, by field, at their index.
    """

    permission_classes = [capability_permission(Capability.INGEST)]
    max_body_bytes = BULK_MAX_BYTES
    throttle_scope = "ingest"

    @extend_schema(
        request=IngestSerializer(many=True),
        responses={
            200: BulkResultSerializer,
            400: OpenApiTypes.OBJECT,
            409: OpenApiTypes.OBJECT,
            413: OpenApiTypes.OBJECT,
        },
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
        # One serializer and one channel lookup serve the whole batch.
        slugs = {
            item["channel"]
            for item in items
            if isinstance(item, dict) and isinstance(item.get("channel"), str)
        }
        channels = Channel.objects.filter(active=True, slug__in=slugs).select_related(
            "calendar", "sla_policy__calendar"
        )
        by_slug = {channel.slug: channel for channel in channels}
        validator = BulkItemSerializer(context={"channels": by_slug})
        results, valid = [], []
        for index, item in enumerate(items):
            try:
                valid.append((index, validator.run_validation(item)))
                results.append(None)
            except ValidationError as exc:
                # Errors by field; an item that is not an object (null) has
                # them for the whole item.
                errors = exc.detail
                if not isinstance(errors, dict):
                    errors = {"non_field_errors": errors}
                results.append({"index": index, "result": "invalid", "errors": errors})
        stored = comments_ingest(
            items=[data for _index, data in valid], actor=request.user
        )
        for (index, _data), (comment, created) in zip(valid, stored, strict=True):
            results[index] = {
                "index": index,
                "result": "created" if created else "existing",
                "id": comment.pk,
                "status": comment.status,
                "priority": comment.priority,
            }
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
    throttle_scope = "ingest"

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
            digest = webhook_verify(
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
            comment, created = webhook_accept(
                channel=channel, digest=digest, item=incoming.validated_data
            )
        except webhooks.BadSignature as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_401_UNAUTHORIZED)
        # No user: the platform gets the excerpts masked.
        body = IngestResultSerializer(
            Comment.objects.select_related("channel")
            .prefetch_related("matches")
            .get(pk=comment.pk)
        ).data
        return Response(
            body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ChannelSerializer(serializers.ModelSerializer):
    calendar = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessCalendar.objects.all()
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=CODES), required=False
    )
    publish_url = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"]), outbound.validate_url],
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
            "publish_url",
            "active",
        ]

    def validate(self, attrs):
        connector = attrs.get("connector", getattr(self.instance, "connector", None))
        url = attrs.get("publish_url", getattr(self.instance, "publish_url", ""))
        if connector == Channel.Connector.WEBHOOK and not url:
            raise ValidationError(
                {"publish_url": [_("The signed webhook connector needs a URL.")]}
            )
        return attrs


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
        return self._decide(request, pk, answer_reject, reason=_reason(request))


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
