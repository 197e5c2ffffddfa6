#!/usr/bin/env python3
"""Benchmark the site as production runs it: gunicorn, DEBUG=0, PostgreSQL.

    python bench/run.py --articles N --json FILE [--database-url URL] [--generate]
                        [--no-page-cache]

Reports, for each page kind, the time of the first request after the server starts
(every cache empty) and of the first after a new story is published (the archive
version moves; counts of months that are over stay cached), then p50 and p95 per
request (sequential requests from one client on loopback, after a warm-up) and the SQL
queries of a first, a repeated and a first-after-a-new-story request (counted in-process
with the same code); then, with wrk, the throughput of the
article page and the archive list against a floor: a static HTML file of the same size
served by the same gunicorn and WhiteNoise, at the same concurrency. Prints a table and
writes JSON. --no-page-cache turns off the reader page cache, so p50 and p95 are the
cost of rendering a page (counts and facets stay cached per archive version).

The database must hold an archive (manage.py generate_archive --articles N, or pass
--generate to make one of N articles first in an empty database).
"""

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (  # noqa: E402 - the project must be importable first
    BASE,
    DEFAULT_DATABASE_URL,
    build_environment,
    fetch,
    gunicorn,
    manage,
    setup_django,
    wrk,
)

SAMPLES = 40
WARMUP = 5
CONCURRENCY = 8
THROUGHPUT_SECONDS = 8
WRK_WARMUP_SECONDS = 3


def page_urls():
    """The pages to measure, chosen from what the archive holds."""
    from django.conf import settings

    from articles.models import Article, Region, Tag

    published = Article.objects.published()
    article = published.order_by("-published_at")[100]
    newest = published.order_by("-published_at").first().published_at
    month = f"/articles/{newest:%Y/%m}/"
    regions = {r.slug: r for r in Region.objects.all()}
    small = min(
        (r for r in regions.values() if r.kind == Region.Kind.DISTRICT),
        key=lambda r: published.in_region(r)[:2000].count(),
    )
    tag = Tag.objects.in_use().order_by("pk").first()
    last_page = -(-published.count() // settings.ARTICLES_PER_PAGE)
    return {
        "home": "/",
        "archive list": "/articles/",
        "large region": "/articles/?region=iraq",
        "small region": f"/articles/?region={small.slug}",
        "date range": "/articles/?from=2015-01-01&to=2015-06-30",
        "region + date": "/articles/?region=kurdistan-region&from=2018-01-01&to=2018-12-31",
        "tag": f"/articles/?tag={tag.slug}",
        "search common word": "/articles/?q=government",
        "search rare word": "/articles/?q=zeolite",
        "search phrase": "/articles/?q=%22security+forces%22",
        "500th page": f"/articles/?page={min(500, last_page)}",
        "month archive": month,
        "article page": article.get_absolute_url(),
        "feed": "/feed/",
        "CSV export (large result)": "/articles/export.csv?region=kurdistan-region&from=2020-01-01",
    }


@contextmanager
def a_new_story():
    """A story published now, as an editor would publish one; deleted afterwards."""
    from django.conf import settings
    from django.utils import timezone

    from articles.models import Article, Region

    story = Article.objects.create(
        headline="Benchmark: a story published now",
        slug=f"benchmark-story-{time.time_ns()}",
        summary="Published by bench/run.py to measure the first requests after a change.",
        body="Security forces in Erbil said the government would answer on Monday.",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    story.regions.add(Region.objects.get(slug="erbil-city"))
    # Readers get it once their process's last read of the archive version is this old.
    time.sleep(settings.PAGE_CACHE_VERSION_SECONDS)
    try:
        yield story
    finally:
        story.delete()


def count_queries(urls):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")

    def queries_for(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                for _ in response.streaming_content:
                    pass
        return len(queries)

    # The first request finds every cache empty; the second is what the next reader costs;
    # the third is the first after a new story.
    counts = {name: [queries_for(url), queries_for(url)] for name, url in urls.items()}
    with a_new_story():
        for name, url in urls.items():
            counts[name].append(queries_for(url))
    return counts


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency(base, url, samples, warmup=WARMUP):
    for _ in range(warmup):
        fetch(base + url)
    times = [fetch(base + url)[0] for _ in range(samples)]
    return {
        "p50_ms": round(percentile(times, 0.5) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True, help="the archive's size")
    parser.add_argument("--json", required=True, help="where to write the figures")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--generate", action="store_true", help="generate the archive first")
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="measure every page rendered, as if each request were the first since a change",
    )
    parser.add_argument(
        "--skip-export", action="store_true", help="leave out the CSV export (minutes at 1M)"
    )
    args = parser.parse_args()

    env = build_environment(args.database_url, PAGE_CACHE="0" if args.no_page_cache else "1")
    setup_django(env)
    from django.conf import settings
    from django.test import Client

    from articles.models import Article

    manage(env, "migrate", "--no-input", "-v0")
    if args.generate:
        manage(env, "generate_archive", "--articles", str(args.articles))
    held = Article.objects.count()
    print(f"Archive: {held:,} articles ({args.articles:,} asked for)", flush=True)
    manage(env, "collectstatic", "--no-input", "-v0")

    urls = page_urls()
    if args.skip_export:
        urls = {name: url for name, url in urls.items() if "export" not in name}
    queries = count_queries(urls)
    article_html = Client(HTTP_HOST="localhost").get(urls["article page"]).content
    floor_dir = Path(settings.STATIC_ROOT) / "bench"
    floor_dir.mkdir(parents=True, exist_ok=True)
    (floor_dir / "floor.html").write_bytes(article_html)

    with gunicorn(env):
        results = {}
        for name, url in urls.items():
            first_ms = round(fetch(BASE + url)[0] * 1000, 1)
            # The export streams a whole result: a few samples, the first request its warm-up.
            export = "export" in name
            samples = max(3, args.samples // 8) if export else args.samples
            results[name] = {
                "url": url,
                "first_ms": first_ms,
                **latency(BASE, url, samples, warmup=0 if export else WARMUP),
                "queries_first": queries[name][0],
                "queries_again": queries[name][1],
                "queries_after_new_story": queries[name][2],
            }
            row = results[name]
            print(f"{name:28} first {first_ms:8.1f} ms  p50 {row['p50_ms']:8.1f} ms  "
                  f"p95 {row['p95_ms']:8.1f} ms  queries {row['queries_first']:3} "
                  f"then {row['queries_again']}", flush=True)  # fmt: skip
        with a_new_story():
            for name, url in urls.items():
                if "export" not in name:
                    ms = round(fetch(BASE + url)[0] * 1000, 1)
                    results[name]["after_new_story_ms"] = ms
                    queries_then = results[name]["queries_after_new_story"]
                    print(f"{name:28} first after a new story {ms:8.1f} ms, "
                          f"{queries_then} queries", flush=True)  # fmt: skip
        rates = {}
        for name, path in [("static floor", "/static/bench/floor.html"),
                           ("article page", urls["article page"]),
                           ("archive list", urls["archive list"])]:  # fmt: skip
            # Unmeasured first: every worker process has its own caches to fill.
            wrk([path], WRK_WARMUP_SECONDS, CONCURRENCY)
            rates[name] = wrk([path], THROUGHPUT_SECONDS, CONCURRENCY)
    floor = rates["static floor"]["requests_per_second"]
    for name, rate in rates.items():
        rate["share_of_floor"] = round(rate["requests_per_second"] / max(floor, 1e-9), 3)
        print(f"{name:28} {rate['requests_per_second']:8.1f} req/s  "
              f"{rate['share_of_floor']:6.1%} of the floor  p95 {rate['p95_ms']} ms  "
              f"{rate['socket_errors']} socket errors, {rate['non_2xx_3xx']} non-2xx")  # fmt: skip
    report = {
        "articles": held,
        "page_cache": not args.no_page_cache,
        "concurrency": CONCURRENCY,
        "samples": args.samples,
        "pages": results,
        "throughput": rates,
    }
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
