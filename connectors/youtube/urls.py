from django.urls import path

from connectors.youtube import views

app_name = "youtube"

urlpatterns = [
    path("<int:pk>/sign-in/", views.sign_in, name="sign-in"),
    path("callback/", views.callback, name="callback"),
]
