"""Reminders and alerts of staffing: expiring accreditations, coverage gaps."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import mail_queue
from core.roles import Capability
from staffing import selectors
from staffing.models import Accreditation, BusinessCalendar, CoverageGapAlert


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


def _refresher_invitation():
    """Return the sentence that sends the responder to the refresher exam, when
    the training pages are installed (named by URL, not imported)."""
    try:
        path = reverse("training:mine")
    except NoReverseMatch:
        return ""
    return " " + _("Take the refresher exam in My training: %(path)s") % {"path": path}


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
        body += _refresher_invitation()
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
