"""Keep the default program in step with the rulebook."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from policies.services.rulebook import policy_version_published


@receiver(policy_version_published, dispatch_uid="training.program_sync")
def _sync_on_publish(sender, version, **kwargs):
    from training.services import program_sync

    program_sync()


def _sync_after_migrate(sender, **kwargs):
    """Write the program on an install whose rulebook predates this app."""
    if sender.label == "training":
        from training.services import program_sync

        program_sync()


post_migrate.connect(_sync_after_migrate, dispatch_uid="training.after_migrate")
