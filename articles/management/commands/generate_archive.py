import time

from django.core.management.base import BaseCommand, CommandError

from articles.generator import EmptyGazetteer, generate


class Command(BaseCommand):
    help = "Write a synthetic archive of N articles (for benchmarks), or N wire-copy files."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument(
            "--wire-files", metavar="FOLDER", help="write wire-copy files here instead"
        )
        parser.add_argument(
            "--texts",
            type=int,
            metavar="N",
            help="PostgreSQL: give only the first N stories text of their own; later ones "
            "reuse those texts with their own places, tags, bylines and dates (fast at 1M)",
        )

    def handle(self, *args, articles, seed, wire_files, texts, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        started = time.monotonic()

        def progress(done):
            rate = done / max(time.monotonic() - started, 1e-9)
            self.stdout.write(f"{done:>9,} of {articles:,} ({rate:,.0f} a second)")

        try:
            generate(articles, seed=seed, wire_folder=wire_files, on_progress=progress, texts=texts)
        except (EmptyGazetteer, ValueError) as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(f"Wrote {articles:,} in {elapsed:,.1f} s.")
