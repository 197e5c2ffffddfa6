"""Counts and facets cached until the public archive changes.

Counting and faceting a million articles costs hundreds of milliseconds, and the answer is
the same for every reader until something public changes. So they are cached under the
archive's version, read in one indexed query per page:

- a counter that database triggers bump on every write that involves a published
  article (its row, its places, tags and bylines) and on any write to the gazetteer, tags
  and bylines: admin saves, bulk actions, imports and raw SQL alike, so no write path can
  forget to invalidate, while drafts leave readers' caches alone;
- the newest article now public, which changes when a scheduled article falls due.

The triggers are (re)installed after every migrate: SQLite drops a table's triggers when a
migration rebuilds the table, and the suite checks they fire on both databases.
"""

import hashlib
import threading
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection

STATE_TABLE = "articles_archivestate"
BUMP = f"UPDATE {STATE_TABLE} SET version = version + 1 WHERE id = 1"
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
POSTGRESQL_FUNCTIONS = [
    f"""
CREATE OR REPLACE FUNCTION articles_bump_archive_version() RETURNS trigger AS $$
BEGIN
    {BUMP};
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
    f"""
CREATE OR REPLACE FUNCTION articles_bump_if_public_article() RETURNS trigger AS $$
DECLARE
    public_row_changed boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        public_row_changed := EXISTS (SELECT 1 FROM old_rows WHERE {PUBLIC});
    END IF;
    IF NOT public_row_changed AND TG_OP IN ('INSERT', 'UPDATE') THEN
        public_row_changed := EXISTS (SELECT 1 FROM new_rows WHERE {PUBLIC});
    END IF;
    IF public_row_changed THEN
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
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        public_link_changed := EXISTS (
            SELECT 1 FROM old_rows link JOIN {ARTICLE_TABLE} article
            ON article.id = link.article_id WHERE article.{PUBLIC});
    END IF;
    IF NOT public_link_changed AND TG_OP IN ('INSERT', 'UPDATE') THEN
        public_link_changed := EXISTS (
            SELECT 1 FROM new_rows link JOIN {ARTICLE_TABLE} article
            ON article.id = link.article_id WHERE article.{PUBLIC});
    END IF;
    IF public_link_changed THEN
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
            yield f"CREATE TRIGGER {name} AFTER {event} ON {table} {when} BEGIN {BUMP}; END"


def install_version_triggers(connection):
    """Idempotent: statement-level triggers on PostgreSQL, row-level ones on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in [*POSTGRESQL_FUNCTIONS, *postgresql_triggers()]:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for statement in sqlite_triggers():
                cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {STATE_TABLE} (id, version) SELECT 1, 0 WHERE NOT EXISTS "
            f"(SELECT 1 FROM {STATE_TABLE} WHERE id = 1)"
        )


# Within one request the version is read once; outside requests (commands, the shell,
# tests between writes) it is read every time.
_request_memo = ContextVar("archive_version_memo", default=None)


def _start_memo(**kwargs):
    _request_memo.set({})


def _end_memo(**kwargs):
    _request_memo.set(None)


request_started.connect(_start_memo, dispatch_uid="archive_version_memo_start")
request_finished.connect(_end_memo, dispatch_uid="archive_version_memo_end")


def archive_version():
    """(version, newest public article's pk), or None where the state row is missing.

    Raw SQL around the published() subquery: every cached page pays for this query, and
    the ORM's building of it cost more than running it (1.6 ms against 0.7 ms)."""
    from .models import Article

    memo = _request_memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    newest = Article.objects.published().order_by("-published_at", "-pk").values("pk")[:1]
    newest_sql, params = newest.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version, ({newest_sql}) FROM {STATE_TABLE} WHERE id = 1",  # noqa: S608
            params,
        )
        version = cursor.fetchone()
    if memo is not None:
        memo["version"] = version
    return version


def archive_cache_key(key):
    """A cache key for `key` (a tuple of strings) at the archive's current version, or
    None where there is no version to key on (nothing may be cached then)."""
    version = archive_version()
    if version is None:
        return None
    return "archive:" + hashlib.sha256(repr((version, key)).encode()).hexdigest()


# When a change empties the cache, the threads of a process that ask for the same
# costly count at once wait for the first to compute it instead of all computing it.
# One lock per key: a computation may itself read another cached value (the facets read
# the gazetteer), so a lock shared between keys could wait on itself.
_locks_guard = threading.Lock()
_compute_locks = {}
_MISSING = object()


def cached_for_archive(key, compute):
    """compute(), cached until the public archive changes (key: a tuple of strings)."""
    digest = archive_cache_key(key)
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


def gazetteer():
    """Every region, in tree order: the region filter's choices, read once per version."""
    from .models import Region

    return cached_for_archive(("gazetteer",), lambda: list(Region.objects.all()))


def tags_in_use():
    """Tags on at least one public article: the tag filter's choices."""
    from .models import Tag

    return cached_for_archive(("tags in use",), lambda: list(Tag.objects.in_use()))


def bylines_in_use():
    """Bylines on at least one public article: the byline filter's choices."""
    from .models import Byline

    return cached_for_archive(("bylines in use",), lambda: list(Byline.objects.in_use()))
