"""Factories: each makes one valid object and takes overrides.

`make_article()` builds, by default, an article as the newsroom publishes it:

- two ordered bylines, a reporter then an agency ("Jane Reporter", "Kurdistan 24");
- an editor's credit ("Laurie Mylroie") and two tags ("ISIS", "Security");
- three places in different parts of the gazetteer (erbil-city, makhmour, nineveh),
  a dateline (erbil-city) and a source ("Kurdistan 24");
- a correction, noted two hours after publication (never later than now);
- one revision, as the importer saves wire copy ("Imported from wire copy"), so history,
  conflict and restore tests have a version to start from.

Some articles are in Arabic script: their credits, tags, summary, body and correction,
and their headline when none is given (a Unicode slug such as `هەواڵی-ژمارە-7-7`).
Which ones: `arabic=True` or `arabic=False` says so; otherwise the text follows the
script of a given headline, and articles made without a headline alternate within each
test (the first Latin, the second Arabic script, ...), whatever order the tests run in
(tests/conftest.py restarts the alternation for every test).

Each article has the language its text is in (`Article.language`): Latin script is
English (`en`); Arabic script is Sorani (`ckb`) or Arabic (`ar`) by its letters (ە ێ ڕ
ڵ ۆ are Sorani's, ة ي ك Arabic's), and the Arabic-script articles made without a
headline take turns, Sorani then Arabic, each with text in its language.
`language=...` chooses it (and the text that goes with it: Kurmanji `kmr` has Latin
text of its own). Lists show one language by default (the edition's): a test of a list
visits the edition of its articles' language or asks for `?language=all`.

`make_translations(article, languages=...)` makes the story's other language versions,
linked to it (`translation_of`), each with its own bylines and publication state.
Tags and the default places have names in the newsroom's other languages (`names`).

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
# Articles made without a headline take turns between Latin and Arabic script, and the
# Arabic-script ones between Sorani and Arabic; restarted for every test by
# tests/conftest.py, so a test meets the same articles in any order.
_script_turn = itertools.count()
_arabic_turn = itertools.count()

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
# Arabic (`ar`): what an Arabic-language article carries.
ARABIC_LANGUAGE = {
    "headline": "خبر رقم {n}",
    "summary": "ملخص {headline}.",
    "body": "نص {headline}.\n\nعادت حركة المرور في أربيل إلى طبيعتها.",
    "bylines": [("ريبين فتاح", Byline.Kind.PERSON), ("كوردستان 24", Byline.Kind.AGENCY)],
    "editors": ["هيمن علي"],
    "tags": ["تنظيم الدولة", "الأمن"],
    "correction": "ورد اسم القضاء خطأً في نسخة سابقة من هذا المقال.",
}
# Kurmanji (`kmr`), in Latin script.
KURMANJI = {
    "headline": "Nûçeya hejmar {n}",
    "summary": "Kurteya {headline}.",
    "body": "Nivîsa {headline}.\n\nHatûçûn li Hewlêrê dîsa asayî bû.",
    "bylines": [("Rêbîn Fetah", Byline.Kind.PERSON), ("Kurdistan 24", Byline.Kind.AGENCY)],
    "editors": ["Hêmin Elî"],
    "tags": ["DAIŞ", "Ewlehî"],
    "correction": "Di guhertoya berê de navê navçeyê şaş hatibû nivîsîn.",
}
TEXTS = {"en": LATIN, "ckb": ARABIC, "ar": ARABIC_LANGUAGE, "kmr": KURMANJI}
SORANI_LETTERS = set("ەێڕڵۆڤگچپژ")  # not in Arabic's alphabet (گ چ پ ژ: nor in Arabic)
ARABIC_LETTERS = set("ةيكىأإ")  # Arabic's, where Sorani writes ە ی ک or no hamza
# The factories' tags and places in the newsroom's other languages (Region/Tag.names).
NAMES = {
    "ISIS": {"ckb": "داعش", "kmr": "DAIŞ", "ar": "تنظيم الدولة"},
    "Security": {"ckb": "ئاسایش", "kmr": "Ewlehî", "ar": "الأمن"},
    "Floods": {"ckb": "لافاو", "kmr": "Lehî", "ar": "الفيضانات"},
    "Infrastructure": {"ckb": "ژێرخان", "kmr": "Binesazî", "ar": "البنية التحتية"},
    "داعش": {"en": "ISIS", "kmr": "DAIŞ", "ar": "تنظيم الدولة"},
    "ئاسایش": {"en": "Security", "kmr": "Ewlehî", "ar": "الأمن"},
    "تنظيم الدولة": {"en": "ISIS", "ckb": "داعش", "kmr": "DAIŞ"},
    "الأمن": {"en": "Security", "ckb": "ئاسایش", "kmr": "Ewlehî"},
    "DAIŞ": {"en": "ISIS", "ckb": "داعش", "ar": "تنظيم الدولة"},
    "Ewlehî": {"en": "Security", "ckb": "ئاسایش", "ar": "الأمن"},
    "erbil-city": {"ckb": "هەولێر", "kmr": "Hewlêr", "ar": "أربيل"},
    "makhmour": {"ckb": "مەخموور", "kmr": "Mexmûr", "ar": "مخمور"},
    "nineveh": {"ckb": "نەینەوا", "kmr": "Neynewa", "ar": "نينوى"},
    "duhok": {"ckb": "دهۆک", "kmr": "Dihok", "ar": "دهوك"},
}
REGIONS = ["erbil-city", "makhmour", "nineveh"]  # Kurdistan Region, Nineveh, and inside it
DATELINE = "erbil-city"
SOURCE = "Kurdistan 24"
CORRECTION_DELAY = datetime.timedelta(hours=2)
IMPORT_COMMENT = "Imported from wire copy"

_DEFAULT = object()  # "not given": the part takes its default (or none, when bare)


def start_of_test():
    """Restart the turns between scripts (called before every test by tests/conftest.py)."""
    global _script_turn, _arabic_turn
    _script_turn = itertools.count()
    _arabic_turn = itertools.count()


def is_arabic_script(text):
    """Whether `text` has a letter of the Arabic script (Arabic, Sorani, Persian ...)."""
    return any(ch.isalpha() and "ARABIC" in unicodedata.name(ch, "") for ch in (text or ""))


def language_of(text):
    """The language of an Arabic-script text by its letters: "ckb" (Sorani) or "ar"."""
    letters = set(text or "")
    if letters & ARABIC_LETTERS and not letters & SORANI_LETTERS:
        return "ar"
    return "ckb"


def with_names(obj, key):
    """`obj` (a Region or Tag), given its names in the other languages (NAMES[key]) if
    it has none yet."""
    names = {code: name for code, name in NAMES.get(key, {}).items() if name != obj.name}
    if names and not obj.names:
        obj.names = {code: name for code, name in names.items() if code != "en"}
        obj.save(update_fields=["names"])
    return obj


def region(slug):
    """The gazetteer's place with this slug, with its names in the other languages when
    NAMES has them. A transactional test's flush empties the gazetteer the data
    migration loaded; the first place asked for then puts it back."""
    try:
        place = Region.objects.get(slug=slug)
    except Region.DoesNotExist:
        if Region.objects.exists():
            raise
        load_gazetteer(Region)
        place = Region.objects.get(slug=slug)
    if slug in NAMES and not place.names:
        # Every named place at once, the first time one is asked for: a test that counts
        # writes to the gazetteer sees none from a later place it names.
        for other in Region.objects.filter(slug__in=NAMES):
            with_names(other, other.slug)
        place.refresh_from_db()
    return place


def make_tag(name="Security"):
    """The tag named `name`, with its names in the other languages when NAMES has them."""
    return with_names(get_or_create_by_name(Tag, name)[0], name)


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
    Region objects; `corrections`: texts, or dicts of Correction fields; `language`: a
    code of settings.LANGUAGES (else the text's, see the module's docstring); any other
    keyword is an Article field."""
    n = next(_sequence)
    language = fields.pop("language", None)
    if arabic is None:
        if language is not None:
            arabic = language in ("ckb", "ar")
        else:
            arabic = is_arabic_script(headline) if headline else next(_script_turn) % 2 == 1
    if language is None:
        if not arabic:
            language = "en"
        elif headline:
            language = language_of(headline)
        else:
            language = ("ckb", "ar")[next(_arabic_turn) % 2]
    text = TEXTS.get(language) or (ARABIC if arabic else LATIN)
    if arabic != is_arabic_script(text["headline"]):
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
            language=language,
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


def make_translations(article, languages=("ckb", "kmr", "ar"), **fields):
    """The story `article` tells, in each of `languages` (codes other than its own): a
    list of new articles, each a translation of `article`'s original (translation_of),
    written in its language by its own credits (the factory's for that language), with
    the original's dateline, places and publication state unless `fields` (make_article
    keywords, for every one) say otherwise."""
    original = article.translation_of or article
    fields.setdefault("status", original.status)
    fields.setdefault("published_at", original.published_at)
    fields.setdefault("dateline", original.dateline)
    fields.setdefault("regions", list(original.regions.all()))
    return [
        make_article(language=language, translation_of=original, **fields) for language in languages
    ]


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
