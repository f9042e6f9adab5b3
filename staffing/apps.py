from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing")

    def ready(self):
        # Permissions only exist once every app has migrated, so groups and the
        # default calendars are kept in step after each migrate (and each test
        # database flush) rather than in a data migration.
        post_migrate.connect(defaults_receiver, dispatch_uid="staffing.defaults")


def defaults_receiver(sender, using="default", **kwargs):
    # Sent once per app: each run adds the permissions of the apps migrated so far.
    from staffing.services.accounts import calendars_ensure_defaults, roles_sync

    roles_sync(using=using)
    if sender.label == "staffing":
        calendars_ensure_defaults(using=using)
