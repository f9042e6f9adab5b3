"""Ingest through the REST API: what an item holds, what it answers, and bulk."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import DateTimeField, capability_permission
from core.languages import CODES
from core.roles import Capability
from moderation.api.serializers import RuleMatchSerializer
from moderation.models import Channel, Comment
from moderation.services.ingest import comments_ingest

MAX_TEXT = 20_000


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


class IngestResultSerializer(serializers.ModelSerializer):
    matches = RuleMatchSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "status", "priority", "matches", "first_response_due_at"]


EXAMPLE_MATCHES = [
    {
        "rule": "defamation",
        "category": "defamation",
        "severity": "high",
        "pattern": "fraudeur",
        "start": 23,
        "end": 31,
        "excerpt": "fraudeur",
    },
    {
        "rule": "offensive-content",
        "category": "offensive",
        "severity": "medium",
        "pattern": "crétin",
        "start": 38,
        "end": 44,
        "excerpt": "crétin",
    },
]
EXAMPLE_ITEM = {
    "channel": "facebook-main",
    "external_id": "1234567890_9876543210",
    "author": "Marc Gagnon",
    "text": "Votre directeur est un fraudeur, quel crétin !",
    "posted_at": "2026-11-28T01:47:00Z",
    "url": "https://www.facebook.com/organisation/posts/1234567890"
    "?comment_id=9876543210",
    "language": "fr",
}
EXAMPLE_INGESTED = {
    "id": 4821,
    "status": "new",
    "priority": 332,
    "matches": EXAMPLE_MATCHES,
    "first_response_due_at": "2026-11-28T05:47:00Z",
}
INGEST_EXAMPLES = [
    OpenApiExample(
        "A comment on the Facebook page", value=EXAMPLE_ITEM, request_only=True
    ),
    OpenApiExample(
        "Stored (201), or already there (200)",
        value=EXAMPLE_INGESTED,
        response_only=True,
        status_codes=["201", "200"],
    ),
    OpenApiExample(
        "An unknown channel",
        value={"channel": ["Object with slug=instagram-main does not exist."]},
        response_only=True,
        status_codes=["400"],
    ),
]

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
        summary="Ingest up to 500 comments at once",
        description="Store a JSON array of 1 to 500 comments, each as `POST "
        "/api/v1/comments/` takes one. For API clients with the ingest "
        "permission (403 otherwise), rate-limited per token and per address "
        "(429). The answer is 200 however many items are invalid: the valid "
        "ones are stored (or found, by channel and `external_id`) and each "
        "invalid one says why, by field, at its `index`. A body that is not "
        "an array, empty or longer than 500 is refused with 400; one too large "
        "with 413.",
        examples=[
            OpenApiExample(
                "A new comment and one with a bad date",
                value=[
                    {
                        **EXAMPLE_ITEM,
                        "external_id": "1234567890_9876543211",
                        "author": "Sarah Miller",
                        "text": "Thanks! Is the Saint-Roch branch open on Saturday?",
                        "language": "en",
                    },
                    {**EXAMPLE_ITEM, "posted_at": "hier soir"},
                ],
                request_only=True,
            ),
            OpenApiExample(
                "One stored, one invalid",
                value={
                    "created": 1,
                    "existing": 0,
                    "invalid": 1,
                    "results": [
                        {
                            "index": 0,
                            "result": "created",
                            "id": 4822,
                            "status": "new",
                            "priority": 0,
                        },
                        {
                            "index": 1,
                            "result": "invalid",
                            "errors": {
                                "posted_at": [
                                    "Datetime has wrong format. Use one of these "
                                    "formats instead: "
                                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                                ]
                            },
                        },
                    ],
                },
                response_only=True,
            ),
            OpenApiExample(
                "Not an array",
                value={"non_field_errors": ["Send a JSON array of comments."]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
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
