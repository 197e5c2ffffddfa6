from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.wire.files import printable_name
from articles.wire.run import ImportIncomplete, import_paths_side_by_side


class Command(BaseCommand):
    help = "Import wire-copy documents (.txt, with optional .json metadata) as articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="Files or folders to import (default: the seeds/ folder)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="import in this many processes at once (PostgreSQL only; one per core)",
        )
        parser.add_argument(
            "--source",
            default="",
            help="the agency of copy that names none, in its text, sidecar or ingest.json",
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="write new stories in batches, however few (a migration's archive); "
            "from 1,000 files on, the import does so anyway",
        )
        parser.add_argument(
            "--no-progress",
            dest="progress",
            action="store_false",
            help="print no progress line (done of total, rate) to stderr every 5 seconds",
        )

    def handle(self, *args, **options):
        paths = options["paths"] or [settings.BASE_DIR / "seeds"]
        verbose = options["verbosity"] > 1
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if workers > 1 and connection.vendor != "postgresql":
            raise CommandError("--workers needs PostgreSQL: SQLite takes one writer at a time.")

        def report(result):
            name = printable_name(result.path)  # one line, whatever the name holds
            if result.outcome == "failed":
                self.stderr.write(f"{name}: failed: {result.reason}")
            elif verbose:
                self.stdout.write(f"{name}: {result.outcome}")
            for warning in result.warnings:
                self.stderr.write(f"{name}: warning: {warning}")

        try:
            summary = import_paths_side_by_side(
                paths, workers, on_result=report, source=options["source"],
                progress_to=self.stderr if options["progress"] else None,
                bulk=True if options["bulk"] else "auto",
            )  # fmt: skip
        except ImportIncomplete as incomplete:
            raise CommandError(
                f"Import incomplete: {incomplete}. Imported meanwhile: {incomplete.summary}. "
                "Run it again to finish: what is stored unchanged is skipped."
            ) from incomplete
        self.stdout.write(f"Import finished: {summary}.")
        if summary.unmatched_places:
            # For editors to grow the gazetteer from real copy: the most frequent first.
            places = sorted(summary.unmatched_places.items(), key=lambda item: (-item[1], item[0]))
            self.stdout.write(
                "Places not in the gazetteer (stories naming each): "
                + ", ".join(f"{printable_name(name)} ({count})" for name, count in places[:50])
                + (f", and {len(places) - 50} more." if len(places) > 50 else ".")
            )
        failed = summary.count("failed")
        if failed:
            self.stderr.write("Failures by reason:")
            for reason, count in summary.reasons():
                self.stderr.write(f"{count:>8}  {reason}")
            raise CommandError(
                f"Import incomplete: {failed} file{'s' if failed > 1 else ''} failed, each "
                "reported above with its reason; the others are stored. Fix them and run it "
                "again: what is stored unchanged is skipped.",
                returncode=1,
            )
