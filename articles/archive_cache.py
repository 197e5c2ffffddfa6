"""Counts and facets cached until the public archive changes.

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
from django.core.signals import request_finished, request_started
from django.db import connection, connections, router
from django.utils import timezone, translation

STATE_TABLE = "articles_archivestate"
BUMP = f"UPDATE {STATE_TABLE} SET version = version + 1 WHERE id = 1"
BUMP_ALL = (
    f"UPDATE {STATE_TABLE} SET version = version + 1, "
    "history_version = history_version + 1 WHERE id = 1"
)
PUBLIC = "status = 'published'"  # scheduled included: over-invalidating is safe
# Articles and their links move the version only when a published article is involved,
# so an editor saving a draft does not empty every reader's cache. The gazetteer, tags
# and bylines are small and named on public pages: any write moves it.
ARTICLE_TABLE = "articles_article"
LINK_TABLES = ["articles_article_regions", "articles_article_tags", "articles_articlebyline"]
NAME_TABLES = ["articles_region", "articles_tag", "articles_byline"]
EVENTS = ("INSERT", "UPDATE", "DELETE")


# One function for every event, as in PostgreSQL's own transition-table example: each
# statement only reads the transition tables its event has (plpgsql plans lazily).
def postgresql_functions():
    # Whether a public row is dated before this month began, in the newsroom's time.
    zone = settings.TIME_ZONE.replace("'", "")
    past = (
        f"published_at < (date_trunc('month', now() AT TIME ZONE '{zone}') AT TIME ZONE '{zone}')"
    )
    return [
        f"""
CREATE OR REPLACE FUNCTION articles_bump_archive_version() RETURNS trigger AS $$
BEGIN
    {BUMP_ALL};
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
        f"""
CREATE OR REPLACE FUNCTION articles_bump_if_public_article() RETURNS trigger AS $$
DECLARE
    public_row_changed boolean := false;
    past_row_changed boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        public_row_changed := EXISTS (SELECT 1 FROM old_rows WHERE {PUBLIC});
        past_row_changed := EXISTS (SELECT 1 FROM old_rows WHERE {PUBLIC} AND {past});
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


def sqlite_triggers():
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


def install_version_triggers(connection):
    """Idempotent: statement-level triggers on PostgreSQL, row-level ones on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in [*postgresql_functions(), *postgresql_triggers()]:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for statement in sqlite_triggers():
                cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {STATE_TABLE} (id, version, history_version) SELECT 1, 0, 0 "
            f"WHERE NOT EXISTS "
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
            f"SELECT version, history_version, ({newest_sql}) "  # noqa: S608
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
    """(version, history version, newest public article's pk), or None where the state
    row is missing. With `max_age` (seconds), a version this process read that recently
    will do, without asking the database."""
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


def archive_cache_key(key, *, history=False, max_age=0):
    """A cache key for `key` (a tuple of strings) at the archive's current version (or,
    with `history`, its history version), or None where there is no version to key on
    (nothing may be cached then). `max_age`: as for archive_version().

    The key carries the active language: each language's edition counts its own
    articles and names places in its own words, so no page, count or fragment cached
    for one language is ever given to another."""
    state = archive_version(max_age)
    if state is None:
        return None
    version, history_version, newest = state
    scope = ("history", history_version) if history else (version, newest)
    language = translation.get_language()
    return "archive:" + hashlib.sha256(repr((scope, language, key)).encode()).hexdigest()


# When a change empties the cache, the threads of a process that ask for the same
# costly count at once wait for the first to compute it instead of all computing it.
# One lock per key: a computation may itself read another cached value (the facets read
# the gazetteer), so a lock shared between keys could wait on itself.
_locks_guard = threading.Lock()
_compute_locks = {}
_MISSING = object()


def cached_for_archive(key, compute, *, history=False):
    """compute(), cached until the public archive changes (key: a tuple of strings), or
    with `history`, until a public article dated before this month changes."""
    digest = archive_cache_key(key, history=history)
    if digest is None:
        return compute()
    value = cache.get(digest, _MISSING)
    if value is not _MISSING:
        return value
    with _locks_guard:
        lock = _compute_locks.setdefault(digest, threading.Lock())
    try:
        with lock:
            value = cache.get(digest, _MISSING)
            if value is _MISSING:
                value = compute()
                cache.set(digest, value, timeout=settings.ARCHIVE_CACHE_SECONDS)
    finally:
        with _locks_guard:
            _compute_locks.pop(digest, None)
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
