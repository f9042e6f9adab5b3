from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing")

    def ready(self):
        # Permissions only exist once every app has migrated, so groups are kept
        # in step after each migrate rather than in a data migration.
        post_migrate.connect(roles_sync_receiver, dispatch_uid="staffing.roles_sync")


def roles_sync_receiver(sender, using="default", **kwargs):
    # Sent once per app: each run adds the permissions of the apps migrated so far.
    from staffing.services import roles_sync

    roles_sync(using=using)
