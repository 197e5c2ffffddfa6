"""A synthetic archive for benchmarks: realistic shape, deterministic, written in bulk.

Places follow a power law over the gazetteer (Erbil and Baghdad far more than Halabja),
tags have a long tail, a few hundred bylines and a few editors share the work, bodies
are 300-1500 words drawn from a Zipf-weighted vocabulary (so search has common and rare
words), and a few per cent of articles are unpublished (drafts, in review, withdrawn,
scheduled). Bodies are plain paragraphs, so their HTML is built directly instead of
through Markdown, which would dominate the run time.
"""

import datetime
import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.html import escape

from .bookkeeping import StatisticsFollowGrowth
from .models import Article, ArticleByline, Byline, Editor, Region, Tag
from .slugs import base_slug, get_or_create_by_name

BATCH_SIZE = 2000
COMMON_WORDS = [
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "said",
    "by", "as", "at", "from", "it", "an", "were", "are", "be", "has", "have", "had", "not",
    "but", "which", "this", "its", "their", "they", "after", "been", "more", "who", "will",
    "would", "also", "over", "government", "forces", "security", "people", "officials", "city",
    "province", "region", "minister", "council", "statement", "report", "police", "attack",
    "killed", "military", "oil", "water", "election", "parliament", "president",
    "spokesperson", "residents", "village", "road", "border", "local", "federal", "budget",
    "agreement", "talks", "meeting", "protest", "health", "school", "hospital", "market",
    "prices", "farmers", "electricity", "salaries", "refugees", "camp", "displaced",
    "families", "reconstruction", "investment",
]  # fmt: skip
RARE_WORDS = [
    "zeolite", "quarry", "saffron", "apiary", "cartography", "seismograph", "obsidian",
    "calligraphy", "falconry", "manuscript", "pomegranate", "hydrology", "archaeologist",
    "vineyard", "observatory", "telescope", "lute", "mosaic", "dulcimer", "glacier",
]  # fmt: skip
TAG_NAMES = [
    "Security", "Politics", "Economy", "Oil", "Health", "Education", "Elections", "Water",
    "Agriculture", "Refugees", "Culture", "Sport", "Energy", "Courts", "Protests",
    "Infrastructure", "Environment", "Diplomacy", "Human rights", "Technology",
]  # fmt: skip
AGENCIES = ["Kurdistan 24", "Rudaw", "Reuters", "AFP", "AP", "Shafaq News"]
FIRST_NAMES = [
    "Aso", "Lana", "Karwan", "Shilan", "Dilan", "Hawre", "Rebin", "Nisha", "Sirwan", "Zhilwan",
    "Omar", "Sara",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Hassan", "Karim", "Aziz", "Salih", "Mahmoud", "Rashid", "Qadir", "Jamal",
    "Latif", "Faraj",
]  # fmt: skip


# On PostgreSQL, the triggers that parse an article's text into its search vectors and
# add its words to the archive's vocabulary (migrations 0015 and 0017). A story whose text
# is copied from an earlier one (`generate(texts=...)`) carries that story's vectors, and
# its words are in the vocabulary already.
TEXT_TRIGGERS = ("articles_article_search_vector_update", "articles_article_search_words_insert")


class EmptyGazetteer(ValueError):
    """There are no places to file generated stories under."""


@dataclass
class Cast:
    regions: list
    region_weights: list
    tags: list
    tag_weights: list
    bylines: list
    byline_weights: list
    editors: list
    vocabulary: list
    vocabulary_weights: list


def zipf_weights(n, exponent=1.1):
    """Cumulative Zipf weights, ready for random.choices(cum_weights=...)."""
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, n + 1)))


def prepare_cast(rng, tag_count=200, byline_count=400, editor_count=8):
    regions = list(Region.objects.exclude(kind=Region.Kind.COUNTRY).order_by("path"))
    if not regions:
        raise EmptyGazetteer(
            "The gazetteer has no places below the country: run `manage.py migrate`, which "
            "loads it, before generating an archive."
        )
    rng.shuffle(regions)
    tag_names = TAG_NAMES + [f"Topic {i}" for i in range(len(TAG_NAMES), tag_count)]
    tags = [get_or_create_by_name(Tag, name)[0] for name in tag_names]
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {i}" for i in range(byline_count)]
    bylines = [
        get_or_create_by_name(Byline, name, kind=kind)[0]
        for name, kind in [(a, Byline.Kind.AGENCY) for a in AGENCIES]
        + [(n, Byline.Kind.PERSON) for n in names]
    ]
    editors = [get_or_create_by_name(Editor, f"Editor {i}")[0] for i in range(editor_count)]
    place_words = [name for region in regions for name in region.all_names[:1]]
    vocabulary = COMMON_WORDS + place_words + [f"word{i}" for i in range(3000)] + RARE_WORDS
    return Cast(
        regions=regions,
        region_weights=zipf_weights(len(regions)),
        tags=tags,
        tag_weights=zipf_weights(len(tags)),
        bylines=bylines,
        byline_weights=zipf_weights(len(bylines), 0.8),
        editors=editors,
        vocabulary=vocabulary,
        vocabulary_weights=zipf_weights(len(vocabulary)),
    )


def pick(rng, items, cum_weights, count):
    return rng.choices(items, cum_weights=cum_weights, k=count)


def words(rng, cast, count):
    return rng.choices(cast.vocabulary, cum_weights=cast.vocabulary_weights, k=count)


def sentence(rng, cast, count):
    return " ".join(words(rng, cast, count)).capitalize() + "."


def paragraphs(rng, cast, word_count):
    """Paragraphs of sentences of 8-25 words, drawn in one go for speed."""
    pool = words(rng, cast, word_count)
    result, paragraph, position = [], [], 0
    while position < word_count:
        size = rng.randint(8, 25)
        paragraph.append(" ".join(pool[position : position + size]).capitalize() + ".")
        position += size
        if len(paragraph) >= rng.randint(3, 5):
            result.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        result.append(" ".join(paragraph))
    return result


def status_for(rng):
    roll = rng.random()
    if roll < 0.96:
        return Article.Status.PUBLISHED, False
    if roll < 0.975:
        return Article.Status.DRAFT, False
    if roll < 0.985:
        return Article.Status.REVIEW, False
    if roll < 0.993:
        return Article.Status.WITHDRAWN, False
    return Article.Status.PUBLISHED, True  # scheduled


def make_story(rng, cast, index, start, span_seconds, *, text=True):
    """A story as a dict of plain values; with `text` False, without headline, summary
    and paragraphs (the writer copies them from another story)."""
    status, scheduled = status_for(rng)
    if scheduled:
        published_at = timezone.now() + datetime.timedelta(hours=rng.randint(1, 24 * 60))
    else:
        # Denser towards the present, as archives are.
        published_at = start + datetime.timedelta(seconds=span_seconds * rng.random() ** 0.6)
    story = {"index": index}
    if text:
        story["headline"] = sentence(rng, cast, rng.randint(6, 12))[:-1]
        story["summary"] = sentence(rng, cast, rng.randint(20, 40))
        story["paragraphs"] = paragraphs(rng, cast, rng.randint(300, 1500))
        story["slug_base"] = base_slug(story["headline"][:60], 60, "article")
    return story | {
        "status": status,
        "published_at": published_at,
        "regions": set(
            rng.choices(cast.regions, cum_weights=cast.region_weights, k=rng.randint(1, 3))
        ),
        "tags": set(rng.choices(cast.tags, cum_weights=cast.tag_weights, k=rng.randint(0, 4))),
        "bylines": list(
            dict.fromkeys(
                rng.choices(cast.bylines, cum_weights=cast.byline_weights, k=rng.randint(1, 2))
            )
        ),
        "editors": [rng.choice(cast.editors)] if rng.random() < 0.7 else [],
        "dateline": pick(rng, cast.regions, cast.region_weights, 1)[0],
    }


def insert_articles(stories):
    """Insert stories with text of their own; sets each story's "pk"."""
    articles = [
        Article(
            headline=s["headline"],
            # Unique by the index, so bulk_create needs no look-up of taken slugs.
            slug=f"{s['slug_base']}-g{s['index']}",
            summary=s["summary"],
            body="\n\n".join(s["paragraphs"]),
            body_html="".join(f"<p>{escape(p)}</p>" for p in s["paragraphs"]),
            dateline=s["dateline"],
            status=s["status"],
            published_at=s["published_at"],
            lock_version=1,
        )
        for s in stories
    ]
    Article.objects.bulk_create(articles, batch_size=500)
    for article, story in zip(articles, stories, strict=True):
        story["pk"] = article.pk


def insert_copies(stories):
    """Insert stories whose text is an earlier story's (PostgreSQL only): one
    INSERT ... SELECT copies the source's headline, summary, bodies and search vectors,
    with the triggers that would parse the same text again (TEXT_TRIGGERS) turned off
    inside the caller's transaction, so no other session ever sees them off. Every other
    trigger (the archive's versions) fires as for any insert. Sets each story's "pk"."""
    quote = connection.ops.quote_name
    table = quote(Article._meta.db_table)
    own = {
        "slug": "v.slug",
        "status": "v.status",
        "published_at": "v.published_at",
        "dateline_id": "v.dateline_id",
        "import_key": "NULL",
    }
    columns = [f.column for f in Article._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "
        f"SELECT {', '.join(own.get(c, f's.{quote(c)}') for c in columns)} "
        "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::timestamptz[], %s::bigint[]) "
        "WITH ORDINALITY AS v(source_id, slug, status, published_at, dateline_id, n) "
        f"JOIN {table} s ON s.id = v.source_id ORDER BY v.n RETURNING id, slug"
    )
    slugs = [f"{s['source'][1]}-g{s['index']}" for s in stories]
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with checks still pending (the foreign keys are
        # deferred to the commit): run them now, and this transaction's from here on.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for trigger in TEXT_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {quote(trigger)}")
        cursor.execute(
            sql,
            [
                [s["source"][0] for s in stories],
                slugs,
                [s["status"] for s in stories],
                [s["published_at"] for s in stories],
                [s["dateline"].pk for s in stories],
            ],
        )
        pks = {slug: pk for pk, slug in cursor.fetchall()}
        for trigger in TEXT_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {quote(trigger)}")
    for story, slug in zip(stories, slugs, strict=True):
        story["pk"] = pks[slug]


def write_batch(stories):
    with transaction.atomic():
        originals = [s for s in stories if "source" not in s]
        copies = [s for s in stories if "source" in s]
        if originals:
            insert_articles(originals)
        if copies:
            insert_copies(copies)
        region_rows, tag_rows, editor_rows, byline_rows = [], [], [], []
        for s in stories:
            region_rows += [
                Article.regions.through(article_id=s["pk"], region_id=r.pk) for r in s["regions"]
            ]
            tag_rows += [Article.tags.through(article_id=s["pk"], tag_id=t.pk) for t in s["tags"]]
            editor_rows += [
                Article.editors.through(article_id=s["pk"], editor_id=e.pk) for e in s["editors"]
            ]
            byline_rows += [
                ArticleByline(article_id=s["pk"], byline_id=b.pk, position=i)
                for i, b in enumerate(s["bylines"])
            ]
        Article.regions.through.objects.bulk_create(region_rows, batch_size=2000)
        Article.tags.through.objects.bulk_create(tag_rows, batch_size=2000)
        Article.editors.through.objects.bulk_create(editor_rows, batch_size=2000)
        ArticleByline.objects.bulk_create(byline_rows, batch_size=2000)


def write_wire_file(folder, story):
    """The same story as wire copy, for measuring import_seeds at scale."""
    city = story["dateline"].name.upper()
    source = story["bylines"][0].name
    text = "\n\n".join(
        [
            story["headline"],
            story["summary"],
            f"{city} ({source}) – {story['paragraphs'][0]}",
            *story["paragraphs"][1:],
            *([f"Editing by {story['editors'][0].name}"] if story["editors"] else []),
        ]
    )
    stem = f"{story['index']:07d}"
    sub = Path(folder) / stem[:4]
    sub.mkdir(parents=True, exist_ok=True)
    (sub / f"{stem}.txt").write_text(text, encoding="utf-8")
    if story["status"] == Article.Status.PUBLISHED:
        meta = {
            "published_at": story["published_at"].isoformat(),
            "tags": [t.name for t in story["tags"]],
        }
        (sub / f"{stem}.json").write_text(json.dumps(meta), encoding="utf-8")


def generate(count, seed=2020, wire_folder=None, on_progress=None, start_year=2000, texts=None):
    """Write `count` articles to the database (or, with wire_folder, as wire files).

    With `texts` (PostgreSQL, database only), the first `texts` stories have text of their
    own and every later story reuses the headline, summary and body of story `n % texts`
    (with its own places, tags, bylines, date and status): PostgreSQL parses each text
    once, which is most of what a story costs it (docs/performance.md), so a million
    articles take minutes of copying instead of hours of parsing. A word's or a phrase's
    share of the archive is what fresh text drawn from the same vocabulary gives.
    Raises ValueError if `texts` is given otherwise, EmptyGazetteer without places."""
    if texts is not None and (
        texts < 1 or wire_folder is not None or connection.vendor != "postgresql"
    ):
        raise ValueError("Reused texts need at least one text, PostgreSQL and no wire folder.")
    rng = random.Random(seed)
    cast = prepare_cast(rng)
    start = timezone.make_aware(datetime.datetime(start_year, 1, 1))
    span = (timezone.now() - start).total_seconds()
    offset = Article.objects.count() if wire_folder is None else 0
    batch, sources = [], []
    statistics = StatisticsFollowGrowth(connection)

    def flush():
        write_batch(batch)
        statistics.add(len(batch))
        if texts is not None and len(sources) < texts:
            sources.extend((s["pk"], s["slug_base"]) for s in batch if "source" not in s)
        batch.clear()
        # With DEBUG on (the local default) Django keeps the last 9,000 statements:
        # bulk inserts of bodies, megabytes each, took a million-article run to
        # 10.5 GB of memory.
        reset_queries()

    for n in range(count):
        copy = texts is not None and n >= texts
        if copy and n == texts and batch:
            flush()  # every source is written before the first copy of it
        story = make_story(rng, cast, offset + n, start, span, text=not copy)
        if copy:
            story["source"] = sources[n % texts]
        if wire_folder is not None:
            write_wire_file(wire_folder, story)
        else:
            batch.append(story)
            if len(batch) == BATCH_SIZE:
                flush()
        if on_progress and (n + 1) % BATCH_SIZE == 0:
            on_progress(n + 1)
    if batch:
        flush()
    if wire_folder is None and connection.vendor == "postgresql":
        # Fresh statistics (without them the planner takes a million rows for a handful)
        # and a visibility map, so counts scan the index alone. VACUUM needs to be
        # outside a transaction, which a test is not.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    if on_progress:
        on_progress(count)
