"""Test settings: the project's settings, with what tests must not depend on.

The database and broker come from DATABASE_URL and CELERY_BROKER_URL as usual
(PostgreSQL and Redis in CI, the embedded default otherwise).
"""

import os
import tempfile

# Tests never read or write the developer's var/ (database, broker, secret).
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="governance-tests-"))
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else")
# A fixed Fernet key, for tests only (connector credentials).
os.environ.setdefault("CONNECTOR_KEYS", "dGVzdHMtb25seS1jb25uZWN0b3Ita2V5LTMyYnl0ZXM=")
# The loopback OAuth server of the YouTube tests speaks http://; oauthlib
# refuses a token endpoint that is not https unless told this (tests only).
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

from governance.settings import *  # noqa: E402, F403

# On SQLite, a test database in a file lets threads in race tests each open
# their own connection, as processes would.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# The browser tests' live server shuts its door between tests (tests/e2e/door.py).
MIDDLEWARE = ["tests.e2e.door.LiveServerDoor", *MIDDLEWARE]  # noqa: F405

# Celery runs tasks eagerly in unit tests; the worker tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Serve static files from the source folders; tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# In-process requests (the API fuzzing's WSGI client says "localhost") are
# accepted whatever the database, as the embedded default accepts them.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "localhost", "testserver"]  # noqa: F405
# The receivers tests post to listen on loopback; the tests of the refusal
# turn this off again.
OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True
# Each test process counts requests in its own memory, emptied before every
# test (tests/conftest.py); rates are high enough that only the tests of
# throttling, which set their own, meet them.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "100000/min",
    ),
}
