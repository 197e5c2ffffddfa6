#!/usr/bin/env python3
"""Two servers, one Redis, a PostgreSQL primary and a streaming replica: checks and figures.

    python bench/cluster.py [--database-url URL] [--articles 20000] [--replica-port 5433]
                            [--ports 8821,8822] [--redis-url redis://127.0.0.1:6379/2]
                            [--seconds 30] [--connections 32] [--warmup 60] [--json FILE]

Run as root (or as postgres) on the machine of the primary, whose pg_hba.conf must let
127.0.0.1 connect for replication (`host replication all 127.0.0.1/32 trust`, then a
reload). It

1. migrates the database and, if it holds fewer than --articles published articles,
   generates them (`generate_archive`);
2. makes a streaming replica of the primary's cluster with `pg_basebackup -R` in a new
   folder under /tmp and starts it on 127.0.0.1:--replica-port (hot standby);
3. starts two gunicorn nodes (bench/server.py's, DEBUG=0) on --ports, each with
   DATABASE_URL (the primary), DATABASE_REPLICA_URL (the replica) and REDIS_URL;
4. checks, and reports how long each took:
   - a story published on the primary (through the ORM, as the admin does) is on both
     nodes, its page and the archive list, for readers, within the window README
     "Deploying N servers" documents (measured from the commit, each node polled every
     20 ms, beside the replica's own replay of it); an editor (a session) and a reader
     pinned after a write read it from the first request, on either node;
   - a withdrawn story is gone from both nodes, page and list, within the same window;
   - with the replica stopped (pg_ctl stop -m fast) under load from 16 clients on both
     nodes, every response is a 200 (readers fall back to the primary), and the replica
     is used again once it is back;
5. measures throughput with wrk over bench/load.py's mix, after --warmup seconds of it on
   both nodes: one node with --connections, both nodes at once with half as many each,
   and one node again;
6. stops the nodes, stops the replica and removes its folder, also on an error or Ctrl-C.

Exits 1 if a check failed. Figures: docs/performance.md.
"""

import argparse
import collections
import concurrent.futures
import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (  # noqa: E402 - the project must be importable first
    build_environment,
    gunicorn,
    manage,
    setup_django,
    wrk,
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_cluster_bench"
WINDOW_TRIALS = 5
POLL_SECONDS = 0.02
GIVE_UP_SECONDS = 60
LOAD_CLIENTS = 16
STOP_AFTER, DOWN_FOR, UP_AFTER = 5.0, 10.0, 10.0


def as_postgres(*command, **kwargs):
    """Runs a PostgreSQL program as the postgres user (this process may be root)."""
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    return subprocess.run(command, check=True, **kwargs)


class Replica:
    """A hot standby of the primary's cluster, in a folder of its own under /tmp."""

    def __init__(self, primary_host, primary_port, port):
        self.primary_host, self.primary_port, self.port = primary_host, primary_port, port
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-cluster-replica-"))
        self.data = self.folder / "data"
        self.log = self.folder / "replica.log"
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        self.running = False

    def create(self):
        started = time.monotonic()
        as_postgres(
            str(PG_BIN / "pg_basebackup"), "-h", self.primary_host, "-p", str(self.primary_port),
            "-U", "postgres", "-D", str(self.data), "-X", "stream", "-R", "-c", "fast",
        )  # fmt: skip
        # Debian keeps the configuration beside the data, not in it: the replica's own.
        config = "\n".join([
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.folder}'",
            f"hba_file = '{self.folder / 'pg_hba.conf'}'",
            "hot_standby = on",
            "max_connections = 100",  # at least the primary's, as a standby requires
            "shared_buffers = 128MB",
            "ssl = off",
            "cluster_name = 'newsroom-cluster-replica'",
        ])  # fmt: skip
        (self.data / "postgresql.conf").write_text(config + "\n")
        (self.folder / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        if os.geteuid() == 0:
            shutil.chown(self.data / "postgresql.conf", "postgres", "postgres")
            shutil.chown(self.folder / "pg_hba.conf", "postgres", "postgres")
        return time.monotonic() - started

    def pg_ctl(self, *args):
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args,
                    stdout=subprocess.DEVNULL)  # fmt: skip

    def start(self):
        self.pg_ctl("-l", str(self.log), "-w", "-t", "120", "start")
        self.running = True

    def stop(self):
        if self.running:
            self.pg_ctl("-m", "fast", "-w", "stop")
            self.running = False

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def psql(port, database, sql):
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database,
         "-Atc", sql],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip


def wait_until_caught_up(primary_port, replica_port, database, seconds=300):
    target = psql(primary_port, database, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(subprocess.CalledProcessError):
            behind = psql(
                replica_port, database, f"SELECT pg_last_wal_replay_lsn() < '{target}'::pg_lsn"
            )
            if behind == "f":
                return
        time.sleep(0.2)
    raise SystemExit("the replica did not catch up with the primary")


def get(url, cookies=None, timeout=15):
    """(status, body text) for one GET; status 0 when the socket failed."""
    request = urllib.request.Request(url)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except OSError as error:
        return 0, str(error)


def shows(base, article, cookies=None):
    """(on its page, in the archive list) for a reader (or `cookies`) at node `base`."""
    status, _ = get(base + article.get_absolute_url(), cookies)
    _, listing = get(base + "/articles/?language=all", cookies)
    return status == 200, article.headline in listing


def time_until(bases, article, wanted, started):
    """{node: (missed, asked, answered)}: seconds from `started` (time.monotonic()) to the
    sending of the last poll that did not find the node showing `wanted` (page, list) to
    readers, of the first that did, and to that one's answer (None if not within
    GIVE_UP_SECONDS). The change reached readers between the first two: a poll's answer is
    late by the pages' render time, which a busy machine makes long. Each node is polled by
    a thread of its own."""

    def one(base):
        missed = None
        while time.monotonic() - started < GIVE_UP_SECONDS:
            asked = time.monotonic() - started
            if shows(base, article) == wanted:
                return missed, round(asked, 3), round(time.monotonic() - started, 3)
            missed = round(asked, 3)
            time.sleep(POLL_SECONDS)
        return None

    with concurrent.futures.ThreadPoolExecutor(len(bases)) as pool:
        return dict(zip(bases, pool.map(one, bases), strict=True))


def replica_time_until(replica_port, database, article, present, started):
    """Seconds from `started` until the replica's own rows show `article` as public
    (`present`) or not: its replay lag for that commit, as psql sees it."""
    wanted = "t" if present else "f"
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM articles_article WHERE id = {int(article.pk)} "
        "AND status = 'published')"
    )
    while time.monotonic() - started < GIVE_UP_SECONDS:
        with contextlib.suppress(subprocess.CalledProcessError):
            if psql(replica_port, database, sql) == wanted:
                return round(time.monotonic() - started, 3)
        time.sleep(0.005)
    return None


def new_story(n):
    """A published story on the primary, a copy of the newest one (through the ORM)."""
    from django.utils import timezone

    from articles.models import Article

    model = Article.objects.published().order_by("-published_at").first()
    story = Article.objects.get(pk=model.pk)
    stamp = f"{time.time_ns()}"
    story.pk = None
    story.headline = f"Cluster check {n}: floods close the Erbil road {stamp}"
    story.slug = f"cluster-check-{n}-{stamp}"
    story.published_at = timezone.now()
    story.status = Article.Status.PUBLISHED
    story.translation_of = None
    story.save()
    return story


def editor_cookies():
    """A logged-in administrator's session cookie (a session on the primary)."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    user, _ = User.objects.get_or_create(
        username="cluster-bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def publication_checks(bases, replica_port, database):
    from articles.models import Article
    from newsroom.db_routers import PIN_COOKIE

    editor = editor_cookies()
    trials = []
    for n in range(WINDOW_TRIALS):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            story = new_story(n)
            committed = time.monotonic()
            # From the commit on: the replica's rows, and both nodes as readers see them ...
            replayed = pool.submit(
                replica_time_until, replica_port, database, story, True, committed
            )
            published = pool.submit(time_until, bases, story, (True, True), committed)
            # ... while the editor and a reader pinned after a write read it at once.
            at_once = {
                "editor": all(shows(base, story, editor) == (True, True) for base in bases),
                "pinned reader": all(
                    shows(base, story, {PIN_COOKIE: "1"}) == (True, True) for base in bases
                ),
            }
            replayed, published = replayed.result(), published.result()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            Article.objects.filter(pk=story.pk).update(status=Article.Status.WITHDRAWN)
            committed = time.monotonic()
            off_replica = pool.submit(
                replica_time_until, replica_port, database, story, False, committed
            )
            withdrawn = pool.submit(time_until, bases, story, (False, False), committed)
            # (An editor still opens its page, as a preview; the list is the public's.)
            withdrawn_for_editor = not any(shows(base, story, editor)[1] for base in bases)
            off_replica, withdrawn = off_replica.result(), withdrawn.result()
        trials.append({
            "replica_replayed_publication_after_seconds": replayed,
            "replica_replayed_withdrawal_after_seconds": off_replica,
            "read_own_write_at_once": at_once,
            "editor_sees_withdrawal_at_once": withdrawn_for_editor,
            "published_visible_after_seconds": published,
            "withdrawn_gone_after_seconds": withdrawn,
        })  # fmt: skip
        Article.objects.filter(pk=story.pk).delete()
        time.sleep(1)

    def seconds(kind):  # when the polls that found it were sent
        return [None if s is None else s[1] for t in trials for s in t[kind].values()]

    visible = seconds("published_visible_after_seconds")
    gone = seconds("withdrawn_gone_after_seconds")
    return {
        "trials": trials,
        "published_visible_max_seconds": None if None in visible else max(visible),
        "withdrawn_gone_max_seconds": None if None in gone else max(gone),
        "ok": None not in visible
        and None not in gone
        and all(all(t["read_own_write_at_once"].values()) for t in trials)
        and all(t["editor_sees_withdrawal_at_once"] for t in trials),
    }


def replica_stop_check(replica, bases, paths):
    """Load on both nodes while the replica is stopped and started again."""
    records = []  # (started, finished, status)
    lock = threading.Lock()
    stop = threading.Event()
    events = {}
    origin = time.monotonic()

    def client(n):
        i = n
        while not stop.is_set():
            base = bases[i % len(bases)]
            path = paths[(i // len(bases)) % len(paths)]
            begun = time.monotonic() - origin
            status, _ = get(base + path, timeout=60)  # slowness is not an error here
            i += 1
            with lock:
                records.append((begun, time.monotonic() - origin, status))

    with concurrent.futures.ThreadPoolExecutor(LOAD_CLIENTS) as pool:
        futures = [pool.submit(client, n) for n in range(LOAD_CLIENTS)]
        try:
            time.sleep(STOP_AFTER)
            events["stop_requested"] = time.monotonic() - origin
            replica.stop()
            events["stopped"] = time.monotonic() - origin
            time.sleep(DOWN_FOR)
            events["start_requested"] = time.monotonic() - origin
            replica.start()
            events["started"] = time.monotonic() - origin
            time.sleep(UP_AFTER)
        finally:
            stop.set()
            for future in futures:
                future.result()

    def statuses(rows):
        return dict(collections.Counter(str(status) for _, _, status in rows))

    def latency(rows):
        ms = sorted((end - begin) * 1000 for begin, end, _ in rows)
        if not ms:
            return None
        return {"p50_ms": round(ms[len(ms) // 2], 1), "p95_ms": round(ms[int(len(ms) * 0.95)], 1),
                "max_ms": round(ms[-1], 1)}  # fmt: skip

    before = [r for r in records if r[1] < events["stop_requested"]]
    down = [r for r in records if r[0] >= events["stopped"] and r[1] <= events["start_requested"]]
    after = [r for r in records if r[0] >= events["started"]]
    failures = [r for r in records if r[2] != 200]
    return {
        "clients": LOAD_CLIENTS,
        "events": {k: round(v, 2) for k, v in events.items()},
        "before": {"statuses": statuses(before), **(latency(before) or {})},
        "while_down": {"statuses": statuses(down), **(latency(down) or {})},
        "after_start": {"statuses": statuses(after), **(latency(after) or {})},
        "requests": len(records),
        "not_200": len(failures),
        "not_200_detail": [
            {"started": round(b, 2), "finished": round(e, 2), "status": s} for b, e, s in failures
        ],
        "ok": not failures and bool(down),
    }


def replica_in_use(replica_port, database):
    """Client connections the replica holds to the benchmark's database (the nodes' pools)."""
    return int(
        psql(
            replica_port,
            database,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()",
        )
    )


def on_every_node(bases, paths, seconds, connections):
    """wrk on every node at once, `connections` shared among them; their figures."""
    with concurrent.futures.ThreadPoolExecutor(len(bases)) as pool:
        return list(
            pool.map(
                lambda base: wrk(paths, seconds, connections // len(bases), base=base,
                                 timeout_seconds=30),
                bases,
            )
        )  # fmt: skip


def throughput(bases, paths, seconds, connections, warmup):
    """One node, then every node, after `warmup` seconds of the same load on every node
    (unmeasured: each process's first renders)."""
    if warmup:
        on_every_node(bases, paths, warmup, connections)
    one = wrk(paths, seconds, connections, base=bases[0], timeout_seconds=30)
    runs = on_every_node(bases, paths, seconds, connections)
    # Again, so that a node still warming up during the first run does not favour two.
    one_again = wrk(paths, seconds, connections, base=bases[0], timeout_seconds=30)
    both = {
        "requests_per_second": round(sum(r["requests_per_second"] for r in runs), 1),
        "p95_ms": max(r["p95_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "errors": sum(r["socket_errors"] + r["non_2xx_3xx"] for r in runs),
        "per_node": runs,
    }
    return {
        "one_node": one,
        "two_nodes": both,
        "one_node_again": one_again,
        "ok": sum(r["socket_errors"] + r["non_2xx_3xx"] for r in (one, one_again)) + both["errors"]
        == 0,
    }


def flush_redis(url):
    """Empties the benchmark's own Redis database (the number in `url`), if redis-cli is here."""
    if shutil.which("redis-cli"):
        subprocess.run(["redis-cli", "-u", url, "FLUSHDB"], check=False, capture_output=True)


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--replica-port", type=int, default=5433)
    parser.add_argument("--ports", default="8821,8822")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--seconds", type=int, default=30, help="each throughput run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--warmup", type=int, default=60, help="seconds of load on both nodes first, unmeasured"
    )
    parser.add_argument("--json", help="where to write the figures")
    args = parser.parse_args()

    import dj_database_url

    primary = dj_database_url.parse(args.database_url)
    database = primary["NAME"]
    replica_url = (
        f"postgres://{primary['USER'] or 'postgres'}@127.0.0.1:{args.replica_port}/{database}"
    )
    ports = [int(p) for p in args.ports.split(",")]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    env = build_environment(
        args.database_url, DATABASE_REPLICA_URL=replica_url, REDIS_URL=args.redis_url
    )
    setup_django(env)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    from django.conf import settings

    from articles.models import Article
    from bench.load import load_mix

    held = Article.objects.count()
    if held < args.articles:
        manage(env, "generate_archive", "--articles", str(args.articles - held))
        held = Article.objects.count()
    paths = list(load_mix())
    from django.db import connections

    connections.close_all()
    shared_cache = "redis" in str(settings.CACHES.get("pages", {}).get("BACKEND", "")).lower()
    flush_redis(args.redis_url)

    # SIGTERM as Ctrl-C, so that the cleanup below runs either way.
    signal.signal(signal.SIGTERM, interrupted)
    report = {
        "articles": held,
        "published": Article.objects.published().count(),
        "nodes": bases,
        "replica_port": args.replica_port,
        "redis_url": args.redis_url,
        "page_cache_shared_in_redis": shared_cache,
    }
    replica = Replica(primary["HOST"] or "127.0.0.1", primary["PORT"] or 5432, args.replica_port)
    with contextlib.ExitStack() as stack:
        stack.callback(replica.remove)
        print(f"Archive: {held:,} published articles. Making the replica in {replica.folder} ...",
              flush=True)  # fmt: skip
        report["basebackup_seconds"] = round(replica.create(), 1)
        replica.start()
        wait_until_caught_up(primary["PORT"] or 5432, args.replica_port, database)
        print(f"Replica on 127.0.0.1:{args.replica_port} ({report['basebackup_seconds']} s); "
              f"nodes on {', '.join(bases)}", flush=True)  # fmt: skip
        for n, port in enumerate(ports):
            stack.enter_context(gunicorn(env, f"newsroom-cluster-node{n + 1}.log", port=port))

        checks = publication_checks(bases, args.replica_port, database)
        report["publication"] = checks
        print(f"published: on both nodes within {checks['published_visible_max_seconds']} s; "
              f"withdrawn: gone from both after at most {checks['withdrawn_gone_max_seconds']} s; "
              f"editor and pinned reader at once: "
              f"{all(all(t['read_own_write_at_once'].values()) for t in checks['trials'])}",
              flush=True)  # fmt: skip
        report["replica_connections_after_checks"] = replica_in_use(args.replica_port, database)

        stopped = replica_stop_check(replica, bases, paths[:20])
        report["replica_stopped_under_load"] = stopped
        print(
            f"replica stopped under load: {stopped['requests']} requests, "
            f"{stopped['not_200']} not 200; while down {stopped['while_down']}",
            flush=True,
        )
        time.sleep(6)  # a check of the replica's health on every process
        report["replica_connections_after_restart"] = replica_in_use(args.replica_port, database)
        print(f"replica connections from the nodes after its restart: "
              f"{report['replica_connections_after_restart']}", flush=True)  # fmt: skip

        figures = throughput(bases, paths, args.seconds, args.connections, args.warmup)
        report["throughput"] = figures
        report["throughput"].update(
            seconds=args.seconds, connections=args.connections, warmup_seconds=args.warmup
        )
        print(f"throughput, {args.connections} connections for {args.seconds} s: one node "
              f"{figures['one_node']['requests_per_second']} req/s (p95 "
              f"{figures['one_node']['p95_ms']} ms), two nodes "
              f"{figures['two_nodes']['requests_per_second']} req/s (p95 "
              f"{figures['two_nodes']['p95_ms']} ms), one node again "
              f"{figures['one_node_again']['requests_per_second']} req/s (p95 "
              f"{figures['one_node_again']['p95_ms']} ms)", flush=True)  # fmt: skip
    report["ok"] = all(
        [checks["ok"], stopped["ok"], figures["ok"], report["replica_connections_after_checks"] > 0]
    )
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    print("PASSED" if report["ok"] else "FAILED")
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
