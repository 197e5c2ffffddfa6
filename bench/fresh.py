#!/usr/bin/env python3
"""Measure first renders: every request a distinct URL of its kind, nothing cached.

    python bench/fresh.py --json FILE [--database-url URL] [--samples N] [--seed N] [--port N]
                          [--kinds KIND,KIND...]

Issue 15's "fresh renders". The page cache is off (PAGE_CACHE=0) and every URL of a kind
is a filter combination of its own (a place, a place and a month, a tag and some years, a
place and a tag, a deep page of a date range, a month, a word, a phrase, an article), so
its count, facets and list fragments are computed as on the first request after a change;
only what every page shares and a running server holds anyway (the gazetteer, the tags
in use, the place names a search matches) is warmed before measuring. Search words and
phrases are drawn from the archive's own articles.

The database is warm: each URL is first rendered in this process (with the same settings)
to count its SQL queries, which also brings its rows into PostgreSQL's buffers; then a new
gunicorn (2 workers, DEBUG=0, per-process caches empty, REDIS_URL unset) serves each URL
once, sequentially from one client on loopback, and that time is what is reported: p50,
p95 and max per kind, with the queries per page (median and max) and the issue's target;
the JSON also lists every URL with its time and queries, slowest first.

Read-only: it never writes to the database and never migrates it, so it may run against
an archive another process is still using (pass its URL). Exits 1 if a page did not
answer 200.
"""

import argparse
import calendar
import datetime
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server  # noqa: E402 - the project must be importable first
from bench.run import percentile  # noqa: E402
from bench.server import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    build_environment,
    fetch,
    gunicorn,
    manage,
    setup_django,
)

SAMPLES = 40
LIST_TARGET_MS, SEARCH_TARGET_MS, ARTICLE_TARGET_MS = 30, 60, 10
# kind: the p95 target in milliseconds (issue 15).
KINDS = {
    "place": LIST_TARGET_MS,
    "place + month": LIST_TARGET_MS,
    "tag + years": LIST_TARGET_MS,
    "place + tag": LIST_TARGET_MS,
    "deep page": LIST_TARGET_MS,
    "month archive": LIST_TARGET_MS,
    "search word": SEARCH_TARGET_MS,
    "search phrase": SEARCH_TARGET_MS,
    "article page": ARTICLE_TARGET_MS,
}
WORD_RE = re.compile(r"(?!\d+\b)[^\W_]{4,}")


def articles_list(**params):
    return "/articles/?" + urlencode(params)


def month_range(year, month):
    last = calendar.monthrange(year, month)[1]
    return {"from": f"{year:04d}-{month:02d}-01", "to": f"{year:04d}-{month:02d}-{last:02d}"}


class Sampler:
    """Draws distinct URLs of each kind from what the archive holds (read-only)."""

    def __init__(self, rng):
        from django.conf import settings
        from django.db.models import Max, Min
        from django.utils import timezone

        from articles.models import Article, Region, Tag

        self.rng = rng
        self.published = Article.objects.published().filter(language=settings.LANGUAGE_CODE)
        bounds = Article.objects.aggregate(low=Min("pk"), high=Max("pk"))
        self.low, self.high = bounds["low"], bounds["high"]
        region_ids = set(
            Article.regions.through.objects.values_list("region_id", flat=True).distinct()
        )
        tag_ids = set(Article.tags.through.objects.values_list("tag_id", flat=True).distinct())
        self.places = list(Region.objects.filter(pk__in=region_ids).order_by("pk"))
        self.tags = list(Tag.objects.filter(pk__in=tag_ids).order_by("pk"))
        first = self.published.order_by("published_at").values_list("published_at", flat=True)[0]
        self.first_year = timezone.localtime(first).year
        self.last_year = timezone.localtime().year
        self.per_page = settings.ARTICLES_PER_PAGE
        self.taken = set()

    def random_articles(self, count, fields):
        """About `count` published articles picked at random, as dicts of `fields`."""
        found = []
        while len(found) < count:
            pks = [self.rng.randint(self.low, self.high) for _ in range(count * 2)]
            found += list(self.published.filter(pk__in=pks).values("pk", *fields))
        self.rng.shuffle(found)
        return found

    def distinct(self, make, count):
        """`count` URLs from make() (a function of nothing), none seen before."""
        return self.first_unseen((make() for _ in range(count * 50)), count)

    def first_unseen(self, candidates, count):
        urls = []
        for url in candidates:
            if len(urls) == count:
                break
            if url not in self.taken:
                self.taken.add(url)
                urls.append(url)
        return urls

    def month(self):
        return self.rng.randint(self.first_year, self.last_year - 1), self.rng.randint(1, 12)

    def urls(self, kind, count):
        from articles.models import Article

        rng = self.rng
        if kind == "place":
            return self.distinct(lambda: articles_list(region=rng.choice(self.places).slug), count)
        if kind == "place + month":

            def place_month():
                place = rng.choice(self.places).slug
                return articles_list(region=place, **month_range(*self.month()))

            return self.distinct(place_month, count)
        if kind == "tag + years":

            def tag_years():
                start = rng.randint(self.first_year, self.last_year)
                end = min(self.last_year, start + rng.randint(0, 4))
                params = {"from": f"{start}-01-01", "to": f"{end}-12-31"}
                return articles_list(tag=rng.choice(self.tags).slug, **params)

            return self.distinct(tag_years, count)
        if kind == "place + tag":

            def place_tag():
                place, tag = rng.choice(self.places).slug, rng.choice(self.tags).slug
                return articles_list(region=place, tag=tag)

            return self.distinct(place_tag, count)
        if kind == "deep page":
            # The archive up to a day of its own (so each count is a first), page 2-500.
            def deep():
                year, month = self.month()
                day = rng.randint(1, 28)
                return articles_list(
                    to=f"{year:04d}-{month:02d}-{day:02d}", page=rng.randint(2, 500)
                )

            candidates = self.distinct(deep, count * 3)
            return [url for url in candidates if self.has_page(url)][:count]
        if kind == "month archive":
            from django.utils import timezone

            rows = self.random_articles(count * 3, ["published_at"])
            months = [f"/articles/{timezone.localtime(r['published_at']):%Y/%m}/" for r in rows]
            return self.first_unseen(months, count)
        if kind in ("search word", "search phrase"):
            texts = self.random_articles(count * 2, ["body"])
            phrase = kind == "search phrase"

            def drawn():
                words = WORD_RE.findall(texts.pop()["body"])
                if len(words) < 3:
                    return drawn()
                at = rng.randrange(len(words) - 2)
                query = f'"{words[at]} {words[at + 1]}"' if phrase else words[at]
                return articles_list(q=query)

            return self.distinct(drawn, count)
        if kind == "article page":
            rows = self.random_articles(count, [])
            articles = Article.objects.filter(pk__in=[row["pk"] for row in rows])
            return self.first_unseen((a.get_absolute_url() for a in articles), count)
        raise ValueError(kind)

    def has_page(self, url):
        """Whether the deep page `url` exists (its range holds that many pages)."""
        from django.utils.dateparse import parse_date

        from articles.filters import day_start

        page = int(re.search(r"page=(\d+)", url).group(1))
        day = parse_date(re.search(r"to=([\d-]+)", url).group(1))
        end = day_start(day + datetime.timedelta(days=1))
        needed = (page - 1) * self.per_page + 1
        return self.published.filter(published_at__lt=end)[needed - 1 : needed].exists()


def count_queries(urls):
    """{url: SQL queries its first render makes}, rendered in this process (which also
    warms the database for the measurement)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    counts, statuses = {}, {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[url], statuses[url] = len(queries), response.status_code
    return counts, statuses


def summarize(times_ms, queries, target):
    p95 = percentile(times_ms, 0.95)
    return {
        "samples": len(times_ms),
        "p50_ms": round(percentile(times_ms, 0.5), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(times_ms), 1),
        "queries_median": statistics.median(queries),
        "queries_max": max(queries),
        "target_p95_ms": target,
        "met": p95 <= target,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", required=True, help="where to write the figures")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--samples", type=int, default=SAMPLES, help="URLs per kind")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--port", type=int, default=server.PORT, help="gunicorn's port")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="comma-separated, of: " + ", ".join(KINDS)
    )
    args = parser.parse_args()
    kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        parser.error(f"unknown kinds: {', '.join(unknown)}")

    server.PORT, server.BASE = args.port, f"http://127.0.0.1:{args.port}"
    env = build_environment(args.database_url, PAGE_CACHE="0")
    env.pop("REDIS_URL", None)  # per-process caches, emptied by starting a new server
    setup_django(env)
    from articles.models import Article

    manage(env, "collectstatic", "--no-input", "-v0")  # files only: the database is read
    held = Article.objects.published().count()
    print(f"Archive: {held:,} published articles; {args.samples} URLs a kind", flush=True)
    sampler = Sampler(random.Random(args.seed))
    urls = {kind: sampler.urls(kind, args.samples) for kind in kinds}
    queries, statuses = {}, {}
    started = time.monotonic()
    for kind in kinds:
        counts, codes = count_queries(urls[kind])
        queries.update(counts)
        statuses.update(codes)
    print(f"Counted queries (and warmed the database) in {time.monotonic() - started:.0f} s")
    # What every page shares, which a running server already holds: not measured.
    shared = ["/articles/?q=warm", "/articles/?region=iraq", "/articles/?tag=security"]

    results, failures = {}, []
    with gunicorn(env, log_name="newsroom-bench-fresh-gunicorn.log"):
        for _ in range(4):
            for url in shared:
                fetch(server.BASE + url)
        for kind in kinds:
            times = {}
            for url in urls[kind]:
                try:
                    seconds, _ = fetch(server.BASE + url)
                except OSError as error:
                    failures.append((url, str(error)))
                    continue
                times[url] = seconds * 1000
            if not times:
                continue
            row = summarize(list(times.values()), [queries[url] for url in urls[kind]], KINDS[kind])
            # Every URL with its time and queries, slowest first: what to EXPLAIN next.
            row["urls"] = [
                {"url": url, "ms": round(ms, 1), "queries": queries[url]}
                for url, ms in sorted(times.items(), key=lambda item: -item[1])
            ]
            results[kind] = row
            print(
                f"{kind:15} p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}  "
                f"max {row['max_ms']:7.1f} ms  queries {row['queries_median']:g} "
                f"(max {row['queries_max']})  target {row['target_p95_ms']} ms "
                f"{'met' if row['met'] else 'NOT met'}",
                flush=True,
            )
    failures += [(url, f"status {code}") for url, code in statuses.items() if code != 200]
    report = {"articles_published": held, "seed": args.seed, "kinds": results}
    report["failures"] = failures
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"Wrote {args.json}")
    for url, why in failures:
        print(f"FAILED {url}: {why}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
