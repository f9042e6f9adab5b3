"""Ingest through the REST API: what an item holds, what it answers, and bulk."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
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
