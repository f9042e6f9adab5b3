"""How the REST API shows comments, their rule matches and answers."""

from rest_framework import serializers

from moderation import masking, reasons
from moderation.forms import MAX_REASON
from moderation.models import Answer, Comment, Event, RuleMatch

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
            # The SLA state, as the inbox and the comment page show it.
            "warn_at",
            "warned_at",
            "breached_at",
            "first_responded_at",
            "response_minutes",
            "sla_met",
            "sent_back_at",
            "parent_external_id",
            "matches",
        ]

    def get_text(self, comment) -> str:
        return masking.visible_text(comment, _user(self))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_REASON
    )


class AnswerSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approver = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approval_reason = serializers.SerializerMethodField(
        help_text="Why the answer needs approval, as a sentence in the "
        "request's language (rules named by slug); needs_approval_because "
        "keeps the stable codes."
    )

    def get_approval_reason(self, answer) -> str:
        return reasons.sentence(answer.needs_approval_because)

    class Meta:
        model = Answer
        fields = [
            "id",
            "comment",
            "author",
            "body",
            "status",
            "needs_approval_because",
            "approval_reason",
            "sent_back_reason",
            "created_at",
            "approver",
            "decided_at",
            "published_at",
        ]


def posted_reason(request):
    """Return the reason posted with ``request`` ("" when none), or raise 400."""
    incoming = ReasonSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    return incoming.validated_data.get("reason", "")


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    action_label = serializers.CharField(read_only=True)
    reason_text = serializers.SerializerMethodField(
        help_text="The reason as people read it (an approval's codes in words)."
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "action_label",
            "before",
            "after",
            "reason",
            "reason_text",
        ]

    def get_reason_text(self, event) -> str:
        return reasons.event_reason(
            event.action,
            event.reason,
            action_label=lambda action: Event(action=action).action_label,
        )
