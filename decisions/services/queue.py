"""Due times of the due-process queue: appeals and notices, each by its own
SLA policy (an SLA policy with the slug ``appeals`` or ``notices``; its
medium target and its clock), else by the defaults below."""

import datetime

from moderation.models import SlaPolicy
from moderation.sla.clock import spec_for
from staffing import businesstime

DEFAULT_MINUTES = {"appeals": 7 * 24 * 60, "notices": 2 * 24 * 60}


def queue_due(slug, at):
    """Return when an item of queue ``slug`` received at ``at`` is due."""
    policy = SlaPolicy.objects.select_related("calendar").filter(slug=slug).first()
    if policy is None:
        return at + datetime.timedelta(minutes=DEFAULT_MINUTES[slug])
    calendar = None if policy.clock == SlaPolicy.Clock.WALL else policy.calendar
    spec = spec_for(calendar, at, {})
    return businesstime.add_business_minutes(spec, at, policy.medium_minutes)
