from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("decisions/queue/", views.queue, name="queue"),
    path("decisions/appeals/<int:pk>/", views.appeal_page, name="appeal"),
    path("decisions/notices/<int:pk>/", views.notice_page, name="notice"),
    path("decisions/<str:reference>/", views.statement_page, name="statement"),
    path("decisions/<str:reference>/appeal/", views.appeal, name="appeal-lodge"),
    path("report/", views.report_content, name="report"),
    path("report/received/", views.report_received, name="report-received"),
    path("transparency/", views.transparency, name="transparency"),
    path("transparency.csv", views.transparency_csv, name="transparency-csv"),
    path("privacy-office/", views.privacy, name="privacy"),
    path("privacy-office/holds/<int:pk>/lift/", views.hold_lift, name="hold-lift"),
    path("privacy-office/access/", views.access_request, name="access-request"),
]
