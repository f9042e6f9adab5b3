from celery import shared_task

from staffing.services.alerts import accreditations_warn_expiring, coverage_gaps_alert


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def accreditations_warn():
    """Warn of accreditations expiring in 30 and 7 days (daily)."""
    return [(days, a.pk) for days, a in accreditations_warn_expiring()]


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def coverage_gaps_warn():
    """Alert managers of the next 14 days' periods with nobody on duty (daily)."""
    return [
        (start.isoformat(), end.isoformat()) for _c, start, end in coverage_gaps_alert()
    ]
