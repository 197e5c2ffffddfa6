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
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

TABLE = "articles_archivecount"
ARTICLES = "articles_article"
REGION_LINKS = "articles_article_regions"
TAG_LINKS = "articles_article_tags"
REGIONS = "articles_region"
UNIQUE = "kind, subject, other, month, language"

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

    def ancestry(self, regions=REGIONS):
        """(region_id, place_id): each place and every place it lies in (itself too),
        as `regions` (a relation of id, path; the gazetteer by default) lays them out."""
        if self.vendor == "postgresql":
            # Each prefix of the path up to a "/" is a place: found by the path index.
            return (
                f"(SELECT r.id AS region_id, p.id AS place_id FROM {regions} r "
                "CROSS JOIN LATERAL generate_series(1, length(r.path)) AS k(i) "
                f"JOIN {regions} p ON p.path = left(r.path, k.i) "
                "WHERE substr(r.path, k.i, 1) = '/')"
            )
        return (
            f"(SELECT r.id AS region_id, p.id AS place_id FROM {regions} r "
            f"JOIN {regions} p ON substr(r.path, 1, length(p.path)) = p.path)"
        )


def placed(d, articles, region_links, regions=REGIONS):
    """(id, language, published_at, place_id): each counted article of `articles` with
    every place it names or lies in (as `regions` places them), once each."""
    return (
        "(SELECT DISTINCT a.id, a.language, a.published_at, x.place_id "
        f"FROM {articles} a JOIN {region_links} l ON l.article_id = a.id "
        f"JOIN {d.ancestry(regions)} x ON x.region_id = l.region_id WHERE {d.counted('a')})"
    )


def tagged(d, articles, tag_links):
    """(id, language, published_at, tag_id): each counted article of `articles` with each
    of its tags."""
    return (
        "(SELECT a.id, a.language, a.published_at, l.tag_id "
        f"FROM {articles} a JOIN {tag_links} l ON l.article_id = a.id WHERE {d.counted('a')})"
    )


PLACE_KINDS = ("place", "place+place", "place+tag", "tag+place")
TAG_KINDS = ("tag", "tag+tag", "place+tag", "tag+place")
KINDS = ("all", *PLACE_KINDS, "tag", "tag+tag")


class Statement:
    """One INSERT adding contributions to the table. On PostgreSQL each relation it
    reads several times (an article's places, its tags) is computed once, a
    MATERIALIZED common table expression; SQLite allows none in a trigger, where the
    relations, over one row, are written out each time."""

    def __init__(self, d):
        self.d = d
        self.relations = []
        self.parts = []

    def relation(self, sql):
        if self.d.vendor != "postgresql":
            return sql
        name = f"r{len(self.relations)}"
        self.relations.append(f"{name} AS MATERIALIZED {sql}")
        return name

    def add(self, articles, region_links=None, tag_links=None, sign=1, kinds=KINDS, **options):
        """Add the contributions of `kinds` (see contributions())."""
        self.parts += contributions(
            self, articles, region_links, tag_links, sign=sign, kinds=kinds, **options
        )
        return self

    def sql(self):
        """The statement adding the sum of the parts."""
        union = " UNION ALL ".join(self.parts)
        prefix = f"WITH {', '.join(self.relations)} " if self.relations else ""
        return (
            f"{prefix}INSERT INTO {TABLE} (language, month, kind, subject, other, total) "
            "SELECT language, month, kind, subject, other, n FROM ("
            "SELECT language, month, kind, subject, other, SUM(n) AS n "
            f"FROM ({union}) d GROUP BY {UNIQUE}) g WHERE n <> 0 "
            f"ORDER BY {UNIQUE} "
            f"ON CONFLICT ({UNIQUE}) DO UPDATE SET total = {TABLE}.total + excluded.total"
        )


def contributions(
    statement, articles, region_links=None, tag_links=None, sign=1, kinds=KINDS, regions=REGIONS
):
    """SELECTs of (language, month, kind, subject, other, n): `sign` for each count of
    `kinds` that the rows of `articles` (a relation of id, language, status,
    published_at) add, with the links given (relations of article_id, region_id /
    tag_id; None: not counted) and the places as `regions` (a relation of id, path)
    lays them out.

    The kinds: "all"; "place" and "tag" (`subject` the place or tag); and the pairs
    "place+place", "place+tag", "tag+place", "tag+tag" (an article counted under
    `subject` and `other`: what the facets of a place's or a tag's list read)."""
    d = statement.d
    month = d.month("a.published_at")

    def part(kind, source, subject="0", other="0"):
        return (
            f"SELECT a.language AS language, {month} AS month, '{kind}' AS kind, "
            f"{subject} AS subject, {other} AS other, {sign} AS n FROM {source}"
        )

    wanted = {
        kind
        for kind in kinds
        if (region_links or kind not in PLACE_KINDS) and (tag_links or kind not in TAG_KINDS)
    }
    places = tags = None
    if wanted & set(PLACE_KINDS):
        places = statement.relation(placed(d, articles, region_links, regions))
    if wanted & set(TAG_KINDS):
        tags = statement.relation(tagged(d, articles, tag_links))
    sources = {
        "all": (f"{articles} a WHERE {d.counted('a')}",),
        "place": (f"{places} a", "a.place_id"),
        "tag": (f"{tags} a", "a.tag_id"),
        "place+place": (f"{places} a JOIN {places} b ON b.id = a.id", "a.place_id", "b.place_id"),
        "place+tag": (f"{places} a JOIN {tags} b ON b.id = a.id", "a.place_id", "b.tag_id"),
        "tag+place": (f"{tags} a JOIN {places} b ON b.id = a.id", "a.tag_id", "b.place_id"),
        "tag+tag": (f"{tags} a JOIN {tags} b ON b.id = a.id", "a.tag_id", "b.tag_id"),
    }
    return [part(kind, *sources[kind]) for kind in KINDS if kind in wanted]


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


LINKS = {"region_links": REGION_LINKS, "tag_links": TAG_LINKS}


def article_statements(d, event, old, new):
    """What a write to articles changes: the rows' contributions with their current
    links, before (`old`) and after (`new`), only for rows whose counted fields moved."""
    statement = Statement(d)
    if event == "UPDATE":
        statement.add(changed(old, new), sign=-1, **LINKS)
        statement.add(changed(new, old), sign=1, **LINKS)
    elif event == "INSERT":
        statement.add(new, **LINKS)
    else:
        statement.add(old, sign=-1, **LINKS)
    return [statement.sql()]


def lock_articles(d, ids):
    """Statements to put first in a trigger writing the links of the articles `ids` (a
    SELECT of ids) on PostgreSQL."""
    if d.vendor != "postgresql":
        return []
    # Wait for a transaction writing the articles (a publish, a withdrawal) to end,
    # holding them until this one does: under READ COMMITTED the next statement then
    # reads them as committed, and their own trigger, run after, reads these links.
    # Else each transaction counts the article with what it sees of the other's write
    # (a draft; the links without the new one), and a place or tag never counts it.
    return [f"PERFORM 1 FROM {ARTICLES} WHERE id IN ({ids}) ORDER BY id FOR NO KEY UPDATE"]


def link_statements(d, event, old, new, table, column):
    """What a write to an article's places or tags changes: the affected articles'
    contributions that involve those links, with the links as they were and as they are."""
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
    links, kinds = (
        ("region_links", PLACE_KINDS) if table == REGION_LINKS else ("tag_links", TAG_KINDS)
    )
    statement = Statement(d)
    statement.add(articles, sign=-1, kinds=kinds, **{**LINKS, links: f"({before})"})
    statement.add(articles, kinds=kinds, **LINKS)
    return [*lock_articles(d, affected), statement.sql()]


def region_statements(d, old, new):
    """Places moved in the gazetteer (their paths changed): the articles naming a place
    inside their old or new surroundings lose their contributions with the places as
    they lay before the write, and gain them as they lie now."""
    moved = (
        f"(SELECT o.path AS old_path, n.path AS new_path FROM {old} o "
        f"JOIN {new} n ON n.id = o.id WHERE o.path <> n.path)"
    )
    before = (
        f"(SELECT r.id, COALESCE(o.path, r.path) AS path FROM {REGIONS} r "
        f"LEFT JOIN {old} o ON o.id = r.id)"
    )
    inside = (
        f"SELECT r.id FROM {before} r JOIN {REGIONS} n ON n.id = r.id "
        f"WHERE EXISTS (SELECT 1 FROM {moved} m WHERE "
        + " OR ".join(
            f"substr({path}, 1, length(m.{end})) = m.{end}"
            for path in ("r.path", "n.path")
            for end in ("old_path", "new_path")
        )
        + ")"
    )
    affected = f"SELECT article_id FROM {REGION_LINKS} WHERE region_id IN ({inside})"
    articles = (
        f"(SELECT id, language, status, published_at FROM {ARTICLES} WHERE id IN ({affected}))"
    )
    statement = Statement(d)
    statement.add(articles, sign=-1, kinds=PLACE_KINDS, regions=before, **LINKS)
    statement.add(articles, kinds=PLACE_KINDS, **LINKS)
    return [statement.sql()]


def fill_statements(d):
    """Statements computing the whole table from the articles and their links."""
    every = f"(SELECT id, language, status, published_at FROM {ARTICLES})"
    return [f"DELETE FROM {TABLE}", Statement(d).add(every, **LINKS).sql()]


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
        f"BEGIN\n    {body};\n    RETURN NULL;\nEND\n$$ LANGUAGE plpgsql SET jit = off"
    )
    for table, event in TRIGGERS:
        old = "old_rows" if event in ("UPDATE", "DELETE") else None
        new = "new_rows" if event in ("UPDATE", "INSERT") else None
        name = f"{table}_summary_{event.lower()}"
        body = ";\n    ".join(statements_for(d, table, event, old, new))
        yield (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n"
            f"BEGIN\n    {body};\n    RETURN NULL;\nEND\n$$ LANGUAGE plpgsql SET jit = off"
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
        # Compiling the fill's plan costs more than it saves (as in the triggers).
        cursor.execute("SET LOCAL jit = off")
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
    with `fill`, compute its rows from the articles first (migration 0021 does, in its
    transaction: on PostgreSQL no write lands between the fill and the triggers; so does
    a flush, in a transaction of its own here)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        columns = connection.introspection.get_table_description(cursor, TABLE)
        if "other" not in {column.name for column in columns}:
            return  # before migration 0021, which installs them
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
    or both ("place+tag", `subject` the place, `other` the tag), or all ("all", 0),
    dated from the day `start` to the day `end` (both included; None: unbounded),
    days in the newsroom's time."""

    kind: str = "all"
    subject: int = 0
    language: str | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    other: int = 0


def question_for(cleaned, language=None):
    """The Question for an archive filter's cleaned data (ArticleFilter), in `language`
    (None: every language), or None where the table cannot answer it: a search, a
    byline or a day."""
    if any(cleaned.get(name) not in (None, "") for name in ("q", "byline", "date")):
        return None
    region, tag = cleaned.get("region"), cleaned.get("tag")
    kind, subject, other = "all", 0, 0
    if region and tag:
        kind, subject, other = "place+tag", region.pk, tag.pk
    elif region or tag:
        kind, subject = ("place", region.pk) if region else ("tag", tag.pk)
    dates = cleaned.get("from"), cleaned.get("to")
    return Question(kind, subject, language, *dates, other=other)


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


def live_parts(question, first, after):
    """[(Q, since, before)]: the filters selecting what of `question`'s result the table
    does not answer, given split()'s (first, after), each with the months it covers
    (first days; since <= month < before, None: unbounded)."""
    if first >= after:
        return [(Q(), None, None)]
    live = []
    if question.start is not None and question.start < first:
        live.append((Q(published_at__lt=_moment(first)), None, first))
    if question.end is None or question.end >= after:
        live.append((Q(published_at__gte=_moment(after)), after, None))
    return live


def languages():
    """The codes of the languages of the articles the table counts (published, whatever
    their date: a scheduled story's language too), sorted: a list."""
    from .models import ArchiveCount

    rows = ArchiveCount.objects.filter(kind="all", total__gt=0)
    return sorted(set(rows.values_list("language", flat=True)))


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
            kind=question.kind,
            subject=question.subject,
            other=question.other,
            month__gte=first,
            month__lt=after,
        ).exclude(total=0)
        if question.language is not None:
            rows = rows.filter(language=question.language)
        for month, language, n in rows.values_list("month", "language", "total"):
            totals[month, language] = totals.get((month, language), 0) + n
    for part, _, _ in live_parts(question, first, after):
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


def facet_counts(question, queryset, live, months=None):
    """{facet: {id: number of articles}} for each facet of `live` ({"place" or "tag":
    a function}): every place (the articles naming it or a place inside it, once
    each) or tag of the result `question` describes, `queryset` being that result (or
    one that begins earlier: the facets' scope). The months the table can answer are
    read from its pairs (from its "place" and "tag" rows for the whole archive; none
    for a place and a tag), in one query; `live[facet](queryset)` counts the rest, the
    current month and partial months, as {id: n}. Neither is read where `months` (the
    months the result has articles in, if known) has none."""
    from .models import ArchiveCount

    first, after = split(question)
    totals = {facet: {} for facet in live}

    def has_articles(since, before):
        return months is None or any(
            (since is None or month >= since) and (before is None or month < before)
            for month in months
        )

    if question.other:  # a place and a tag: the table has no triples
        first = after = FIRST_MONTH
    if question.start is not None:  # the facets' scope may begin after the result
        queryset = queryset.filter(published_at__gte=_moment(question.start))
    if first < after and has_articles(first, after):
        if question.kind == "all":
            rows = ArchiveCount.objects.filter(kind__in=list(live))
            column = "subject"
        else:
            kinds = {f"{question.kind}+{facet}": facet for facet in live}
            rows = ArchiveCount.objects.filter(kind__in=list(kinds), subject=question.subject)
            column = "other"
        rows = rows.filter(month__gte=first, month__lt=after)
        if question.language is not None:
            rows = rows.filter(language=question.language)
        grouped = rows.order_by().values_list("kind", column).annotate(n=Sum("total"))
        for kind, key, n in grouped:
            if n:
                totals[kind.rpartition("+")[2]][key] = n
    for part, since, before in live_parts(question, first, after):
        if not has_articles(since, before):
            continue
        for facet, count in live.items():
            for key, n in count(queryset.filter(part)).items():
                totals[facet][key] = totals[facet].get(key, 0) + n
    return totals


def count(question, queryset):
    """The number of articles in `queryset`, the result `question` describes (see
    language_month_counts)."""
    return sum(n for _, _, n in language_month_counts(question, queryset))
