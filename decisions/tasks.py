"""The daily retention task (beat: ``decisions-retention``)."""

from celery import shared_task

from decisions.services.privacy import holds_copy_later
from decisions.services.retention import retention_run


@shared_task(
    name="decisions.tasks.apply_retention",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=60,
    max_retries=5,
)
def apply_retention():
    """Copy what holds cover since they were placed, then apply the retention
    schedule; a killed run goes on from its last batch."""
    holds_copy_later()
    run = retention_run()
    return run.done
