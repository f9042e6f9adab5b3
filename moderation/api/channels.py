"""REST API of channels, and the signed webhook their connectors post to."""

from django.core.validators import URLValidator
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import outbound
from core.api import StrictQueryParametersMixin, capability_permission
from core.languages import CODES
from core.roles import Capability
from moderation import registry, webhooks
from moderation.api.ingest import (
    EXAMPLE_INGESTED,
    EXAMPLE_ITEM,
    IngestResultSerializer,
    IngestSerializer,
)
from moderation.health import State, channels_health
from moderation.models import Channel, Comment
from moderation.services.ingest import webhook_accept, webhook_verify
from staffing.models import BusinessCalendar


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
        summary="Receive a comment on a channel's signed webhook",
        description="The platform's connector posts one comment here, signed "
        "with the channel's webhook secret: `X-Governance-Timestamp` holds the "
        "Unix time it was sent and `X-Governance-Signature` holds "
        "`sha256=<hex>`, the HMAC-SHA256 of `<timestamp>.` followed by the raw "
        "body. No sign-in: the signature is the authentication, rate-limited "
        "per address (429). A missing or bad signature, a timestamp more than "
        "five minutes away or a replayed request is refused with 401; an "
        "unknown or inactive channel is not found (404); a bad field is "
        "refused with 400. 201 when stored, 200 when the channel already has "
        "that `external_id`. Excerpts are masked: the sender is not a person.",
        examples=[
            OpenApiExample(
                "A comment read on the page",
                value={
                    name: value
                    for name, value in EXAMPLE_ITEM.items()
                    if name != "channel"
                },
                request_only=True,
            ),
            OpenApiExample(
                "Stored (201), or already there (200)",
                value=EXAMPLE_INGESTED,
                response_only=True,
                status_codes=["201", "200"],
            ),
            OpenApiExample(
                "Signed too long ago",
                value={"detail": "timestamp outside the five-minute window"},
                response_only=True,
                status_codes=["401"],
            ),
        ],
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


class RateLimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(allow_null=True)
    remaining = serializers.IntegerField(allow_null=True)
    reset_at = serializers.DateTimeField(allow_null=True)


class ChannelHealthSerializer(serializers.Serializer):
    """The schema of a channel's read-only ``health`` (``moderation.health``)."""

    state = serializers.ChoiceField(choices=list(State.LABELS))
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    last_error_at = serializers.DateTimeField(allow_null=True)
    lag_seconds = serializers.IntegerField(allow_null=True)
    next_poll_at = serializers.DateTimeField(allow_null=True)
    items_last_hour = serializers.IntegerField()
    rate_limit = RateLimitSerializer(allow_null=True)


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
    health = serializers.SerializerMethodField()
    # Write-only: stored encrypted, never returned; credentials_set_at says
    # whether and when they were set.
    credentials = serializers.DictField(
        write_only=True,
        required=False,
        allow_empty=False,
        style={"input_type": "password"},
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
            "poll_interval",
            "credentials",
            "credentials_set_at",
            "health",
        ]
        read_only_fields = ["credentials_set_at"]

    @extend_schema_field(ChannelHealthSerializer)
    def get_health(self, channel):
        """Return the channel's health, computed for the whole page at once
        by the view (``context["health"]``), else for this channel alone."""
        known = self.context.get("health", {}).get(channel.pk)
        if known is None:
            fresh = Channel.objects.filter(pk=channel.pk)
            (known,) = channels_health(fresh, now=timezone.now())
        return known.as_json()

    def validate(self, attrs):
        connector = attrs.get("connector", getattr(self.instance, "connector", None))
        url = attrs.get("publish_url", getattr(self.instance, "publish_url", ""))
        if registry.needs_publish_url(connector) and not url:
            raise ValidationError(
                {"publish_url": [_("The signed webhook connector needs a URL.")]}
            )
        if attrs.get("credentials") is not None:
            attrs["credentials"] = self._checked_credentials(
                connector, attrs["credentials"]
            )
        return attrs

    @staticmethod
    def _checked_credentials(connector, credentials):
        """Return ``credentials`` as the connector's credentials form cleans
        them (the Connect page's checks: addresses, a token the platform
        takes); a 400 with the form's field messages otherwise."""
        try:
            form_class = registry.get(connector).credentials_form
        except registry.UnknownConnector:
            form_class = None
        if form_class is None:
            return credentials
        form = form_class(data=credentials)
        if not form.is_valid():
            raise ValidationError(
                {
                    "credentials": {
                        field: [str(error) for error in errors]
                        for field, errors in form.errors.items()
                    }
                }
            )
        return dict(form.cleaned_data)

    def create(self, validated_data):
        credentials = validated_data.pop("credentials", None)
        return self._store(super().create(validated_data), credentials)

    def update(self, instance, validated_data):
        credentials = validated_data.pop("credentials", None)
        return self._store(super().update(instance, validated_data), credentials)

    @staticmethod
    def _store(channel, credentials):
        if credentials is not None:
            channel.set_credentials(credentials)
            channel.save(update_fields=["credentials_encrypted", "credentials_set_at"])
        return channel


EXAMPLE_CHANNEL = {
    "slug": "facebook-main",
    "platform": "facebook",
    "handle": "organisation",
    "languages": ["fr", "en"],
    "calendar": "qc-business",
    "connector": "facebook",
    "publish_url": "",
    "active": True,
    "poll_interval": None,
    "credentials_set_at": "2026-10-14T13:05:22Z",
    "health": {
        "state": "ok",
        "last_success_at": "2026-11-28T02:14:30Z",
        "last_error": "",
        "last_error_at": None,
        "lag_seconds": 12,
        "next_poll_at": "2026-11-28T02:15:00Z",
        "items_last_hour": 14,
        "rate_limit": {
            "limit": 200,
            "remaining": 188,
            "reset_at": "2026-11-28T03:00:00Z",
        },
    },
}
EXAMPLE_NEW_CHANNEL = {
    "slug": "mastodon-main",
    "platform": "mastodon",
    "handle": "organisation@mastodon.quebec",
    "languages": ["fr"],
    "calendar": "24-7",
    "connector": "mastodon",
    "active": True,
    "poll_interval": 60,
}
CHANNEL_ERRORS = OpenApiExample(
    "A webhook channel without its URL",
    value={"publish_url": ["The signed webhook connector needs a URL."]},
    response_only=True,
    status_codes=["400"],
)


@extend_schema_view(
    list=extend_schema(
        summary="Channels",
        description="The organisation's accounts on each platform: their "
        "connector, calendar, languages and health (last successful poll, "
        "errors, lag, rate limit). Credentials are never returned, only when "
        "they were set. Anyone signed in may read them.",
        examples=[
            OpenApiExample(
                "The Facebook page",
                value=EXAMPLE_CHANNEL,
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One channel",
        description="A channel by its slug, with its health. Anyone signed in "
        "may read it; an unknown slug is not found (404).",
        examples=[
            OpenApiExample(
                "The Facebook page", value=EXAMPLE_CHANNEL, response_only=True
            )
        ],
    ),
    create=extend_schema(
        summary="Add a channel",
        description="Add an account to moderate. For those who edit the "
        "policies (managers); others get 403. `credentials` are checked as the "
        "Connect page checks them, stored encrypted and never returned. A slug "
        "already taken, an unknown calendar, language or connector, a webhook "
        "connector without `publish_url`, or a private address, is refused "
        "with 400 by field.",
        examples=[
            OpenApiExample(
                "A Mastodon account",
                value={
                    **EXAMPLE_NEW_CHANNEL,
                    "credentials": {
                        "instance_url": "https://mastodon.quebec",
                        "access_token": "kD2x…",
                    },
                },
                request_only=True,
            ),
            OpenApiExample(
                "Added",
                value={
                    **EXAMPLE_NEW_CHANNEL,
                    "publish_url": "",
                    "credentials_set_at": "2026-11-28T15:02:44Z",
                    "health": {
                        **EXAMPLE_CHANNEL["health"],
                        "state": "waiting",
                        "last_success_at": None,
                        "lag_seconds": None,
                        "next_poll_at": "2026-11-28T15:03:44Z",
                        "items_last_hour": 0,
                        "rate_limit": None,
                    },
                },
                response_only=True,
                status_codes=["201"],
            ),
            CHANNEL_ERRORS,
        ],
    ),
    partial_update=extend_schema(
        summary="Change a channel",
        description="Change some of a channel's settings: pause it (`active`), "
        "change its calendar, languages or poll interval, or replace its "
        "credentials. Managers only (403 otherwise); an unknown slug is not "
        "found (404); a bad field is refused with 400 by field.",
        examples=[
            OpenApiExample(
                "Nights and weekends on the 24/7 calendar",
                value={"calendar": "24-7", "poll_interval": 120},
                request_only=True,
            ),
            OpenApiExample(
                "Changed",
                value={**EXAMPLE_CHANNEL, "calendar": "24-7", "poll_interval": 120},
                response_only=True,
            ),
            CHANNEL_ERRORS,
        ],
    ),
)
class ChannelViewSet(StrictQueryParametersMixin, viewsets.ModelViewSet):
    """Channels: listed for any authenticated client, changed by managers."""

    serializer_class = ChannelSerializer
    lookup_field = "slug"
    queryset = Channel.objects.select_related("calendar", "state").order_by("slug")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer(self, *args, **kwargs):
        # The health of the channels read, in two queries for the whole page
        # (a write reads it after saving, in get_health).
        if args and args[0] is not None and "data" not in kwargs:
            shown = args[0] if kwargs.get("many") else [args[0]]
            shown = [channel for channel in shown if channel.pk is not None]
            self._health = {
                h.channel.pk: h for h in channels_health(shown, now=timezone.now())
            }
        return super().get_serializer(*args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["health"] = getattr(self, "_health", {})
        return context

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsAuthenticated()]
        return [capability_permission(Capability.EDIT_POLICIES)()]
