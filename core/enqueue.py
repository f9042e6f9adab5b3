"""Queue a Celery task by its name, so that a service need not import tasks.

Tasks import the services they run; a service that queues a task names it
instead, which keeps the import graph free of cycles. Through the registered
task rather than ``send_task``: its own ``apply_async`` runs eagerly in tests
and holds off a broker that just timed out (``governance.celery.Task``). Each
app registers its tasks when it is ready, so an unknown name fails at once.
"""

from celery import current_app


def enqueue(name, *args, **kwargs):
    """Queue the task registered as ``name`` (``<app>.tasks.<function>``)."""
    return current_app.tasks[name].delay(*args, **kwargs)


def enqueue_later(name, *args, countdown):
    """Queue the task registered as ``name`` to run in ``countdown`` seconds."""
    return current_app.tasks[name].apply_async(args, countdown=countdown)
