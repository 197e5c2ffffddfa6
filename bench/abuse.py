#!/usr/bin/env python3
"""Cheap requests that must not hurt everyone: junk query parameters and many exports.

    python bench/abuse.py junk --json FILE [--requests 100] [--params 990]
    python bench/abuse.py exports --json FILE [--exporters 16] [--seconds 60]
    (both take [--database-url URL] [--root CHECKOUT] [--port 8811])

Serves the site as bench/server.py does (gunicorn, 2 workers x 4 threads, DEBUG=0,
PostgreSQL) from --root (default: this checkout; another checkout measures the code
before a change) on its own port.

junk: sends --requests archive-list requests, each with --params distinct unknown
parameters (about 3 KB of query string), one at a time; prints the page size, the time
per request, the workers' CPU time per request and their resident memory before and
after (from /proc).

exports: runs --exporters clients that each export the whole archive as CSV again and
again (following rel="next" links where the site pages its exports) while one reader
asks for / every half second; prints the reader's latencies, the rows exported and
the statuses. The database must hold an archive (manage.py generate_archive).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import DEFAULT_DATABASE_URL, THREADS, WORKERS, build_environment  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
NAMES = [a + b for a in LETTERS for b in LETTERS if a + b not in ("to", "q")]


def serve(root, port, env):
    try:
        get(f"http://127.0.0.1:{port}/", timeout=2)
    except (urllib.error.URLError, OSError):
        pass
    else:
        raise SystemExit(f"something already answers on port {port}: choose another --port")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=root, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi",
         "--workers", str(WORKERS), "--threads", str(THREADS), "--timeout", "600",
         "--bind", f"127.0.0.1:{port}"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get(f"http://127.0.0.1:{port}/")
            return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not start")


def get(url, timeout=600):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body = response.read()
        headers = response.headers
    return time.perf_counter() - started, body, headers


def workers(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def junk(base, server, requests, params):
    get(base + "/articles/")  # every cache of one worker warm for the plain page
    pids = workers(server.pid)
    cpu_before = sum(cpu_seconds(p) for p in pids)
    rss_before = sum(rss_mb(p) for p in pids)
    sizes, times = [], []
    for n in range(requests):
        # As short as gunicorn's 4 KB request line allows: "ab&ac&...", distinct per request.
        query = f"n={n}&" + "&".join(NAMES[: params - 1])
        seconds, body, _ = get(f"{base}/articles/?{query}")
        sizes.append(len(body))
        times.append(seconds)
    cpu = sum(cpu_seconds(p) for p in pids) - cpu_before
    rss_after = sum(rss_mb(p) for p in pids)
    return {
        "requests": requests,
        "query_bytes": len(query),
        "page_bytes_median": statistics.median(sizes),
        "plain_page_bytes": len(get(base + "/articles/")[1]),
        "seconds_per_request_median": round(statistics.median(times), 3),
        "cpu_seconds_per_request": round(cpu / requests, 3),
        "workers_rss_mb_before": round(rss_before, 1),
        "workers_rss_mb_after": round(rss_after, 1),
        "workers_rss_mb_growth": round(rss_after - rss_before, 1),
    }


NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


def export_all(base, stop, tally):
    """Whole-archive CSV exports until `stop` is set, following rel="next"."""
    while not stop.is_set():
        url = base + "/articles/export.csv"
        while url and not stop.is_set():
            try:
                _, body, headers = get(url)
            except urllib.error.HTTPError as error:
                tally.append(("status", error.code))
                time.sleep(float(error.headers.get("Retry-After", "1")))
                continue
            except OSError as error:
                tally.append(("error", type(error).__name__))
                break
            tally.append(("rows", body.count(b"\n") - 1))
            match = NEXT.search(headers.get("Link", ""))
            url = match[1] if match else None
        tally.append(("complete", 1))


def exports(base, exporters, seconds):
    def reader_latencies(duration):
        latencies = []
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            latencies.append(get(base + "/")[0] * 1000)
            time.sleep(0.5)
        return latencies

    quiet = reader_latencies(5)
    stop, tally = threading.Event(), []
    threads = [
        threading.Thread(target=export_all, args=(base, stop, tally)) for _ in range(exporters)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(1)
    loaded = reader_latencies(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=900)
    elapsed = time.monotonic() - started
    rows = sum(n for kind, n in tally if kind == "rows")
    statuses = {}
    for kind, value in tally:
        if kind in ("status", "error"):
            statuses[str(value)] = statuses.get(str(value), 0) + 1
    return {
        "exporters": exporters,
        "seconds": seconds,
        "home_ms_quiet_median": round(statistics.median(quiet), 1),
        "home_requests_under_load": len(loaded),
        "home_ms_median": round(statistics.median(loaded), 1),
        "home_ms_p95": round(sorted(loaded)[int(0.95 * (len(loaded) - 1))], 1),
        "home_ms_max": round(max(loaded), 1),
        "seconds_until_exporters_stopped": round(elapsed, 1),
        "export_rows_per_second": round(rows / elapsed, 1),
        "whole_exports_completed": sum(n for kind, n in tally if kind == "complete"),
        "refused_or_failed": statuses,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["junk", "exports"])
    parser.add_argument("--json", required=True)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--params", type=int, default=990)
    parser.add_argument("--exporters", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    env = build_environment(args.database_url, ALLOWED_HOSTS="127.0.0.1")
    base = f"http://127.0.0.1:{args.port}"
    server = serve(args.root, args.port, env)
    try:
        if args.what == "junk":
            figures = junk(base, server, args.requests, args.params)
        else:
            figures = exports(base, args.exporters, args.seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    figures["root"] = args.root
    print(json.dumps(figures, indent=2))
    Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
