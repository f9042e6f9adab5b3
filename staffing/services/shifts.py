"""State changes of the rota: shifts, and the shifts a rota template generates."""

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.history import with_history_user
from core.permissions import require
from core.roles import Capability
from staffing.models import Shift


def shift_create(*, actor, responder, starts_at, ends_at, role=Shift.Role.PRIMARY):
    """Put ``responder`` on duty; refuse a shift overlapping one of theirs."""
    require(actor, Capability.PLAN_COVERAGE, _("Only managers plan shifts."))
    with transaction.atomic():
        # Lock the responder so that two overlapping shifts cannot pass the
        # check at the same moment.
        get_user_model().objects.select_for_update().filter(pk=responder.pk).first()
        shift = Shift(
            responder=responder,
            starts_at=starts_at,
            ends_at=ends_at,
            role=role,
            created_by=actor,
        )
        shift.full_clean()
        with_history_user(shift, actor).save()
    return shift


def shift_delete(*, actor, shift):
    require(actor, Capability.PLAN_COVERAGE, _("Only managers plan shifts."))
    with_history_user(shift, actor).delete()


def rota_generate(*, actor, template, start_date, weeks):
    """Create the shifts of ``template`` for ``weeks`` weeks from ``start_date``.

    Idempotent: a slot whose responder already has a shift in that period is
    skipped. Return ``(created, skipped)``.
    """
    require(actor, Capability.PLAN_COVERAGE, _("Only managers plan shifts."))
    if not 1 <= weeks <= 26:
        raise ValidationError({"weeks": _("Generate between 1 and 26 weeks.")})
    zone = zoneinfo.ZoneInfo(template.time_zone)
    monday = start_date - datetime.timedelta(days=start_date.weekday())
    created = skipped = 0
    for slot in template.slots.select_related("responder"):
        for week in range(weeks):
            day = monday + datetime.timedelta(days=7 * week + slot.weekday)
            starts_at = datetime.datetime.combine(day, slot.starts).replace(tzinfo=zone)
            ends_at = starts_at + datetime.timedelta(minutes=slot.duration_minutes)
            if day < start_date:
                continue
            try:
                shift_create(
                    actor=actor,
                    responder=slot.responder,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    role=slot.role,
                )
            except ValidationError:
                skipped += 1
            else:
                created += 1
    return created, skipped
