"""The outbox-only connector: answers are recorded in the outbox, never sent."""

from django.utils.translation import gettext_lazy as _

from moderation import registry


@registry.register
class OutboxOnly(registry.Connector):
    """Keep published answers in the outbox; comments come through the API."""

    name = "outbox"
    label = _("Outbox only (answers are recorded, not sent)")
    abilities = frozenset()
