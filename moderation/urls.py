from django.urls import path

from moderation.views import (
    approvals,
    backtest,
    collab,
    comment,
    deletion,
    inbox,
    outbox,
    reports,
)

app_name = "moderation"

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/bulk/", inbox.bulk, name="inbox-bulk"),
    path("inbox/<int:pk>/", comment.comment_page, name="comment"),
    path("inbox/<int:pk>/claim/", comment.claim, name="comment-claim"),
    path("inbox/<int:pk>/escalate/", comment.escalate, name="comment-escalate"),
    path("inbox/<int:pk>/hide/", comment.hide, name="comment-hide"),
    path("inbox/<int:pk>/unhide/", comment.unhide, name="comment-unhide"),
    path("inbox/<int:pk>/publish/", comment.publish, name="comment-publish"),
    path("inbox/<int:pk>/close/", comment.close, name="comment-close"),
    path("inbox/<int:pk>/delete/", deletion.delete, name="comment-delete"),
    path("inbox/<int:pk>/answer/", comment.answer, name="comment-answer"),
    path("inbox/<int:pk>/author/", comment.author_action, name="comment-author"),
    path("inbox/<int:pk>/take/", comment.take, name="comment-take"),
    path("inbox/<int:pk>/undo/", comment.undo, name="comment-undo"),
    path("inbox/undo/", inbox.undo, name="inbox-undo"),
    path("inbox/filters/", inbox.saved_filter_create, name="saved-filter-create"),
    path(
        "inbox/filters/<int:pk>/delete/",
        inbox.saved_filter_delete,
        name="saved-filter-delete",
    ),
    path("inbox/<int:pk>/presence/", collab.presence_poll, name="comment-presence"),
    path(
        "inbox/<int:pk>/presence/leave/",
        collab.presence_leave,
        name="comment-presence-leave",
    ),
    path("inbox/<int:pk>/notes/", collab.note, name="comment-note"),
    path("mentions/", collab.mentions, name="mentions"),
    path("inbox/<int:pk>/send-back/", comment.send_back, name="comment-send-back"),
    path("inbox/<int:pk>/reassign/", comment.reassign, name="comment-reassign"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("sla/", reports.sla_dashboard, name="sla"),
    path("sla/export.csv", reports.sla_export, name="sla-export"),
    path("deliveries/<int:pk>/retry/", outbox.retry_delivery, name="delivery-retry"),
    path("backtest/<int:version_pk>/", backtest.backtest, name="backtest"),
    path(
        "rulebook/<int:version_pk>/review/",
        backtest.version_review,
        name="version-review",
    ),
    path(
        "approvals/<int:pk>/approve/",
        approvals.decide,
        {"decision": "approve"},
        name="answer-approve",
    ),
    path(
        "approvals/<int:pk>/reject/",
        approvals.decide,
        {"decision": "reject"},
        name="answer-reject",
    ),
]
