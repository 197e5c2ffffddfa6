"""Readers' queries on a streaming replica; writes and everything of editors on the primary.

Active only with DATABASE_REPLICA_URL set (newsroom/settings.py then adds the "replica"
database, ReplicaRouter and ReplicaMiddleware); without it there is one database and none
of this runs.

Which database a request reads from is decided once, when it arrives
(ReplicaMiddleware.reads_from), and kept for the whole request, so that the archive
version a page is cached under (articles.archive_cache) and the rows the page shows come
from the same server. The primary ("default") for:

- every request that is not GET, HEAD or OPTIONS (a write);
- every request with a session cookie (a logged-in editor: the admin, previews) and the
  admin's own paths: an editor always reads their own writes;
- every request with the pin cookie, which the response to a write sets for
  DATABASE_REPLICA_MAX_LAG + DATABASE_REPLICA_CHECK_SECONDS seconds: someone who just
  logged out after publishing still reads from the primary until any replica would have
  caught up;
- while the replica is unavailable: a check, at most every DATABASE_REPLICA_CHECK_SECONDS
  per process, connects to it afresh and asks its replay lag; a replica that does not
  answer, or lags more than DATABASE_REPLICA_MAX_LAG seconds, is left alone until a later
  check finds it well.

Everything else (readers' GETs) reads from the replica. Outside requests (management
commands, the shell, workers) everything is on the primary, and so is every read made
while the primary's connection is inside a transaction (`transaction.atomic()`), and every
read of the editors' own tables (sessions, users, login attempts, history).

A reader's request that meets a connection error on the replica (OperationalError or
InterfaceError: the replica stopped, a query cancelled by a recovery conflict) is run
again on the primary, and the replica is checked at once: readers get the page, not a 503.
A streamed response (the exports) reads its rows after the request has left this
middleware, on the primary.
"""

import logging
import math
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.utils import load_backend

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
# Set on the response to a write: the next requests of that browser read from the primary.
PIN_COOKIE = "newsroom_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# The editors' own data: always read where it is written.
PRIMARY_ONLY_APPS = {"admin", "auth", "axes", "contenttypes", "reversion", "sessions"}

# The database the current request reads from; None outside a request (the primary).
_reads_from = ContextVar("newsroom_reads_from", default=None)

# Replay lag in seconds on a standby: none when it has replayed all it received and is
# still receiving; else the age of the last transaction it replayed (which also grows
# when it is cut off from its primary, so a lost stream takes it out of use).
LAG_QUERY = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')
END
"""


def pin_seconds():
    """How long a browser reads from the primary after a write (seconds, an int): the most
    a replica in use can lag, plus the time until a check would notice it lagging more."""
    return math.ceil(settings.DATABASE_REPLICA_MAX_LAG + settings.DATABASE_REPLICA_CHECK_SECONDS)


def probe(alias=REPLICA):
    """The replica's replay lag in seconds (float), from a connection of its own opened
    for the purpose (not the pool's, so that a replica that is down fails at once, within
    DATABASE_REPLICA_CONNECT_TIMEOUT). Raises django.db.Error if it does not answer."""
    settings_dict = dict(connections[alias].settings_dict)
    options = {k: v for k, v in settings_dict.get("OPTIONS", {}).items() if k != "pool"}
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        options["connect_timeout"] = max(1, round(settings.DATABASE_REPLICA_CONNECT_TIMEOUT))
    settings_dict.update(OPTIONS=options, CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    try:
        with wrapper.cursor() as cursor:
            if wrapper.vendor != "postgresql":
                cursor.execute("SELECT 1")
                return 0.0
            cursor.execute(LAG_QUERY)
            return float(cursor.fetchone()[0])
    finally:
        wrapper.close()


class ReplicaHealth:
    """Whether readers may use the replica, checked at most every `check_seconds` (per
    process; float seconds, by `clock`). One thread checks at a time; the others go on
    with the last answer. Before the first check the answer is no (the primary)."""

    def __init__(self, alias=REPLICA, probe=probe, clock=time.monotonic):
        self.alias = alias
        self.probe = probe
        self.clock = clock
        self.usable = False
        self.lag = None  # seconds at the last check; None if it did not answer
        self.checked_at = float("-inf")
        self.lock = threading.Lock()

    def available(self):
        if self.clock() - self.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
            return self.usable
        return self.check(wait=False)

    def check(self, wait=True):
        """Asks the replica now (unless another thread is asking and not `wait`); returns
        whether readers may use it."""
        if not self.lock.acquire(blocking=wait):
            return self.usable
        try:
            try:
                self.lag = self.probe(self.alias)
            except Exception as error:  # whatever it is, the replica is not answering
                self.lag = None
                if self.usable or self.checked_at == float("-inf"):
                    logger.warning("The replica is down; readers use the primary: %s", error)
            usable = self.lag is not None and self.lag <= settings.DATABASE_REPLICA_MAX_LAG
            if self.lag is not None and not usable and self.usable:
                logger.warning("The replica lags %.1f s; readers use the primary", self.lag)
            if usable and not self.usable and self.checked_at != float("-inf"):
                logger.warning("The replica is back (lag %.1f s); readers use it again", self.lag)
            self.usable = usable
            self.checked_at = self.clock()
            return usable
        finally:
            self.lock.release()


health = ReplicaHealth()


def reads_from():
    """The database the current request reads from: "replica" in a reader's request
    while the replica is well, else "default"."""
    return _reads_from.get() or PRIMARY


class ReplicaRouter:
    """Reads go where the request reads from (reads_from()), writes to the primary; the
    replica is never migrated (it replays the primary's changes)."""

    def db_for_read(self, model, **hints):
        alias = _reads_from.get()
        if (
            alias is None
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block  # reading what a transaction writes
        ):
            return PRIMARY
        return alias

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


class ReplicaMiddleware:
    """Decides where each request reads from (see the module's docstring), runs a reader's
    request again on the primary when the replica failed it, and pins a browser to the
    primary for pin_seconds() after a write. First after WhiteNoise: before the page
    cache, which reads the archive version from the database readers use."""

    path = "newsroom.db_routers.ReplicaMiddleware"  # as settings.MIDDLEWARE names it

    def __init__(self, get_response, health=None):
        self.get_response = get_response
        self.health = health

    def reads_from(self, request):
        if (
            request.method not in SAFE_METHODS
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or PIN_COOKIE in request.COOKIES
            or request.path_info.startswith("/" + settings.ADMIN_URL)
        ):
            return PRIMARY
        return REPLICA if (self.health or health).available() else PRIMARY

    def __call__(self, request):
        alias = self.reads_from(request)
        response = self.run(request, alias)
        failure = getattr(request, "replica_failure", None)
        if alias == REPLICA and failure is not None:
            logger.warning("Read again on the primary after the replica failed: %s", failure)
            (self.health or health).check()
            try:
                connections[REPLICA].close()
            except Exception:  # a connection already broken: nothing to give back
                logger.debug("Closing the failed replica connection failed", exc_info=True)
            response = self.run(request, PRIMARY)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def run(self, request, alias):
        request.replica_failure = None
        token = _reads_from.set(alias)
        try:
            return self.get_response(request)
        finally:
            _reads_from.reset(token)


def note_replica_failure(sender, request=None, **kwargs):
    """Marks a reader's request that failed on a lost connection, for ReplicaMiddleware
    to run it again on the primary (got_request_exception is sent inside the handler)."""
    import sys

    error = sys.exc_info()[1]
    if (
        request is not None
        and _reads_from.get() == REPLICA
        and isinstance(error, OperationalError | InterfaceError)
    ):
        request.replica_failure = error


got_request_exception.connect(note_replica_failure, dispatch_uid="newsroom_replica_failure")
