"""The work: channels, incoming comments, their matches and the audit trail.

Each subject has its module; every name is re-exported here, so callers import
from ``moderation.models``.
"""

from moderation.models.answers import Answer
from moderation.models.channels import (
    Channel,
    ChannelState,
    WebhookDelivery,
    new_webhook_secret,
)
from moderation.models.collab import Macro, Mention, Note
from moderation.models.comments import Comment, Post, PostedPeriod, RuleMatch
from moderation.models.crisis import CrisisEpisode
from moderation.models.events import (
    AuditAnchor,
    AuditHead,
    Event,
    EventQuerySet,
    chain_extend,
)
from moderation.models.filters import SavedFilter
from moderation.models.notifications import Notification
from moderation.models.outbox import OutboxMessage
from moderation.models.sla import SlaPolicy

__all__ = [
    "Answer",
    "AuditAnchor",
    "AuditHead",
    "Channel",
    "ChannelState",
    "Comment",
    "CrisisEpisode",
    "Event",
    "EventQuerySet",
    "Macro",
    "Mention",
    "Note",
    "Notification",
    "OutboxMessage",
    "Post",
    "PostedPeriod",
    "RuleMatch",
    "SavedFilter",
    "SlaPolicy",
    "WebhookDelivery",
    "chain_extend",
    "new_webhook_secret",
]
