from django.contrib.auth.models import AbstractUser, UserManager
from django.db.models import Q
from django.utils.functional import cached_property

from staffing.roles import CAPABILITIES, Capability, capabilities_for


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

    Roles are Django groups named after ``staffing.roles.Role``; code asks for
    capabilities (``user.can("approve")``), never for a role.
    """

    objects = GovernanceUserManager()

    @cached_property
    def role_names(self):
        return frozenset(self.groups.values_list("name", flat=True))

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
