"""Work to do once the current transaction commits."""

from django.db import transaction


def after_commit(func, *args, **kwargs):
    """Call ``func(*args, **kwargs)`` after the current transaction commits.

    Robust: if it fails (the broker is down, say) the failure is logged and the
    committed work stands; the minute sweeps catch up. Django logs a failing
    callback by its ``__qualname__``, which ``functools.partial`` lacks: a
    partial's failure would itself fail, so the callback is a function.
    """

    def callback():
        func(*args, **kwargs)

    callback.__qualname__ = getattr(func, "__qualname__", repr(func))
    transaction.on_commit(callback, robust=True)
