"""Counts kept by the writes themselves: how many public articles each month has, per
language, in all, per place (the articles naming it or any place inside it, once each)
and per tag, in the table of models.ArchiveCount. The bookkeeping lives here, and only
here: the triggers that keep the table, the statements that fill it, and the reads.

Every write to an article, to its places or tags, or to a place's position in the
gazetteer adds to the table the difference between the affected articles' contributions
before and after it: statement-level triggers reading the statement's transition tables
on PostgreSQL, row-level triggers on SQLite (the same statements, over one row). Bulk
inserts, raw SQL and the admin alike keep it, since no write path can forget. On
PostgreSQL a write to the links first locks its articles, so that it and a concurrent
write to them (a publish) each count the other's committed work; a fill locks what it
reads against writes (`recount`, manage.py recount_archive, repairs a table that drifted).

The table counts every article with status published, whatever its date: a scheduled
story falls due with no write. So a month is read from the table only once it is over
(before the current month began, in the newsroom's time), when each of its articles is
due; the current month and later, and the partial months at the edges of a date range,
are counted live (`language_month_counts`). The triggers are (re)installed after every
migrate, as the archive version's are: SQLite drops a table's triggers when a migration
rebuilds the table.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

TABLE = "articles_archivecount"
ARTICLES = "articles_article"
REGION_LINKS = "articles_article_regions"
TAG_LINKS = "articles_article_tags"
REGIONS = "articles_region"
UNIQUE = "kind, subject, language, month"

# The first month an article may be dated in (models.FIRST_PUBLICATION_YEAR).
FIRST_MONTH = datetime.date(1900, 1, 1)
EVENTS = ("INSERT", "UPDATE", "DELETE")


class Dialect:
    """The few expressions PostgreSQL and SQLite write differently."""

    def __init__(self, vendor):
        self.vendor = vendor
        self.zone = settings.TIME_ZONE.replace("'", "")

    def counted(self, a):
        """Whether the article row `a` is counted: published, dated within the years an
        article may have (models.publication_year_bounds)."""
        from .models import publication_year_bounds

        start, end = (moment.astimezone(datetime.UTC) for moment in publication_year_bounds())
        if self.vendor == "postgresql":
            start, end = (f"'{moment.isoformat()}'::timestamptz" for moment in (start, end))
        else:  # as Django stores them: UTC text, compared as text
            start, end = (f"'{moment:%Y-%m-%d %H:%M:%S}'" for moment in (start, end))
        return (
            f"{a}.status = 'published' AND {a}.published_at >= {start} AND {a}.published_at < {end}"
        )

    def month(self, column):
        """The first day of `column`'s month in the newsroom's time, as a date."""
        if self.vendor == "postgresql":
            return f"(date_trunc('month', {column} AT TIME ZONE '{self.zone}'))::date"
        # Django registers this function on each SQLite connection it opens.
        return f"substr(django_datetime_trunc('month', {column}, '{self.zone}', 'UTC'), 1, 10)"

    def ancestry(self):
        """(region_id, place_id): each place and every place it lies in (itself too)."""
        if self.vendor == "postgresql":
            # Each prefix of the path up to a "/" is a place: found by the path index.
            return (
                f"(SELECT r.id AS region_id, p.id AS place_id FROM {REGIONS} r "
                "CROSS JOIN LATERAL generate_series(1, length(r.path)) AS k(i) "
                f"JOIN {REGIONS} p ON p.path = left(r.path, k.i) "
                "WHERE substr(r.path, k.i, 1) = '/')"
            )
        return (
            f"(SELECT r.id AS region_id, p.id AS place_id FROM {REGIONS} r "
            f"JOIN {REGIONS} p ON substr(r.path, 1, length(p.path)) = p.path)"
        )


def contributions(d, articles, region_links=None, tag_links=None, sign=1, every=True):
    """SELECTs of (language, month, kind, subject, n): `sign` for each count that the
    rows of `articles` (a relation of id, language, status, published_at) add, with the
    links given (relations of article_id, region_id / tag_id; None: not counted)."""
    month = d.month("a.published_at")
    parts = []
    if every:
        parts.append(
            f"SELECT a.language AS language, {month} AS month, 'all' AS kind, "
            f"0 AS subject, {sign} AS n FROM {articles} a WHERE {d.counted('a')}"
        )
    if region_links:
        parts.append(
            f"SELECT a.language AS language, {month} AS month, 'place' AS kind, "
            f"a.place_id AS subject, {sign} AS n FROM ("
            "SELECT DISTINCT a.id, a.language, a.published_at, x.place_id "
            f"FROM {articles} a JOIN {region_links} l ON l.article_id = a.id "
            f"JOIN {d.ancestry()} x ON x.region_id = l.region_id WHERE {d.counted('a')}) a"
        )
    if tag_links:
        parts.append(
            f"SELECT a.language AS language, {month} AS month, 'tag' AS kind, "
            f"l.tag_id AS subject, {sign} AS n "
            f"FROM {articles} a JOIN {tag_links} l ON l.article_id = a.id WHERE {d.counted('a')}"
        )
    return parts


def apply(parts):
    """One statement adding the sum of `parts` (contributions()) to the table."""
    union = " UNION ALL ".join(parts)
    return (
        f"INSERT INTO {TABLE} (language, month, kind, subject, total) "
        "SELECT language, month, kind, subject, n FROM ("
        "SELECT language, month, kind, subject, SUM(n) AS n "
        f"FROM ({union}) d GROUP BY language, month, kind, subject) g WHERE n <> 0 "
        f"ORDER BY {UNIQUE} "
        f"ON CONFLICT ({UNIQUE}) DO UPDATE SET total = {TABLE}.total + excluded.total"
    )


def changed(rows, others):
    """The rows of `rows` whose counted fields differ in `others` (or that it lacks)."""
    same = " AND ".join(
        f"o.{column} IS NOT DISTINCT FROM r.{column}"
        for column in ("status", "published_at", "language")
    )
    return (
        f"(SELECT r.id, r.language, r.status, r.published_at FROM {rows} r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {others} o WHERE o.id = r.id AND {same}))"
    )


def article_statements(d, event, old, new):
    """What a write to articles changes: the rows' contributions with their current
    links, before (`old`) and after (`new`), only for rows whose counted fields moved."""
    links = {"region_links": REGION_LINKS, "tag_links": TAG_LINKS}
    parts = []
    if event == "UPDATE":
        parts += contributions(d, changed(old, new), sign=-1, **links)
        parts += contributions(d, changed(new, old), sign=1, **links)
    elif event == "INSERT":
        parts += contributions(d, new, **links)
    else:
        parts += contributions(d, old, sign=-1, **links)
    return [apply(parts)]


def link_statements(d, event, old, new, table, column):
    """What a write to an article's places or tags changes: the affected articles'
    contributions with their links as they were and as they are."""
    sources = {"INSERT": [new], "UPDATE": [old, new], "DELETE": [old]}[event]
    affected = " UNION ALL ".join(f"SELECT article_id FROM {rows} t" for rows in sources)
    articles = (
        f"(SELECT id, language, status, published_at FROM {ARTICLES} WHERE id IN ({affected}))"
    )
    before = (
        f"SELECT article_id, {column} FROM {table} WHERE article_id IN ({affected})"
        + (f" AND id NOT IN (SELECT id FROM {new} t)" if new else "")
        + (f" UNION ALL SELECT article_id, {column} FROM {old} t" if old else "")
    )
    kind = "region_links" if table == REGION_LINKS else "tag_links"
    parts = [
        *contributions(d, articles, every=False, sign=-1, **{kind: f"({before})"}),
        *contributions(d, articles, every=False, **{kind: table}),
    ]
    statements = [apply(parts)]
    if d.vendor == "postgresql":
        # Wait for a transaction writing the articles (a publish, a withdrawal) to end,
        # holding them until this one does: under READ COMMITTED the next statement then
        # reads them as committed, and their own trigger, run after, reads these links.
        # Else each transaction counts the article with what it sees of the other's write
        # (a draft; the links without the new one), and a place or tag never counts it.
        statements.insert(
            0,
            f"PERFORM 1 FROM {ARTICLES} WHERE id IN ({affected}) ORDER BY id FOR NO KEY UPDATE",
        )
    return statements


def recount_places(d, places):
    """Statements counting again the places of `places` (a relation of id) from scratch."""
    month = d.month("a.published_at")
    return [
        f"DELETE FROM {TABLE} WHERE kind = 'place' AND subject IN (SELECT id FROM {places} t)",
        f"INSERT INTO {TABLE} (language, month, kind, subject, total) "
        f"SELECT a.language, {month}, 'place', x.place_id, COUNT(DISTINCT a.id) "
        f"FROM {d.ancestry()} x JOIN {REGION_LINKS} l ON l.region_id = x.region_id "
        f"JOIN {ARTICLES} a ON a.id = l.article_id "
        f"WHERE x.place_id IN (SELECT id FROM {places} t) AND {d.counted('a')} "
        f"GROUP BY a.language, {month}, x.place_id",
    ]


def region_statements(d, old, new):
    """A place moved in the gazetteer (its path changed): the places it lay in before
    and lies in now (whose subtrees gained or lost it) are counted again."""
    moved = (
        f"(SELECT o.path AS old_path, n.path AS new_path FROM {old} o "
        f"JOIN {new} n ON n.id = o.id WHERE o.path <> n.path)"
    )
    places = (
        f"(SELECT p.id FROM {REGIONS} p WHERE EXISTS (SELECT 1 FROM {moved} m WHERE "
        "substr(m.old_path, 1, length(p.path)) = p.path "
        "OR substr(m.new_path, 1, length(p.path)) = p.path))"
    )
    return recount_places(d, places)


def fill_statements(d):
    """Statements computing the whole table from the articles and their links."""
    every = f"(SELECT id, language, status, published_at FROM {ARTICLES})"
    month = d.month("a.published_at")
    return [
        f"DELETE FROM {TABLE}",
        f"INSERT INTO {TABLE} (language, month, kind, subject, total) "
        f"SELECT a.language, {month}, 'all', 0, COUNT(*) FROM {every} a "
        f"WHERE {d.counted('a')} GROUP BY a.language, {month}",
        *recount_places(d, f"(SELECT id FROM {REGIONS})")[1:],
        f"INSERT INTO {TABLE} (language, month, kind, subject, total) "
        f"SELECT a.language, {month}, 'tag', l.tag_id, COUNT(*) FROM {every} a "
        f"JOIN {TAG_LINKS} l ON l.article_id = a.id "
        f"WHERE {d.counted('a')} GROUP BY a.language, {month}, l.tag_id",
    ]


def statements_for(d, table, event, old, new):
    if table == ARTICLES:
        return article_statements(d, event, old, new)
    if table == REGION_LINKS:
        return link_statements(d, event, old, new, REGION_LINKS, "region_id")
    if table == TAG_LINKS:
        return link_statements(d, event, old, new, TAG_LINKS, "tag_id")
    return region_statements(d, old, new)


TRIGGERS = [
    *((table, event) for table in (ARTICLES, REGION_LINKS, TAG_LINKS) for event in EVENTS),
    (REGIONS, "UPDATE"),
]


def postgresql_statements():
    d = Dialect("postgresql")
    body = ";\n    ".join(fill_statements(d))
    yield (
        "CREATE OR REPLACE FUNCTION articles_summary_fill() RETURNS trigger AS $$\n"
        f"BEGIN\n    {body};\n    RETURN NULL;\nEND\n$$ LANGUAGE plpgsql"
    )
    for table, event in TRIGGERS:
        old = "old_rows" if event in ("UPDATE", "DELETE") else None
        new = "new_rows" if event in ("UPDATE", "INSERT") else None
        name = f"{table}_summary_{event.lower()}"
        body = ";\n    ".join(statements_for(d, table, event, old, new))
        yield (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n"
            f"BEGIN\n    {body};\n    RETURN NULL;\nEND\n$$ LANGUAGE plpgsql"
        )
        transitions = " ".join(
            f"{role} TABLE AS {rows}" for role, rows in (("OLD", old), ("NEW", new)) if rows
        )
        yield (
            f"CREATE OR REPLACE TRIGGER {name} AFTER {event} ON {table} "
            f"REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    for table in (ARTICLES, REGION_LINKS, TAG_LINKS):
        yield (
            f"CREATE OR REPLACE TRIGGER {table}_summary_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION articles_summary_fill()"
        )


def sqlite_row(row, table):
    columns = {
        ARTICLES: ("id", "language", "status", "published_at"),
        REGION_LINKS: ("id", "article_id", "region_id"),
        TAG_LINKS: ("id", "article_id", "tag_id"),
        REGIONS: ("id", "path"),
    }[table]
    return "(SELECT " + ", ".join(f"{row}.{c} AS {c}" for c in columns) + ")"


def sqlite_statements():
    d = Dialect("sqlite")
    when = {
        (ARTICLES, "UPDATE"): "WHEN OLD.status IS NOT NEW.status OR OLD.language IS NOT "
        "NEW.language OR OLD.published_at IS NOT NEW.published_at OR OLD.id IS NOT NEW.id",
        (ARTICLES, "INSERT"): f"WHEN {d.counted('NEW')}",
        (ARTICLES, "DELETE"): f"WHEN {d.counted('OLD')}",
        (REGIONS, "UPDATE"): "WHEN OLD.path IS NOT NEW.path",
    }
    for table, event in TRIGGERS:
        old = sqlite_row("OLD", table) if event in ("UPDATE", "DELETE") else None
        new = sqlite_row("NEW", table) if event in ("UPDATE", "INSERT") else None
        name = f"{table}_summary_{event.lower()}"
        body = "; ".join(statements_for(d, table, event, old, new))
        yield f"DROP TRIGGER IF EXISTS {name}"
        yield (
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {when.get((table, event), '')} "
            f"BEGIN {body}; END"
        )


def drop_statements(vendor):
    for table, event in TRIGGERS:
        name = f"{table}_summary_{event.lower()}"
        yield f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if vendor == "postgresql" else "")
        if vendor == "postgresql":
            yield f"DROP FUNCTION IF EXISTS {name}()"
    if vendor == "postgresql":
        for table in (ARTICLES, REGION_LINKS, TAG_LINKS):
            yield f"DROP TRIGGER IF EXISTS {table}_summary_truncate ON {table}"
        yield "DROP FUNCTION IF EXISTS articles_summary_fill()"


# What a fill reads, locked against writes (not reads) until its transaction ends: a
# write committed after the fill's snapshot would be counted neither by the fill nor,
# before the triggers exist, by them; and the table would drift for good.
FILL_LOCK = (
    f"LOCK TABLE {ARTICLES}, {REGION_LINKS}, {TAG_LINKS}, {REGIONS} IN SHARE ROW EXCLUSIVE MODE"
)


def fill_table(cursor, vendor):
    """Compute the table's rows from the articles and their links, with `cursor` (in a
    transaction: on PostgreSQL the tables read are locked against writes until it ends)."""
    if vendor == "postgresql":
        cursor.execute(FILL_LOCK)
    for statement in fill_statements(Dialect(vendor)):
        cursor.execute(statement)


def recount(using="default"):
    """Compute the table again from the articles, in a transaction of its own on the
    database `using`, writes to the articles, their links and the places waiting for it
    on PostgreSQL: repairs a table that drifted (manage.py recount_archive). Returns the
    number of rows the table has then."""
    from django.db import connections, transaction

    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        fill_table(cursor, connection.vendor)
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def install(connection, fill=False):
    """Install (idempotent) the triggers that keep the table, where the table exists;
    with `fill`, compute its rows from the articles first (migration 0019 does, in its
    transaction: on PostgreSQL no write lands between the fill and the triggers; so does
    a flush, in a transaction of its own here)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        if fill:
            fill_table(cursor, connection.vendor)
        if connection.vendor == "postgresql":
            statements = postgresql_statements()
        elif connection.vendor == "sqlite":
            statements = sqlite_statements()
        else:
            statements = []
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection):
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor):
            cursor.execute(statement)


# Reads.


@dataclass(frozen=True)
class Question:
    """A result the table can count: the public articles in `language` (None: every
    language) naming a place (`kind` "place", `subject` its id) or with a tag ("tag"),
    or all ("all", 0), dated from the day `start` to the day `end` (both included;
    None: unbounded), days in the newsroom's time."""

    kind: str = "all"
    subject: int = 0
    language: str | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


def question_for(cleaned, language=None):
    """The Question for an archive filter's cleaned data (ArticleFilter), in `language`
    (None: every language), or None where the table cannot answer it: a search, a
    byline, a day, or a place and a tag together."""
    if any(cleaned.get(name) not in (None, "") for name in ("q", "byline", "date")):
        return None
    region, tag = cleaned.get("region"), cleaned.get("tag")
    if region and tag:
        return None
    kind, subject = ("place", region.pk) if region else ("tag", tag.pk) if tag else ("all", 0)
    return Question(kind, subject, language, cleaned.get("from"), cleaned.get("to"))


def _next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _moment(day):
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def split(question, today=None):
    """(first, after): the months read from the table, first <= month < after (first
    days of months; equal when none), for `question` on `today` (the newsroom's)."""
    today = today or timezone.localtime(timezone=timezone.get_default_timezone()).date()
    first = FIRST_MONTH
    if question.start is not None:
        start = max(question.start, FIRST_MONTH)
        first = start if start.day == 1 else _next_month(start)
    after = today.replace(day=1)
    if question.end is not None:
        after = min(after, (question.end + datetime.timedelta(days=1)).replace(day=1))
    return first, max(first, after)


def language_month_counts(question, queryset):
    """[(first day of month, language code, count)], oldest first, as
    facets.language_month_counts(queryset) gives them, where `queryset` is exactly the
    result `question` describes (Article.objects.published() filtered by it). The
    months the table can answer are read from it; the rest of `queryset` (the current
    month and later, a partial month at either end of the dates) is counted live."""
    from .models import ArchiveCount

    first, after = split(question)
    totals = {}
    if first < after:
        rows = ArchiveCount.objects.filter(
            kind=question.kind, subject=question.subject, month__gte=first, month__lt=after
        ).exclude(total=0)
        if question.language is not None:
            rows = rows.filter(language=question.language)
        for month, language, n in rows.values_list("month", "language", "total"):
            totals[month, language] = totals.get((month, language), 0) + n
        live = []
        if question.start is not None and question.start < first:
            live.append(Q(published_at__lt=_moment(first)))
        if question.end is None or question.end >= after:
            live.append(Q(published_at__gte=_moment(after)))
    else:
        live = [Q()]
    for part in live:
        rows = (
            queryset.filter(part)
            .order_by()
            .annotate(month=TruncMonth("published_at", tzinfo=timezone.get_default_timezone()))
            .values_list("month", "language")
            .annotate(n=Count("pk"))
        )
        for month, language, n in rows:
            key = (timezone.localtime(month, timezone.get_default_timezone()).date(), language)
            totals[key] = totals.get(key, 0) + n
    return sorted((month, language, n) for (month, language), n in totals.items())


def count(question, queryset):
    """The number of articles in `queryset`, the result `question` describes (see
    language_month_counts)."""
    return sum(n for _, _, n in language_month_counts(question, queryset))
