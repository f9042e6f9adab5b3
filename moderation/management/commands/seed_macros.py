from django.core.management.base import BaseCommand

from moderation.macros import macros_seed


class Command(BaseCommand):
    help = "Create the default macros when there are none (safe at every start)."

    def handle(self, *args, **options):
        created = macros_seed()
        if options["verbosity"] > 1:
            self.stdout.write(f"{created} macros created.")
