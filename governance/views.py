"""Site-wide pages: home, dashboard and the health check."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.permissions import require
from core.roles import Capability
from governance import selectors
from governance.navigation import nav_for
from moderation.cockpit import cockpit


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
