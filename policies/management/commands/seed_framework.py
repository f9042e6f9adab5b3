from django.core.management.base import BaseCommand

from policies.services.seed import framework_seed


class Command(BaseCommand):
    help = (
        "Load the default governance framework (rules, lexicon, legal references, "
        "notices) in French and English where it is missing. Never overwrites."
    )

    def handle(self, *args, **options):
        created = framework_seed()
        if any(created.values()):
            self.stdout.write(
                "Default framework loaded: {rules} rules, {patterns} patterns, "
                "{legal_references} legal references, {notices} notices.".format(
                    **created
                )
            )
        elif options["verbosity"] > 1:
            self.stdout.write("Default framework already present; nothing changed.")
