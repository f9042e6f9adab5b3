"""Secrets are encrypted with the keys of CONNECTOR_KEYS, and rotate."""

import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from core import encryption
from core.env import derived_fernet_key, env_fernet_keys

ROOT = Path(__file__).resolve().parents[2]


def test_a_secret_round_trips_and_is_not_kept_in_clear(settings):
    token = encryption.encrypt("app-password-1234")
    assert "app-password-1234" not in token
    assert encryption.decrypt(token) == "app-password-1234"
    # Each encryption is fresh: equal secrets do not give equal tokens.
    assert encryption.encrypt("app-password-1234") != token


def test_keys_rotate_and_the_old_one_can_then_be_dropped(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CONNECTOR_KEYS = [old]
    token = encryption.encrypt("s3cret")
    settings.CONNECTOR_KEYS = [new, old]
    assert encryption.decrypt(token) == "s3cret"
    rotated = encryption.rotate(token)
    settings.CONNECTOR_KEYS = [new]
    assert encryption.decrypt(rotated) == "s3cret"
    with pytest.raises(encryption.UnreadableSecret):
        encryption.decrypt(token)


def test_a_token_no_key_can_read_is_a_clear_error_not_garbage(settings):
    token = encryption.encrypt("s3cret")
    settings.CONNECTOR_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(encryption.UnreadableSecret, match="CONNECTOR_KEYS"):
        encryption.decrypt(token)
    with pytest.raises(encryption.UnreadableSecret):
        encryption.rotate(token)
    with pytest.raises(encryption.UnreadableSecret):
        encryption.decrypt("not a token at all")


def test_keys_are_read_from_the_environment_and_checked():
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    environ = {"CONNECTOR_KEYS": f" {first} , {second} ,"}
    assert env_fernet_keys("CONNECTOR_KEYS", environ=environ) == [first, second]
    assert env_fernet_keys("CONNECTOR_KEYS", environ={}) == []
    with pytest.raises(ImproperlyConfigured, match="CONNECTOR_KEYS: key 2 is not"):
        env_fernet_keys("CONNECTOR_KEYS", environ={"CONNECTOR_KEYS": f"{first},x"})


def test_the_derived_key_is_a_stable_fernet_key():
    key = derived_fernet_key("some secret key")
    assert key == derived_fernet_key("some secret key")
    assert key != derived_fernet_key("another secret key")
    Fernet(key)


def _settings_in(env, tmp_path):
    base = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(len(settings.CONNECTOR_KEYS))",
        ],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "VAR_DIR": str(tmp_path),
            **base,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_needs_connector_keys_and_the_embedded_default_derives_one(
    tmp_path,
):
    production = {
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
    }
    result = _settings_in(production, tmp_path)
    assert result.returncode != 0
    assert "CONNECTOR_KEYS is required when DEBUG is off" in result.stderr
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    result = _settings_in({**production, "CONNECTOR_KEYS": keys}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"
    result = _settings_in({"SECRET_KEY": "x" * 50}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    bad = _settings_in({**production, "CONNECTOR_KEYS": "nope"}, tmp_path)
    assert bad.returncode != 0
    assert "CONNECTOR_KEYS: key 1 is not a Fernet key" in bad.stderr
