"""State changes of who may answer what: accreditations and delegation grants."""

import calendar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import with_history_user
from core.permissions import require
from core.roles import Capability
from staffing import selectors
from staffing.models import Accreditation, DelegationGrant


def accreditation_grant(
    *, actor, responder, program, level=1, granted_at=None, expires_at=None
):
    """Accredit ``responder`` in ``program``; expiry defaults to its validity."""
    require(actor, Capability.MANAGE_STAFF, _("Only managers accredit responders."))
    granted_at = granted_at or timezone.now()
    if expires_at is None:
        expires_at = _add_months(granted_at, program.validity_months)
    accreditation = Accreditation(
        responder=responder,
        program=program,
        level=level,
        granted_at=granted_at,
        expires_at=expires_at,
        granted_by=actor,
    )
    accreditation.full_clean()
    with_history_user(accreditation, actor).save()
    return accreditation


def _add_months(moment, months):
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def accreditation_revoke(*, actor, accreditation, now=None):
    """Revoke ``accreditation`` at ``now``; return whether this call revoked it."""
    require(actor, Capability.MANAGE_STAFF, _("Only managers revoke accreditations."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = now
        with_history_user(locked, actor).save()
    return True


def grant_create(
    *,
    actor,
    responder,
    required_program,
    required_level=1,
    max_severity="medium",
    channels=(),
    categories=(),
    valid_from=None,
    valid_until=None,
    note="",
):
    """Delegate ``responder`` the right to answer without approval, within a scope.

    The responder must hold the required accreditation when the grant starts.
    """
    require(actor, Capability.MANAGE_STAFF, _("Only managers grant delegations."))
    valid_from = valid_from or timezone.now()
    grant = DelegationGrant(
        responder=responder,
        required_program=required_program,
        required_level=required_level,
        max_severity=max_severity,
        channels=list(channels),
        categories=list(categories),
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by=actor,
        note=note,
    )
    grant.full_clean()
    check_grant_accreditation(grant)
    with_history_user(grant, actor).save()
    return grant


def check_grant_accreditation(grant):
    """Raise ``ValidationError`` unless the responder holds what the grant requires."""
    facts = selectors.accreditation_facts(grant.responder)
    if not any(
        a.program == grant.required_program_id
        and a.level >= grant.required_level
        and a.valid(grant.valid_from)
        for a in facts
    ):
        raise ValidationError(
            {
                "required_program": _(
                    "%(responder)s holds no valid accreditation in %(program)s at "
                    "level %(level)s or above when the grant starts."
                )
                % {
                    "responder": grant.responder,
                    "program": grant.required_program,
                    "level": grant.required_level,
                }
            }
        )


def grant_revoke(*, actor, grant, now=None):
    """Revoke ``grant`` at ``now``; return whether this call revoked it."""
    require(actor, Capability.MANAGE_STAFF, _("Only managers revoke delegations."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = DelegationGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = now
        locked.revoked_by = actor
        with_history_user(locked, actor).save()
    return True
