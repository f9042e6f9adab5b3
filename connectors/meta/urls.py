from django.urls import path

from connectors.meta import views

app_name = "meta"

urlpatterns = [
    path("webhook/", views.webhook, name="webhook"),
    path("connect/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
    path("pages/", views.pages, name="pages"),
    path("<int:pk>/sign-in/", views.sign_in, name="sign-in"),
]
