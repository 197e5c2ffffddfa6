"""The reading side of the four languages: URLs per language, lang and dir, the language
switch and hreflang between translations, names and dates in the page's language, caches
kept apart per language, and the interface's message catalogues."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.translation.template import templatize

from articles.archive_cache import archive_cache_key
from tests.factories import at, make_article, region

pytestmark = pytest.mark.django_db

SORANI_HEADLINE = "دوو پرد لە هەولێر دوای لافاوەکە دەکرێنەوە"
ARABIC_HEADLINE = "إعادة فتح جسرين في أربيل بعد الفيضانات"
KURMANJI_HEADLINE = "Du pir li Hewlêrê piştî lehiyê ji nû ve vebûn"
ENGLISH_HEADLINE = "Two bridges reopen in Erbil after the floods"


def html_tag(response):
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def story(language="en", headline=ENGLISH_HEADLINE, **fields):
    fields.setdefault("published_at", at("2020-03-09 10:00"))
    return make_article(headline, language=language, **fields)


@pytest.fixture
def translated():
    """An English story with a Sorani and an Arabic translation, all published, and a
    Kurmanji one still a draft."""
    original = story()
    return {
        "en": original,
        "ckb": story("ckb", SORANI_HEADLINE, translation_of=original),
        "ar": story("ar", ARABIC_HEADLINE, translation_of=original),
        "kmr": story(
            "kmr", KURMANJI_HEADLINE, translation_of=original, status="draft", published_at=None
        ),
    }


# URLs and the active language


@pytest.mark.parametrize(
    ("prefix", "lang", "direction", "heading"),
    [
        ("", "en", "ltr", "Latest news"),
        ("/ckb", "ckb", "rtl", "دوایین هەواڵەکان"),
        ("/kmr", "kmr", "ltr", "Nûçeyên dawî"),
        ("/ar", "ar", "rtl", "آخر الأخبار"),
    ],
)
def test_each_language_has_its_edition_under_its_prefix(client, prefix, lang, direction, heading):
    response = client.get(prefix + "/")
    assert response.status_code == 200
    assert html_tag(response) == f'<html lang="{lang}" dir="{direction}">'
    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert response["Content-Language"] == lang


@pytest.mark.parametrize("path", ["/articles/", "/regions/", "/tags/", "/bylines/"])
def test_list_pages_answer_under_every_prefix(client, path):
    make_article()
    for code, _ in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        response = client.get(prefix + path)
        assert response.status_code == 200, (code, path)
        assert f'<html lang="{code}"' in response.content.decode()


def test_the_language_comes_from_the_path_not_accept_language_nor_a_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar,ckb;q=0.9")
    assert response.status_code == 200
    assert html_tag(response) == '<html lang="en" dir="ltr">'
    assert "Vary" not in response or "Accept-Language" not in response["Vary"]


def test_the_main_language_prefix_redirects_to_the_unprefixed_address(client):
    response = client.get("/en/articles/?q=bridges")
    assert response.status_code == 301
    assert response["Location"] == "/articles/?q=bridges"
    assert client.get("/en/")["Location"] == "/"


def test_robots_and_sitemap_index_stay_at_the_root(client):
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/ckb/robots.txt").status_code == 404


def test_the_admin_stays_unprefixed(admin_client):
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.get("/ckb/admin/").status_code == 404


def test_an_article_address_carries_its_own_language_whatever_is_active(translated):
    with translation.override("ar"):
        assert translated["en"].get_absolute_url().startswith("/articles/2020/03/09/")
        assert translated["ckb"].get_absolute_url().startswith("/ckb/articles/2020/03/09/")
    assert translated["ar"].get_absolute_url().startswith("/ar/articles/2020/03/09/")


@pytest.mark.parametrize(
    ("language", "other_prefix"), [("en", "/ckb"), ("ckb", ""), ("ar", "/kmr")]
)
def test_an_article_asked_for_under_another_prefix_redirects_to_its_own(
    client, translated, language, other_prefix
):
    article = translated[language]
    own = article.get_absolute_url()
    unprefixed = own.removeprefix(f"/{language}") if language != "en" else own
    response = client.get(other_prefix + unprefixed)
    assert response.status_code == 301
    assert response["Location"] == own
    assert client.get(own).status_code == 200


# lang and dir


@pytest.mark.parametrize(("language", "direction"), [("ckb", "rtl"), ("ar", "rtl"), ("kmr", "ltr")])
def test_an_article_page_is_in_its_language_and_direction(client, language, direction):
    headline = {"ckb": SORANI_HEADLINE, "ar": ARABIC_HEADLINE, "kmr": KURMANJI_HEADLINE}
    article = story(language, headline[language])
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert f'<article class="story" lang="{language}" dir="{direction}">' in page


def test_an_english_list_marks_an_arabic_headline_with_its_lang_and_dir(client):
    story("ar", ARABIC_HEADLINE)
    story()
    page = client.get("/articles/?language=all").content.decode()
    assert re.search(
        r'<article class="teaser" lang="ar" dir="rtl">\s*<h2 class="teaser-headline">'
        rf'<a href="[^"]+">{ARABIC_HEADLINE}</a>',
        page,
    )
    assert '<article class="teaser" lang="en" dir="ltr">' in page


def test_a_place_without_a_name_in_the_page_language_is_marked_as_the_main_language(client):
    erbil = region("erbil-city")
    erbil.names = {"ckb": "هەولێر"}
    erbil.save()
    makhmour = region("makhmour")
    makhmour.names = {}
    makhmour.save()
    story("ckb", SORANI_HEADLINE, regions=[erbil, makhmour])
    page = client.get("/ckb/regions/").content.decode()
    assert f'<a href="/ckb/regions/{erbil.slug}/">هەولێر</a>' in page
    assert (
        f'<a href="/ckb/regions/{makhmour.slug}/" lang="en" dir="ltr">{makhmour.name}</a>' in page
    )
    english = client.get("/regions/").content.decode()
    assert f'<a href="/regions/{erbil.slug}/">{erbil.name}</a>' in english


# The language switch and hreflang


def switch_links(page):
    nav = re.search(r'<nav class="language-switch".*?</nav>', page, re.S).group(0)
    return {language: href for href, language in re.findall(r'<a href="([^"]+)" lang="(\w+)"', nav)}


def test_the_language_switch_leads_to_the_translation_both_ways(client, translated):
    english = client.get(translated["en"].get_absolute_url()).content.decode()
    links = switch_links(english)
    assert links["ckb"] == translated["ckb"].get_absolute_url()
    assert links["ar"] == translated["ar"].get_absolute_url()
    sorani = client.get(translated["ckb"].get_absolute_url()).content.decode()
    links = switch_links(sorani)
    assert links["en"] == translated["en"].get_absolute_url()
    assert links["ar"] == translated["ar"].get_absolute_url()


def test_the_switch_leads_to_the_home_where_the_translation_is_unpublished(client, translated):
    links = switch_links(client.get(translated["en"].get_absolute_url()).content.decode())
    assert links["kmr"] == "/kmr/"


def test_the_switch_on_a_list_page_leads_to_the_same_list_in_that_language(client):
    make_article()
    links = switch_links(client.get("/regions/erbil-city/?page=1").content.decode())
    assert links["ar"] == "/ar/regions/erbil-city/?page=1"
    assert links["en"] == "/regions/erbil-city/?page=1"


def test_article_pages_link_every_published_translation_with_hreflang(client, translated):
    page = client.get(translated["ckb"].get_absolute_url()).content.decode()
    alternates = dict(
        re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', page)
    )
    base = "http://testserver"
    assert alternates == {
        "en": base + translated["en"].get_absolute_url(),
        "ckb": base + translated["ckb"].get_absolute_url(),
        "ar": base + translated["ar"].get_absolute_url(),
        "x-default": base + translated["en"].get_absolute_url(),
    }


def test_a_preview_links_no_translations(editor_client, translated):
    page = editor_client.get(translated["kmr"].get_preview_url()).content.decode()
    assert 'hreflang="x-default"' not in page


def test_list_pages_link_the_same_list_in_every_language(client):
    page = client.get("/ar/tags/").content.decode()
    alternates = dict(
        re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', page)
    )
    assert alternates == {
        "en": "http://testserver/tags/",
        "ckb": "http://testserver/ckb/tags/",
        "kmr": "http://testserver/kmr/tags/",
        "ar": "http://testserver/ar/tags/",
        "x-default": "http://testserver/tags/",
    }


# Dates and numbers


@pytest.mark.parametrize(
    ("language", "month", "weekday"),
    [
        ("en", "March", "Monday"),
        ("ckb", "ئازار", "دووشەممە"),
        ("kmr", "Adar", "Duşem"),
        ("ar", "آذار", "الاثنين"),
    ],
)
def test_an_article_date_is_written_in_its_language(client, language, month, weekday):
    headline = {"en": ENGLISH_HEADLINE, "ckb": SORANI_HEADLINE, "ar": ARABIC_HEADLINE}
    article = story(language, headline.get(language, KURMANJI_HEADLINE))
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"{weekday} 9 {month} 2020, 10:00" in page


@pytest.mark.parametrize(("language", "written"), [("en", "1,234,567"), ("kmr", "1.234.567")])
def test_counts_are_grouped_as_the_language_writes_them(language, written):
    with translation.override(language):
        assert (
            Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 1234567}))
            == written
        )


# Caches


def test_the_sorani_and_english_homes_are_never_served_for_each_other(client):
    story()
    story("ckb", SORANI_HEADLINE)
    for _ in range(2):  # the second time from the page cache
        assert 'lang="en"' in html_tag(client.get("/"))
        assert 'lang="ckb"' in html_tag(client.get("/ckb/"))
        assert "دوایین هەواڵەکان" in client.get("/ckb/").content.decode()
        assert "Latest news" in client.get("/").content.decode()


def test_the_archive_facets_cached_for_one_language_are_not_shown_in_another(client):
    make_article(language="en")
    make_article(language="ckb")
    for _ in range(2):
        assert '<h2 id="facet-places">Places</h2>' in client.get("/articles/").content.decode()
        sorani = client.get("/ckb/articles/").content.decode()
        assert '<h2 id="facet-places">شوێنەکان</h2>' in sorani
        assert '<h2 id="facet-places">Places</h2>' not in sorani


def test_archive_cache_keys_differ_per_active_language():
    keys = set()
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            keys.add(archive_cache_key(("list fragments", "")))
    assert len(keys) == len(settings.LANGUAGES)


# The message catalogues

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PUBLIC_TEMPLATES = [
    path
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
    if "admin" not in path.parts
]


def read_po(path):
    """{msgid: msgstr or (msgstr[0], ...)} of a .po file, and the ids marked fuzzy."""
    entries, fuzzy = {}, set()
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        fields, current, flags = {}, None, ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[current] += eval(line)  # noqa: S307 (a C string literal of our .po)
            else:
                current, literal = line.split(" ", 1)
                fields[current] = eval(literal)  # noqa: S307
        msgid = fields["msgid"]
        if "msgid_plural" in fields:
            plural = sorted(key for key in fields if key.startswith("msgstr["))
            entries[msgid] = tuple(fields[key] for key in plural)
        else:
            entries[msgid] = fields["msgstr"]
        if "fuzzy" in flags:
            fuzzy.add(msgid)
    return entries, fuzzy


def template_strings():
    """Every msgid the public templates mark ({% translate %}, {% blocktranslate %})."""
    found = set()
    for path in PUBLIC_TEMPLATES:
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for call in re.finditer(r"\b(n?gettext)\((u?'(?:[^'\\]|\\.)*')", code):
            found.add(eval(call.group(2)))  # noqa: S307
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_translates_every_message(language):
    entries, fuzzy = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    untranslated = [
        msgid
        for msgid, msgstr in entries.items()
        if msgid and (not all(msgstr) if isinstance(msgstr, tuple) else not msgstr)
    ]
    assert untranslated == []
    assert fuzzy - {""} == set()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_public_template_string_is_in_every_catalogue(language):
    entries, _ = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    strings = template_strings()
    assert "Latest news" in strings  # the extraction itself works
    assert strings - set(entries) == set()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_compiled_catalogue_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    entries, _ = read_po(folder / "django.po")
    with open(folder / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    expected = {}
    for msgid, msgstr in entries.items():
        if not msgid:
            continue
        if isinstance(msgstr, tuple):
            expected.update({(msgid, i): text for i, text in enumerate(msgstr)})
        else:
            expected[msgid] = msgstr
    assert {key: value for key, value in catalog.items() if key != ""} == expected


def test_the_date_archives_name_their_period_in_the_page_language(client):
    story("kmr", KURMANJI_HEADLINE)
    page = client.get("/kmr/articles/2020/03/").content.decode()
    assert "<h1>Gotarên Adar 2020</h1>" in page


def test_the_archive_offers_a_language_facet_with_each_languages_count(client):
    make_article("Bridge reopens", language="en")
    make_article("Roads close", language="en")
    make_article("پردەکە کرایەوە", language="ckb")
    page = client.get("/articles/").content.decode()
    facets = page[page.index('id="facet-languages"') :]
    facets = facets[: facets.index("</section>")]
    assert '<a href="?language=en" aria-current="true" lang="en" dir="ltr">English</a>' in facets
    assert '<a href="?language=ckb" lang="ckb" dir="rtl">کوردی</a>' in facets
    assert re.search(r'English</a> <span class="count">2</span>', facets)
    assert re.search(r'کوردی</a> <span class="count">1</span>', facets)
    # The facet's link narrows the list to that language, whatever the edition.
    sorani = client.get("/articles/?language=ckb").content.decode()
    assert "پردەکە کرایەوە" in sorani and "Bridge reopens" not in sorani
