"""The REST API, version 1."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from decisions import api as decisions_api
from moderation.api import answers, channels, comments, filters, ingest, notes, reports
from policies import api as policies_api
from staffing import api as staffing_api
from training import api as training_api

router = DefaultRouter()
router.register("rules", policies_api.RuleViewSet, basename="rule")
router.register(
    "legal-references", policies_api.LegalReferenceViewSet, basename="legal-reference"
)
router.register(
    "policy-versions", policies_api.PolicyVersionViewSet, basename="policy-version"
)
router.register("notices", policies_api.NoticeViewSet, basename="notice")
router.register("disclosures", policies_api.DisclosureViewSet, basename="disclosure")
router.register("calendars", staffing_api.CalendarViewSet, basename="calendar")
router.register("comments", comments.CommentViewSet, basename="comment")
router.register("channels", channels.ChannelViewSet, basename="channel")
router.register("answers", answers.AnswerViewSet, basename="answer")
router.register("saved-filters", filters.SavedFilterViewSet, basename="saved-filter")

urlpatterns = [
    path("comments/bulk/", ingest.BulkIngestView.as_view(), name="comments-bulk"),
    path(
        "comments/<int:pk>/notes/",
        notes.NoteListCreateView.as_view(),
        name="comment-notes",
    ),
    path(
        "channels/<slug:slug>/webhook/",
        channels.WebhookView.as_view(),
        name="channel-webhook",
    ),
    path("classify/", policies_api.ClassifyView.as_view(), name="classify"),
    path("sla/report/", reports.SlaReportView.as_view(), name="sla-report"),
    path(
        "coverage/gaps/", staffing_api.CoverageGapsView.as_view(), name="coverage-gaps"
    ),
    path(
        "accreditations/status/",
        training_api.AccreditationStatusView.as_view(),
        name="accreditation-status",
    ),
    path(
        "transparency/",
        decisions_api.TransparencyView.as_view(),
        name="transparency",
    ),
    *router.urls,
]
