"""Site-wide state changes."""

from django.utils import timezone

from governance.models import Heartbeat


def heartbeat_record(*, name, now=None):
    """Store ``now`` as the last time the process called ``name`` was alive."""
    now = now or timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now
