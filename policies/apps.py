from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        # Connect the receivers that keep compiled matchers up to date.
        from policies import classify  # noqa: F401
        from policies.flushing import register

        # SQLite's integrity triggers ask this function whether a flush runs.
        connection_created.connect(register, dispatch_uid="policies.flushing")
