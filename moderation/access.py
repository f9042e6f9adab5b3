"""Who may see a comment, and who may see the personal data in it.

Two rules, asked by every page, endpoint, service, e-mail and export, so that
none of them decides on its own:

- **channel scope**: a person whose ``channels`` list some channels sees and
  acts on the comments of those channels only (empty means all); managers see
  every channel;
- **personal data**: the comment's assignee, the person it is escalated to,
  approvers and managers see the
  personal data the detectors found; everyone else, and every e-mail (it goes
  to several people), gets it blotted out (``moderation.masking``).

An account switched off sees nothing.
"""

from core.roles import Capability


def channel_scope(user):
    """Return the slugs of the channels ``user`` may see, or ``None`` for all."""
    if user.can(Capability.PLAN_COVERAGE) or not user.channels:
        return None
    return frozenset(user.channels)


def in_scope(user, comment):
    """Return whether ``comment`` belongs to a channel ``user`` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    scope = channel_scope(user)
    return scope is None or comment.channel.slug in scope


def sees_personal_data(user, comment):
    """Return whether ``user`` needs to see the personal data in ``comment``:
    its assignee, the person it is escalated to, approvers and managers,
    within their channels."""
    if not in_scope(user, comment):
        return False
    return (
        comment.assignee_id == user.pk
        or comment.escalated_to_user(user)
        or user.can(Capability.APPROVE)
    )
