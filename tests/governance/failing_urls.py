"""The site's URLs plus one view that fails, for the 500 page's test."""

from django.urls import path

from governance.urls import handler403, handler404, handler500, urlpatterns


def fail(request):
    raise RuntimeError("a defect")


urlpatterns = [*urlpatterns, path("fails/", fail)]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
