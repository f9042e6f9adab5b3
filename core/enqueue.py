"""Queue a Celery task by its name, so that a service need not import tasks.

Tasks import the services they run; a service that queues a task names it
instead, which keeps the import graph free of cycles. The task is looked up in
the app's registry, so it runs eagerly when ``CELERY_TASK_ALWAYS_EAGER`` says
so and goes through the app's task class (its broker pause) otherwise.
"""

from importlib import import_module

from celery import current_app


def enqueue(name, *args, **kwargs):
    """Queue the registered task ``name`` with ``args`` and ``kwargs``."""
    registry = current_app.tasks
    if name not in registry:
        # A web process registers an app's tasks when it first imports them.
        import_module(name.rpartition(".")[0])
    return registry[name].delay(*args, **kwargs)
