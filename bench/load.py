#!/usr/bin/env python3
"""Load test: wrk against gunicorn on loopback, over a mix of the benchmark's pages.

    python bench/load.py --json FILE [--seconds 60] [--connections 64] [--warmup 0]
                         [--by-page] [--database-url URL] [--publish-every SECONDS]

The mix is every page bench/run.py measures (but the CSV export, a download rather than
a page) and 200 different article pages, requested in turn by every connection. Prints
and writes throughput, p50/p95/p99 and errors; exits 1 if any request failed or answered
other than 2xx/3xx. With --by-page, gunicorn logs every request and the measured ones are
summed up per page (count, p50, p95, max server time): what a slow p95 is made of.

With --publish-every N, the newsroom publishes while readers read: a new story every N
seconds of the measured run (each moves the archive version, as an editor's would), and
in the middle of the run a story is withdrawn: the script polls the home page and the
story's own page until every answer is without it, and reports how long that took
(exits 1 unless it is gone within PAGE_CACHE_VERSION_SECONDS and half a second). The
caches are emptied before the run (with REDIS_URL, only CACHE_KEY_PREFIX's keys), so a
run measures from what is stored as of the run, as without Redis.
"""

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import page_urls, percentile  # noqa: E402 - the project must be importable
from bench.server import (  # noqa: E402
    BASE,
    DEFAULT_DATABASE_URL,
    build_environment,
    gunicorn,
    manage,
    setup_django,
    wrk,
)

ARTICLE_PAGES = 200


def load_mix():
    """{url: page name}: the benchmark's pages, and article pages under one name."""
    from articles.models import Article

    pages = {url: name for name, url in page_urls().items() if "export" not in name}
    articles = Article.objects.published().order_by("-published_at")[:20_000:100]
    for article in articles[:ARTICLE_PAGES]:
        pages[article.get_absolute_url()] = f"article page ({ARTICLE_PAGES} of them)"
    return pages


def publish_story(n):
    """A new story, published now: a copy of the newest article under a new headline and
    address, with its places and tags. Returns it."""
    from django.utils import timezone

    from articles.models import Article

    newest = Article.objects.published().order_by("-published_at", "-pk").first()
    regions, tags = list(newest.regions.all()), list(newest.tags.all())
    story = Article.objects.get(pk=newest.pk)
    story.pk = story.id = None
    story.headline = f"Load test story {n} at {time.time():.0f}"
    story.slug = f"load-test-story-{n}-{time.time_ns()}"
    story.published_at = timezone.now()
    story.save()
    story.regions.set(regions)
    story.tags.set(tags)
    return story


def fetch_status(url):
    """(status, body) of a GET on the server, whatever the status."""
    try:
        with urllib.request.urlopen(BASE + url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def withdrawal_check(window):
    """Publish a story, see it served, withdraw it, and poll the home page and its own page
    until ten answers in a row are without it. {"gone_after_s": seconds after the
    withdrawal committed when the last answer with it came back, "asked_after_s": when
    that answer's request was sent, "within_window": bool, ...}. The window bounds what a
    server may serve (its version read at most PAGE_CACHE_VERSION_SECONDS before it
    answers), so it is checked against when the request was sent: under load an answer
    can come back seconds after that, however fresh it is."""
    from articles.models import Article

    story = publish_story("to-withdraw")
    url = story.get_absolute_url()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if story.headline in fetch_status("/")[1] and fetch_status(url)[0] == 200:
            break
        time.sleep(0.05)
    else:
        return {"error": "the story to withdraw never appeared"}
    Article.objects.filter(pk=story.pk).update(status=Article.Status.WITHDRAWN)
    withdrawn_at = time.monotonic()
    clean, seen_after, asked_after = 0, 0.0, 0.0
    while clean < 10 and time.monotonic() - withdrawn_at < 30:
        home_asked = time.monotonic() - withdrawn_at
        home = fetch_status("/")
        page_asked = time.monotonic() - withdrawn_at
        page = fetch_status(url)
        if page[0] != 404:
            clean, seen_after, asked_after = 0, time.monotonic() - withdrawn_at, page_asked
        elif story.headline in home[1]:
            clean, seen_after, asked_after = 0, page_asked, home_asked
        else:
            clean += 1
    return {
        "gone_after_s": round(seen_after, 3),
        "asked_after_s": round(asked_after, 3),
        "window_s": window,
        "within_window": clean >= 10 and asked_after <= window + 0.5,
    }


class Newsroom(threading.Thread):
    """Publishes a story every `every` seconds for `seconds`, and withdraws one halfway."""

    def __init__(self, every, seconds, window):
        super().__init__(daemon=True)
        self.every, self.seconds, self.window = every, seconds, window
        self.published, self.withdrawal, self.failure = 0, None, None

    def run(self):
        from django.db import connection

        started = time.monotonic()
        try:
            withdrawn = False
            while True:
                wait = started + (self.published + 1) * self.every - time.monotonic()
                if started + self.seconds - time.monotonic() < max(wait, 0) + 1:
                    break
                time.sleep(max(wait, 0))
                publish_story(self.published)
                self.published += 1
                if not withdrawn and time.monotonic() - started >= self.seconds / 2:
                    withdrawn = True
                    self.withdrawal = withdrawal_check(self.window)
        except Exception as error:  # reported, and the run fails
            self.failure = repr(error)
        finally:
            connection.close()


def by_page(access_log, offset, mix):
    """Per page of the mix: requests, statuses and server times, from the access log
    lines written after `offset` (the measured run's, not the warm-up's)."""
    times, statuses = defaultdict(list), defaultdict(lambda: defaultdict(int))
    with open(access_log) as log:
        log.seek(offset)
        for line in log:
            status, micros, path, query = (line.rstrip("\n").split(" ", 3) + [""])[:4]
            name = mix.get(path + (f"?{query}" if query else ""), "other")
            times[name].append(int(micros) / 1000)
            statuses[name][status] += 1
    return {
        name: {
            "requests": len(ms),
            "statuses": dict(statuses[name]),
            "p50_ms": round(percentile(ms, 0.5), 1),
            "p95_ms": round(percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1),
        }
        for name, ms in sorted(times.items(), key=lambda item: -percentile(item[1], 0.95))
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", required=True, help="where to write the figures")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--warmup",
        type=int,
        default=0,
        help="seconds of the same load first, unmeasured (0: measure from a cold start)",
    )
    parser.add_argument(
        "--by-page", action="store_true", help="log every request and sum up per page"
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--publish-every",
        type=float,
        metavar="SECONDS",
        help="publish a story this often during the run, and check a withdrawal",
    )
    args = parser.parse_args()

    env = build_environment(args.database_url)
    setup_django(env)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    from django.conf import settings
    from django.core.cache import caches

    from articles.models import Article

    for cache in caches.all():  # with REDIS_URL, this deployment's keys (CACHE_KEY_PREFIX)
        cache.clear()
    held = Article.objects.count()
    mix = load_mix()
    shared = f"Redis ({settings.REDIS_URL})" if settings.REDIS_URL else "each process's memory"
    print(f"Archive: {held:,} articles; {len(mix)} pages in the mix; "
          f"{args.connections} connections for {args.seconds} s; caches in {shared}",
          flush=True)  # fmt: skip
    newsroom = None
    access_log = Path(args.json).with_suffix(".access.log") if args.by_page else None
    with gunicorn(env, "newsroom-load-gunicorn.log", access_log=access_log) as log_path:
        if args.warmup:
            warmup = wrk(list(mix), args.warmup, args.connections, timeout_seconds=30)
            print(f"warm-up: {warmup['requests']:,} requests, "
                  f"{warmup['socket_errors'] + warmup['non_2xx_3xx']} failed")  # fmt: skip
        offset = access_log.stat().st_size if access_log else 0
        if args.publish_every:
            window = settings.PAGE_CACHE_VERSION_SECONDS
            newsroom = Newsroom(args.publish_every, args.seconds, window)
            newsroom.start()
        figures = wrk(list(mix), args.seconds, args.connections, timeout_seconds=30)
        if newsroom:
            newsroom.join(60)
    failed = figures["socket_errors"] + figures["non_2xx_3xx"]
    if newsroom:
        print(f"published {newsroom.published} stories (one every {args.publish_every:g} s); "
              f"withdrawal: {newsroom.withdrawal}; failure: {newsroom.failure}")  # fmt: skip
        withdrawal_ok = bool(newsroom.withdrawal and newsroom.withdrawal.get("within_window"))
        failed += 0 if withdrawal_ok and not newsroom.failure else 1
    print(
        f"{figures['requests']:,} requests, {figures['requests_per_second']:,.1f} req/s; "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"max {figures['max_ms']} ms; {figures['socket_errors']} socket errors, "
        f"{figures['non_2xx_3xx']} responses not 2xx/3xx (server log: {log_path})"
    )
    pages = by_page(access_log, offset, mix) if access_log else None
    for name, row in (pages or {}).items():
        print(f"  {name:34} {row['requests']:>7,} requests  p50 {row['p50_ms']:8.1f} ms  "
              f"p95 {row['p95_ms']:8.1f} ms  max {row['max_ms']:8.1f} ms  "
              f"{row['statuses']}")  # fmt: skip
    report = {
        "articles": held,
        "connections": args.connections,
        "seconds": args.seconds,
        "pages_in_mix": len(mix),
        "warmup_seconds": args.warmup,
        "caches": "redis" if settings.REDIS_URL else "local memory",
        "publish_every_seconds": args.publish_every,
        "published": newsroom.published if newsroom else 0,
        "withdrawal": newsroom.withdrawal if newsroom else None,
        "newsroom_failure": newsroom.failure if newsroom else None,
        **figures,
        "server_time_by_page": pages,
    }
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"Wrote {args.json}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
