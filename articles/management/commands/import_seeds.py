from django.conf import settings
from django.core.management.base import BaseCommand

from articles.importers import import_paths


class Command(BaseCommand):
    help = "Import wire-copy documents (.txt, with optional .json metadata) as articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="Files or folders to import (default: the seeds/ folder)."
        )

    def handle(self, *args, **options):
        paths = options["paths"] or [settings.BASE_DIR / "seeds"]
        verbose = options["verbosity"] > 1

        def report(result):
            if result.outcome == "failed":
                self.stderr.write(f"{result.path}: failed: {result.reason}")
            elif verbose:
                self.stdout.write(f"{result.path}: {result.outcome}")
            for warning in result.warnings:
                self.stderr.write(f"{result.path}: warning: {warning}")

        summary = import_paths(paths, on_result=report)
        self.stdout.write(f"Import finished: {summary}.")
