"""The WSGI entry point gunicorn loads."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_workers_warm_up_and_freeze_their_start_up_heap():
    probe = (
        "import gc, governance.wsgi as w; "
        "print(callable(w.application), gc.get_freeze_count() > 10000)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["True", "True"]
