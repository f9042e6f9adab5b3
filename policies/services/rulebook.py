"""State changes of the rulebook: drafts, publication, discarding."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.history import with_history_user
from core.permissions import require
from core.roles import Capability
from policies.acting import window_errors
from policies.models import AnswerTemplate, Pattern, PolicyVersion, Rule

# Sent after the transaction that published a version commits; the matcher
# listens to drop its compiled cache.
policy_version_published = Signal()


class PolicyError(ValidationError):
    """A change to the rulebook that cannot be made, with a message for the user."""


def require_editor(actor):
    """Refuse anyone but a manager (``actor`` None: the system, allowed)."""
    require(
        actor, Capability.EDIT_POLICIES, _("Only managers may change the rulebook.")
    )


def policy_version_create_draft(*, actor, note=""):
    """Create the draft version, copied from the current one, and return it.

    ``actor`` may be ``None`` for system changes (the default framework).
    """
    require_editor(actor)
    try:
        with transaction.atomic():
            if PolicyVersion.objects.filter(status=PolicyVersion.Status.DRAFT).exists():
                raise PolicyError(
                    _("A draft already exists: publish or discard it first."),
                    code="draft_exists",
                )
            current = PolicyVersion.objects.current()
            last = PolicyVersion.objects.aggregate(last=Max("number"))["last"] or 0
            draft = with_history_user(
                PolicyVersion(
                    number=last + 1, based_on=current, created_by=actor, note=note
                ),
                actor,
            )
            draft.save()
            if current is not None:
                _copy_rules(source=current, target=draft, actor=actor)
    except IntegrityError:
        # Two managers asked at once; the unique constraints let one through.
        raise PolicyError(
            _("Another draft was created at the same moment; open that one."),
            code="draft_exists",
        ) from None
    return draft


def _copy_rules(*, source, target, actor):
    rules = list(
        source.rules.prefetch_related(
            "patterns", "answer_templates", "legal_references"
        )
    )
    patterns, templates = [], []
    for rule in rules:
        copy = Rule(
            version=target,
            **{
                field.attname: getattr(rule, field.attname)
                for field in Rule._meta.concrete_fields
                if field.attname not in ("id", "version_id")
            },
        )
        with_history_user(copy, actor).save()
        copy.legal_references.set(rule.legal_references.all())
        patterns += [
            Pattern(
                rule=copy,
                kind=p.kind,
                language=p.language,
                expression=p.expression,
                enabled=p.enabled,
            )
            for p in rule.patterns.all()
        ]
        templates += [
            AnswerTemplate(rule=copy, language=t.language, title=t.title, body=t.body)
            for t in rule.answer_templates.all()
        ]
    bulk_create_with_history(patterns, Pattern, default_user=actor)
    bulk_create_with_history(templates, AnswerTemplate, default_user=actor)


def policy_version_publish(*, version, actor, now=None):
    """Publish the draft ``version`` and retire the current one, atomically."""
    require_editor(actor)
    now = now or timezone.now()
    with transaction.atomic():
        draft = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if draft.status != PolicyVersion.Status.DRAFT:
            raise PolicyError(
                _("Only a draft can be published; version %(number)s is %(status)s.")
                % {"number": draft.number, "status": draft.get_status_display()},
                code="not_draft",
            )
        _check_publishable(draft)
        previous = (
            PolicyVersion.objects.select_for_update()
            .filter(status=PolicyVersion.Status.PUBLISHED)
            .first()
        )
        if previous is not None:
            _status_move(previous, PolicyVersion.Status.RETIRED)
            previous.retired_at = now
            with_history_user(previous, actor).save()
        _status_move(draft, PolicyVersion.Status.PUBLISHED)
        draft.effective_from = now
        draft.published_by = actor
        with_history_user(draft, actor).save()
        transaction.on_commit(
            lambda: policy_version_published.send(sender=PolicyVersion, version=draft)
        )
    return draft


def _status_move(version, status):
    # The model refuses any status change but the one its service announces.
    version._transition = (version.status, status)
    version.status = status


def _check_publishable(draft):
    rules = list(draft.rules.prefetch_related("patterns"))
    if not rules:
        raise PolicyError(
            _("A version without rules cannot be published."), code="empty"
        )
    windows = [
        f"{rule.slug}: {message}"
        for rule in rules
        for message in window_errors(
            acts_alone=rule.acts_alone,
            days=rule.acts_alone_days,
            start=rule.acts_alone_from,
            end=rule.acts_alone_until,
        ).values()
    ]
    if windows:
        raise PolicyError(
            _("Fix when these rules act on their own: %(errors)s")
            % {"errors": "; ".join(windows)},
            code="invalid_windows",
        )
    errors = []
    for rule in rules:
        for pattern in rule.patterns.all():
            try:
                pattern.clean()
            except ValidationError as exc:
                errors.append(f"{rule.slug}: {pattern.expression!r}: {exc.messages[0]}")
    if errors:
        raise PolicyError(
            _("Fix these patterns before publishing: %(errors)s")
            % {"errors": "; ".join(errors)},
            code="invalid_patterns",
        )


def policy_version_discard(*, version, actor):
    """Delete the draft ``version`` and everything in it."""
    require_editor(actor)
    with transaction.atomic():
        deleted, _detail = PolicyVersion.objects.filter(
            pk=version.pk, status=PolicyVersion.Status.DRAFT
        ).delete()
    if not deleted:
        raise PolicyError(_("Only a draft can be discarded."), code="not_draft")
