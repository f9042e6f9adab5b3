"""Read-only REST API of the rulebook, notices and the ties registry."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StrictQueryParametersMixin
from core.languages import CODES
from policies import selectors
from policies.classify import classify_text
from policies.markdown import render
from policies.models import (
    Category,
    Confidence,
    Disclosure,
    LegalReference,
    Notice,
    Platform,
    PolicyVersion,
    Rule,
    Severity,
    localized,
)

LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=list(CODES),
    description="Language of translated fields (else Accept-Language).",
)


@extend_schema_field(OpenApiTypes.STR)
class Localized(serializers.Field):
    """A field stored in ``<name>_fr`` and ``<name>_en``, read in one language."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return localized(instance, self.field_name)


class LegalReferenceSerializer(serializers.ModelSerializer):
    title = Localized()
    summary = Localized()

    class Meta:
        model = LegalReference
        fields = [
            "slug",
            "kind",
            "title",
            "jurisdiction",
            "url",
            "summary",
            "review_status",
            "reviewed_by",
            "reviewed_on",
            "next_review_due",
        ]


class RuleSerializer(serializers.ModelSerializer):
    name = Localized()
    description = Localized()
    guidance = Localized()
    legal_references = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    policy_version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Rule
        fields = [
            "slug",
            "category",
            "name",
            "description",
            "severity",
            "action",
            "requires_approval",
            "legal_references",
            "guidance",
            "policy_version",
        ]


class PolicyVersionSerializer(serializers.ModelSerializer):
    published_by = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )

    class Meta:
        model = PolicyVersion
        fields = [
            "number",
            "status",
            "note",
            "effective_from",
            "retired_at",
            "published_by",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    html = serializers.SerializerMethodField(
        help_text="The body rendered and sanitised."
    )

    class Meta:
        model = Notice
        fields = [
            "kind",
            "platform",
            "language",
            "title",
            "body",
            "html",
            "revision",
            "updated_at",
        ]

    def get_html(self, notice) -> str:
        return render(notice.body)


class DisclosureSerializer(serializers.ModelSerializer):
    statement = Localized()
    handles = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = ["id", "party", "kind", "handles", "statement", "starts_on", "ends_on"]

    def get_handles(self, disclosure) -> dict[str, list[str]]:
        handles = {}
        for handle in disclosure.handles.all():
            handles.setdefault(handle.platform, []).append(handle.handle)
        return handles


def read_examples(title, value, *, not_found=None):
    """The examples of a read: ``value`` (one item, of a list too: the schema
    shows it in a page) and, with ``not_found``, the 404's."""
    examples = [OpenApiExample(title, value=value, response_only=True)]
    if not_found:
        examples.append(
            OpenApiExample(
                "Not found",
                value={"detail": not_found},
                response_only=True,
                status_codes=["404"],
            )
        )
    return examples


EXAMPLE_RULE = {
    "slug": "offensive-content",
    "category": "offensive",
    "name": "Contenu offensant",
    "description": "Insultes, injures, grossièretés et propos haineux visant une "
    "personne, un groupe ou l'organisation.",
    "severity": "medium",
    "action": "hide",
    "requires_approval": False,
    "legal_references": ["ca-criminal-code", "qc-charter-of-rights"],
    "guidance": "Masquez le commentaire selon la nétiquette. Ne répondez pas sur "
    "le même ton. Si l'auteur soulève aussi un vrai problème, répondez à ce "
    "problème seulement, en rappelant la nétiquette. Propos haineux visant un "
    "groupe protégé : escaladez au gestionnaire.",
    "policy_version": 3,
}
EXAMPLE_LEGAL_REFERENCE = {
    "slug": "qc-charter-of-rights",
    "kind": "law",
    "title": "Charter of Human Rights and Freedoms (CQLR, c. C-12)",
    "jurisdiction": "CA-QC",
    "url": "https://www.legisquebec.gouv.qc.ca/fr/document/lc/C-12",
    "summary": "Safeguard of dignity, honour and reputation (s. 4), respect for "
    "private life (s. 5); prohibition of discrimination (s. 10).",
    "review_status": "reviewed",
    "reviewed_by": "Me Julie Bergeron",
    "reviewed_on": "2026-09-15",
    "next_review_due": "2027-09-15",
}
EXAMPLE_VERSION = {
    "number": 3,
    "status": "published",
    "note": "Ajout de la règle sur les liens non divulgués.",
    "effective_from": "2026-11-02T14:00:00Z",
    "retired_at": None,
    "published_by": "david",
}
EXAMPLE_NOTICE = {
    "kind": "disclaimer",
    "platform": "all",
    "language": "fr",
    "title": "Avis de non-responsabilité",
    "body": "Les commentaires publiés sur nos pages de médias sociaux expriment "
    "l'opinion de leurs auteurs et non celle de l'organisation.\n\n- Nos liens "
    "avec des tiers sont divulgués dans notre [registre des liens](/disclosures/).\n",
    "html": "<p>Les commentaires publiés sur nos pages de médias sociaux expriment "
    "l'opinion de leurs auteurs et non celle de l'organisation.</p>\n<ul>\n<li>Nos "
    "liens avec des tiers sont divulgués dans notre "
    '<a href="/disclosures/" rel="noopener noreferrer nofollow">registre des '
    "liens</a>.</li>\n</ul>",
    "revision": 2,
    "updated_at": "2026-10-20T15:32:08Z",
}
EXAMPLE_DISCLOSURE = {
    "id": 7,
    "party": "Dre Geneviève Roy, nutritionniste",
    "kind": "paid_expert",
    "handles": {
        "instagram": ["@dre.genevieve.roy"],
        "facebook": ["genevieveroynutrition"],
    },
    "statement": "Dre Roy est rémunérée par l'organisation pour sa chronique "
    "mensuelle sur l'alimentation.",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
}


class RuleFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)

    class Meta:
        model = Rule
        fields = ["category", "severity"]


@extend_schema(parameters=[LANG_PARAMETER])
@extend_schema_view(
    retrieve=extend_schema(
        summary="One rule",
        description="A rule of the current published version by its slug, with "
        "its guidance for responders and the laws it rests on; translated fields "
        "in the request's language (or `lang`). Anyone signed in may read it; a "
        "slug the current version does not have is not found (404).",
        examples=read_examples(
            "Offensive content",
            EXAMPLE_RULE,
            not_found="No Rule matches the given query.",
        ),
    )
)
class RuleViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    """Rules of the current published version (or of ``?version=N``)."""

    serializer_class = RuleSerializer
    filterset_class = RuleFilter
    lookup_field = "slug"
    extra_query_parameters = {"version"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", OpenApiTypes.INT, description="Policy version number."
            )
        ],
        summary="Rules of the rulebook",
        description="The rules of the current published version (or of "
        "`version`), filtered by `category` or `severity`: what each covers, how "
        "severe it is, what to do (`action`), whether answers need approval, and "
        "the guidance responders read. Translated fields are in the request's "
        "language (or `lang`). Anyone signed in may read them; a version that is "
        "not a number is refused with 400, an unknown one is not found (404).",
        examples=read_examples("One rule", EXAMPLE_RULE),
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rule.objects.none()  # the schema needs the model, not rows
        number = self.request.query_params.get("version")
        if number is None:
            version = selectors.current_version()
            if version is None:
                return Rule.objects.none()
        else:
            if not number.isdigit():
                raise serializers.ValidationError({"version": ["Must be a number."]})
            version = get_object_or_404(PolicyVersion, number=int(number))
        return selectors.rules_for(version)


@extend_schema(parameters=[LANG_PARAMETER])
@extend_schema_view(
    list=extend_schema(
        summary="Legal references",
        description="The laws and codes the rules rest on, by jurisdiction, with "
        "a summary and whether counsel reviewed them and when they are next due "
        "for review. Translated fields are in the request's language (or `lang`). "
        "Anyone signed in may read them.",
        examples=read_examples("One reviewed law", EXAMPLE_LEGAL_REFERENCE),
    ),
    retrieve=extend_schema(
        summary="One legal reference",
        description="A law or code by its slug. Anyone signed in may read it; "
        "an unknown slug is not found (404).",
        examples=read_examples(
            "The Québec Charter",
            EXAMPLE_LEGAL_REFERENCE,
            not_found="No LegalReference matches the given query.",
        ),
    ),
)
class LegalReferenceViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = LegalReferenceSerializer
    queryset = LegalReference.objects.order_by("jurisdiction", "slug")
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(
        summary="Versions of the rulebook",
        description="Every version of the rulebook, the newest first: drafts, "
        "the published one and those retired, with who published them and "
        "when. Anyone signed in may read them.",
        examples=read_examples("The published version", EXAMPLE_VERSION),
    ),
    retrieve=extend_schema(
        summary="One version of the rulebook",
        description="A version by its number. Anyone signed in may read it; an "
        "unknown number is not found (404).",
        examples=read_examples(
            "Version 3",
            EXAMPLE_VERSION,
            not_found="No PolicyVersion matches the given query.",
        ),
    ),
    current=extend_schema(
        summary="The published version of the rulebook",
        description="The version comments are checked against now. Anyone "
        "signed in may read it; before any version is published it is not "
        "found (404).",
        examples=read_examples(
            "Version 3", EXAMPLE_VERSION, not_found="No version is published yet."
        ),
    ),
)
class PolicyVersionViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PolicyVersionSerializer
    queryset = PolicyVersion.objects.select_related("published_by").order_by("-number")
    lookup_field = "number"
    lookup_value_regex = r"\d+"

    @action(detail=False)
    def current(self, request):
        """Return the published version."""
        version = selectors.current_version()
        if version is None:
            raise NotFound("No version is published yet.")
        return Response(self.get_serializer(version).data)


class NoticeFilter(django_filters.FilterSet):
    platform = django_filters.ChoiceFilter(choices=Notice.PLATFORM_CHOICES)
    kind = django_filters.ChoiceFilter(choices=Notice.Kind.choices)
    language = django_filters.ChoiceFilter(choices=[(code, code) for code in CODES])

    class Meta:
        model = Notice
        fields = ["platform", "kind", "language"]


@extend_schema_view(
    list=extend_schema(
        summary="Published notices",
        description="The published netiquette, disclaimers and other notices, "
        "by kind, platform and language (`language` defaults to the "
        "request's), as Markdown (`body`) and as sanitised HTML (`html`). "
        "Public: no sign-in needed. An unknown filter value is refused with 400.",
        examples=read_examples("The French disclaimer", EXAMPLE_NOTICE),
    ),
    retrieve=extend_schema(
        summary="One published notice",
        description="A published notice by its id, in whatever language it is "
        "written. Public; an unpublished or unknown notice is not found (404).",
        examples=read_examples(
            "The French disclaimer",
            EXAMPLE_NOTICE,
            not_found="No Notice matches the given query.",
        ),
    ),
)
class NoticeViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    """Published notices; public. ``language`` defaults to the request's."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter
    permission_classes = [AllowAny]

    def get_queryset(self):
        queryset = Notice.objects.filter(published=True).order_by(
            "kind", "platform", "language"
        )
        if "language" not in self.request.query_params and self.action == "list":
            queryset = queryset.filter(language=get_language()[:2])
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Registry of ties",
        description="The published ties in force today between the "
        "organisation and those who speak about it (paid experts, employees, "
        "partners), with their handles per platform; `statement` in the "
        "request's language. Public: no sign-in needed.",
        examples=read_examples("A paid expert", EXAMPLE_DISCLOSURE),
    ),
    retrieve=extend_schema(
        summary="One tie of the registry",
        description="A published tie in force today, by its id. Public; one "
        "that is unpublished, ended or unknown is not found (404).",
        examples=read_examples(
            "A paid expert",
            EXAMPLE_DISCLOSURE,
            not_found="No Disclosure matches the given query.",
        ),
    ),
)
class DisclosureViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    """The registry of ties in force today; public."""

    serializer_class = DisclosureSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.disclosures_published()


MAX_CLASSIFY_TEXT = 20_000


class ClassifyRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=MAX_CLASSIFY_TEXT, trim_whitespace=False, allow_blank=False
    )
    language = serializers.ChoiceField(
        choices=CODES,
        required=False,
        help_text="Language of the text; detected when absent.",
    )
    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    author = serializers.CharField(
        max_length=200, required=False, help_text="Author's handle on the platform."
    )


class SlotSerializer(serializers.Serializer):
    name = serializers.CharField(source="0")
    start = serializers.IntegerField(source="1")
    end = serializers.IntegerField(source="2")
    text = serializers.CharField(source="3")

    def to_representation(self, instance):
        name, start, end, text = instance
        return {"name": name, "start": start, "end": end, "text": text}


class MatchSerializer(serializers.Serializer):
    rule = serializers.CharField()
    category = serializers.CharField()
    severity = serializers.CharField()
    pattern = serializers.CharField()
    start = serializers.IntegerField(help_text="Offset in the text, inclusive.")
    end = serializers.IntegerField(help_text="Offset in the text, exclusive.")
    excerpt = serializers.CharField()
    confidence = serializers.ChoiceField(
        choices=Confidence.choices,
        help_text="high: a grammar pattern found who, to whom and what; medium: a "
        "word or phrase of the lexicon alone; low: in quoted or reported speech.",
    )
    slots = SlotSerializer(
        many=True, help_text="Grammar patterns: the words of each named slot."
    )


class ClassifyResponseSerializer(serializers.Serializer):
    policy_version = serializers.IntegerField()
    language = serializers.CharField()
    matches = MatchSerializer(many=True)


class ClassifyView(StrictQueryParametersMixin, APIView):
    """Check a text against the published rulebook; nothing is stored."""

    throttle_scope = "classify"

    @extend_schema(
        request=ClassifyRequestSerializer,
        responses={200: ClassifyResponseSerializer, 409: OpenApiTypes.OBJECT},
        summary="Check a text against the rulebook",
        description="Run the published rulebook's patterns on a text, as "
        "ingest would, and say which rules it matches, where, and how sure the "
        "match is; nothing is stored. Anyone signed in may call it, "
        "rate-limited per token and per address (429). An empty or too long "
        "text, or an unknown language or platform, is refused with 400; before "
        "any version is published it is a conflict (409).",
        examples=[
            OpenApiExample(
                "A French comment",
                value={
                    "text": "Votre directeur est un voleur, quel crétin !",
                    "language": "fr",
                    "platform": "facebook",
                },
                request_only=True,
            ),
            OpenApiExample(
                "An English comment, language detected",
                value={"text": "Your manager is a crook and a liar."},
                request_only=True,
            ),
            OpenApiExample(
                "Two rules matched",
                value={
                    "policy_version": 3,
                    "language": "fr",
                    "matches": [
                        {
                            "rule": "defamation",
                            "category": "defamation",
                            "severity": "high",
                            "pattern": "who:(est|sont) how:(un|une)? "
                            "accusation:(fraudeur|voleur)",
                            "start": 16,
                            "end": 29,
                            "excerpt": "est un voleur",
                            "confidence": "high",
                            "slots": [
                                {"name": "who", "start": 16, "end": 19, "text": "est"},
                                {"name": "how", "start": 20, "end": 22, "text": "un"},
                                {
                                    "name": "accusation",
                                    "start": 23,
                                    "end": 29,
                                    "text": "voleur",
                                },
                            ],
                        },
                        {
                            "rule": "offensive-content",
                            "category": "offensive",
                            "severity": "medium",
                            "pattern": "crétin",
                            "start": 36,
                            "end": 42,
                            "excerpt": "crétin",
                            "confidence": "medium",
                            "slots": [],
                        },
                    ],
                },
                response_only=True,
            ),
            OpenApiExample(
                "No text",
                value={"text": ["This field may not be blank."]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        incoming = ClassifyRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = classify_text(**incoming.validated_data)
        return Response(ClassifyResponseSerializer(result).data)
