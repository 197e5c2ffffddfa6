#!/usr/bin/env python3
"""Load test: wrk against gunicorn on loopback, over a mix of the benchmark's pages.

    python bench/load.py --json FILE [--seconds 60] [--connections 64] [--warmup 0]
                         [--by-page] [--database-url URL]

The mix is every page bench/run.py measures (but the CSV export, a download rather than
a page) and 200 different article pages, requested in turn by every connection. Prints
and writes throughput, p50/p95/p99 and errors; exits 1 if any request failed or answered
other than 2xx/3xx. With --by-page, gunicorn logs every request and the measured ones are
summed up per page (count, p50, p95, max server time): what a slow p95 is made of.
"""

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import page_urls, percentile  # noqa: E402 - the project must be importable
from bench.server import (  # noqa: E402
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
    args = parser.parse_args()

    env = build_environment(args.database_url)
    setup_django(env)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    from articles.models import Article

    held = Article.objects.count()
    mix = load_mix()
    print(f"Archive: {held:,} articles; {len(mix)} pages in the mix; "
          f"{args.connections} connections for {args.seconds} s", flush=True)  # fmt: skip
    access_log = Path(args.json).with_suffix(".access.log") if args.by_page else None
    with gunicorn(env, "newsroom-load-gunicorn.log", access_log=access_log) as log_path:
        if args.warmup:
            warmup = wrk(list(mix), args.warmup, args.connections, timeout_seconds=30)
            print(f"warm-up: {warmup['requests']:,} requests, "
                  f"{warmup['socket_errors'] + warmup['non_2xx_3xx']} failed")  # fmt: skip
        offset = access_log.stat().st_size if access_log else 0
        figures = wrk(list(mix), args.seconds, args.connections, timeout_seconds=30)
    failed = figures["socket_errors"] + figures["non_2xx_3xx"]
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
        **figures,
        "server_time_by_page": pages,
    }
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"Wrote {args.json}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
