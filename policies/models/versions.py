"""Policy versions, and the content that freezes when its version is published.

A published version is immutable: managers change a draft copied from it, then
publish the draft, which retires the previous version in the same transaction.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PublishedVersionError(ValidationError):
    """Raised when code tries to change a published or retired version or its rules."""


def _frozen_error(number, status):
    return PublishedVersionError(
        _("Version %(number)s is %(status)s and cannot change; edit a draft."),
        code="published_version",
        params={
            "number": number,
            "status": PolicyVersion.Status(status).label,
        },
    )


class PolicyVersionQuerySet(models.QuerySet):
    def current(self):
        """Return the published version, or ``None`` before the first publication."""
        return self.filter(status=PolicyVersion.Status.PUBLISHED).first()

    def _refuse_frozen(self):
        frozen = (
            self.exclude(status=PolicyVersion.Status.DRAFT)
            .values("number", "status")
            .first()
        )
        if frozen:
            raise _frozen_error(frozen["number"], frozen["status"])

    def update(self, **kwargs):
        """Update drafts only; a status moves through the publishing service."""
        self._refuse_frozen()
        if "status" in kwargs:
            raise PublishedVersionError(
                _("A version's status changes only when a draft is published."),
                code="status_transition",
            )
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        """Delete drafts only."""
        self._refuse_frozen()
        return super().delete()

    delete.queryset_only = True


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    number = models.PositiveIntegerField(_("number"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    note = models.TextField(_("what changed"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    effective_from = models.DateTimeField(_("effective from"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PolicyVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]
        constraints = [
            # Exactly one version is current; publishing retires the previous one
            # first, in the same transaction.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="policies_one_published_version",
            ),
            # One draft at a time, so that two managers never edit rival drafts.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="draft"),
                name="policies_one_draft_version",
            ),
        ]

    def __str__(self):
        return _("Version %(number)s (%(status)s)") % {
            "number": self.number,
            "status": self.get_status_display(),
        }

    # The only moves of a status; the publishing service makes them.
    TRANSITIONS = {(Status.DRAFT, Status.PUBLISHED), (Status.PUBLISHED, Status.RETIRED)}
    # What retiring may set besides the status (a draft is free to change).
    TRANSITION_FIELDS = {(Status.PUBLISHED, Status.RETIRED): {"retired_at"}}

    def save(self, *args, **kwargs):
        self._check_change()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and stored["status"] != self.Status.DRAFT:
            raise _frozen_error(stored["number"], stored["status"])
        return super().delete(*args, **kwargs)

    def _stored(self):
        if self.pk is None:
            return None
        names = [field.attname for field in self._meta.concrete_fields]
        return type(self)._base_manager.filter(pk=self.pk).values(*names).first()

    def _check_change(self):
        """Refuse any change of a published or retired version but its retirement.

        Every entry point (a form, a history revert, a script) ends here, so the
        rule holds whatever built the instance; the database checks it again.
        """
        stored = self._stored()
        old = stored["status"] if stored else None
        move = (old, self.status)
        if old is None:
            if self.status != self.Status.DRAFT:
                raise PublishedVersionError(
                    _("A new version starts as a draft."), code="status_transition"
                )
            return
        if old != self.status and (
            move not in self.TRANSITIONS or getattr(self, "_transition", None) != move
        ):
            raise PublishedVersionError(
                _(
                    "Version %(number)s cannot go from %(old)s to %(new)s; publish a "
                    "draft instead."
                ),
                code="status_transition",
                params={
                    "number": stored["number"],
                    "old": self.Status(old).label,
                    "new": self.Status(self.status).label
                    if self.status in self.Status.values
                    else self.status,
                },
            )
        if old == self.Status.DRAFT:
            return
        allowed = self.TRANSITION_FIELDS.get(move, set()) | {"status"}
        changed = {
            name
            for name, value in stored.items()
            if getattr(self, name) != value and name not in allowed
        }
        if changed:
            raise _frozen_error(stored["number"], old)

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class VersionedQuerySet(models.QuerySet):
    """Rules, patterns and templates: bulk changes reach drafts only."""

    def _refuse_frozen(self, **kwargs):
        path = self.model.VERSION_PATH
        frozen = (
            self.exclude(**{f"{path}__status": PolicyVersion.Status.DRAFT})
            .values(f"{path}__number", f"{path}__status")
            .first()
        )
        if frozen:
            raise _frozen_error(frozen[f"{path}__number"], frozen[f"{path}__status"])
        # Moving content into a frozen version is a change of that version.
        parent = self.model.VERSION_PATH.split("__")[0]
        for name in (parent, f"{parent}_id"):
            if name in kwargs:
                target = kwargs[name]
                target = getattr(target, "pk", target)
                self.model(**{f"{parent}_id": target})._check_editable()

    def update(self, **kwargs):
        """Update content of drafts only."""
        self._refuse_frozen(**kwargs)
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        """Delete content of drafts only."""
        self._refuse_frozen()
        return super().delete()

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        """Create content in drafts only."""
        objs = list(objs)
        checked = set()
        for obj in objs:
            version = obj.policy_version()
            if version is not None and version.pk not in checked:
                obj._check_editable()
                checked.add(version.pk)
        return super().bulk_create(objs, *args, **kwargs)


class VersionedContent(models.Model):
    """Content that belongs to a policy version and freezes with it."""

    # The lookup from the content to its version.
    VERSION_PATH = "rule__version"

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_editable()
        self._check_stored_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_stored_editable()
        return super().delete(*args, **kwargs)

    def policy_version(self):
        """Return the version this content belongs to (through its rule)."""
        return self.rule.version if self.rule_id else None

    def _check_editable(self):
        version = self.policy_version()
        if version is not None:
            status = (
                PolicyVersion._base_manager.filter(pk=version.pk)
                .values_list("status", flat=True)
                .first()
            )
            if status is not None and status != PolicyVersion.Status.DRAFT:
                raise _frozen_error(version.number, status)

    def _check_stored_editable(self):
        """Refuse to change content whose stored row lies in a frozen version.

        The instance may say otherwise: a history revert or a form can move a
        published rule into the draft.
        """
        if self.pk is None:
            return
        path = self.VERSION_PATH
        stored = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values(f"{path}__number", f"{path}__status")
            .first()
        )
        if stored and stored[f"{path}__status"] != PolicyVersion.Status.DRAFT:
            raise _frozen_error(stored[f"{path}__number"], stored[f"{path}__status"])
