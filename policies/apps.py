from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        # Connect the receivers that keep compiled matchers up to date.
        from policies import classify  # noqa: F401
