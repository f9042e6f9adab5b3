from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.bulk, name="inbox-bulk"),
    path("inbox/<int:pk>/", views.comment_page, name="comment"),
    path("inbox/<int:pk>/claim/", views.claim, name="comment-claim"),
    path("inbox/<int:pk>/escalate/", views.escalate, name="comment-escalate"),
    path("inbox/<int:pk>/hide/", views.hide, name="comment-hide"),
    path("inbox/<int:pk>/close/", views.close, name="comment-close"),
    path("inbox/<int:pk>/answer/", views.answer, name="comment-answer"),
    path("inbox/<int:pk>/take/", views.take, name="comment-take"),
    path("inbox/<int:pk>/send-back/", views.send_back, name="comment-send-back"),
    path("inbox/<int:pk>/reassign/", views.reassign, name="comment-reassign"),
    path("approvals/", views.approvals, name="approvals"),
    path("sla/", views.sla_dashboard, name="sla"),
    path("sla/export.csv", views.sla_export, name="sla-export"),
    path("deliveries/<int:pk>/retry/", views.retry_delivery, name="delivery-retry"),
    path("backtest/<int:version_pk>/", views.backtest, name="backtest"),
    path(
        "approvals/<int:pk>/approve/",
        views.decide,
        {"decision": "approve"},
        name="answer-approve",
    ),
    path(
        "approvals/<int:pk>/reject/",
        views.decide,
        {"decision": "reject"},
        name="answer-reject",
    ),
]
