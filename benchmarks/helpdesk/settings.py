"""The product's settings plus django-helpdesk, for the side-by-side benchmark.

Only ``benchmarks/helpdesk/compare.py`` uses them, in its own virtualenv
(``make bench-helpdesk``); the product never depends on django-helpdesk.
"""

from governance.settings import *  # noqa: F403

INSTALLED_APPS += [  # noqa: F405
    "django.contrib.sites",
    "django.contrib.humanize",
    "helpdesk",
]
SITE_ID = 1
ROOT_URLCONF = "benchmarks.helpdesk.urls"
# Teams need pinax-teams; they play no part in listing tickets.
HELPDESK_TEAMS_MODE_ENABLED = False
