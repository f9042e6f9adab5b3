from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        # Connect the receivers, and register the tasks that enqueue names.
        from moderation import signals, tasks  # noqa: F401
