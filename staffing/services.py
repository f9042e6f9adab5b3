"""State changes for staffing: roles and their permissions."""

from django.contrib.auth.models import Group, Permission

from staffing.roles import Role

# Apps whose models managers edit in the admin.
MANAGED_APPS = ("policies", "staffing", "moderation", "authtoken")


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


def user_set_roles(*, user, roles):
    """Replace the user's roles with ``roles`` (``Role`` values)."""
    groups = Group.objects.filter(name__in=[Role(role).value for role in roles])
    user.groups.set(groups)
    user.__dict__.pop("role_names", None)
    user.__dict__.pop("capabilities", None)
