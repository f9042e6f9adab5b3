from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        # Connect the receivers, and register the tasks that enqueue names.
        from django.db.backends.signals import connection_created

        from moderation import signals, tasks  # noqa: F401
        from moderation.search import register_sqlite_function

        connection_created.connect(register_sqlite_function)
