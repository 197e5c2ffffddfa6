#!/usr/bin/env python3
"""Benchmark the site as production runs it: gunicorn, DEBUG=0, PostgreSQL.

    python bench/run.py --articles N --json FILE [--database-url URL] [--generate]

Reports, for each page kind, p50 and p95 time per request (sequential requests from one
client on loopback, after a warm-up) and the SQL queries the request makes (counted
in-process with the same code), then the throughput of the article page and the archive
list against a floor: a static HTML file of the same size served by the same gunicorn and
WhiteNoise, at the same concurrency. Prints a table and writes JSON.

The database must hold an archive (manage.py generate_archive --articles N, or pass
--generate to make one of N articles first in an empty database).
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = 8917
SAMPLES = 40
WARMUP = 5
CONCURRENCY = 8
THROUGHPUT_SECONDS = 8


def build_environment(database_url):
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }


def page_urls():
    """The pages to measure, chosen from what the archive holds."""
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
        "500th page": "/articles/?page=500",
        "month archive": month,
        "article page": article.get_absolute_url(),
        "feed": "/feed/",
        "CSV export (large result)": "/articles/export.csv?region=kurdistan-region&from=2020-01-01",
    }


def count_queries(urls):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                for _ in response.streaming_content:
                    pass
        counts[name] = len(queries)
    return counts


def fetch(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    return time.perf_counter() - started, len(body)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency(base, url, samples):
    for _ in range(WARMUP):
        fetch(base + url)
    times = [fetch(base + url)[0] for _ in range(samples)]
    return {
        "p50_ms": round(percentile(times, 0.5) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
    }


def throughput(url, seconds=THROUGHPUT_SECONDS, concurrency=CONCURRENCY):
    deadline = time.monotonic() + seconds
    errors = 0

    def worker():
        nonlocal errors
        done = 0
        while time.monotonic() < deadline:
            try:
                fetch(url)
                done += 1
            except (urllib.error.URLError, OSError):
                errors += 1
        return done

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        total = sum(pool.map(lambda _: worker(), range(concurrency)))
    return {"requests_per_second": round(total / seconds, 1), "errors": errors}


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True, help="the archive's size")
    parser.add_argument("--json", required=True, help="where to write the figures")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench"),
    )
    parser.add_argument("--generate", action="store_true", help="generate the archive first")
    parser.add_argument("--samples", type=int, default=SAMPLES)
    args = parser.parse_args()

    env = build_environment(args.database_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    from articles.models import Article

    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], check=True, env=env)
    if args.generate:
        subprocess.run([*manage, "generate_archive", "--articles", str(args.articles)], env=env)
    held = Article.objects.count()
    print(f"Archive: {held:,} articles ({args.articles:,} asked for)", flush=True)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], check=True, env=env)

    urls = page_urls()
    queries = count_queries(urls)
    from django.test import Client

    article_html = Client(HTTP_HOST="localhost").get(urls["article page"]).content
    floor_dir = Path(settings.STATIC_ROOT) / "bench"
    floor_dir.mkdir(parents=True, exist_ok=True)
    (floor_dir / "floor.html").write_bytes(article_html)

    base = f"http://127.0.0.1:{PORT}"
    log_path = Path(tempfile.gettempdir()) / "newsroom-bench-gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2", "--threads", "4",
             "--bind", f"127.0.0.1:{PORT}", "--access-logfile", "-"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            wait_for(base + "/")
            results = {}
            for name, url in urls.items():
                samples = max(5, args.samples // 8) if "export" in name else args.samples
                results[name] = {
                    "url": url,
                    **latency(base, url, samples),
                    "queries": queries[name],
                }
                row = results[name]
                print(f"{name:28} p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
                      f"{row['queries']:3} queries", flush=True)  # fmt: skip
            floor = throughput(base + "/static/bench/floor.html")
            rates = {
                "static floor": floor,
                "article page": throughput(base + urls["article page"]),
                "archive list": throughput(base + urls["archive list"]),
            }
            for name, rate in rates.items():
                share = rate["requests_per_second"] / max(floor["requests_per_second"], 1e-9)
                rate["share_of_floor"] = round(share, 3)
                rps, errors = rate["requests_per_second"], rate["errors"]
                print(f"{name:28} {rps:8.1f} req/s  {share:6.1%} of the floor  {errors} errors")
        finally:
            server.terminate()
            server.wait(timeout=10)
    report = {
        "articles": held,
        "concurrency": CONCURRENCY,
        "samples": args.samples,
        "pages": results,
        "throughput": rates,
    }
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
