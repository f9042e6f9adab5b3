"""REST API of saved inbox filters: each person lists, saves and deletes theirs."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api import StrictQueryParametersMixin, capability_permission
from moderation.models import SavedFilter
from moderation.services.filters import saved_filter_create, saved_filter_delete
from moderation.services.transitions import WORKERS

EXAMPLE = OpenApiExample(
    "Invoices, new",
    value={
        "id": 12,
        "name": "Factures à traiter",
        "query": "q=facture&status=new",
        "created_at": "2026-12-02T14:05:00Z",
    },
    response_only=True,
)


class SavedFilterSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=80)
    query = serializers.CharField(
        max_length=1000,
        help_text="The inbox's parameters as a query string (q, author, view, "
        "channel, status, category, assigned, size); others are dropped.",
    )

    class Meta:
        model = SavedFilter
        fields = ["id", "name", "query", "created_at"]
        read_only_fields = ["id", "created_at"]


@extend_schema_view(
    list=extend_schema(
        summary="List my saved filters",
        description="The inbox filters the signed-in person saved, by name. "
        "Nobody sees another person's filters.",
        examples=[EXAMPLE],
    ),
    create=extend_schema(
        summary="Save the inbox's filters under a name",
        description="Saving under a name already used replaces its filters. "
        "Unknown parameters are dropped; at least one filter is required and "
        "a person keeps at most 50.",
        examples=[
            OpenApiExample(
                "Save a search",
                value={"name": "Factures à traiter", "query": "q=facture&status=new"},
                request_only=True,
            ),
            EXAMPLE,
        ],
    ),
    destroy=extend_schema(
        summary="Delete one of my saved filters",
        description="Another person's filter is not found (404).",
    ),
)
class SavedFilterViewSet(
    StrictQueryParametersMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in person's saved inbox filters."""

    serializer_class = SavedFilterSerializer
    permission_classes = [capability_permission(*WORKERS)]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator
            return SavedFilter.objects.none()
        return SavedFilter.objects.filter(user=self.request.user).order_by("name", "pk")

    def create(self, request):
        incoming = SavedFilterSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        saved = saved_filter_create(user=request.user, **incoming.validated_data)
        return Response(
            SavedFilterSerializer(saved).data, status=status.HTTP_201_CREATED
        )

    def destroy(self, request, pk=None):
        saved = self.get_object()
        saved_filter_delete(user=request.user, pk=saved.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
