from celery import shared_task

from governance.services import heartbeat_record, mail_send, mails_send_due


@shared_task
def heartbeat():
    """Record that a worker ran a task; beat sends this every minute."""
    heartbeat_record(name="worker")


@shared_task
def deliver_mail(mail_id):
    """Make one attempt at sending an e-mail (retries are in the data)."""
    return mail_send(mail_id=mail_id)


@shared_task
def deliver_mails_due():
    """Queue the e-mails due for an attempt (every minute, from beat)."""
    return mails_send_due()
