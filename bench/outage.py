#!/usr/bin/env python3
"""Fault test: stop PostgreSQL for a few seconds under load, start it again, and check
that the site answered 503 (the plain outage page, no traceback) while it was down and
recovered by itself, every worker included.

    python bench/outage.py [--database-url URL] [--cluster main] [--down 5] [--json FILE]

Needs to run where pg_ctlcluster can stop and start the cluster (as root or postgres).
Exits 1 if any response during the run was neither 200 nor the 503 page, if any failed
at the socket, or if the site still failed RECOVERY_LIMIT seconds after the database
was back.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (  # noqa: E402 - the project must be importable first
    BASE,
    DEFAULT_DATABASE_URL,
    build_environment,
    gunicorn,
    manage,
    setup_django,
)

CLIENTS = 16
BEFORE_SECONDS = 6
AFTER_SECONDS = 10
RECOVERY_LIMIT = 2.0


def postgresql(action, cluster):
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action]
        + (["-m", "fast"] if action == "stop" else []),
        check=True,
    )


def request(url):
    """(status, body) for one GET; status 0 when the socket failed."""
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        return 0, str(error).encode()


def mix():
    from articles.models import Article

    article = Article.objects.published().order_by("-published_at").first()
    return ["/", "/articles/", "/articles/?q=government", "/articles/?region=erbil",
            article.get_absolute_url(), "/feed/"]  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--cluster", default="main", help="the pg_ctlcluster cluster name")
    parser.add_argument("--down", type=float, default=5.0, help="seconds without a database")
    parser.add_argument("--json", help="where to write the figures")
    args = parser.parse_args()

    env = build_environment(args.database_url)
    setup_django(env)
    manage(env, "migrate", "--no-input", "-v0")
    from articles.models import Article

    if not Article.objects.published().exists():
        manage(env, "generate_archive", "--articles", "2000")
    paths = mix()
    from django.db import connection

    connection.close()  # this process must not hold a connection across the outage

    events = {}
    records = []  # (started, finished, status, outage page?, traceback?)
    lock = threading.Lock()
    stop = threading.Event()
    started_at = time.monotonic()

    def now():
        return time.monotonic() - started_at

    def client(n):
        i = n
        while not stop.is_set():
            begun = now()
            status, body = request(BASE + paths[i % len(paths)])
            i += 1
            with lock:
                records.append(
                    (begun, now(), status, b"briefly unavailable" in body, b"Traceback" in body)
                )

    with gunicorn(env, "newsroom-outage-gunicorn.log") as log_path:
        started_at = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(client, n) for n in range(CLIENTS)]
            try:
                time.sleep(BEFORE_SECONDS)
                events["stop_requested"] = now()
                postgresql("stop", args.cluster)
                events["stopped"] = now()
                time.sleep(args.down)
                events["start_requested"] = now()
                postgresql("start", args.cluster)
                events["started"] = now()
                time.sleep(AFTER_SECONDS)
            finally:
                stop.set()
                if "started" not in events:
                    postgresql("start", args.cluster)
            for future in futures:
                future.result()

    def statuses(rows):
        return dict(collections.Counter(status for _, _, status, _, _ in rows))

    before = [r for r in records if r[1] < events["stop_requested"]]
    down = [r for r in records if r[0] >= events["stopped"] and r[1] <= events["start_requested"]]
    after = [r for r in records if r[0] >= events["started"]]
    first_ok = min((r[1] for r in after if r[2] == 200), default=None)
    recovered_by = events["started"] + RECOVERY_LIMIT
    late_failures = [r for r in after if r[0] >= recovered_by and r[2] != 200]
    bad = [r for r in records if r[2] not in (200, 503) or (r[2] == 503 and not r[3]) or r[4]]
    report = {
        "clients": CLIENTS,
        "down_seconds": round(events["started"] - events["stopped"], 2),
        "events": {k: round(v, 3) for k, v in events.items()},
        "before": statuses(before),
        "while_down": statuses(down),
        "after_start": statuses(after),
        "first_200_after_start_seconds": (
            round(first_ok - events["started"], 3) if first_ok is not None else None
        ),
        "failures_after_recovery_limit": len(late_failures),
        "all": statuses(records),
        "by_second_finished": {
            second: statuses([r for r in records if int(r[1]) == second])
            for second in range(int(max(r[1] for r in records)) + 1)
        },
        "responses_neither_200_nor_outage_page": len(bad),
    }
    print(json.dumps(report, indent=2))
    print(f"server log: {log_path}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    failed = bad or late_failures or not down or first_ok is None
    print("FAILED" if failed else "PASSED: 503 while down, recovered by itself")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
