#!/usr/bin/env python3
"""The editors' article list in the admin, at the archive's size.

    python bench/admin.py --json FILE [--samples 10] [--database-url URL]

Times, in-process (Django's test client, logged in as a superuser that exists only for
the run), the admin changelist as editors use it: unfiltered, by status, by a region
with its places, by tag, a search, a year of the date hierarchy, a deep page and an
article's change form. Prints p50 and p95 server time and queries; writes JSON.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import percentile  # noqa: E402 - the project must be importable first
from bench.server import DEFAULT_DATABASE_URL, build_environment, setup_django  # noqa: E402

LIST = "/admin/articles/article/"


class QueryLog(list):
    """An execute wrapper that keeps every statement's SQL and time."""

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.append((time.perf_counter() - started, sql))


def admin_urls():
    from articles.models import Article, Tag

    newest = Article.objects.order_by("-published_at").exclude(published_at=None).first()
    tag = Tag.objects.in_use().order_by("pk").first()
    year = newest.published_at.year - 1
    return {
        "changelist": LIST,
        "status = draft": f"{LIST}?status__exact=draft",
        "region with its places": f"{LIST}?region=kurdistan-region",
        "tag": f"{LIST}?tag={tag.slug}",
        "region, a year": f"{LIST}?region=kurdistan-region&published_at__year={year}",
        "search": f"{LIST}?q=government",
        "date hierarchy: a year": f"{LIST}?published_at__year={year}",
        "page 200": f"{LIST}?p=200",
        "change form": f"{LIST}{newest.pk}/change/",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", required=True)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args()
    setup_django(build_environment(args.database_url))
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from articles.models import Article

    user = User.objects.create_superuser(f"bench-{time.time_ns()}", password=None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    results = {}
    try:
        print(f"Archive: {Article.objects.count():,} articles", flush=True)
        for name, url in admin_urls().items():
            queries = QueryLog()
            with connection.execute_wrapper(queries):
                status = client.get(url).status_code
            if status != 200:
                raise SystemExit(f"{url} answered {status}")
            times = []
            for _ in range(args.samples):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
            results[name] = {
                "url": url,
                "p50_ms": round(percentile(times, 0.5) * 1000, 1),
                "p95_ms": round(percentile(times, 0.95) * 1000, 1),
                "queries": len(queries),
                "slowest_query_ms": round(max(t for t, _ in queries) * 1000, 1),
                "slowest_query": max(queries)[1][:300],
            }
            row = results[name]
            print(f"{name:26} p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
                  f"{row['queries']} queries, slowest {row['slowest_query_ms']} ms",
                  flush=True)  # fmt: skip
    finally:
        user.delete()
    Path(args.json).write_text(json.dumps({"pages": results}, indent=2))
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
