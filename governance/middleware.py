import logging

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


class UserLanguageMiddleware:
    """Speak a signed-in person's own language on their pages.

    Runs after ``AuthenticationMiddleware``; ``?lang=`` still wins, as a link
    naming its language should. Without a preference the browser decides.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = ""
        if request.GET.get("lang", "")[:2].lower() not in SUPPORTED:
            try:
                user = request.user
                language = user.language if user.is_authenticated else ""
            except (OperationalError, InterfaceError):
                # The view meets the same error and answers 503.
                language = ""
        if language in SUPPORTED:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class NullCharacterMiddleware:
    """Refuse a query string holding a NUL character: 400 naming the parameter.

    No text in PostgreSQL may hold NUL, nor be compared with a value that
    does: a filter value carrying one would fail in the database driver,
    whichever view reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        names = sorted(
            name.replace("\x00", "\\0")
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        )
        if not names:
            return self.get_response(request)
        message = str(ProhibitNullCharactersValidator.message)
        if request.path.startswith("/api/"):
            return JsonResponse({name: [message] for name in names}, status=400)
        return HttpResponse(
            "".join(f"{name}: {message}\n" for name in names),
            status=400,
            content_type="text/plain; charset=utf-8",
        )


class DatabaseUnavailableMiddleware:
    """Answer 503 with ``Retry-After`` when the database cannot be reached.

    A restart, a failover or a lock the request gave up on is not a bug: the
    person or the REST client should simply try again, and the product picks
    up again by itself (persistent connections are health-checked before each
    request). The page needs no database: no menu, no user.
    """

    RETRY_AFTER_SECONDS = 10

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning(
            "Database unavailable for %s %s: %s",
            request.method,
            request.path,
            exception,
        )
        if request.path.startswith("/api/") or request.path == "/healthz":
            response = JsonResponse(
                {"detail": _("The service is unavailable for a moment; try again.")},
                status=503,
            )
        else:
            response = HttpResponse(
                render_to_string("503.html", {"retry_after": self.RETRY_AFTER_SECONDS}),
                status=503,
            )
        response.headers["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
