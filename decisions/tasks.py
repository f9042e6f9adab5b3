"""The daily retention task (beat: ``decisions-retention``)."""

from celery import shared_task

from decisions.services.retention import retention_run


@shared_task(
    name="decisions.tasks.apply_retention",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=60,
    max_retries=5,
)
def apply_retention():
    """Apply the retention schedule; a killed run goes on from its last batch."""
    run = retention_run()
    return run.done
