from django.urls import include, path

from governance.urls import urlpatterns as product

urlpatterns = [
    *product,
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
