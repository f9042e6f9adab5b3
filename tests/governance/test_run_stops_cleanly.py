"""Ctrl-C on ``make run``: web, worker, outbound and beat stop cleanly.

The terminal sends SIGINT to the whole foreground group, as ``.ci/run``'s smoke
test does: no traceback, no pool process "exited with signal", exit status 0
and no process of that run left behind (``governance/run.py``).
"""

import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.processes import ROOT, free_port, wait_for

pytestmark = pytest.mark.worker


def healthz(port):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        body = response.read()
    except OSError:
        return None
    return json.loads(body) if response.status == 200 else None


def left_behind(var_dir):
    marker = f"VAR_DIR={var_dir}".encode()
    pids = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0"):
                pids.append(environ.parent.name)
        except OSError:
            pass
    return pids


def test_ctrl_c_stops_web_worker_and_beat_cleanly():
    with tempfile.TemporaryDirectory() as var_dir:
        port = free_port()
        log = Path(var_dir) / "run.log"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env["VAR_DIR"] = var_dir
        with log.open("w") as output:
            run = subprocess.Popen(  # noqa: S603
                ["make", "run", f"PORT={port}"],  # noqa: S607
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for(
                lambda: run.poll() is not None or healthz(port),
                seconds=240,
                message=lambda: log.read_text()[-3000:],
            )
            assert run.poll() is None, log.read_text()[-3000:]
            # Beat wakes the worker every minute: its first heartbeat.
            wait_for(
                lambda: (healthz(port) or {}).get("worker", {}).get("ok"),
                seconds=120,
                message=lambda: log.read_text()[-3000:],
            )
            os.killpg(run.pid, signal.SIGINT)
            code = run.wait(timeout=30)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
        output = log.read_text()
        # GNU make re-raises a SIGINT it received once its recipe has ended,
        # whatever the recipe's status: its own status says only that; the
        # launcher's is 0 when it prints its last line.
        assert code in (0, -signal.SIGINT), output[-3000:]
        assert "every process stopped cleanly" in output, output[-3000:]
        assert "Warm shutdown" in output
        assert "Traceback" not in output, output
        assert "exited with signal" not in output, output
        time.sleep(0.5)
        assert left_behind(var_dir) == [], output[-3000:]
