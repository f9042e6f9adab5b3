"""Site-wide pages: home, dashboard and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from core.permissions import require
from core.roles import Capability
from governance import selectors
from governance.navigation import nav_for
from moderation.cockpit import cockpit
from staffing.services.accounts import user_set_language


def home(request):
    """Send a signed-in user to their work; show everyone else the welcome page."""
    items = nav_for(request.user)
    # The admin is a tool rather than a place to land: land on the first page of
    # work instead (inbox before approvals, coverage and dashboard).
    admin_url = reverse("admin:index")
    work = [url for _label, url in items if url != admin_url]
    if work:
        return redirect(work[0])
    return render(request, "governance/home.html", {"work_items": items})


@login_required
def dashboard(request):
    """Show managers and approvers the operation (the cockpit) and the state
    of the product."""
    require(request.user, Capability.VIEW_DASHBOARD)
    context = {
        **cockpit(user=request.user),
        "database": selectors.database_status(),
        "broker": selectors.broker_status(),
        "worker": selectors.worker_status(),
        "mail": selectors.mail_status(),
    }
    return render(request, "governance/dashboard.html", context)


@never_cache
@require_GET
def healthz(request):
    """Return the status of the database and the broker; 503 if either is down.

    The worker and the channels are reported as warnings that never change the
    status code.
    """
    db_ok, db_detail = selectors.database_status()
    broker_ok, broker_detail = selectors.broker_status()
    ok = db_ok and broker_ok
    body = {
        "status": "ok" if ok else "error",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
        # Informational: a worker may lag a minute behind after start-up.
        "worker": _worker_json(selectors.worker_status()) if db_ok else {"ok": False},
        # A warning too: silent or failing channels never turn this into a 503.
        "channels": selectors.channels_status()
        if db_ok
        else {"ok": False, "silent": [], "failing": []},
    }
    return JsonResponse(body, status=200 if ok else 503)


def _worker_json(status):
    seen_at = status["last_seen"]
    return {"ok": status["ok"], "last_seen": seen_at.isoformat() if seen_at else None}


@require_GET
def favicon(request):
    """Send browsers that ask for /favicon.ico to the site's icon."""
    return redirect(static("favicon.svg"))


def _error_json(request, status, detail):
    """Answer REST clients in JSON, as the API's own errors do."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return None


def permission_denied(request, exception=None):
    """The 403 page: in the site's layout and language, with a way back."""
    return _error_json(
        request, 403, _("You do not have permission to do this.")
    ) or render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    """The 404 page: in the site's layout and language, with a way back."""
    return _error_json(request, 404, _("Not found.")) or render(
        request, "404.html", status=404
    )


def server_error(request):
    """The 500 page, rendered without the database (it may be the cause).

    No request context: the menu and the signed-in user would need the
    session and the user tables.
    """
    return _error_json(
        request, 500, _("Something went wrong on our side; try again.")
    ) or HttpResponse(render_to_string("500.html"), status=500)


@require_POST
def language_switch(request):
    """Switch the language as Django's ``set_language`` does, and keep it as
    a signed-in person's preference (their pages and e-mails follow it)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response
