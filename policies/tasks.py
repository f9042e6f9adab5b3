from celery import shared_task

from policies.services.legal import legal_references_notify_overdue


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def legal_reviews_notify_overdue():
    """Tell managers which legal references are overdue for review (daily)."""
    return [reference.slug for reference in legal_references_notify_overdue()]
