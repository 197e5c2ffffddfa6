"""Counts, facets and pages cached until the public archive changes.

Counting and faceting a million articles costs hundreds of milliseconds, and the answer is
the same for every reader until something public changes. So they are cached under the
archive's version, read in one indexed query per page:

- a counter that database triggers bump on every write that involves a published
  article (its row, its places, tags and bylines) and on any write to the gazetteer, tags
  and bylines: admin saves, bulk actions, imports and raw SQL alike, so no write path can
  forget to invalidate, while drafts leave readers' caches alone;
- the newest article now public, which changes when a scheduled article falls due.

A second counter, the *history* version, moves only when the change involves a published
article dated before the current month (on SQLite, which has no time zones, with every
change). Counts of the months that are over are cached under it (`count_with_history`),
so a new story, or a scheduled one falling due, leaves them alone and only the recent
month or two is counted again: at a million articles that is the difference between
counting 960,000 rows and counting a few thousand.

A third, the *removal* version, moves only when a published article stops being public or
may have (withdrawn, unpublished, deleted, moved later in time) and when a place, tag or
byline is deleted. The caches may be shared by every process and server (Redis, see
settings.CACHES), and after a publication or an edit a page or count is rendered again
by one request while the others get the previous one for at most
settings.CACHE_GRACE_SECONDS (`lookup`); the previous one is kept per removal version,
so after a removal nobody is given it: every reader gets the archive without the story.

The triggers are (re)installed after every migrate: SQLite drops a table's triggers when a
migration rebuilds the table, and the suite checks they fire on both databases.
"""

import datetime
import hashlib
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.signals import request_finished, request_started
from django.db import connection, connections, router
from django.utils import timezone, translation

STATE_TABLE = "articles_archivestate"
BUMP = f"UPDATE {STATE_TABLE} SET version = version + 1 WHERE id = 1"
BUMP_ALL = (
    f"UPDATE {STATE_TABLE} SET version = version + 1, "
    "history_version = history_version + 1 WHERE id = 1"
)
# Migration 0017 adds it; migrations before it install triggers without it.
REMOVAL_COLUMN = "removal_version"
BUMP_REMOVAL = f"UPDATE {STATE_TABLE} SET {REMOVAL_COLUMN} = {REMOVAL_COLUMN} + 1 WHERE id = 1"
PUBLIC = "status = 'published'"  # scheduled included: over-invalidating is safe


def removed(old, new=None):
    """SQL: the published row `old` is gone, or its `new` self may no longer be public
    (another status, or dated later: perhaps into the future)."""
    if new is None:
        return f"{old}.{PUBLIC}"
    return (
        f"({old}.{PUBLIC} AND ({new}.id IS NULL OR {new}.status <> 'published' "
        f"OR {new}.published_at IS NULL OR {new}.published_at > {old}.published_at))"
    )


# Articles and their links move the version only when a published article is involved,
# so an editor saving a draft does not empty every reader's cache. The gazetteer, tags
# and bylines are small and named on public pages: any write moves it.
ARTICLE_TABLE = "articles_article"
LINK_TABLES = ["articles_article_regions", "articles_article_tags", "articles_articlebyline"]
NAME_TABLES = ["articles_region", "articles_tag", "articles_byline"]
EVENTS = ("INSERT", "UPDATE", "DELETE")


# One function for every event, as in PostgreSQL's own transition-table example: each
# statement only reads the transition tables its event has (plpgsql plans lazily).
def postgresql_functions(with_removal=True):
    # Whether a public row is dated before this month began, in the newsroom's time.
    zone = settings.TIME_ZONE.replace("'", "")
    past = (
        f"published_at < (date_trunc('month', now() AT TIME ZONE '{zone}') AT TIME ZONE '{zone}')"
    )
    removal_bump = BUMP_REMOVAL if with_removal else "NULL"
    return [
        f"""
CREATE OR REPLACE FUNCTION articles_bump_archive_version() RETURNS trigger AS $$
BEGIN
    {BUMP_ALL};
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        {removal_bump};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
        f"""
CREATE OR REPLACE FUNCTION articles_bump_if_public_article() RETURNS trigger AS $$
DECLARE
    public_row_changed boolean := false;
    past_row_changed boolean := false;
    public_row_removed boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        public_row_changed := EXISTS (SELECT 1 FROM old_rows WHERE {PUBLIC});
        past_row_changed := EXISTS (SELECT 1 FROM old_rows WHERE {PUBLIC} AND {past});
    END IF;
    IF TG_OP = 'DELETE' THEN
        public_row_removed := public_row_changed;
    ELSIF TG_OP = 'UPDATE' AND public_row_changed THEN
        public_row_removed := EXISTS (
            SELECT 1 FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
            WHERE {removed("o", "n")});
    END IF;
    IF public_row_removed THEN
        {removal_bump};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        public_row_changed := public_row_changed
            OR EXISTS (SELECT 1 FROM new_rows WHERE {PUBLIC});
        past_row_changed := past_row_changed
            OR EXISTS (SELECT 1 FROM new_rows WHERE {PUBLIC} AND {past});
    END IF;
    IF past_row_changed THEN
        {BUMP_ALL};
    ELSIF public_row_changed THEN
        {BUMP};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
        f"""
CREATE OR REPLACE FUNCTION articles_bump_if_public_link() RETURNS trigger AS $$
DECLARE
    public_link_changed boolean := false;
    past_link_changed boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        public_link_changed := EXISTS (
            SELECT 1 FROM old_rows link JOIN {ARTICLE_TABLE} article
            ON article.id = link.article_id WHERE article.{PUBLIC});
        past_link_changed := EXISTS (
            SELECT 1 FROM old_rows link JOIN {ARTICLE_TABLE} article
            ON article.id = link.article_id WHERE article.{PUBLIC} AND article.{past});
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        public_link_changed := public_link_changed OR EXISTS (
            SELECT 1 FROM new_rows link JOIN {ARTICLE_TABLE} article
            ON article.id = link.article_id WHERE article.{PUBLIC});
        past_link_changed := past_link_changed OR EXISTS (
            SELECT 1 FROM new_rows link JOIN {ARTICLE_TABLE} article
            ON article.id = link.article_id WHERE article.{PUBLIC} AND article.{past});
    END IF;
    IF past_link_changed THEN
        {BUMP_ALL};
    ELSIF public_link_changed THEN
        {BUMP};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
    ]


def postgresql_triggers():
    for table in [ARTICLE_TABLE, *LINK_TABLES, *NAME_TABLES]:
        yield (
            f"CREATE OR REPLACE TRIGGER {table}_archive_version_truncate AFTER TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION articles_bump_archive_version()"
        )
        for event in EVENTS:
            if table in NAME_TABLES:
                function, transitions = "articles_bump_archive_version", ""
            else:
                function = (
                    "articles_bump_if_public_article"
                    if table == ARTICLE_TABLE
                    else "articles_bump_if_public_link"
                )
                transitions = (
                    "REFERENCING "
                    + {
                        "INSERT": "NEW TABLE AS new_rows",
                        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                        "DELETE": "OLD TABLE AS old_rows",
                    }[event]
                )
            yield (
                f"CREATE OR REPLACE TRIGGER {table}_archive_version_{event.lower()} "
                f"AFTER {event} ON {table} {transitions} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )


def sqlite_triggers(with_removal=True):
    def involves_public(table, row):
        if table == ARTICLE_TABLE:
            return f"{row}.{PUBLIC}"
        return f"EXISTS (SELECT 1 FROM {ARTICLE_TABLE} WHERE id = {row}.article_id AND {PUBLIC})"

    rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}
    for table in [ARTICLE_TABLE, *LINK_TABLES, *NAME_TABLES]:
        for event in EVENTS:
            name = f"{table}_archive_version_{event.lower()}"
            when = ""
            if table not in NAME_TABLES:
                when = "WHEN " + " OR ".join(involves_public(table, row) for row in rows[event])
            yield f"DROP TRIGGER IF EXISTS {name}"
            yield f"CREATE TRIGGER {name} AFTER {event} ON {table} {when} BEGIN {BUMP_ALL}; END"
    removals = {
        (ARTICLE_TABLE, "UPDATE"): f"WHEN {removed('OLD', 'NEW')}",
        (ARTICLE_TABLE, "DELETE"): f"WHEN {removed('OLD')}",
        **{(table, "DELETE"): "" for table in NAME_TABLES},
    }
    for (table, event), when in removals.items():
        name = f"{table}_archive_removal_{event.lower()}"
        yield f"DROP TRIGGER IF EXISTS {name}"
        if with_removal:
            yield f"CREATE TRIGGER {name} AFTER {event} ON {table} {when} BEGIN {BUMP_REMOVAL}; END"


def install_version_triggers(connection, with_removal=None):
    """Idempotent: statement-level triggers on PostgreSQL, row-level ones on SQLite.

    They move the removal version where the state table has it (`with_removal` None), or
    as `with_removal` says: migrations before 0017 get triggers that leave it out."""
    with connection.cursor() as cursor:
        if with_removal is None:
            columns = connection.introspection.get_table_description(cursor, STATE_TABLE)
            with_removal = REMOVAL_COLUMN in {column.name for column in columns}
        if connection.vendor == "postgresql":
            for statement in [*postgresql_functions(with_removal), *postgresql_triggers()]:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for statement in sqlite_triggers(with_removal):
                cursor.execute(statement)
        names = ["version", "history_version", *([REMOVAL_COLUMN] if with_removal else [])]
        cursor.execute(
            f"INSERT INTO {STATE_TABLE} (id, {', '.join(names)}) "
            f"SELECT 1, {', '.join('0' for _ in names)} WHERE NOT EXISTS "
            f"(SELECT 1 FROM {STATE_TABLE} WHERE id = 1)"
        )


class StatisticsFollowGrowth:
    """During a bulk load on PostgreSQL, ANALYZE the article tables each time the load
    has doubled them (from 1,000 rows written on): a handful of ANALYZEs however large.

    The triggers' queries are planned once per session and planned again only when the
    tables' statistics change. A load that starts on empty tables, where autovacuum is off
    or behind, would keep a plan made for no rows: a scan of the whole articles table on
    every statement, which took an import from 22 documents a second to 8 by 25,000."""

    TABLES = [ARTICLE_TABLE, *LINK_TABLES, "articles_article_editors"]

    def __init__(self, connection, first=1000):
        self.connection = connection
        self.next_at = first
        self.written = 0

    def add(self, rows=1):
        self.written += rows
        if self.written >= self.next_at and self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(self.TABLES)}")
            self.next_at = self.written * 2


# Within one request the version is read once; outside requests (commands, the shell,
# tests between writes) it is read every time.
_request_memo = ContextVar("archive_version_memo", default=None)


def _start_memo(**kwargs):
    _request_memo.set({})


def _end_memo(**kwargs):
    _request_memo.set(None)


request_started.connect(_start_memo, dispatch_uid="archive_version_memo_start")
request_finished.connect(_end_memo, dispatch_uid="archive_version_memo_end")


_compiled_version_queries = {}


def reader_connection():
    """The connection readers' queries use now: the replica in a reader's request where
    there is one (newsroom.db_routers), else the primary. The version must come from the
    server the page's rows come from, or a page read from a lagging replica could be
    cached under the primary's newer version and outlive the lag."""
    from .models import ArchiveState

    return connections[router.db_for_read(ArchiveState)]


def version_query(connection=connection):
    """The version query's SQL and parameters, "now" among them, built from published().

    Every cached page pays for this query, and the ORM's compiling it cost more than
    running it: compiled once per database, with only the moment changed afterwards."""
    from .models import Article

    compiled = _compiled_version_queries.get(connection.alias)
    if compiled is None:
        newest = Article.objects.published().order_by("-published_at", "-pk").values("pk")[:1]
        newest_sql, params = newest.query.get_compiler(connection=connection).as_sql()
        moments = [i for i, p in enumerate(params) if isinstance(p, datetime.datetime)]
        sql = (
            f"SELECT version, history_version, ({newest_sql}), {REMOVAL_COLUMN} "  # noqa: S608
            f"FROM {STATE_TABLE} WHERE id = 1"
        )
        if len(moments) != 1:  # not the shape expected: compile afresh every time
            return sql, params
        compiled = _compiled_version_queries[connection.alias] = (sql, list(params), moments[0])
    sql, params, moment = compiled
    params = list(params)
    params[moment] = timezone.now()
    return sql, params


# The last version this process read from each database, and when (by `clock`), for
# archive_version(max_age): {alias: (version, read at)}.
_last_read = {}
_NEVER = (None, float("-inf"))
clock = time.monotonic


def archive_version(max_age=0):
    """(version, history version, newest public article's pk, removal version), or None
    where the state row is missing, read from the database readers' queries go to
    (reader_connection()). With `max_age` (seconds), a version this process read from
    that database that recently will do, without asking it."""
    connection = reader_connection()
    alias = connection.alias
    memo = _request_memo.get()
    if memo is not None and ("version", alias) in memo:
        return memo["version", alias]
    if max_age:
        version, read_at = _last_read.get(alias, _NEVER)
        if clock() - read_at < max_age:
            return version
    read_at = clock()
    with connection.cursor() as cursor:
        cursor.execute(*version_query(connection))
        version = cursor.fetchone()
    if memo is not None:
        memo["version", alias] = version
    # Shared only when read outside a transaction, which might yet roll back the writes
    # that moved it, and only if no later read was shared meanwhile.
    if not connection.in_atomic_block and read_at >= _last_read.get(alias, _NEVER)[1]:
        _last_read[alias] = (version, read_at)
    return version


def _digest(scope, key):
    # The key carries the active language: each language's edition counts its own
    # articles and names places in its own words, so no page, count or fragment cached
    # for one language is ever given to another.
    language = translation.get_language()
    return "archive:" + hashlib.sha256(repr((scope, language, key)).encode()).hexdigest()


def _scopes(state, history):
    """(the scope a value is fresh for, the scope its previous value is kept under)."""
    version, history_version, newest, removal = state
    if history:
        return ("history", history_version), None
    return (version, newest), ("previous", removal)


def used_a_previous_value():
    """Whether this request was given a previous value (see `lookup`): then nothing it
    computes may be cached as current."""
    memo = _request_memo.get()
    return bool(memo and memo.get("previous"))


def archive_cache_key(key, *, history=False, max_age=0):
    """A cache key for `key` (a tuple of strings) at the archive's current version (or,
    with `history`, its history version), or None where nothing may be cached: there is
    no version to key on, or this request used a previous value. `max_age`: as for
    archive_version()."""
    state = archive_version(max_age)
    if state is None or used_a_previous_value():
        return None
    return _digest(_scopes(state, history)[0], key)


MISSING = object()  # what Entry.value is when the cache holds nothing (None may be held)

# The wall clock, shared by every server (their clocks kept by NTP), for the grace.
wall_clock = time.time


class Entry:
    """Where one value lives in a cache at the archive's current version (see `lookup`).

    `value`: what the cache holds, or MISSING: then compute it and `save` it.
    `previous`: whether `value` is the previous version's, given during the grace."""

    def __init__(self, store, fresh, previous_key, value=MISSING, previous=False):
        self.store = store
        self.fresh = fresh
        self.previous_key = previous_key
        self.value = value
        self.previous = previous

    def save(self, value, timeout=DEFAULT_TIMEOUT):
        """Store `value` as current (and as the previous one for the next version), unless
        this request used a previous value: what it computed may be out of date."""
        if used_a_previous_value():
            return
        values = {self.fresh: value}
        if self.previous_key:
            values[self.previous_key] = self.fresh  # where the value is, not a second copy
        self.store.set_many(values, timeout)


def lookup(store, key, *, history=False, max_age=0, previous_ok=False):
    """The Entry for `key` (a tuple of strings) in `store` (a Django cache) at the
    archive's current version, or None where nothing may be cached (no state row).

    With `previous_ok`, in a request: when the archive moved on since the value was
    stored (a publication, an edit) the first request to find it missing is told to
    compute it, and every other request for the next settings.CACHE_GRACE_SECONDS is
    given the value stored before (`entry.previous`), if it was stored since the last
    removal (see the module's docstring): never a withdrawn story's. A request given one
    caches nothing it computes as current. The grace runs from the first request's
    miss, on every server alike: the cache holds that moment (`store.add`)."""
    state = archive_version(max_age)
    if state is None:
        return None
    fresh_scope, previous_scope = _scopes(state, history)
    fresh = _digest(fresh_scope, key)
    grace = settings.CACHE_GRACE_SECONDS
    if not (previous_ok and previous_scope and grace > 0 and _request_memo.get() is not None):
        return Entry(store, fresh, None, store.get(fresh, MISSING))
    previous_key = _digest(previous_scope, key)
    found = store.get_many([fresh, previous_key])
    entry = Entry(store, fresh, previous_key, found.get(fresh, MISSING))
    where = found.get(previous_key)
    if entry.value is not MISSING or where is None or where == fresh:
        return entry
    now = wall_clock()
    missed = fresh + ":missed"  # when the first request found it missing
    if store.add(missed, now, timeout=max(60, int(grace * 10))):
        return entry  # the first: it computes
    found = store.get_many([missed, where])
    since = found.get(missed)
    if since is None or now - since >= grace or where not in found:
        return entry
    _request_memo.get()["previous"] = True
    return Entry(store, fresh, previous_key, found[where], previous=True)


# When a change empties the cache and there is no previous value to give, the threads of
# a process that ask for the same costly count at once wait for the first to compute it
# (it started first, so it ends first) instead of all computing it. One lock per key: a
# computation may itself read another cached value (the facets read the gazetteer), so a
# lock shared between keys could wait on itself.
_locks_guard = threading.Lock()
_compute_locks = {}


def cached_for_archive(key, compute, *, history=False, previous_ok=False):
    """compute(), cached until the public archive changes (key: a tuple of strings), or
    with `history`, until a public article dated before this month changes. With
    `previous_ok`, the value before the change may be given during the grace (see
    `lookup`): for costly counts and facets, whose page is then not cached."""
    entry = lookup(cache, key, history=history, previous_ok=previous_ok)
    if entry is None:
        return compute()
    if entry.value is not MISSING:
        return entry.value
    with _locks_guard:
        lock = _compute_locks.setdefault(entry.fresh, threading.Lock())
    try:
        with lock:
            value = cache.get(entry.fresh, MISSING)
            if value is MISSING:
                value = compute()
                entry.save(value, timeout=settings.ARCHIVE_CACHE_SECONDS)
    finally:
        with _locks_guard:
            _compute_locks.pop(entry.fresh, None)
    return value


def history_boundary():
    """Where the months that are over end: the start of the month a day ago, in the
    newsroom's time. A day early, so that a transaction that began last month and is
    still committing (its trigger reckoned by last month) cannot change a month that a
    reader already treats as over."""
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    return yesterday.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def count_with_history(key, queryset, aggregate):
    """aggregate(queryset), which must add up over disjoint parts (a count, month counts).

    The part dated before history_boundary() is cached under the history version; the
    part since is aggregated now. Only for a result that an article's own fields and
    links decide: a search's "newest 500 matches" shift as stories arrive."""
    boundary = history_boundary()
    past = cached_for_archive(
        (*key, "before", boundary.isoformat()),
        lambda: aggregate(queryset.filter(published_at__lt=boundary)),
        history=True,
    )
    return past + aggregate(queryset.filter(published_at__gte=boundary))


def gazetteer():
    """Every region, in tree order: the region filter's choices. Keyed by the history
    version, which every write to the gazetteer moves, so new stories do not re-read it."""
    from .models import Region

    return cached_for_archive(("gazetteer",), lambda: list(Region.objects.all()), history=True)


def tags_in_use():
    """Tags on at least one public article: the tag filter's choices."""
    from .models import Tag

    return cached_for_archive(("tags in use",), lambda: list(Tag.objects.in_use()))


def bylines_in_use():
    """Bylines on at least one public article: the byline filter's choices."""
    from .models import Byline

    return cached_for_archive(("bylines in use",), lambda: list(Byline.objects.in_use()))
