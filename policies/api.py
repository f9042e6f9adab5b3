"""Read-only REST API of the rulebook, notices and the ties registry."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
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


class RuleFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)

    class Meta:
        model = Rule
        fields = ["category", "severity"]


@extend_schema(parameters=[LANG_PARAMETER])
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
        ]
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
class LegalReferenceViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = LegalReferenceSerializer
    queryset = LegalReference.objects.order_by("jurisdiction", "slug")
    lookup_field = "slug"


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
    )
    def post(self, request):
        incoming = ClassifyRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = classify_text(**incoming.validated_data)
        return Response(ClassifyResponseSerializer(result).data)
