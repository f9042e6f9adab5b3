from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("notices/", views.notices, name="notices"),
    path("notices/<slug:kind>/", views.notice_detail, name="notice-detail"),
    path("disclosures/", views.disclosures, name="disclosures"),
]
