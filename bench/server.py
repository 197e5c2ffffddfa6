"""The site as production runs it, for the benchmark scripts: gunicorn with DEBUG=0 on
PostgreSQL, started and stopped around a block of measurements."""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_PORT: another port, for benchmarks run side by side.
PORT = int(os.environ.get("BENCH_PORT", "8917"))
BASE = f"http://127.0.0.1:{PORT}"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench"
# Two cores: a worker a core, threads to overlap database waits.
WORKERS, THREADS = 2, 4
# Status, time taken in microseconds (gunicorn's %(D)s), path, query string.
ACCESS_LOG_FORMAT = "%(s)s %(D)s %(U)s %(q)s"


def build_environment(database_url, **extra):
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
        **extra,
    }


def setup_django(env):
    """Django in this process, on the benchmark's database, to choose URLs and count."""
    os.environ.update(env)
    import django

    django.setup()


def manage(env, *args):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env)


def fetch(url, timeout=60):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body = response.read()
    return time.perf_counter() - started, len(body)


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


@contextlib.contextmanager
def gunicorn(env, log_name="newsroom-bench-gunicorn.log", access_log=None, port=None):
    """Serve the site on `port` (else PORT, as it is when called: bench/fresh.py's --port
    sets it) while the block runs; yields the log file's path.
    With `access_log` (a path), every request's path, status and time in microseconds is
    written there."""
    port = port or PORT
    log_path = Path(tempfile.gettempdir()) / log_name
    logging = []
    if access_log:
        logging = ["--access-logfile", str(access_log),
                   "--access-logformat", ACCESS_LOG_FORMAT]  # fmt: skip
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi",
             "--workers", str(WORKERS), "--threads", str(THREADS),
             "--bind", f"127.0.0.1:{port}", *logging],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            yield log_path
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:  # requests still queued from a load test
                server.kill()
                server.wait()


WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK-JSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, "
    .. "\\"p99_us\\": %%d, \\"max_us\\": %%d, \\"connect_errors\\": %%d, \\"read_errors\\": %%d, "
    .. "\\"write_errors\\": %%d, \\"timeouts\\": %%d, \\"non_2xx_3xx\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def wrk(paths, seconds, connections, threads=2, timeout_seconds=10, base=BASE):
    """Load from wrk (Debian's package) over `paths` in turn at `base` (BASE); returns its
    figures."""
    import json

    lua = WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    run = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
         "--timeout", f"{timeout_seconds}s", "-s", script.name, base],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    os.unlink(script.name)
    line = next(x for x in run.stdout.splitlines() if x.startswith("WRK-JSON "))
    figures = json.loads(line.removeprefix("WRK-JSON "))
    seconds_run = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "requests": figures["requests"],
        "requests_per_second": round(figures["requests"] / seconds_run, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "max_ms": round(figures["max_us"] / 1000, 1),
        "socket_errors": errors,
        "non_2xx_3xx": figures["non_2xx_3xx"],
    }
