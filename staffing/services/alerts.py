"""Reminders and alerts of staffing: expiring accreditations, coverage gaps."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import mail_number, mail_queue_each, mail_when
from core.roles import Capability
from staffing import selectors
from staffing.models import Accreditation, BusinessCalendar, CoverageGapAlert


def accreditations_warn_expiring(*, now=None):
    """Warn responders and their managers 30 and 7 days before an expiry, once each."""
    now = now or timezone.now()
    sent = []
    for days, field in ((30, "warned_30_at"), (7, "warned_7_at")):
        # A responder who renewed (a refresher passed) holds a later one:
        # the one it replaces expires without a warning.
        renewed = Accreditation.objects.filter(
            responder=OuterRef("responder"),
            program=OuterRef("program"),
            revoked_at__isnull=True,
            granted_at__lte=now,
            expires_at__gt=OuterRef("expires_at"),
        )
        due = (
            Accreditation.objects.filter(
                revoked_at__isnull=True,
                expires_at__gt=now,
                expires_at__lte=now + datetime.timedelta(days=days),
                **{f"{field}__isnull": True},
            )
            .exclude(Exists(renewed))
            .select_related("responder__manager", "program")
        )
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


def _refresher_invitation(program):
    """Return the sentence that sends the responder to the refresher exam of
    ``program``, when the training pages are installed (named by URL, not
    imported)."""
    try:
        path = reverse("training:mine")
    except NoReverseMatch:
        return ""
    return " " + _("Take the refresher exam in My training: %(path)s") % {
        "path": f"{path}#program-{program.slug}"
    }


def _queue_expiry_warning(accreditation, days, now):
    """E-mail the responder (with the way to the refresher exam) and their
    manager, or every staff manager when they have none (without it)."""
    responder = accreditation.responder
    if responder.manager and responder.manager.email:
        managers = [responder.manager]
    else:
        managers = list(
            get_user_model().objects.with_capability(Capability.MANAGE_STAFF)
        )
    managers = [person for person in managers if person.pk != responder.pk]
    name = responder.get_full_name() or responder.get_username()
    facts = {
        "responder": name,
        "program": accreditation.program,
    }

    def subject():
        return _("Accreditation expiring in %(days)d days: %(responder)s") % {
            "days": days,
            "responder": name,
        }

    def to_responder(language):
        body = _(
            "Your accreditation in %(program)s expires on %(date)s. Without it, "
            "your delegation to answer without approval stops at that moment."
        ) % {**facts, "date": mail_when(accreditation.expires_at)}
        return subject(), body + _refresher_invitation(accreditation.program)

    def to_managers(language):
        body = _(
            "The accreditation of %(responder)s in %(program)s expires on %(date)s. "
            "Without it, their delegation to answer without approval stops at that "
            "moment."
        ) % {**facts, "date": mail_when(accreditation.expires_at)}
        return subject(), body

    mail_queue_each(
        kind="accreditation_expiring", people=[responder], compose=to_responder, now=now
    )
    if managers:
        mail_queue_each(
            kind="accreditation_expiring", people=managers, compose=to_managers, now=now
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
    managers = get_user_model().objects.with_capability(Capability.PLAN_COVERAGE)

    def compose(language):
        lines = [
            _("- %(calendar)s: from %(start)s to %(end)s (%(hours)s h)")
            % {
                "calendar": calendar_obj,
                # The weekday and the decimals as the reader's language
                # writes them, not the server's.
                "start": mail_when(start, weekday=True),
                "end": mail_when(stop, weekday=True),
                "hours": mail_number((stop - start).total_seconds() / 3600),
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
        return subject, body

    mail_queue_each(kind="coverage_gaps", people=managers, compose=compose, now=now)
