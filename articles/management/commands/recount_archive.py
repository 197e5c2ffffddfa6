from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from articles import summaries


class Command(BaseCommand):
    help = (
        "Count the archive's summary table (articles per month, place and tag) again from "
        "the articles, repairing any drift. Writes to the articles wait until it is done."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, database, **options):
        rows = summaries.recount(using=database)
        self.stdout.write(f"Recounted the archive: {rows} rows.")
