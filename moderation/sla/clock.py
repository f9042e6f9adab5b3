"""The SLA clock: a comment's due times from its channel's policy and
calendar, recomputed when either changes."""

import datetime
from dataclasses import dataclass

from moderation.models import Comment, SlaPolicy
from staffing import businesstime, selectors

# Without an SLA policy: targets in business minutes of the channel's coverage
# calendar, by the highest severity a comment hit, and a warning 30 min before.
DEFAULT_TARGET_MINUTES = {
    "critical": 60,
    "high": 240,
    "medium": 480,
    "low": 1440,
    "": 1440,
}
DEFAULT_WARNING_MINUTES = 30
DEFAULT_APPROVAL_MINUTES = 60
DEFAULT_ESCALATION_MINUTES = 240

OPEN = tuple(Comment.OPEN_STATUSES)


def clock_calendar(channel):
    """Return the calendar the channel's SLA counts in, or None for wall-clock."""
    policy = channel.sla_policy
    if policy is None:
        return channel.calendar
    if policy.clock == SlaPolicy.Clock.WALL:
        return None
    return policy.calendar


def spec_for(calendar, at, specs):
    """Return the calendar's ``CalendarSpec`` around ``at`` (cached in ``specs``)."""
    if calendar is None:
        return businesstime.always_open()
    key = (calendar.pk, at.year)
    if key not in specs:
        specs[key] = selectors.calendar_spec(
            calendar, start=at, end=at + datetime.timedelta(days=30)
        )
    return specs[key]


@dataclass(frozen=True)
class Clock:
    """A comment's SLA clock: what it was computed from, and its deadlines."""

    policy: SlaPolicy | None
    calendar_version: int | None
    warn_at: datetime.datetime
    due_at: datetime.datetime

    def fields(self):
        """Return the comment fields this clock sets."""
        return {
            "sla_policy": self.policy,
            "sla_policy_version": self.policy.version if self.policy else None,
            "sla_calendar_version": self.calendar_version,
            "warn_at": self.warn_at,
            "first_response_due_at": self.due_at,
        }


def due_times(*, channel, severity, posted_at, specs):
    """Return the ``Clock`` of a comment posted on ``channel`` at ``posted_at``."""
    policy = channel.sla_policy
    if policy is None:
        target, warning = DEFAULT_TARGET_MINUTES[severity], DEFAULT_WARNING_MINUTES
    else:
        target, warning = policy.target_minutes(severity), policy.warning_minutes
    calendar = clock_calendar(channel)
    spec = spec_for(calendar, posted_at, specs)
    warn, due = businesstime.business_deadlines(
        spec, posted_at, [max(0, target - warning), target]
    )
    return Clock(policy, calendar.version if calendar else None, warn, due)


def escalation_due(*, comment, at):
    """Return when an escalation of ``comment`` made at ``at`` is due: the
    escalation target of the channel's policy, counted by its clock."""
    policy = comment.channel.sla_policy
    minutes = policy.escalation_minutes if policy else DEFAULT_ESCALATION_MINUTES
    spec = spec_for(clock_calendar(comment.channel), at, {})
    return businesstime.add_business_minutes(spec, at, minutes)


def recompute_open(*, channel_ids=None, policy_id=None, batch=500, after=0):
    """Recompute the due times of open comments not yet breached, after a
    manager changed a policy or a calendar; closed comments keep their history.

    Works in batches by id and returns the last id done (0 when finished), so
    that a task can go on from there.
    """
    comments = Comment.objects.filter(
        status__in=OPEN, breached_at__isnull=True, pk__gt=after
    )
    if channel_ids is not None:
        comments = comments.filter(channel_id__in=channel_ids)
    if policy_id is not None:
        comments = comments.filter(channel__sla_policy_id=policy_id)
    chunk = list(
        comments.select_related(
            "channel__sla_policy__calendar", "channel__calendar"
        ).order_by("pk")[:batch]
    )
    specs = {}
    fields = []
    for comment in chunk:
        clock = due_times(
            channel=comment.channel,
            severity=comment.severity,
            posted_at=comment.posted_at,
            specs=specs,
        ).fields()
        for name, value in clock.items():
            setattr(comment, name, value)
        fields = list(clock)
    if chunk:
        Comment.objects.bulk_update(chunk, fields)
    return chunk[-1].pk if len(chunk) == batch else 0
