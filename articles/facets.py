"""Facets beside the archive's results: how the current result divides by language,
place, tag, year and month. Where the counts the writes keep can answer (articles.
summaries: a list by place, tag, both or neither, with dates), they are read from them
and only the current and partial months are counted over the filtered queryset; else
(a search, a byline, a day) each facet is one aggregate query over it."""

import calendar
import dataclasses
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth

from . import summaries
from .archive_cache import count_with_history, gazetteer
from .filters import ALL_LANGUAGES, active_language
from .models import Article, Region, Tag
from .querystring import canonical_query

TAG_FACET_SIZE = 15
# The tree's upper levels, shown whatever the filter; a chosen region adds its places.
REGION_FACET_KINDS = [Region.Kind.COUNTRY, Region.Kind.REGION, Region.Kind.GOVERNORATE]


# Places and tags are counted among the newest FACET_SCOPE articles of a larger result:
# over a whole million they cost seconds, and what a reader narrows by is what is recent.
FACET_SCOPE = 10_000


@dataclass
class ResultSummary:
    """What the archive list shows about its whole result: cached, so computed once per
    filter and archive version (see archive_cache)."""

    count: int
    regions: list
    tags: list
    months: list
    facet_scope: int | None = None  # set when places and tags count only the newest
    languages: list = field(default_factory=list)


def summarize(
    results,
    selected_region=None,
    selected_tag=None,
    history_key=None,
    *,
    every_language=None,
    selected_language=None,
    question=None,
):
    """With `history_key`, the months that are over are counted once per history version
    (see count_with_history); a search, whose result shifts as stories arrive, has none.

    The languages are counted over `every_language` (the result the other filters give
    in every language: ArticleFilter.in_every_language()), else over `results`;
    `selected_language` is the language filter's cleaned value (a code, or "all").
    With `question` (a summaries.Question in every language, describing
    `every_language`), the months that are over are read from the counts the writes
    keep (articles.summaries) instead of from the result's rows."""
    # The month counts cover the whole result, so their sum is its exact count.
    languages = None
    from_table = every_language is not None and selected_language and question is not None
    if from_table:
        rows = summaries.language_month_counts(question, every_language)
        months, languages = months_and_languages(rows, selected_language)
    elif history_key is None:
        months = month_counts(results)
    elif every_language is not None and selected_language:
        # The result is every language's narrowed to one (or all): its months and the
        # language facet come from one grouped count, not two over the same rows.
        rows = count_with_history(
            (*history_key, "by language"), every_language, language_month_counts
        )
        months, languages = months_and_languages(rows, selected_language)
    else:
        months = count_with_history(history_key, results, month_counts)
    count = sum(n for _, n in months)
    shown = shown_regions(selected_region)
    if from_table:
        # Places and tags from the pairs the writes keep, over the newest whole months
        # holding FACET_SCOPE articles (or all of them).
        scoped, scope = facet_question(question, months, selected_language)
        live = {"place": lambda part: live_region_counts(part, shown), "tag": live_tag_counts}
        counts = summaries.facet_counts(scoped, results, live, [m for m, n in months if n])
        regions, tags = counts["place"], counts["tag"]
    else:
        part = results
        scope = min(count, FACET_SCOPE)
        if count > FACET_SCOPE:
            part = results.order_by("-published_at", "-pk")[:FACET_SCOPE]
        regions, tags = live_region_counts(part, shown), live_tag_counts(part)
    return ResultSummary(
        count=count,
        regions=region_facet_list(regions, shown, selected_region),
        tags=tag_facet_list(tags, selected_tag),
        months=months,
        facet_scope=scope if scope < count else None,  # a part of the result
        languages=languages
        if languages is not None
        else language_facets(
            results if every_language is None else every_language, selected_language
        ),
    )


def facet_question(question, months, selected_language):
    """(Question, n): `question` (every language's) in the selected language, dated
    from the first of the newest whole months that hold FACET_SCOPE articles of
    `months` ([(month, count)], oldest first; all of them when they hold fewer), and
    the number of articles it describes."""
    n, since = 0, None
    for month, count in reversed(months):
        n, since = n + count, month
        if n >= FACET_SCOPE:
            break
    start = question.start
    if n >= FACET_SCOPE and (start is None or since > start):
        start = since
    language = None if selected_language == ALL_LANGUAGES else selected_language
    return dataclasses.replace(question, language=language, start=start), n


def months_and_languages(rows, selected_language):
    """From language_month_counts() rows: the selected language's (or every language's,
    for "all") [(month, count)], and the language facet."""
    months, by_language = {}, {}
    for month, code, n in rows:
        by_language[code] = by_language.get(code, 0) + n
        if selected_language in (ALL_LANGUAGES, code):
            months[month] = months.get(month, 0) + n
    return sorted(months.items()), language_facet_list(by_language, selected_language)


def result_ids(queryset):
    """The result's ids as a subquery; a sliced result (the newest N) keeps its order."""
    if queryset.query.is_sliced:
        return queryset.values("pk")
    return queryset.order_by().values("pk")


@dataclass
class Facet:
    label: str
    count: int
    params: dict
    depth: int = 0
    active: bool = False
    children: list = field(default_factory=list)


def shown_regions(selected=None):
    """{id: Region}: the places a place facet shows, the gazetteer's upper levels and
    the places inside the chosen region `selected` (cached gazetteer, no query)."""
    return {
        region.pk: region
        for region in gazetteer()
        if region.kind in REGION_FACET_KINDS
        or (selected is not None and region.parent_id == selected.pk)
    }


def live_region_counts(queryset, shown):
    """{id: number of articles of `queryset` naming it or a place inside it} for the
    places of `shown` ({id: Region}).

    One grouped query: the result's place links are joined to a small table of (place,
    shown region containing it), built here from the cached gazetteer, and articles are
    counted distinct. The result (at most FACET_SCOPE rows) is materialised first to
    drive the joins: with the containment worked out in SQL by path prefix, the planner
    misjudged it and read every link of every shown region (4.7 million rows at 1M
    articles, 2.3 s) to keep the 10,000 it needed."""
    containing = [
        (place.pk, region.pk)
        for place in gazetteer()
        for region in shown.values()
        if place.path.startswith(region.path)
    ]
    if not containing:
        return {}
    try:
        results_sql, params = result_ids(queryset).query.sql_with_params()
    except EmptyResultSet:  # queryset.none(): nothing to count
        return {}
    through = Article.regions.through._meta.db_table
    pairs = ", ".join(["(%s, %s)"] * len(containing))
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
    sql = f"""
        WITH results (id) AS {materialized} ({results_sql}),
             containing (place_id, shown_id) AS (VALUES {pairs})
        SELECT containing.shown_id, COUNT(DISTINCT link.article_id)
        FROM results
        JOIN {through} link ON link.article_id = results.id
        JOIN containing ON containing.place_id = link.region_id
        GROUP BY containing.shown_id
    """  # noqa: S608 - the table name comes from the model, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(n for pair in containing for n in pair)])
        return dict(cursor.fetchall())


def region_facet_list(counts, shown, selected=None):
    """Facets for the places of `shown` ({id: Region}) that `counts` ({place id: number
    of articles}) has, the tree's order, each named in the active language
    (Region.name_in); `selected` (a Region) is the active one."""
    language = active_language()
    return [
        Facet(
            region.name_in(language),
            counts[region.pk],
            {"region": region.slug},
            depth=region.depth,
            active=selected is not None and region.pk == selected.pk,
        )
        for region in sorted(shown.values(), key=lambda r: r.path)
        if counts.get(region.pk)
    ]


def language_facets(queryset, selected=None):
    """A Facet per language of settings.LANGUAGES that has articles in `queryset`, in
    the settings' order, labelled as the language writes its own name ("کوردی"), with
    its count and the parameter that chooses it ({"language": "ckb"}); `selected` (a
    code) is the active one. One grouped query."""
    rows = (
        queryset.order_by().values("language").annotate(n=Count("pk")).values_list("language", "n")
    )
    return language_facet_list(dict(rows), selected)


def language_facet_list(counts, selected=None):
    """language_facets() from `counts` ({code: number of articles})."""
    return [
        Facet(name, counts[code], {"language": code}, active=code == selected)
        for code, name in settings.LANGUAGES
        if counts.get(code)
    ]


def live_tag_counts(queryset):
    """{tag id: number of articles of `queryset` with it}: one grouped query."""
    rows = (
        Article.tags.through.objects.filter(article__in=result_ids(queryset))
        .order_by()
        .values_list("tag_id")
        .annotate(n=Count("article_id"))
    )
    return dict(rows)


def tag_facet_list(counts, selected=None):
    """Facets for the TAG_FACET_SIZE tags of `counts` ({tag id: number of articles})
    most used, most first, then by name (as the database orders names), each named in
    the active language (as Tag.name_in); `selected` (a Tag) is the active one."""
    ranked = sorted((n for n in counts.values() if n), reverse=True)
    if not ranked:
        return []
    least = ranked[min(TAG_FACET_SIZE, len(ranked)) - 1]
    candidates = [pk for pk, n in counts.items() if n >= least]
    tags = (
        Tag.objects.filter(pk__in=candidates).order_by("name").values("pk", "slug", "name", "names")
    )
    tags = sorted(tags, key=lambda tag: -counts[tag["pk"]])[:TAG_FACET_SIZE]
    language = active_language()
    return [
        Facet(
            (tag["names"] or {}).get(language) or tag["name"],
            counts[tag["pk"]],
            {"tag": tag["slug"]},
            active=selected is not None and tag["slug"] == selected.slug,
        )
        for tag in tags
    ]


def month_counts(queryset):
    """[(first day of month, count)] in the newsroom's time zone, oldest first."""
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return [(row["month"].date(), row["n"]) for row in rows]


def language_month_counts(queryset):
    """[(first day of month, language code, count)] in the newsroom's time zone, oldest
    first: month_counts() per language, in one grouped query."""
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth("published_at"))
        .values("month", "language")
        .annotate(n=Count("pk"))
        .order_by("month", "language")
    )
    return [(row["month"].date(), row["language"], row["n"]) for row in rows]


def month_range_params(month):
    last = calendar.monthrange(month.year, month.month)[1]
    return {"from": month.isoformat(), "to": month.replace(day=last).isoformat()}


def date_facets(months):
    """Years, each with its months, from month_counts()."""
    years = {}
    for month, n in months:
        year = years.setdefault(
            month.year,
            Facet(
                str(month.year),
                0,
                {"from": f"{month.year}-01-01", "to": f"{month.year}-12-31"},
            ),
        )
        year.count += n
        year.children.append(Facet(f"{month:%B}", n, month_range_params(month), depth=1))
    return sorted(years.values(), key=lambda facet: facet.label, reverse=True)


@dataclass
class Bar:
    month: datetime.date
    count: int
    x: float
    y: float
    height: float
    params: dict


def histogram(months, width=600, height=120, max_bars=240):
    """Bars for a server-drawn SVG: one a month from the first to the last, empty months
    included, so gaps in the archive show as gaps."""
    if not months:
        return None
    counts = dict(months)
    first, last = months[0][0], months[-1][0]
    series = []
    month = first
    while month <= last and len(series) < max_bars:
        series.append((month, counts.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    peak = max(n for _, n in series) or 1
    bar_width = min(width / len(series), 40)  # a few months should not fill the chart
    bars = [
        Bar(
            month=m,
            count=n,
            x=round(i * bar_width, 2),
            y=round(height - height * n / peak, 2),
            height=round(height * n / peak, 2),
            params=month_range_params(m),
        )
        for i, (m, n) in enumerate(series)
    ]
    return {
        "bars": bars,
        "bar_width": round(max(bar_width - 1, 0.5), 2),
        "width": width,
        "height": height,
        "peak": peak,
        "first": first,
        "last": last,
    }


def active_filters(filterset):
    """The filters in force, each with the query string that removes it (the other
    filters in force, canonical: see articles.querystring)."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    chips = []
    in_force = canonical_query(filterset.data, filterset.filters)
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, ""):
            continue
        if name == "language" and name not in in_force:
            continue  # the edition's own language: not a filter the reader chose
        remaining = in_force.copy()
        remaining.pop(name, None)
        if name == "language":
            shown = dict(filterset.form.fields[name].choices).get(value, value)
        else:
            shown = value.name if hasattr(value, "name") else str(value)
        chips.append(
            {
                "label": filterset.filters[name].label,
                "value": shown,
                "remove": remaining.urlencode(),
            }
        )
    return chips
