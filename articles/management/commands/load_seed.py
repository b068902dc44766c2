from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article

SEED_FIXTURE = "seed_reports"
SEED_SOURCE = "000_fbd30dea7fb6adfd"


class Command(BaseCommand):
    help = (
        "Load the seed page (fixtures/seed_reports.json) unless it is already in the database, "
        "so that running `make run` again never overwrites an editor's corrections."
    )

    def handle(self, *args, **options):
        if Article.objects.filter(page__source=SEED_SOURCE).exists():
            self.stdout.write("The seed reports are already loaded.")
            return
        call_command("loaddata", SEED_FIXTURE, verbosity=options["verbosity"])
