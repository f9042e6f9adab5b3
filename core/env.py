"""Read typed settings from environment variables.

Each helper raises ``ImproperlyConfigured`` with a message naming the variable and
the value it could not use, so a bad deployment fails at start-up with one line.
"""

import base64
import hashlib
import math
import os
import re
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=None, *, environ=os.environ):
    """Return the variable as a string, or ``default`` when it is unset."""
    value = environ.get(name)
    return default if value is None else value.strip()


def env_bool(name, default=False, *, environ=os.environ):
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    value = environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1, 0, true, false, yes, no."
    )


def env_int(name, default, *, minimum=None, environ=os.environ):
    """Return the variable as an integer, at least ``minimum`` when given."""
    value = environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_float(name, default, *, minimum=None, environ=os.environ):
    """Return the variable as a number (``0.5``), at least ``minimum`` when given."""
    value = environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if not math.isfinite(number):
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number:g} must be at least {minimum:g}.")
    return number


def env_list(name, default=(), *, environ=os.environ):
    """Return a comma-separated variable as a list of non-empty items."""
    value = environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url_list(name, default=(), *, environ=os.environ):
    """Return a comma-separated list of origins, each with an http(s) scheme."""
    items = env_list(name, default, environ=environ)
    for item in items:
        if not item.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"{name} item {item!r} must start with http:// or https://."
            )
    return items


def env_database(name, default, *, environ=os.environ):
    """Return a Django DATABASES entry parsed from a database URL."""
    import dj_database_url

    url = env_str(name, default, environ=environ)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several exception types
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a database URL: {exc}"
        ) from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={url!r} names no known database engine.")
    return config


def env_timezone(name, default, *, environ=os.environ):
    """Return an IANA time zone name, checked against the zone database."""
    import zoneinfo

    value = env_str(name, default, environ=environ)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a time zone (try America/Toronto)."
        ) from None
    return value


def env_email(name, default, *, environ=os.environ):
    """Return e-mail settings parsed from a URL such as smtp://user:pw@host:587.

    Supported schemes: ``console`` (print), ``locmem`` (tests), ``file`` (one file
    per message under the path), ``smtp`` and ``smtp+tls`` / ``smtps``.
    """
    from urllib.parse import unquote, urlsplit

    url = env_str(name, default, environ=environ)
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"{name}={url!r}: scheme must be one of {', '.join(sorted(backends))}."
        )
    config = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme == "file":
        config["EMAIL_FILE_PATH"] = parts.path or "var/mail"
    if parts.scheme.startswith("smtp"):
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has a bad port.") from None
        config.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 587),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=parts.scheme == "smtp+tls",
            EMAIL_USE_SSL=parts.scheme == "smtps",
        )
    return config


_RATE = re.compile(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)")


def env_rate(name, default, *, environ=os.environ):
    """Return a request rate such as ``100/min`` (per s, min, hour or day)."""
    value = env_str(name, default, environ=environ)
    if not _RATE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate: write it as 100/min (s, min, hour, day)."
        )
    return value


def env_cache(name, default, *, environ=os.environ):
    """Return a Django CACHES entry parsed from a URL.

    Supported schemes: ``redis`` / ``rediss`` (shared by every process),
    ``file`` (a folder, shared by the processes of one machine) and ``locmem``
    (one process only).
    """
    from urllib.parse import urlsplit

    url = env_str(name, default, environ=environ)
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "governance",
            # A cache that hangs costs a request half a second, not a worker
            # (and the rate limits then pause; see core.throttling).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    if parts.scheme == "file" and parts.path:
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": parts.path,
        }
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"{name}={url!r}: use redis://host:port/db, file:///path or locmem://."
    )


def persistent_secret(path: Path) -> str:
    """Return the secret kept in ``path``, creating it on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        secret = secrets.token_urlsafe(50)
        # O_EXCL: two processes starting together must agree on one secret.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secret)
        return secret


def env_fernet_keys(name, default=(), *, environ=os.environ):
    """Return a comma-separated list of Fernet keys, each checked to be one."""
    keys = env_list(name, default, environ=environ)
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe base64 "
                "bytes, made by Fernet.generate_key())."
            ) from None
    return keys


def derived_fernet_key(secret: str) -> str:
    """Return a Fernet key derived from ``secret``, stable while it is unchanged."""
    digest = hashlib.sha256(b"governance.connector-keys:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()
