"""REST API of comments: ingest one, list and read them, act on them."""

import django_filters
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import StrictQueryParametersMixin, capability_permission
from core.roles import Capability
from moderation import masking, registry, search, selectors
from moderation.api.answers import EXAMPLE_ANSWER
from moderation.api.ingest import (
    EXAMPLE_ITEM,
    EXAMPLE_MATCHES,
    INGEST_EXAMPLES,
    IngestResultSerializer,
    IngestSerializer,
)
from moderation.api.serializers import (
    ID_PATTERN,
    AnswerSerializer,
    CommentSerializer,
    EventSerializer,
    ReasonSerializer,
    posted_reason,
)
from moderation.forms import MAX_ANSWER, MAX_REASON
from moderation.models import Answer, Comment
from moderation.services.answers import answer_submit
from moderation.services.authors import author_act
from moderation.services.deletion import comment_delete
from moderation.services.escalation import (
    comment_escalate,
    comment_send_back,
    comment_take,
)
from moderation.services.ingest import comment_ingest
from moderation.services.transitions import WORKERS
from moderation.services.triage import (
    comment_claim,
    comment_close,
    comment_hide,
    comment_reassign,
    comment_release,
    comment_undo,
    comment_unhide,
)
from policies.models import Category


class ReassignSerializer(serializers.Serializer):
    to = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        help_text="The username of who takes the comment.",
    )


class AuthorActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=registry.AuthorAction.choices)
    reason = serializers.CharField(max_length=MAX_REASON)


class AnswerInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_ANSWER)


class PostContextSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField(help_text="Empty when the platform gave none.")
    posted_at = serializers.DateTimeField(allow_null=True)


class ParentContextSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    author = serializers.CharField()
    text = serializers.CharField(
        allow_null=True,
        help_text="Personal data masked for those who need not see it; null "
        "when the parent is not stored here.",
    )
    id = serializers.IntegerField(
        allow_null=True,
        help_text="Its id here when you may open it, else null.",
    )


class ThreadSerializer(serializers.Serializer):
    post = PostContextSerializer(allow_null=True)
    parent = ParentContextSerializer(allow_null=True)


class EarlierCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    posted_at = serializers.DateTimeField()
    status = serializers.CharField()
    removed_on_platform = serializers.BooleanField()
    decision = serializers.CharField(help_text="What was decided, in words.")
    statement = serializers.CharField(
        help_text="The reference of its statement of reasons, or empty."
    )
    answer = serializers.CharField(
        help_text="The first words of its published answer, or empty."
    )
    text = serializers.CharField(
        help_text="Personal data is masked for those who need not see it."
    )


class TieSerializer(serializers.Serializer):
    party = serializers.CharField()
    kind = serializers.CharField()
    platform = serializers.CharField()
    handle = serializers.CharField()
    statement = serializers.CharField()
    public_url = serializers.CharField(
        help_text="The public registry's page when the tie is published, else empty."
    )


class AuthorHistorySerializer(serializers.Serializer):
    comments = EarlierCommentSerializer(many=True)
    more = serializers.CharField(
        help_text='How many more there are ("99+" past 99), empty for none.'
    )
    ties = TieSerializer(many=True)


class CommentContextSerializer(serializers.Serializer):
    thread = ThreadSerializer()
    author_history = AuthorHistorySerializer()


CONTEXT_EXAMPLE = {
    "thread": {
        "post": {
            "external_id": "post-1",
            "text": "Our new opening hours",
            "url": "https://social.example/org/post-1",
            "posted_at": "2026-11-27T19:00:00Z",
        },
        "parent": {
            "external_id": "p-1",
            "author": "someone",
            "text": "Call me on ••••••••••••",
            "id": 41,
        },
    },
    "author_history": {
        "comments": [
            {
                "id": 40,
                "posted_at": "2026-11-20T10:00:00Z",
                "status": "answered",
                "removed_on_platform": False,
                "decision": "Answered",
                "statement": "",
                "answer": "Thank you for writing to us, we have passed on…",
                "text": "Still no answer from you",
            }
        ],
        "more": "",
        "ties": [
            {
                "party": "Dr Tremblay",
                "kind": "Paid expert",
                "platform": "X",
                "handle": "drtremblay",
                "statement": "Paid by the organisation for talks.",
                "public_url": "https://example.org/disclosures/",
            }
        ],
    },
}


def comment_context(comment, *, request):
    """Return the thread around ``comment`` and its author's history, as
    ``request.user`` may see them (the page's panel, as data)."""
    user = request.user
    post = comment.post
    parent = selectors.parent_of(comment, user=user)
    history = selectors.author_history(comment, user=user)
    registry_url = request.build_absolute_uri(reverse("policies:disclosures"))
    return {
        "thread": {
            "post": {
                "external_id": post.external_id,
                "text": post.text,
                "url": post.url,
                "posted_at": post.posted_at,
            }
            if post
            else None,
            "parent": {
                "external_id": comment.parent_external_id,
                "author": parent.author if parent else "",
                "text": masking.visible_text(parent, user) if parent else None,
                "id": parent.pk if parent and parent.visible else None,
            }
            if comment.parent_external_id
            else None,
        },
        "author_history": {
            "comments": [
                {
                    "id": row.comment.pk,
                    "posted_at": row.comment.posted_at,
                    "status": row.comment.status,
                    "removed_on_platform": bool(row.comment.removed_on_platform_at),
                    "decision": row.decision,
                    "statement": row.statement,
                    "answer": row.answer,
                    "text": row.text,
                }
                for row in history.comments
            ],
            "more": history.more,
            "ties": [
                {
                    "party": tie.party,
                    "kind": tie.kind,
                    "platform": tie.platform,
                    "handle": tie.handle,
                    "statement": tie.statement,
                    "public_url": registry_url if tie.public else "",
                }
                for tie in history.ties
            ],
        },
    }


class CommentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Comment.Status.choices)
    channel = django_filters.CharFilter(field_name="channel__slug")
    category = django_filters.ChoiceFilter(
        choices=Category.choices, method="by_category"
    )
    assignee = django_filters.CharFilter(field_name="assignee__username")
    view = django_filters.ChoiceFilter(
        choices=[(name, name) for name in selectors.VIEWS],
        method="by_view",
        help_text="One of the inbox's views: mine, unassigned, sent_back, "
        "escalated (to me), breaching (due within the hour), open.",
    )
    q = django_filters.CharFilter(
        method="by_words",
        max_length=search.MAX_QUERY,
        help_text="Words of the text or of the author's handle or name, "
        "accents and case aside, all of them; searches the open comments "
        "unless `status` says otherwise, most urgent first, at most 1,000.",
    )
    author = django_filters.CharFilter(
        field_name="author",
        max_length=200,
        help_text="The author's handle, exactly as the platform gives it.",
    )
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
        fields = ["status", "channel", "category", "assignee", "view", "author", "q"]

    def by_view(self, queryset, name, value):
        return queryset.filter(status__in=Comment.OPEN_STATUSES).filter(
            selectors.view_filter(value, user=self.request.user, now=timezone.now())
        )

    def by_words(self, queryset, name, value):
        if not search.words_of(value):
            return queryset
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=Comment.OPEN_STATUSES)
        ids = search.matching_ids(queryset, value, limit=search.MAX_MATCHES)
        return queryset.filter(pk__in=ids)

    def by_category(self, queryset, name, value):
        # A JSON list of slugs: its text holds the quoted slug.
        return queryset.filter(categories__icontains=f'"{value}"')


EXAMPLE_COMMENT = {
    "id": 4821,
    **{name: EXAMPLE_ITEM[name] for name in ("channel", "external_id", "author")},
    "text": EXAMPLE_ITEM["text"],
    "language": "fr",
    "url": EXAMPLE_ITEM["url"],
    "posted_at": "2026-11-28T01:47:00Z",
    "received_at": "2026-11-28T01:47:12Z",
    "status": "new",
    "severity": "high",
    "priority": 332,
    "categories": ["defamation", "offensive"],
    "policy_version": 3,
    "assignee": None,
    "first_response_due_at": "2026-11-28T05:47:00Z",
    "escalated_to": None,
    "escalation_due_at": None,
    "warn_at": "2026-11-28T05:17:00Z",
    "warned_at": None,
    "breached_at": None,
    "first_responded_at": None,
    "response_minutes": None,
    "sla_met": None,
    "sent_back_at": None,
    "parent_external_id": "",
    "matches": EXAMPLE_MATCHES,
}
ANSWER_BODY = (
    "Bonjour M. Gagnon, nous ne pouvons laisser en ligne des accusations "
    "visant une personne. Pour toute plainte : plaintes@organisation.qc.ca."
)
PENDING_ANSWER = {
    **EXAMPLE_ANSWER,
    "author": "alice",
    "body": ANSWER_BODY,
    "needs_approval_because": "rule:defamation",
}
CLAIMED = {**EXAMPLE_COMMENT, "status": "assigned", "assignee": "alice"}
ESCALATED = {
    **CLAIMED,
    "status": "escalated",
    "escalated_to": "david",
    "escalation_due_at": "2026-11-28T03:47:00Z",
}


def comment_examples(name, value, *, reason=None, errors=()):
    """The examples of an action on a comment: its request, the comment after
    it and the errors it may answer, each as ``(status, name, body)``."""
    examples = []
    if reason is not None:
        examples.append(
            OpenApiExample("A reason", value={"reason": reason}, request_only=True)
        )
    examples.append(OpenApiExample(name, value=value, response_only=True))
    for code, title, body in errors:
        examples.append(
            OpenApiExample(title, value=body, response_only=True, status_codes=[code])
        )
    return examples


NOT_YOURS = (
    "403",
    "Held by someone else",
    {
        "detail": "Alice Tremblay holds this comment: only they or a manager "
        "may hide it."
    },
)


@extend_schema_view(
    list=extend_schema(
        summary="Comments you may see",
        description="The comments of the channels you serve, most urgent "
        "first (`ordering` changes it), filtered by status, channel, "
        "category, assignee, author, one of the inbox's views or words (`q`). "
        "Text is masked where it holds personal data you need not see. For "
        "responders, approvers, counsel and managers (403 otherwise); an "
        "unknown filter value or parameter is refused with 400.",
        examples=[
            OpenApiExample(
                "One open comment",
                value=EXAMPLE_COMMENT,
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One comment",
        description="A comment, its rule matches and its response-time "
        "state. A comment outside your channels, or that does not exist, is "
        "not found (404).",
        examples=[
            OpenApiExample("A new comment", value=EXAMPLE_COMMENT, response_only=True)
        ],
    ),
)
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
        summary="Ingest a comment",
        description="Store a comment read on a platform: it is checked "
        "against the published rulebook, prioritised and given its "
        "first-response due time. For API clients with the ingest permission "
        "(403 otherwise), rate-limited per token and per address (429). 201 "
        "when stored; 200 with the same comment when the channel already has "
        "that `external_id`. An unknown or inactive channel, or a bad field, "
        "is refused with 400 by field.",
        examples=INGEST_EXAMPLES,
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
        request=None,
        responses={200: CommentSerializer, 409: OpenApiTypes.OBJECT},
        summary="Claim a comment",
        description="Become the comment's assignee, to answer, hide or close it. For "
        "responders and managers on the channels they serve (403 otherwise). A comment"
        " someone else holds, or whose status cannot be claimed, is a conflict (409); "
        "one you may not see is not found (404).",
        examples=comment_examples(
            "Claimed",
            CLAIMED,
            errors=[
                (
                    "409",
                    "Someone else has it",
                    {"detail": "Already taken by Bob Wilson."},
                )
            ],
        ),
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Take the comment; 409 when someone else already has it."""
        return self._act(request, pk, comment_claim)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: CommentSerializer},
        summary="Escalate a comment",
        description="Hand the comment to managers or counsel, saying why: the "
        "escalation has its own due time. For responders and managers on the channels "
        "they serve (403 otherwise, or when another holds it). Without a reason it is "
        "refused with 400; a comment whose status does not allow it is a conflict "
        "(409).",
        examples=comment_examples(
            "Escalated",
            ESCALATED,
            reason="Menace possible envers le directeur : avis juridique requis.",
            errors=[
                ("400", "No reason", {"reason": ["Say why the comment is escalated."]})
            ],
        ),
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """Escalate to managers or counsel (a reason is required)."""
        return self._act(request, pk, comment_escalate, reason=posted_reason(request))

    @extend_schema(
        request=ReasonSerializer,
        responses={200: CommentSerializer},
        summary="Hide a comment",
        description="Hide the comment here and on its platform (through the outbox), "
        "saying why; a statement of reasons is written. For the comment's holder or a "
        "manager (403 otherwise). Without a reason it is refused with 400; a comment "
        "whose status does not allow it is a conflict (409). It can be undone for a "
        "few seconds.",
        examples=comment_examples(
            "Hidden",
            {**CLAIMED, "status": "hidden"},
            reason="Insulte envers un employé (nétiquette, article 2).",
            errors=[
                ("400", "No reason", {"reason": ["Say why the comment is hidden."]}),
                NOT_YOURS,
            ],
        ),
    )
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide the comment."""
        return self._act(request, pk, comment_hide, reason=posted_reason(request))

    @extend_schema(
        request=ReasonSerializer,
        responses={200: CommentSerializer},
        summary="Show a hidden comment again",
        description="Show a hidden comment again, here and on its platform, saying why"
        " (after an appeal, say). Managers only (403 otherwise). Without a reason it "
        "is refused with 400; a comment that is not hidden is a conflict (409).",
        examples=comment_examples(
            "Shown again",
            {**CLAIMED, "status": "assigned"},
            reason="Appeal upheld: criticism of a service, not an insult.",
            errors=[
                (
                    "403",
                    "Not a manager",
                    {"detail": "Only managers show hidden comments."},
                )
            ],
        ),
    )
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        """Show a hidden comment again, here and on the platform (managers)."""
        return self._act(request, pk, comment_unhide, reason=posted_reason(request))

    @extend_schema(
        request=ReasonSerializer,
        responses={200: CommentSerializer},
        summary="Close a comment: no action needed",
        description="Close the comment without answering it, saying why (a compliment,"
        " spam already gone). For the comment's holder or a manager (403 otherwise). "
        "Without a reason it is refused with 400; a comment whose status does not "
        "allow it is a conflict (409). It can be undone for a few seconds.",
        examples=comment_examples(
            "Closed",
            {**CLAIMED, "status": "closed"},
            reason="Un remerciement : aucune réponse nécessaire.",
            errors=[
                (
                    "400",
                    "No reason",
                    {"reason": ["Say why the comment needs no action."]},
                )
            ],
        ),
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the comment: no action needed."""
        return self._act(request, pk, comment_close, reason=posted_reason(request))

    @extend_schema(
        summary="Delete the comment on its platform",
        description="Managers only (403 for others), with a reason. Allowed "
        "where a rule the comment matched has the action `delete` (409 "
        "otherwise) and the channel's platform lets the organisation delete "
        "(400 otherwise: Bluesky and Mastodon do not). The comment stays "
        "here with the status `deleted`; the platform is asked through the "
        "outbox, and a statement of reasons of kind `deleted` is written.",
        request=ReasonSerializer,
        responses={
            200: CommentSerializer,
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
            409: OpenApiTypes.OBJECT,
        },
        examples=[
            OpenApiExample(
                "A reason",
                value={"reason": "Threat against an employee, named in full."},
                request_only=True,
            ),
            OpenApiExample(
                "Deleted on the platform",
                value={**CLAIMED, "status": "deleted"},
                response_only=True,
            ),
            OpenApiExample(
                "No rule allows deleting it",
                value={
                    "detail": "No rule of the rulebook says to delete this "
                    "comment; hide it instead."
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="delete", url_name="delete")
    def delete_on_platform(self, request, pk=None):
        if not request.user.can(Capability.PLAN_COVERAGE):
            raise PermissionDenied
        return self._act(request, pk, comment_delete, reason=posted_reason(request))

    @extend_schema(
        request=None,
        responses={200: CommentSerializer, 409: OpenApiTypes.OBJECT},
        summary="Take an escalated comment",
        description="Become the holder of a comment escalated to you, to answer or "
        "settle it. For the person it is escalated to, or a manager (403 otherwise); a"
        " comment that is not escalated is a conflict (409).",
        examples=comment_examples(
            "Taken by the manager",
            {**ESCALATED, "assignee": "david"},
            errors=[
                (
                    "403",
                    "Escalated to someone else",
                    {
                        "detail": "Only the person it is escalated to or a "
                        "manager may take it."
                    },
                )
            ],
        ),
    )
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """Take an escalated comment (the person it is escalated to, managers)."""
        return self._act(request, pk, comment_take)

    @extend_schema(
        summary="The comment's audit trail",
        description="Every event of the comment, oldest first: who did what, "
        "from which status to which, and why (reasons in words in "
        "`reason_text`, in the request's language).",
        responses={200: EventSerializer(many=True)},
        examples=[
            OpenApiExample(
                "Received, then claimed",
                value=[
                    {
                        "id": 90211,
                        "at": "2026-11-28T01:47:12Z",
                        "actor": "facebook-connector",
                        "action": "ingested",
                        "action_label": "received",
                        "before": "",
                        "after": "new",
                        "reason": "",
                        "reason_text": "",
                    },
                    {
                        "id": 90240,
                        "at": "2026-11-28T02:03:40Z",
                        "actor": "alice",
                        "action": "claimed",
                        "action_label": "claimed",
                        "before": "new",
                        "after": "assigned",
                        "reason": "",
                        "reason_text": "",
                    },
                ],
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        comment = get_object_or_404(self.get_queryset(), pk=pk)
        events = comment.events.select_related("actor").order_by("at", "pk")
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(
        summary="The comment's thread and its author's history",
        description="What the comment page shows around the comment: the "
        "organisation's post it answers and the comment it replies to "
        "(`thread`), then the author's earlier comments on the channel (posted "
        "before this one) that you may see, newest first, at most 10 with how "
        "many more, each with what "
        "was decided on it, its statement of reasons and the first words of "
        "its answer (`author_history`), and, when a rule about undisclosed "
        "ties matched, the registry entries of the author. Personal data is "
        "masked for those who need not see it; a comment you may not see is "
        "not found (404). Sentences are in the request's language.",
        responses={200: CommentContextSerializer},
        examples=[
            OpenApiExample(
                "A reply by a known author", value=CONTEXT_EXAMPLE, response_only=True
            )
        ],
    )
    @action(detail=True, methods=["get"], url_path="context")
    def thread_context(self, request, pk=None):
        comment = get_object_or_404(self.get_queryset().select_related("post"), pk=pk)
        return Response(
            CommentContextSerializer(comment_context(comment, request=request)).data
        )

    @extend_schema(
        summary="Undo a hide or close",
        description="Undo your own hide or close of the comment within "
        "a few seconds (409 after): it returns to where it was, with an "
        "`undone` event.",
        request=None,
        responses={200: CommentSerializer, 409: OpenApiTypes.OBJECT},
        examples=comment_examples(
            "Back where it was",
            CLAIMED,
            errors=[
                (
                    "409",
                    "Too late",
                    {
                        "detail": "Too late to undo: it can be undone for a few "
                        "seconds only."
                    },
                )
            ],
        ),
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        return self._act(request, pk, comment_undo)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: CommentSerializer},
        summary="Send an escalated comment back to the queue",
        description="Return an escalated comment to responders with advice, saying "
        "why. For the person it is escalated to, or a manager (403 otherwise). Without"
        " a reason it is refused with 400; a comment that is not escalated is a "
        "conflict (409).",
        examples=comment_examples(
            "Back in the queue",
            {**CLAIMED, "sent_back_at": "2026-11-28T03:05:00Z"},
            reason="Not defamatory: answer politely and give the complaints address.",
            errors=[
                (
                    "400",
                    "No reason",
                    {"reason": ["Say why the comment goes back to the queue."]},
                )
            ],
        ),
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Send an escalated comment back to the queue (a reason is required)."""
        return self._act(request, pk, comment_send_back, reason=posted_reason(request))

    @extend_schema(
        request=ReassignSerializer,
        responses={200: CommentSerializer},
        summary="Give a comment to someone else",
        description="Give the comment to another responder who serves its channel, or "
        "an escalated one to another manager or counsel. Managers only (403 "
        "otherwise). An unknown or inactive username, or someone who may not take it, "
        "is refused with 400 on `to`.",
        examples=[
            OpenApiExample("To a responder", value={"to": "eve"}, request_only=True),
            *comment_examples(
                "Reassigned",
                {**CLAIMED, "assignee": "eve"},
                errors=[
                    (
                        "400",
                        "Someone who does not serve the channel",
                        {"to": ["eve does not serve this channel."]},
                    )
                ],
            ),
        ],
    )
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

    @extend_schema(
        request=AuthorActionSerializer,
        responses={200: CommentSerializer, 400: OpenApiTypes.OBJECT},
        summary="Mute, block or report the comment's author",
        description="Ask the platform to mute, block or report the author of the "
        "comment, saying why; sent through the outbox and recorded in the comment's "
        "history. For the comment's holder or a manager (403 otherwise). An action the"
        " platform does not offer, or no reason, is refused with 400 by field.",
        examples=[
            OpenApiExample(
                "Block after repeated threats",
                value={
                    "action": "block",
                    "reason": "Troisième menace envers le personnel ce mois-ci.",
                },
                request_only=True,
            ),
            *comment_examples(
                "Author blocked",
                CLAIMED,
                errors=[
                    (
                        "400",
                        "No action, no reason",
                        {
                            "action": ['"ban" is not a valid choice.'],
                            "reason": ["This field is required."],
                        },
                    )
                ],
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def author(self, request, pk=None):
        """Mute, block or report the comment's author on the platform (its
        holder or managers, a reason required); sent through the outbox."""
        incoming = AuthorActionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._act(request, pk, author_act, **incoming.validated_data)

    @extend_schema(
        request=None,
        responses={200: CommentSerializer},
        summary="Give a comment back to the queue",
        description="Stop holding the comment: it becomes unassigned again, for anyone"
        " to claim. Its holder, or a manager for someone else's claim (403 otherwise);"
        " a comment nobody holds is a conflict (409).",
        examples=comment_examples(
            "Unassigned",
            EXAMPLE_COMMENT,
            errors=[
                (
                    "403",
                    "Someone else's claim",
                    {"detail": "Only managers release others' claims."},
                )
            ],
        ),
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Give the comment back to the queue."""
        return self._act(request, pk, comment_release)

    @extend_schema(
        request=AnswerInSerializer,
        responses={201: AnswerSerializer},
        summary="Answer a comment",
        description="Write the public answer to a comment you hold. Published at once "
        "when your delegation covers the comment; otherwise it waits for an approver "
        "and `approval_reason` says why. For the comment's holder (claim it first: 409"
        " otherwise). An empty or too long answer is refused with 400.",
        examples=[
            OpenApiExample(
                "An answer in French", value={"body": ANSWER_BODY}, request_only=True
            ),
            OpenApiExample(
                "Waiting for approval",
                value=PENDING_ANSWER,
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Not claimed",
                value={"detail": "Claim the comment before answering it."},
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Answer the comment: published, or pending approval."""
        incoming = AnswerInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._act(
            request, pk, answer_submit, body=incoming.validated_data["body"]
        )
