"""Counts and facets cached until the public archive changes.

Counting and faceting a million articles costs hundreds of milliseconds, and the answer is
the same for every reader until something public changes. So they are cached under the
archive's version, read in one indexed query per page:

- a counter that database triggers bump on every write to articles, their places, tags and
  bylines, and to those tables themselves: admin saves, bulk actions, imports and raw SQL
  alike, so no write path can forget to invalidate;
- the newest article now public, which changes when a scheduled article falls due.

The triggers are (re)installed after every migrate: SQLite drops a table's triggers when a
migration rebuilds the table, and the suite checks they fire on both databases.
"""

import hashlib
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models import Subquery

# What the archive's public pages show; a write to any of them may change a count.
WATCHED_TABLES = [
    "articles_article",
    "articles_article_regions",
    "articles_article_tags",
    "articles_articlebyline",
    "articles_region",
    "articles_tag",
    "articles_byline",
]
STATE_TABLE = "articles_archivestate"
BUMP = f"UPDATE {STATE_TABLE} SET version = version + 1 WHERE id = 1"

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION articles_bump_archive_version() RETURNS trigger AS $$
BEGIN
    {BUMP};
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def install_version_triggers(connection):
    """Idempotent: one statement-level trigger per table on PostgreSQL, one row-level
    trigger per table and event on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
            for table in WATCHED_TABLES:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {table}_archive_version "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION articles_bump_archive_version()"
                )
        elif connection.vendor == "sqlite":
            for table in WATCHED_TABLES:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_archive_version_{event.lower()} "
                        f"AFTER {event} ON {table} BEGIN {BUMP}; END"
                    )
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
    """(version, newest public article's pk), or None where the state row is missing."""
    from .models import ArchiveState, Article

    memo = _request_memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    newest = Article.objects.published().order_by("-published_at", "-pk").values("pk")[:1]
    version = (
        ArchiveState.objects.filter(pk=1)
        .annotate(newest=Subquery(newest))
        .values_list("version", "newest")
        .first()
    )
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


def cached_for_archive(key, compute):
    """compute(), cached until the public archive changes (key: a tuple of strings)."""
    digest = archive_cache_key(key)
    if digest is None:
        return compute()
    return cache.get_or_set(digest, compute, timeout=settings.ARCHIVE_CACHE_SECONDS)


def gazetteer():
    """Every region, in tree order: the region filter's choices, read once per version."""
    from .models import Region

    return cached_for_archive(("gazetteer",), lambda: list(Region.objects.all()))
