"""Start the Procfile's processes for ``make run`` and stop them cleanly.

honcho forwards a terminal's Ctrl-C as SIGTERM on top of the SIGINT the
terminal already sent the whole group: the Celery pools then log "exited with
signal 15", tracebacks follow and ``make`` exits 130. This launcher does what
honcho does for a developer (one prefixed, coloured line per output line) but:

- each process runs in a session of its own, so only this launcher receives
  the terminal's SIGINT (or a SIGTERM) and each child is asked once to stop,
  through its main process only (Celery's warm shutdown, gunicorn's graceful
  stop, beat's clean exit);
- after ``STOP_TIMEOUT`` seconds the stragglers' groups are killed;
- the exit status is 0 after a requested stop, 1 when a process died by itself.

Production does not use it: Docker and a Procfile host start each line alone.

Usage: ``python -m governance.run [--port 8000] [--procfile Procfile]``.
"""

import argparse
import contextlib
import datetime
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

STOP_TIMEOUT = 20
COLOURS = ("36", "33", "32", "35", "34", "31")
LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def procfile_read(path):
    """The Procfile's ``name: command`` lines, in order."""
    entries = []
    for line in Path(path).read_text().splitlines():
        match = LINE.match(line.strip())
        if match and not line.lstrip().startswith("#"):
            entries.append((match.group(1), match.group(2)))
    return entries


class Launcher:
    def __init__(self, entries, port):
        self.entries = entries
        self.port = port
        self.children = {}  # name -> Popen
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.width = max(len(f"{name}.1") for name, _ in entries)
        self.colour = sys.stdout.isatty()

    def say(self, name, index, text):
        label = f"{datetime.datetime.now():%H:%M:%S} {name + '.1':<{self.width}} | "
        if self.colour:
            label = f"\033[{COLOURS[index % len(COLOURS)]}m{label}\033[0m"
        with self.lock:
            sys.stdout.write(label + text + "\n")
            sys.stdout.flush()

    def relay(self, name, index, stream):
        for raw in iter(stream.readline, b""):
            self.say(name, index, raw.decode("utf-8", "replace").rstrip("\n"))
        stream.close()

    def start(self):
        env = dict(os.environ, PORT=str(self.port), PYTHONUNBUFFERED="1")
        for index, (name, command) in enumerate(self.entries):
            child = subprocess.Popen(  # noqa: S603 (the repository's Procfile)
                ["/bin/sh", "-c", command],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Out of the terminal's process group: Ctrl-C reaches us only.
                start_new_session=True,
            )
            self.children[name] = child
            self.say(name, index, f"started with pid {child.pid}")
            threading.Thread(
                target=self.relay, args=(name, index, child.stdout), daemon=True
            ).start()

    def request_stop(self, signum, _frame=None):
        # Forwarded once: a second Ctrl-C does not turn a warm shutdown cold.
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.say("system", len(self.entries), "stopping all processes")
        for child in self.children.values():
            if child.poll() is None:
                # The main process only: Celery stops its own pool.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGTERM)

    def kill_stragglers(self):
        for child in self.children.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)

    def wait(self):
        """Block until every child has exited; the launcher's exit status."""
        died = None
        deadline = None
        while True:
            running = [c for c in self.children.values() if c.poll() is None]
            if not self.stopping.is_set():
                for name, child in self.children.items():
                    if child.returncode is not None:
                        died = name
                        self.say(name, 0, f"exited by itself ({child.returncode})")
                        self.request_stop(signal.SIGTERM)
                        break
            if not running:
                break
            if self.stopping.is_set():
                deadline = deadline or time.monotonic() + STOP_TIMEOUT
                if time.monotonic() > deadline:
                    self.say("system", len(self.entries), "killing what is left")
                    self.kill_stragglers()
                    for child in running:
                        child.wait()
                    break
            time.sleep(0.1)
        # Leftover grandchildren (a pool worker) go with their group.
        self.kill_stragglers()
        if died:
            return 1
        self.say("system", len(self.entries), "every process stopped cleanly")
        return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--procfile", default="Procfile")
    args = parser.parse_args(argv)
    launcher = Launcher(procfile_read(args.procfile), args.port)
    signal.signal(signal.SIGINT, launcher.request_stop)
    signal.signal(signal.SIGTERM, launcher.request_stop)
    signal.signal(signal.SIGHUP, launcher.request_stop)
    launcher.start()
    return launcher.wait()


if __name__ == "__main__":
    sys.exit(main())
