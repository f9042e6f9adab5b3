"""WSGI entry point, used by gunicorn."""

import contextlib
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

application = get_wsgi_application()


def warm_up():
    """Load what every worker keeps for its lifetime (URL resolvers, the
    published rulebook's matcher), then move it out of the garbage collector's
    reach: full collections over those long-lived objects otherwise pause a
    request now and then for 50 to 100 ms (measured by benchmarks/inbox.py)."""
    from django.db import DatabaseError, connections
    from django.urls import get_resolver

    from policies.classify import NoPublishedVersion, current_matcher

    get_resolver().url_patterns  # noqa: B018 (loads the URL configuration)
    with contextlib.suppress(NoPublishedVersion, DatabaseError):
        current_matcher()  # otherwise loaded on first use
    connections.close_all()
    gc.collect()
    gc.freeze()


warm_up()
