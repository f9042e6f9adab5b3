"""Settings helpers: good values parse, bad ones fail with one clear message."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_parses_common_spellings(raw, expected):
    assert env.env_bool("DEBUG", environ={"DEBUG": raw}) is expected


def test_env_bool_uses_default_when_unset():
    assert env.env_bool("DEBUG", True, environ={}) is True


def test_env_bool_rejects_other_words():
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='maybe' is not a boolean"):
        env.env_bool("DEBUG", environ={"DEBUG": "maybe"})


def test_env_int_checks_type_and_minimum():
    assert env.env_int("N", 5, environ={"N": " 12 "}) == 12
    assert env.env_int("N", 5, environ={}) == 5
    with pytest.raises(ImproperlyConfigured, match="is not an integer"):
        env.env_int("N", 5, environ={"N": "twelve"})
    with pytest.raises(ImproperlyConfigured, match="must be at least 0"):
        env.env_int("N", 5, minimum=0, environ={"N": "-1"})


def test_env_float_checks_type_and_minimum():
    assert env.env_float("T", 0.5, environ={"T": " 1.25 "}) == 1.25
    assert env.env_float("T", 0.5, environ={"T": "2"}) == 2.0
    assert env.env_float("T", 0.5, environ={}) == 0.5
    for bad in ("soon", "nan", "inf"):
        with pytest.raises(ImproperlyConfigured, match="is not a number"):
            env.env_float("T", 0.5, environ={"T": bad})
    with pytest.raises(ImproperlyConfigured, match="must be at least 0.1"):
        env.env_float("T", 0.5, minimum=0.1, environ={"T": "0"})


def test_env_list_splits_and_trims():
    assert env.env_list("HOSTS", environ={"HOSTS": " a.example, ,b.example "}) == [
        "a.example",
        "b.example",
    ]
    assert env.env_list("HOSTS", ["x"], environ={}) == ["x"]


def test_env_url_list_requires_a_scheme():
    origins = env.env_url_list("O", environ={"O": "https://gov.example"})
    assert origins == ["https://gov.example"]
    with pytest.raises(ImproperlyConfigured, match="must start with http"):
        env.env_url_list("O", environ={"O": "gov.example"})


def test_env_database_parses_postgres_and_sqlite():
    pg = env.env_database(
        "DATABASE_URL", "", environ={"DATABASE_URL": "postgres://u:p@db:5433/gov"}
    )
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["HOST"], pg["PORT"], pg["NAME"], pg["USER"]) == ("db", 5433, "gov", "u")
    lite = env.env_database("DATABASE_URL", "sqlite:////srv/gov.sqlite3", environ={})
    assert lite["ENGINE"] == "django.db.backends.sqlite3"
    assert lite["NAME"] == "/srv/gov.sqlite3"


def test_env_database_rejects_unknown_schemes():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL='nosql://x'"):
        env.env_database("DATABASE_URL", "", environ={"DATABASE_URL": "nosql://x"})


def test_env_timezone_checks_the_zone_database():
    assert env.env_timezone("TZ", "UTC", environ={"TZ": "Europe/Paris"}) == (
        "Europe/Paris"
    )
    with pytest.raises(ImproperlyConfigured, match="is not a time zone"):
        env.env_timezone("TZ", "UTC", environ={"TZ": "Mars/Olympus"})


def test_env_email_parses_smtp_and_console():
    smtp = env.env_email(
        "EMAIL_URL",
        "",
        environ={"EMAIL_URL": "smtp+tls://me%40x.org:s3cr%2Ft@mail:2525"},
    )
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert smtp["EMAIL_HOST"] == "mail"
    assert smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_USER"] == "me@x.org"
    assert smtp["EMAIL_HOST_PASSWORD"] == "s3cr/t"
    assert smtp["EMAIL_USE_TLS"] is True
    assert env.env_email("EMAIL_URL", "console://", environ={})["EMAIL_BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend"
    )
    with pytest.raises(ImproperlyConfigured, match="scheme must be one of"):
        env.env_email("EMAIL_URL", "", environ={"EMAIL_URL": "pigeon://coop"})


def test_persistent_secret_is_created_once(tmp_path):
    path = tmp_path / "deep" / "secret_key"
    first = env.persistent_secret(path)
    assert len(first) >= 50
    assert env.persistent_secret(path) == first
    assert path.stat().st_mode & 0o777 == 0o600


def _load_settings(tmp_path, **variables):
    """Import the real settings module in a fresh interpreter with ``variables``."""
    base = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", "import governance.settings as s; print(s.DEBUG)"],
        env={**base, **variables},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_need_a_secret_key_with_a_server_database(tmp_path):
    result = _load_settings(tmp_path, DATABASE_URL="postgres://db/gov")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_settings_generate_a_secret_key_on_the_embedded_default(tmp_path):
    result = _load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").read_text().strip()


def test_settings_fail_at_start_on_a_bad_value(tmp_path):
    result = _load_settings(tmp_path, DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_manage_py_reports_a_bad_variable_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), "DEBUG": "maybe"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: DEBUG='maybe' is not a boolean: "
        "use one of 1, 0, true, false, yes, no."
    )
