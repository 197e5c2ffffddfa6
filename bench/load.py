#!/usr/bin/env python3
"""Load test: wrk against gunicorn on loopback, over a mix of the benchmark's pages.

    python bench/load.py --json FILE [--seconds 60] [--connections 64] [--warmup 0]
                         [--database-url URL]

The mix is every page bench/run.py measures (but the CSV export, a download rather than
a page) and 200 different article pages, requested in turn by every connection. Prints
and writes throughput, p50/p95/p99 and errors; exits 1 if any request failed or answered
other than 2xx/3xx.
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import page_urls  # noqa: E402 - the project must be importable first
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
    from articles.models import Article

    pages = [url for name, url in page_urls().items() if "export" not in name]
    articles = Article.objects.published().order_by("-published_at")[:20_000:100]
    pages += [article.get_absolute_url() for article in articles[:ARTICLE_PAGES]]
    return pages


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
    with gunicorn(env, "newsroom-load-gunicorn.log") as log_path:
        if args.warmup:
            warmup = wrk(mix, args.warmup, args.connections, timeout_seconds=30)
            print(f"warm-up: {warmup['requests']:,} requests, "
                  f"{warmup['socket_errors'] + warmup['non_2xx_3xx']} failed")  # fmt: skip
        figures = wrk(mix, args.seconds, args.connections, timeout_seconds=30)
    failed = figures["socket_errors"] + figures["non_2xx_3xx"]
    print(
        f"{figures['requests']:,} requests, {figures['requests_per_second']:,.1f} req/s; "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"max {figures['max_ms']} ms; {figures['socket_errors']} socket errors, "
        f"{figures['non_2xx_3xx']} responses not 2xx/3xx (server log: {log_path})"
    )
    report = {
        "articles": held,
        "connections": args.connections,
        "seconds": args.seconds,
        "pages_in_mix": len(mix),
        "warmup_seconds": args.warmup,
        **figures,
    }
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"Wrote {args.json}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
