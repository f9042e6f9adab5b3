"""The embedded default migrates from nothing, and keeps the rulebook's
triggers: SQLite drops a table's triggers when a migration rebuilds it, and
the other tables' triggers, which name it, stop the rebuild (0003 and 0005
drop and create them around their changes)."""

import importlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_sqlite_database_migrates_with_every_rulebook_trigger(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="governance.settings")
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    frozen = importlib.import_module("policies.migrations.0002_frozen_versions")
    expected = {name for name, _table in frozen._sqlite_triggers()}
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        present = {
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
    assert expected <= present
