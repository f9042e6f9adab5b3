from celery import shared_task

from governance.services import heartbeat_record


@shared_task
def heartbeat():
    """Record that a worker ran a task; beat sends this every minute."""
    heartbeat_record(name="worker")
