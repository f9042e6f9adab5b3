"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os
import threading
import time

import celery
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

# After a publish has timed out, how long the process sends nothing more to
# that broker. Every task is only a wake-up that a minute sweep repeats, so
# skipping a few costs a delay; trying each would cost every request a timeout.
BROKER_PAUSE_SECONDS = 5

_paused_until = {}  # broker URL -> time.monotonic() when publishing resumes
_pause_lock = threading.Lock()


def _clock():
    return time.monotonic()


class BrokerPaused(OperationalError):
    """A publish not tried: the broker timed out moments ago."""


class Task(celery.Task):
    """A task whose publish gives up at once while its broker is known to hang."""

    def apply_async(self, *args, **kwargs):
        if self.app.conf.task_always_eager:
            return super().apply_async(*args, **kwargs)
        if broker_paused(self.app):
            raise BrokerPaused(
                f"not sent: the broker timed out less than {BROKER_PAUSE_SECONDS} s ago"
            )
        try:
            return super().apply_async(*args, **kwargs)
        except OperationalError as exc:
            broker_pause_if_timed_out(self.app, exc)
            raise


def _broker(app):
    return app.conf.broker_write_url or app.conf.broker_url


def broker_paused(app):
    """Return whether this process holds off the broker after a timeout."""
    with _pause_lock:
        resumes_at = _paused_until.get(_broker(app), 0)
    return _clock() < resumes_at


def broker_pause_if_timed_out(app, exc):
    """Hold off the broker for a while if ``exc`` says that it timed out.

    A refusal costs nothing and is tried again at once; a timeout cost the
    caller the whole socket timeout.
    """
    if _timed_out(exc):
        with _pause_lock:
            _paused_until[_broker(app)] = _clock() + BROKER_PAUSE_SECONDS


def _timed_out(exc):
    """Return whether ``exc`` or one of its causes is a socket timeout."""
    import redis.exceptions

    while exc is not None:
        if isinstance(exc, (TimeoutError, redis.exceptions.TimeoutError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def broker_pauses_clear():
    """Forget every pause, so that the next publish is tried (tests)."""
    with _pause_lock:
        _paused_until.clear()


app = celery.Celery("governance", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
