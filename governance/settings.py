"""Settings for the governance project, read from environment variables.

Without any variable set, the product runs on its embedded default: a SQLite file
and Celery's filesystem broker under ``var/``. Production differs only by its
environment (``DATABASE_URL``, ``CELERY_BROKER_URL``, ``SECRET_KEY`` ...).
"""

import datetime
import ipaddress
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from core.env import (
    derived_fernet_key,
    env_bool,
    env_cache,
    env_database,
    env_email,
    env_fernet_keys,
    env_float,
    env_int,
    env_list,
    env_rate,
    env_str,
    env_timezone,
    env_url_list,
    persistent_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)

# The embedded default is the product run with no database configured: it keeps
# everything, including a generated secret key, under var/.
EMBEDDED = env_str("DATABASE_URL") is None

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or EMBEDDED):
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off and DATABASE_URL is set."
        )
    SECRET_KEY = persistent_secret(VAR_DIR / "secret_key")

# Keys that encrypt the connectors' credentials at rest: the first encrypts, all
# decrypt, so a new key goes first and the old one is dropped after
# ``manage.py rotate_connector_keys``. The embedded default derives one from
# SECRET_KEY, which production must not rely on (changing SECRET_KEY would
# make every stored credential unreadable).
CONNECTOR_KEYS = env_fernet_keys("CONNECTOR_KEYS")
if not CONNECTOR_KEYS:
    if not (DEBUG or EMBEDDED):
        raise ImproperlyConfigured(
            "CONNECTOR_KEYS is required when DEBUG is off and DATABASE_URL is set."
        )
    CONNECTOR_KEYS = [derived_fernet_key(SECRET_KEY)]

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG or EMBEDDED else []
)
CSRF_TRUSTED_ORIGINS = env_url_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "governance.apps.GovernanceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "governance",
    "core",
    "policies",
    "staffing",
    "moderation",
    "training",
    "decisions",
    "connectors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "governance.middleware.QueryLanguageMiddleware",
    # 400 for a NUL in the query string, before any view filters on it.
    "governance.middleware.NullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every GET and 304 for If-None-Match: REST clients polling the
    # rulebook download it only when it changed.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's language preference, over the browser's.
    "governance.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Refuses sign-ins for a while after repeated failures.
    "axes.middleware.AxesMiddleware",
    # 503 + Retry-After while the database cannot be reached.
    "governance.middleware.DatabaseUnavailableMiddleware",
]

# Error pages and reports name a traceback's variables, never their values.
DEFAULT_EXCEPTION_REPORTER_FILTER = "governance.debug.PersonalDataReporterFilter"

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"
ASGI_APPLICATION = "governance.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks instead of failing, and
    # let readers proceed while one process writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staffing.User"
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
# Content-Security-Policy: scripts, styles, images and fonts from this site
# only; no inline script, no plugin, no framing, forms posting here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

AUTHENTICATION_BACKENDS = [
    # First: a user or an address that failed too often is refused before the
    # password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failures for one user name from one address lock that pair for 15
# minutes; a success resets the count. Attempts are kept in the database.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Internationalisation: French first, English second; storage in UTC and display
# in TIME_ZONE.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "America/Toronto")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL = env_email("EMAIL_URL", "console://")
EMAIL_BACKEND = EMAIL.pop("EMAIL_BACKEND")
globals().update(EMAIL)
# Seconds before an unresponsive mail server is given up on (the send is
# retried later): a critical alert holds its comment's row while it is sent.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "governance@localhost")
# The site's public address, for links sent to people outside it (statements
# of reasons, notice receipts).
PUBLIC_URL = env_str("PUBLIC_URL", "http://localhost:8000").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Outbound HTTP (core.outbound) refuses private and loopback addresses unless
# this is set, for receivers on premises; link-local (cloud metadata),
# multicast and reserved addresses are refused whatever it says.
OUTBOUND_ALLOW_PRIVATE_ADDRESSES = env_bool("OUTBOUND_ALLOW_PRIVATE_ADDRESSES", False)

# Seconds between two polls of a channel whose connector polls (a channel may
# set its own, from 5 seconds to an hour). A channel silent for longer than
# CONNECTOR_SILENT_POLLS intervals shows as a warning in /healthz.
CONNECTOR_POLL_INTERVAL = env_int("CONNECTOR_POLL_INTERVAL", 30, minimum=5)
CONNECTOR_SILENT_POLLS = env_int("CONNECTOR_SILENT_POLLS", 5, minimum=1)

# YouTube (Data API v3): the Google Cloud project's OAuth client, its daily
# quota in units (10,000 unless Google granted more) and the endpoints, which
# the tests point at loopback servers.
YOUTUBE_CLIENT_ID = env_str("YOUTUBE_CLIENT_ID", "")
YOUTUBE_CLIENT_SECRET = env_str("YOUTUBE_CLIENT_SECRET", "")
YOUTUBE_DAILY_QUOTA = env_int("YOUTUBE_DAILY_QUOTA", 10000, minimum=100)
YOUTUBE_API_ROOT = env_str("YOUTUBE_API_ROOT", "https://youtube.googleapis.com/")
YOUTUBE_AUTH_URI = env_str(
    "YOUTUBE_AUTH_URI", "https://accounts.google.com/o/oauth2/auth"
)
YOUTUBE_TOKEN_URI = env_str("YOUTUBE_TOKEN_URI", "https://oauth2.googleapis.com/token")
# Comments already read are checked again for edits and deletions: those of
# the last YOUTUBE_RECHECK_DAYS days and those still open, in passes at least
# YOUTUBE_RECHECK_MINUTES apart (further apart as the quota runs low).
YOUTUBE_RECHECK_DAYS = env_int("YOUTUBE_RECHECK_DAYS", 7, minimum=0)
YOUTUBE_RECHECK_MINUTES = env_int("YOUTUBE_RECHECK_MINUTES", 15, minimum=0)
# Facebook Pages and Instagram (connectors.meta): the Graph API version every
# call names, pinned so that Meta's yearly changes are taken on purpose; the
# base addresses of the Graph API and of the Login dialog (tests point them at
# loopback); the deployment's Meta app, and the token its webhook subscription
# was given (the verification handshake compares it).
GRAPH_API_VERSION = env_str("GRAPH_API_VERSION", "v21.0")
GRAPH_API_BASE_URL = env_str("GRAPH_API_BASE_URL", "https://graph.facebook.com")
META_DIALOG_BASE_URL = env_str("META_DIALOG_BASE_URL", "https://www.facebook.com")
META_APP_ID = env_str("META_APP_ID", "")
META_APP_SECRET = env_str("META_APP_SECRET", "")
META_VERIFY_TOKEN = env_str("META_VERIFY_TOKEN", "")
# The catch-up poll reads the comments of the posts of the last days.
META_CATCH_UP_DAYS = env_int("META_CATCH_UP_DAYS", 3, minimum=1)

# Security: secure cookies and HSTS follow from serving over HTTPS, which
# production declares with SECURE_SSL_REDIRECT / a proxy header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# REST API: nothing is open by accident.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated client gets 401 with a
        # WWW-Authenticate header rather than 403. Tokens are stored hashed.
        "staffing.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Views opt in with ``throttle_scope``: counted per token and per address.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.TokenRateThrottle",
        "core.throttling.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "ingest": env_rate("API_RATE_INGEST", "600/min"),
        "ingest_address": env_rate("API_RATE_INGEST_ADDRESS", "1200/min"),
        "classify": env_rate("API_RATE_CLASSIFY", "120/min"),
        "classify_address": env_rate("API_RATE_CLASSIFY_ADDRESS", "240/min"),
        # Failed token authentications per address, after which every token
        # from that address gets 429 until the window ends.
        "auth_failure": env_rate("API_RATE_AUTH_FAILURES", "20/min"),
        # The public Report content form, per address (no captcha).
        "report_content_address": env_rate("REPORT_CONTENT_RATE", "5/hour"),
    },
    # Proxies in front of the server whose X-Forwarded-For is trusted for the
    # client's address; 0 uses the connection's address, which no client forges.
    "NUM_PROXIES": env_int("API_TRUSTED_PROXIES", 0, minimum=0),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies of a bounded size (per view) and nesting.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Refusals raised by services become 409/400 here, not in each action.
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Social media governance API",
    "DESCRIPTION": "Rulebook, staffing and moderation data for REST clients.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Serve Swagger UI from the installed package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "core.languages.CODES",
        "PlatformEnum": "policies.models.Platform",
        "NoticePlatformEnum": "policies.models.Notice.PLATFORM_CHOICES",
        "PolicyVersionStatusEnum": "policies.models.PolicyVersion.Status",
        "CommentStatusEnum": "moderation.models.Comment.Status",
    },
}

# Celery: the database records what is due; the broker only carries wake-ups.
BROKER_CONNECT_TIMEOUT = env_float(
    "CELERY_BROKER_CONNECTION_TIMEOUT", 0.25, minimum=0.01
)
BROKER_SOCKET_TIMEOUT = env_float("CELERY_BROKER_SOCKET_TIMEOUT", 0.5, minimum=0.01)
CELERY_BROKER_URL = env_str(
    "CELERY_BROKER_URL", f"filesystem://{(VAR_DIR / 'broker').as_posix()}"
)
# A broker that accepts connections and never answers must not hold a
# request: without a read timeout redis-py waits forever. The two timeouts
# bound one publish; a timed-out command is not sent again (it may have
# reached the broker), and the minute sweeps catch up with what was lost.
# Set whatever the transport, so that they hold for any broker URL given later
# (the filesystem transport ignores them: its publish is a file write).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
    "retry_on_timeout": False,
    "socket_keepalive": True,
}
# The cache holds the API's rate-limit counters, which every web worker must
# share: the broker's Redis when there is one, else a folder under var/.
CACHES = {
    "default": env_cache(
        "CACHE_URL",
        CELERY_BROKER_URL
        if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
        else f"file://{(VAR_DIR / 'cache').as_posix()}",
    )
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(CELERY_BROKER_URL.removeprefix("filesystem://"))
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        data_folder_in=str(_broker_dir / "queue"),
        data_folder_out=str(_broker_dir / "queue"),
        control_folder=str(_broker_dir / "control"),
        store_processed=False,
    )
    # Kombu creates neither folder's parents: make them so that a fresh var/ works.
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
# A publish that fails is not tried again: each attempt may wait the timeouts
# above, and the request that publishes after its commit is waiting. The
# policy also governs connecting for the publish, which would otherwise retry
# every two seconds for CELERY_BROKER_CONNECTION_TIMEOUT.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# The same bounds for a Redis result backend, if CELERY_RESULT_BACKEND names one.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_REDIS_RETRY_ON_TIMEOUT = False
CELERY_REDIS_SOCKET_KEEPALIVE = True
# Beat with Redis: celery-redbeat keeps the schedule in Redis behind a lock, so
# that a second beat started by mistake (two hosts, a --scale) waits for the
# lock instead of sending every sweep twice; it takes over within
# REDBEAT_LOCK_TIMEOUT seconds if the first one dies. Without Redis (the
# embedded default), the file scheduler of one beat as before.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = CELERY_BROKER_URL
    CELERY_REDBEAT_KEY_PREFIX = env_str("REDBEAT_KEY_PREFIX", "governance:beat:")
    CELERY_REDBEAT_LOCK_TIMEOUT = env_int("REDBEAT_LOCK_TIMEOUT", 60, minimum=5)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has run, and given back to the queue when
# its worker dies, so every task must be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the broker connection drops, tasks under way cannot be acknowledged and
# come back anyway: stop them (every task is idempotent) rather than run them
# twice. Celery 6's default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Calls to other servers (the outbox's sender, the connectors) have their own
# queue and worker (`outbound` in the Procfile and docker-compose.yml): a
# receiver that hangs holds that worker only, never the minute sweeps.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("outbound"))
CELERY_TASK_ROUTES = {
    "moderation.tasks.send_outbox": {"queue": "outbound"},
    "connectors.tasks.poll_channel": {"queue": "outbound"},
}
# /metrics answers a scrape that sends "Authorization: Bearer <METRICS_TOKEN>"
# or comes from METRICS_ALLOWED_ADDRESSES (addresses or networks, e.g.
# 10.0.0.0/8); with neither set it answers 404 to everyone.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
try:
    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(entry, strict=False)
        for entry in env_list("METRICS_ALLOWED_ADDRESSES", [])
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_ADDRESSES: {exc}") from None

CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Each entry only wakes a task up; the task reads what is due from the database.
    "governance-heartbeat": {
        "task": "governance.tasks.heartbeat",
        "schedule": crontab(minute="*"),
    },
    "governance-send-mail": {
        "task": "core.tasks.deliver_mails_due",
        "schedule": crontab(minute="*"),
    },
    "moderation-route-waiting": {
        "task": "moderation.tasks.route_waiting",
        "schedule": crontab(minute="*"),
    },
    "moderation-alert-waiting": {
        "task": "moderation.tasks.alert_waiting",
        "schedule": crontab(minute="*"),
    },
    "moderation-sla-sweep": {
        "task": "moderation.tasks.sweep_sla",
        "schedule": crontab(minute="*"),
    },
    "moderation-send-notifications": {
        "task": "moderation.tasks.send_notifications",
        "schedule": crontab(minute="*"),
    },
    "moderation-send-outbox": {
        "task": "moderation.tasks.send_outbox_due",
        "schedule": crontab(minute="*"),
    },
    # Each poll queues its channel's next one; this sweep polls those whose
    # next poll was lost, and channels just connected.
    "connectors-poll-due": {
        "task": "connectors.tasks.poll_due",
        "schedule": 10.0,
    },
    # The audit trail's daily hash, recorded and e-mailed once after midnight.
    "moderation-record-audit-anchor": {
        "task": "moderation.tasks.record_audit_anchor",
        "schedule": crontab(minute=15),
    },
    "moderation-purge-webhook-deliveries": {
        "task": "moderation.tasks.purge_webhook_deliveries",
        "schedule": crontab(minute=25),
    },
    # Early in the night (UTC), when the queue is quiet.
    "decisions-retention": {
        "task": "decisions.tasks.apply_retention",
        "schedule": crontab(minute=40, hour=7),
    },
    "policies-legal-reviews-overdue": {
        "task": "policies.tasks.legal_reviews_notify_overdue",
        # Early on weekdays and weekends alike (UTC): before managers start.
        "schedule": crontab(minute=0, hour=11),
    },
    "staffing-accreditations-expiring": {
        "task": "staffing.tasks.accreditations_warn",
        "schedule": crontab(minute=5, hour=11),
    },
    # A surge on a channel is seen within five minutes; a run reads a few
    # index ranges per channel (see benchmarks/crisis.py).
    "moderation-crisis-detect": {
        "task": "moderation.tasks.detect_crises",
        "schedule": crontab(minute="*/5"),
    },
    "staffing-coverage-gaps": {
        "task": "staffing.tasks.coverage_gaps_warn",
        # Every morning, so that a gap this weekend is known by Friday.
        "schedule": crontab(minute=10, hour=11),
    },
}

# Crisis alert: a channel's comments in the last hour at least CRISIS_FACTOR
# times its usual volume in that hour (the mean of the same hour in the four
# weeks before), and at least CRISIS_MIN_COMMENTS of them.
CRISIS_FACTOR = env_float("CRISIS_FACTOR", 3.0, minimum=1.0)
CRISIS_MIN_COMMENTS = env_int("CRISIS_MIN_COMMENTS", 20, minimum=1)

# The retention task erases in batches of this many rows, each committed with
# how far the run got (decisions.services.retention).
RETENTION_BATCH = env_int("RETENTION_BATCH", 5000, minimum=1)

# How often an open inbox asks whether anything changed (seconds).
INBOX_REFRESH_SECONDS = env_int("INBOX_REFRESH_SECONDS", 10, minimum=1)

# Commands that `manage.py bootstrap` runs at every start, in order; each one is
# idempotent and loads default data only where it is missing.
BOOTSTRAP_COMMANDS = ["seed_framework", "seed_macros"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
