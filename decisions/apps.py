from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Due process")

    def ready(self):
        # Every restriction moderation announces gets its statement of reasons;
        # the tasks module registers the tasks that enqueue names.
        from decisions import tasks  # noqa: F401
        from decisions.services import statements
        from moderation import restrictions

        restrictions.listen(statements.statement_for_restriction)
