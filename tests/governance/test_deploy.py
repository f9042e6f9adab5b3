"""Production settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    # A production environment: nothing of the test run's own (browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE, which the checks rightly refuse).
    env = {
        key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        # An address where nothing listens: the checks must not need the
        # database (the API schema is built without it).
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/governance",
        "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CONNECTOR_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "governance.example.org",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "true",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
