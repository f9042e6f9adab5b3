"""Queue moderation's Celery tasks by name.

The tasks call the services, so the services may not import the tasks: a
service that has work for a worker names the task here instead, from a
callback it hands to ``governance.transactions.after_commit``, so that no
task reads rows its transaction has not committed yet.
"""

from celery import current_app


def enqueue(name, *args, **kwargs):
    """Queue the task registered as ``name`` (``moderation.tasks.<function>``).

    Through the registered task rather than ``send_task``: the task's own
    ``apply_async`` runs eagerly in tests and holds off a broker that just
    timed out (``governance.celery.Task``). The app registers its tasks when
    it is ready, so an unknown name fails at once.
    """
    return current_app.tasks[name].delay(*args, **kwargs)
