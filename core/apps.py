from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app may import; its only rows are the outgoing e-mails."""

    name = "core"
    verbose_name = _("Outgoing e-mail")

    def ready(self):
        # Register the tasks that core.mail queues by name.
        from core import tasks  # noqa: F401
