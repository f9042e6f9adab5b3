"""The people who sign in, and the capabilities their roles give them."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.languages import Language
from core.roles import CAPABILITIES, Capability, capabilities_for
from staffing.models.validators import ChoiceListValidator, _slugs


class GovernanceUserManager(UserManager):
    def with_capability(self, capability):
        """Return active users holding ``capability`` by role or as superusers."""
        capability = Capability(capability)
        roles = [
            role.value for role, caps in CAPABILITIES.items() if capability in caps
        ]
        return (
            self.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name__in=roles))
            .distinct()
        )


class User(AbstractUser):
    """A person who signs in: responder, approver, manager or API reader.

    Roles are Django groups named after ``core.roles.Role``; code asks for
    capabilities (``user.can("approve")``), never for a role.
    """

    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(Language.values)],
        help_text=_('Languages the person answers in, e.g. ["fr", "en"].'),
    )
    language = models.CharField(
        _("language of the pages and e-mails"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text=_(
            "Empty: the pages follow the browser, e-mails the site's language."
        ),
    )
    team = models.CharField(_("team"), max_length=100, blank=True)
    channels = models.JSONField(
        _("channels"),
        default=list,
        blank=True,
        validators=[_slugs],
        help_text=_("Slugs of the channels the person serves; empty means all."),
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )

    objects = GovernanceUserManager()

    @property
    def mail_language(self):
        """Return the language this person's e-mails are written in."""
        return self.language or settings.LANGUAGE_CODE

    @cached_property
    def role_names(self):
        # Through ``all()``, so that a list that prefetched the groups (people
        # on shift) reads them without a query per person.
        return frozenset(group.name for group in self.groups.all())

    @cached_property
    def capabilities(self):
        if not self.is_active:
            return frozenset()
        if self.is_superuser:
            return frozenset(Capability)
        return capabilities_for(self.role_names)

    def can(self, capability):
        """Return whether the user holds ``capability`` (a ``Capability`` value)."""
        return Capability(capability) in self.capabilities
