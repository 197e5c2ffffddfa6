"""The writes' bookkeeping (docs/caching.md): triggers that move the archive's versions
in the writing transaction, whatever wrote (admin, bulk actions, imports, raw SQL), so
the read side (articles.archive_cache) is never stale and no write path can forget.

articles_archivestate's `version` moves on any write involving a published article or
the gazetteer, tags and bylines (never for a draft); `history_version` only for
published articles dated before this month (on SQLite, always); `removal_version` when a
published article may stop being public, or a place, tag or byline is deleted.

Installed by migrations 0007, 0013 and 0018 (`install_version_triggers`: keep the name)
and after every migrate (`install_after_migrate`: SQLite drops a rebuilt table's
triggers). StatisticsFollowGrowth keeps the triggers' plans fit during bulk loads.
"""

from django.conf import settings
from django.db import connections

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


def install_after_migrate(sender, using, plan=None, **kwargs):
    """post_migrate's receiver (articles.apps): the triggers, on the database migrated:
    the archive's versions (here) and the counts the writes keep (articles.summaries).
    After a flush (post_migrate without a migration `plan`) the counts are computed
    again: SQLite's flush empties them before the articles, whose row triggers then
    leave each deleted article's month counted -1."""
    from . import summaries

    install_version_triggers(connections[using])
    summaries.install(connections[using], fill=plan is None)


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
