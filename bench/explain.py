#!/usr/bin/env python3
"""EXPLAIN ANALYZE the slow queries of a page's first render.

    python bench/explain.py [--database-url URL] [--min-ms N] URL_PATH...

Renders each path in this process (DEBUG=0, PAGE_CACHE=0, caches of this process only)
after one warm-up page, then runs EXPLAIN (ANALYZE, BUFFERS) on each of its SQL queries
that took at least --min-ms milliseconds (default 50), printing the query's start and its
plan. Read-only: EXPLAIN ANALYZE of a SELECT writes nothing.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import DEFAULT_DATABASE_URL, build_environment, setup_django  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help='e.g. "/articles/?region=erbil"')
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--min-ms", type=float, default=50)
    args = parser.parse_args()
    env = build_environment(args.database_url, PAGE_CACHE="0")
    env.pop("REDIS_URL", None)
    setup_django(env)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.get("/articles/?region=iraq")  # the gazetteer and tags, as a running server has
    for path in args.paths:
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        print(f"== {path} ({status}, {len(queries)} queries)")
        for query in queries.captured_queries:
            took = float(query["time"]) * 1000
            if took < args.min_ms or not query["sql"].lstrip().upper().startswith(
                ("SELECT", "WITH")
            ):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"-- {took:.0f} ms: {query['sql'][:300]}\n{plan}\n")


if __name__ == "__main__":
    main()
