"""Factories: each makes one valid object and takes overrides.

`make_article()` builds, by default, an article as the newsroom publishes it:

- two ordered bylines, a reporter then an agency ("Jane Reporter", "Kurdistan 24");
- an editor's credit ("Laurie Mylroie") and two tags ("ISIS", "Security");
- three places in different parts of the gazetteer (erbil-city, makhmour, nineveh),
  a dateline (erbil-city) and a source ("Kurdistan 24");
- a correction, noted two hours after publication (never later than now);
- one revision, as the importer saves wire copy ("Imported from wire copy"), so history,
  conflict and restore tests have a version to start from.

Some articles are in Arabic script (Sorani): their credits, tags, summary, body and
correction, and their headline when none is given (a Unicode slug such as
`هەواڵی-ژمارە-7-7`). Which ones: `arabic=True` or `arabic=False` says so; otherwise the
text follows the script of a given headline, and articles made without a headline
alternate within each test (the first Latin, the second Arabic, ...), whatever order
the tests run in (tests/conftest.py restarts the alternation for every test).

Opting out is explicit and visible. Each part takes an argument that replaces it, and an
empty one leaves it out: `bylines=[]`, `editors=[]`, `tags=[]`, `regions=[]`,
`corrections=[]`, `dateline=None`, `source=""`, `revision=False`. `bare=True` leaves
out every credit, place and note at once (the thin article some counting tests need);
explicit arguments still add what they name to a bare article.

`make_story()` is a preset of the same factory: one particular story (two bridges reopen
in Erbil) with its own names and text, in English or, with `arabic=True`, in Sorani.
"""

import datetime
import itertools
import unicodedata

import reversion
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.gazetteer import load_gazetteer
from articles.models import Article, ArticleByline, Byline, Correction, Editor, Region, Tag
from articles.slugs import base_slug, get_or_create_by_name

_sequence = itertools.count(1)
# Articles made without a headline take turns between Latin and Arabic script; restarted
# for every test by tests/conftest.py, so a test meets the same articles in any order.
_script_turn = itertools.count()

ARABIC_HEADLINE = "مقتل جنديين أمريكيين في عملية أمنية شمال العراق"

# What a default article carries, in each script. Bylines are (name, kind), in order.
LATIN = {
    "headline": "Article number {n}",
    "summary": "Summary of {headline}.",
    "body": "Body of {headline}.",
    "bylines": [("Jane Reporter", Byline.Kind.PERSON), ("Kurdistan 24", Byline.Kind.AGENCY)],
    "editors": ["Laurie Mylroie"],
    "tags": ["ISIS", "Security"],
    "correction": "An earlier version of this article misnamed the district.",
}
ARABIC = {
    "headline": "هەواڵی ژمارە {n}",
    "summary": "کورتەی {headline}.",
    "body": "دەقی {headline}.\n\nهاتوچۆ لە هەولێر ئاسایی بووەوە.",
    "bylines": [("ڕێبین فەتاح", Byline.Kind.PERSON), ("کوردستان ٢٤", Byline.Kind.AGENCY)],
    "editors": ["هێمن عەلی"],
    "tags": ["داعش", "ئاسایش"],
    "correction": "ناوی ناوچەکە لە وەشانی پێشوودا بە هەڵە نووسرابوو.",
}
REGIONS = ["erbil-city", "makhmour", "nineveh"]  # Kurdistan Region, Nineveh, and inside it
DATELINE = "erbil-city"
SOURCE = "Kurdistan 24"
CORRECTION_DELAY = datetime.timedelta(hours=2)
IMPORT_COMMENT = "Imported from wire copy"

_DEFAULT = object()  # "not given": the part takes its default (or none, when bare)


def start_of_test():
    """Restart the turns between scripts (called before every test by tests/conftest.py)."""
    global _script_turn
    _script_turn = itertools.count()


def is_arabic_script(text):
    """Whether `text` has a letter of the Arabic script (Arabic, Sorani, Persian ...)."""
    return any(ch.isalpha() and "ARABIC" in unicodedata.name(ch, "") for ch in (text or ""))


def region(slug):
    """The gazetteer's place with this slug. A transactional test's flush empties the
    gazetteer the data migration loaded; the first place asked for then puts it back."""
    try:
        return Region.objects.get(slug=slug)
    except Region.DoesNotExist:
        if Region.objects.exists():
            raise
    load_gazetteer(Region)
    return Region.objects.get(slug=slug)


def make_tag(name="Security"):
    return get_or_create_by_name(Tag, name)[0]


def make_byline(name="Jane Reporter", kind=Byline.Kind.PERSON):
    return get_or_create_by_name(Byline, name, kind=kind)[0]


def make_editor(name="Laurie Mylroie"):
    return get_or_create_by_name(Editor, name)[0]


def make_article(
    headline=None,
    *,
    status=Article.Status.PUBLISHED,
    published_at=None,
    arabic=None,
    bare=False,
    regions=_DEFAULT,
    tags=_DEFAULT,
    bylines=_DEFAULT,
    editors=_DEFAULT,
    corrections=_DEFAULT,
    dateline=_DEFAULT,
    source=_DEFAULT,
    revision=True,
    **fields,
):
    """An article as the newsroom publishes it (see the module's docstring), saved.

    `bylines`: names or Byline objects, in order (a name makes a person's byline);
    `tags`, `editors`: names or objects; `regions`, `dateline`: gazetteer slugs or
    Region objects; `corrections`: texts, or dicts of Correction fields; any other
    keyword is an Article field."""
    n = next(_sequence)
    if arabic is None:
        arabic = is_arabic_script(headline) if headline else next(_script_turn) % 2 == 1
    text = ARABIC if arabic else LATIN

    def part(given, default):
        if given is not _DEFAULT:
            return given
        return None if bare else default

    headline = headline or text["headline"].format(n=n)
    if published_at is None and status == Article.Status.PUBLISHED:
        published_at = timezone.now() - datetime.timedelta(hours=n)
    bylines = part(bylines, text["bylines"]) or ()
    tags = part(tags, text["tags"]) or ()
    editors = part(editors, text["editors"]) or ()
    regions = part(regions, REGIONS) or ()
    corrections = part(corrections, [text["correction"]]) or ()
    dateline = part(dateline, DATELINE)
    source = part(source, SOURCE) or ""

    def build():
        article = Article.objects.create(
            headline=headline,
            slug=fields.pop("slug", f"{base_slug(headline, 280, 'article')}-{n}"),
            summary=fields.pop("summary", text["summary"].format(headline=headline)),
            body=fields.pop("body", text["body"].format(headline=headline)),
            status=status,
            published_at=published_at,
            dateline=region(dateline) if isinstance(dateline, str) else dateline,
            source=source,
            **fields,
        )
        article.regions.set([region(r) if isinstance(r, str) else r for r in regions])
        article.tags.set([make_tag(t) if isinstance(t, str) else t for t in tags])
        article.editors.set([make_editor(e) if isinstance(e, str) else e for e in editors])
        for position, byline in enumerate(bylines):
            if isinstance(byline, str):
                byline = make_byline(byline)
            elif isinstance(byline, tuple):
                byline = make_byline(*byline)
            ArticleByline.objects.create(article=article, byline=byline, position=position)
        for note in corrections:
            note = {"text": note} if isinstance(note, str) else dict(note)
            note.setdefault("noted_at", _noted_after(article))
            Correction.objects.create(article=article, **note)
        return article

    if not revision:
        return build()
    with reversion.create_revision():
        reversion.set_comment(IMPORT_COMMENT)
        return build()


def _noted_after(article):
    """When a default correction was noted: shortly after publication, never in the
    future (so now, for an undated or scheduled article)."""
    now = timezone.now()
    if article.published_at is None or article.publication_date_error:
        return now
    try:
        return min(now, article.published_at + CORRECTION_DELAY)
    except OverflowError:
        return now


def at(text):
    """An aware datetime in the newsroom's zone from 'YYYY-MM-DD HH:MM'."""
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def make_staff(username, role):
    user = User.objects.create_user(username, password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


STORY_HEADLINE = "Two bridges reopen in Erbil after the floods"
STORY = {
    False: {
        "headline": STORY_HEADLINE,
        "bylines": [("Rebin Fatah", Byline.Kind.PERSON), ("Kurdistan 24", Byline.Kind.AGENCY)],
        "tags": ["Floods", "Infrastructure"],
        "editors": ["Hemin Ali"],
        "summary": "Two bridges across the Greater Zab reopened after two weeks.",
        "body": (
            "ERBIL (Kurdistan 24) – Two bridges reopened on Tuesday.\n\n"
            "Traffic returned to normal, the governor's office said."
        ),
        "correction": "An earlier version gave the wrong name for the Khabat bridge.",
    },
    True: {
        "headline": "دوو پرد لە هەولێر دوای لافاوەکە کرانەوە",
        "bylines": [("ڕێبین فەتاح", Byline.Kind.PERSON), ("کوردستان ٢٤", Byline.Kind.AGENCY)],
        "tags": ["لافاو", "ژێرخان"],
        "editors": ["هێمن عەلی"],
        "summary": "دوو پرد لە هەولێر دوای دوو هەفتە کرانەوە.",
        "body": "هەولێر (کوردستان ٢٤) – دوو پرد کرانەوە.\n\nهاتوچۆ ئاسایی بووەوە.",
        "correction": "ناوی پردەکە بە هەڵە نووسرابوو.",
    },
}


def make_story(
    headline=STORY_HEADLINE,
    *,
    status=Article.Status.PUBLISHED,
    published_at=None,
    arabic=False,
    created_by=None,
    **fields,
):
    """One particular story as the newsroom publishes it: make_article's default with
    this story's names and text (two bridges reopen in Erbil), placed in Erbil, Duhok and
    Nineveh; with `arabic`, its names and text in Sorani (and its headline, unless one is
    given). Any make_article argument overrides a part of it."""
    story = STORY[bool(arabic)]
    if arabic and headline == STORY_HEADLINE:
        headline = story["headline"]
    for name in ("bylines", "tags", "editors", "summary", "body"):
        fields.setdefault(name, story[name])
    fields.setdefault("regions", ["erbil-city", "duhok", "nineveh"])
    fields.setdefault("corrections", [story["correction"]])
    return make_article(
        headline,
        status=status,
        published_at=published_at,
        arabic=bool(arabic),
        created_by=created_by,
        **fields,
    )
