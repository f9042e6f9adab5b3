"""May a responder answer a comment at once, without approval?

Pure Python, no ORM: the caller passes plain facts about the responder's grants
and accreditations, the comment's channel, categories and severity, and the
instant. Nothing has to happen when an accreditation expires: the decision at
that instant simply says no.
"""

from dataclasses import dataclass

from policies.models import SEVERITY_RANK

ALLOWED = "allowed"
NO_GRANT = "no_grant"
CHANNEL_OUT_OF_SCOPE = "channel_out_of_scope"
CATEGORY_OUT_OF_SCOPE = "category_out_of_scope"
SEVERITY_TOO_HIGH = "severity_too_high"
ACCREDITATION_MISSING = "accreditation_missing"
ACCREDITATION_EXPIRED = "accreditation_expired"

# When no grant allows, the reason reported is the one of the grant that came
# closest: an expired accreditation says more than a channel out of scope.
_CLOSENESS = [
    NO_GRANT,
    CHANNEL_OUT_OF_SCOPE,
    CATEGORY_OUT_OF_SCOPE,
    SEVERITY_TOO_HIGH,
    ACCREDITATION_MISSING,
    ACCREDITATION_EXPIRED,
]


@dataclass(frozen=True)
class GrantFacts:
    channels: tuple
    categories: tuple
    max_severity: str
    required_program: int
    required_level: int
    valid_from: object
    valid_until: object = None
    revoked_at: object = None
    id: int | None = None

    def active(self, at):
        return (
            self.valid_from <= at
            and (self.valid_until is None or at < self.valid_until)
            and (self.revoked_at is None or at < self.revoked_at)
        )


@dataclass(frozen=True)
class AccreditationFacts:
    program: int
    level: int
    granted_at: object
    expires_at: object
    revoked_at: object = None

    def valid(self, at):
        return self.granted_at <= at < self.expires_at and (
            self.revoked_at is None or at < self.revoked_at
        )

    def lapsed(self, at):
        """Return whether it was valid once and no longer is at ``at``."""
        ended = (
            self.expires_at
            if self.revoked_at is None
            else min(self.expires_at, self.revoked_at)
        )
        return self.granted_at <= at and ended <= at


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    grant: int | None = None


def decide(grants, accreditations, *, channel, categories, severity, at):
    """Return the ``Decision`` for answering without approval at instant ``at``."""
    best = NO_GRANT
    for grant in grants:
        if not grant.active(at):
            continue
        if grant.channels and channel not in grant.channels:
            reason = CHANNEL_OUT_OF_SCOPE
        elif grant.categories and not set(categories) <= set(grant.categories):
            reason = CATEGORY_OUT_OF_SCOPE
        elif SEVERITY_RANK[severity] > SEVERITY_RANK[grant.max_severity]:
            reason = SEVERITY_TOO_HIGH
        else:
            held = [
                a
                for a in accreditations
                if a.program == grant.required_program
                and a.level >= grant.required_level
            ]
            if any(a.valid(at) for a in held):
                return Decision(True, ALLOWED, grant.id)
            reason = (
                ACCREDITATION_EXPIRED
                if any(a.lapsed(at) for a in held)
                else ACCREDITATION_MISSING
            )
        if _CLOSENESS.index(reason) > _CLOSENESS.index(best):
            best = reason
    return Decision(False, best)
