from django.urls import path

from staffing import views

app_name = "staffing"

urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/shifts/", views.shift_add, name="shift-add"),
    path("coverage/shifts/<int:pk>/delete/", views.shift_delete, name="shift-delete"),
    path("coverage/rota/", views.rota_generate, name="rota-generate"),
    path("account/tokens/", views.api_tokens, name="api-tokens"),
    path(
        "account/tokens/<int:pk>/revoke/",
        views.api_token_revoke,
        name="api-token-revoke",
    ),
]
