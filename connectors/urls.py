from django.urls import path

from connectors import views

app_name = "connectors"

urlpatterns = [
    path("channels/", views.channels, name="channels"),
    path("channels/connect/", views.connect, name="channel-connect"),
    path("channels/<int:pk>/edit/", views.edit, name="channel-edit"),
]
