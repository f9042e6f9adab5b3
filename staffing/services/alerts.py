"""State changes for staffing: roles, delegation, accreditations, shifts."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import mail_queue
from core.roles import Capability, Role
from staffing import selectors
from staffing.models import (
    Accreditation,
    BusinessCalendar,
    CoverageGapAlert,
    OpeningWindow,
)

# Apps whose models managers edit in the admin.
MANAGED_APPS = ("core", "governance", "policies", "staffing", "moderation", "axes")


def roles_sync(*, using="default"):
    """Create one group per role and give managers the admin permissions.

    Idempotent: run after every migrate. Other roles get no model permissions;
    they work through the site and the API, which check capabilities.
    """
    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
    managers = Group.objects.using(using).get(name=Role.MANAGER)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=MANAGED_APPS
    )
    managers.permissions.add(*permissions)


def calendars_ensure_defaults(*, using="default"):
    """Create the ``qc-business`` and ``24-7`` calendars if they are missing.

    Idempotent, and never changes a calendar a manager edited.
    """
    business, created = BusinessCalendar.objects.using(using).get_or_create(
        slug="qc-business",
        defaults={
            "name_fr": "Heures de bureau (Québec)",
            "name_en": "Business hours (Québec)",
            "time_zone": "America/Toronto",
            "holiday_country": "CA",
            "holiday_subdivision": "QC",
        },
    )
    if created:
        OpeningWindow.objects.using(using).bulk_create(
            OpeningWindow(
                calendar=business,
                weekday=weekday,
                starts=datetime.time(9, 0),
                ends=datetime.time(17, 0),
            )
            for weekday in range(5)
        )
    BusinessCalendar.objects.using(using).get_or_create(
        slug="24-7",
        defaults={
            "name_fr": "En tout temps (24/7)",
            "name_en": "Around the clock (24/7)",
            "time_zone": "America/Toronto",
            "always_open": True,
            "holiday_country": "",
            "holiday_subdivision": "",
        },
    )


def user_set_roles(*, user, roles):
    """Replace the user's roles with ``roles`` (``Role`` values)."""
    groups = Group.objects.filter(name__in=[Role(role).value for role in roles])
    user.groups.set(groups)
    user.__dict__.pop("role_names", None)
    user.__dict__.pop("capabilities", None)


def accreditations_warn_expiring(*, now=None):
    """Warn responders and their managers 30 and 7 days before an expiry, once each."""
    now = now or timezone.now()
    sent = []
    for days, field in ((30, "warned_30_at"), (7, "warned_7_at")):
        due = Accreditation.objects.filter(
            revoked_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + datetime.timedelta(days=days),
            **{f"{field}__isnull": True},
        ).select_related("responder__manager", "program")
        for accreditation in due:
            # The mark and the e-mail in one transaction: a warning is written
            # once, and sent after commit.
            with transaction.atomic():
                claimed = Accreditation.objects.filter(
                    pk=accreditation.pk, **{f"{field}__isnull": True}
                ).update(**{field: now})
                if claimed:
                    _queue_expiry_warning(accreditation, days, now)
                    sent.append((days, accreditation))
    return sent


def _queue_expiry_warning(accreditation, days, now):
    responder = accreditation.responder
    recipients = [responder.email] if responder.email else []
    if responder.manager and responder.manager.email:
        recipients.append(responder.manager.email)
    else:
        recipients += list(
            get_user_model()
            .objects.with_capability(Capability.MANAGE_STAFF)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Accreditation expiring in %(days)d days: %(responder)s") % {
            "days": days,
            "responder": responder.get_full_name() or responder.get_username(),
        }
        body = _(
            "The accreditation of %(responder)s in %(program)s expires on %(date)s. "
            "Without it, their delegation to answer without approval stops at that "
            "moment."
        ) % {
            "responder": responder.get_full_name() or responder.get_username(),
            "program": accreditation.program,
            "date": timezone.localtime(accreditation.expires_at).strftime(
                "%Y-%m-%d %H:%M"
            ),
        }
    mail_queue(
        kind="accreditation_expiring",
        recipients=recipients,
        subject=subject,
        body=body,
        now=now,
    )


def coverage_gaps_alert(*, now=None, days=14):
    """Tell managers, once per gap, when a 24/7 calendar will go unwatched."""
    now = now or timezone.now()
    end = now + datetime.timedelta(days=days)
    new = []
    # The gaps recorded and their e-mail in one transaction: each gap is
    # alerted once, and the e-mail sent after commit.
    with transaction.atomic():
        for calendar_obj in BusinessCalendar.objects.filter(always_open=True):
            for start, stop in selectors.coverage_gaps(
                calendar=calendar_obj, start=now, end=end
            ):
                _alert, created = CoverageGapAlert.objects.get_or_create(
                    calendar=calendar_obj,
                    starts_at=start,
                    ends_at=stop,
                    defaults={"notified_at": now},
                )
                if created:
                    new.append((calendar_obj, start, stop))
        if new:
            _queue_gap_alert(new, now)
    return new


def _queue_gap_alert(gaps, now):
    recipients = list(
        get_user_model()
        .objects.with_capability(Capability.PLAN_COVERAGE)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("- %(calendar)s: from %(start)s to %(end)s (%(hours).1f h)")
            % {
                "calendar": calendar_obj,
                "start": timezone.localtime(start).strftime("%a %Y-%m-%d %H:%M"),
                "end": timezone.localtime(stop).strftime("%a %Y-%m-%d %H:%M"),
                "hours": (stop - start).total_seconds() / 3600,
            }
            for calendar_obj, start, stop in gaps
        ]
        subject = ngettext(
            "%(count)d period without anyone on duty",
            "%(count)d periods without anyone on duty",
            len(gaps),
        ) % {"count": len(gaps)}
        body = (
            _("Nobody who may answer is on shift during:") + "\n\n" + "\n".join(lines)
        )
    mail_queue(
        kind="coverage_gaps",
        recipients=recipients,
        subject=subject,
        body=body,
        now=now,
    )
