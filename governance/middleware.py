from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class QueryLanguageMiddleware:
    """Let ``?lang=fr`` or ``?lang=en`` override the negotiated language.

    Runs after ``LocaleMiddleware``: links to public notices and API clients can
    name the language without a cookie or an Accept-Language header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.GET.get("lang", "")[:2].lower()
        if language in SUPPORTED:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language in SUPPORTED:
            response.headers.setdefault("Content-Language", language)
        return response
