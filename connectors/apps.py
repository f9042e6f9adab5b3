import pkgutil
from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

NOT_CONNECTORS = {
    "apps",
    "forms",
    "management",
    "migrations",
    "models",
    "services",
    "tests",
    "urls",
    "views",
}


class ConnectorsConfig(AppConfig):
    """Platform connectors: each module registers its connector on import."""

    name = "connectors"
    verbose_name = _("Platform connectors")

    def ready(self):
        # Importing a connector's module registers it with moderation.registry;
        # the pages, their forms and the commands are no connectors.
        for module in pkgutil.iter_modules(import_module(self.name).__path__):
            if module.name not in NOT_CONNECTORS:
                import_module(f"{self.name}.{module.name}")
