#!/usr/bin/env python3
"""Import speed: N invented wire stories written to a folder, then imported one by one
and in batches (articles.wire.bulk), each into empty article tables.

    python bench/import.py [--count 100000] [--one-by-one-count 2000] [--workers 2]
                           [--database-url URL] [--folder DIR] [--profile FILE]

Prints, for each mode, stories a second, the peak resident memory of the importing
process and the statements a story. The stories are articles.generator's (bodies of 300
to 1,500 words, a power law over places, tags and bylines), as import_seeds reads them:
a `.txt` file and, for published ones, a `.json` sidecar. One by one is measured on the
first `--one-by-one-count` of them (at 20-30 a second, 100,000 would take an hour). With
`--profile`, the batched run is profiled (cProfile, in CPU time) into FILE; with
`--workers`, it runs in that many processes (import_paths_side_by_side: PostgreSQL).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import ROOT, build_environment, manage, setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_wirecore_bench"


def empty_article_tables():
    from django.db import connection

    from articles.models import Article

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE articles_article, reversion_version, reversion_revision CASCADE"
            )
    else:
        Article.objects.all().delete()


def cpu_seconds(children=False):
    """The CPU time this process (or its finished children) used, user and system, in
    seconds."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_cpu_seconds(connection):
    """The CPU time the PostgreSQL server process serving `connection` has used, in
    seconds (read from /proc: the server on this machine), or None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(folder, bulk, limit, profile, workers=1):
    """Import `folder` (its first `limit` stories) in this process, or in `workers`
    processes side by side; print one JSON line."""
    import resource

    from django.db import connection

    from articles.wire.files import iter_wire_files
    from articles.wire.run import import_paths, import_paths_side_by_side

    empty_article_tables()
    listing = list(iter_wire_files([folder]))[:limit]
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    profiler = None
    if profile:
        import cProfile

        # CPU time, not wall time: on a shared machine the wall clock charges a function
        # for the time other processes held the core.
        profiler = cProfile.Profile(time.process_time)
    server_started = backend_cpu_seconds(connection) if workers == 1 else None
    cpu_started = cpu_seconds() + cpu_seconds(children=True)
    started = time.perf_counter()
    if workers > 1:  # statements are counted in each process apart: not here
        summary = import_paths_side_by_side(listing, workers, bulk=bulk)
        statements[0] = None
    else:
        with connection.execute_wrapper(count):
            if profiler:
                profiler.enable()
            summary = import_paths(listing, bulk=bulk)
            if profiler:
                profiler.disable()
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() + cpu_seconds(children=True) - cpu_started
    server_cpu = None
    if server_started is not None:
        # The same connection unless the import closed it (then not comparable).
        server_cpu = backend_cpu_seconds(connection)
        server_cpu = round(server_cpu - server_started, 1) if server_cpu is not None else None
    if profiler:
        profiler.dump_stats(profile)
    stories = len(listing)
    print(
        json.dumps(
            {
                "mode": ("bulk" if bulk else "one by one")
                + (f", {workers} processes" if workers > 1 else ""),
                "stories": stories,
                "summary": str(summary),
                "seconds": round(seconds, 1),
                "stories_per_second": round(stories / seconds, 1),
                # Of this process alone: on a busy machine, what Python's side would take.
                "cpu_seconds": round(cpu, 1),
                "stories_per_cpu_second": round(stories / cpu, 1),
                # Of the PostgreSQL process serving it (one process only): the triggers,
                # search vectors and indexes the INSERTs cost.
                "server_cpu_seconds": server_cpu,
                # Of the importing process; with workers, of the largest of them.
                "peak_rss_mib": round(
                    resource.getrusage(
                        resource.RUSAGE_CHILDREN if workers > 1 else resource.RUSAGE_SELF
                    ).ru_maxrss
                    / 1024
                ),
                "statements_per_story": statements[0] and round(statements[0] / stories, 2),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--one-by-one-count", type=int, default=2000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--folder", help="stories written already (else a new temp folder)")
    parser.add_argument("--profile", help="write the batched run's cProfile stats here")
    parser.add_argument(
        "--workers", type=int, default=1, help="batched run in this many processes side by side"
    )
    parser.add_argument("--measure", choices=["bulk", "one"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    env = build_environment(options.database_url)

    if options.measure:  # the child process: one mode, its own peak memory
        setup_django(env)
        measure(
            Path(options.folder),
            options.measure == "bulk",
            options.count if options.measure == "bulk" else options.one_by_one_count,
            options.profile,
            options.workers if options.measure == "bulk" else 1,
        )
        return

    manage(env, "migrate", "--verbosity", "0")
    folder = Path(options.folder) if options.folder else None
    made = folder is None
    if made:
        folder = Path(tempfile.mkdtemp(prefix="newsroom-import-bench-"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            print(f"Writing {options.count:,} stories to {folder} ...", file=sys.stderr)
            setup_django(env)
            from articles.generator import generate

            generate(options.count, seed=2020, wire_folder=folder)
        for mode in ("one", "bulk"):
            subprocess.run(
                [
                    sys.executable, __file__, "--measure", mode, "--folder", str(folder),
                    "--count", str(options.count),
                    "--one-by-one-count", str(options.one_by_one_count),
                    "--workers", str(options.workers),
                    *(["--profile", options.profile] if options.profile and mode == "bulk" else []),
                ],
                check=True, env={**env, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
    finally:
        if made:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
