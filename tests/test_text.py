"""The rule on stored text (articles.text): no character XML 1.0 forbids is stored, and
none reaches any XML the site writes. Hostile text (control characters, noncharacters,
lone surrogates, right-to-left marks and scripts, markup-like text) goes through save,
then through every feed and sitemap, each read back with a real XML parser."""

import datetime
import html
import importlib
import os
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles.models import Article, ArticleByline, Byline, Correction, Editor, Region, Tag
from articles.text import FORBIDDEN_IN_XML_RE, escape_xml_text, xml_safe, xml_safe_data
from tests.factories import make_article, region

EXAMPLES = 100 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 25
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
DC = "{http://purl.org/dc/elements/1.1/}"

FORBIDDEN = [chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] + [
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
]
ALLOWED_ODD = [
    "\t", "\n", "\r", "\r\n", "\x7f", "\x80", "\x85", "\x9f", "\ufeff", "\ufdd0", "\U0010fffe",
    "\u200e", "\u200f", "\u202b", "\u202e", "\u2066", "\u2069", "\u061c", "\u00a0",
]  # fmt: skip
MARKUP = [
    "<", ">", "&", '"', "'", "<b>", "</b>", "<rice>", "&amp;", "&lt;b&gt;", "&#11;", "&#x0c;",
    "<![CDATA[", "]]>", "<!--", "-->", "<?xml?>", "<script>alert(1)</script>", "=SUM(1)",
]  # fmt: skip
WORDS = ["Erbil", "مقتل جنديين", "هەواڵی ژمارە", "Kurdistan 24", " ", "٢٤", "Ali"]

pieces = st.one_of(
    st.sampled_from(FORBIDDEN),
    st.sampled_from(ALLOWED_ODD),
    st.sampled_from(MARKUP),
    st.sampled_from(WORDS),
    st.text(max_size=4),
    st.characters(min_codepoint=0, max_codepoint=0xA0),
)
hostile = st.lists(pieces, max_size=10).map("".join)


# --- The rule ----------------------------------------------------------------------------


def test_every_character_xml_forbids_is_removed_and_nothing_else():
    for code in [*range(0x110000)]:
        char = chr(code)
        allowed = (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        )
        assert xml_safe(f"a{char}b") == (f"a{char}b" if allowed else "ab"), hex(code)


def test_tab_line_feed_and_carriage_return_are_kept():
    assert xml_safe("a\tb\nc\r\nd\re") == "a\tb\nc\r\nd\re"


def test_anything_not_a_string_is_left_as_it_is():
    assert xml_safe(None) is None
    assert xml_safe(3) == 3
    assert xml_safe_data(["a\x0bb", {"k\x0c": ["\ufffe"]}, 1]) == ["ab", {"k": [""]}, 1]


@given(hostile)
def test_xml_safe_is_idempotent_and_only_removes(text):
    cleaned = xml_safe(text)
    assert xml_safe(cleaned) == cleaned
    assert not FORBIDDEN_IN_XML_RE.search(cleaned)
    assert cleaned == "".join(c for c in text if c not in FORBIDDEN)


@given(hostile)
def test_escaped_text_reads_back_exactly_in_an_xml_document(text):
    root = ET.fromstring(f"<t>{escape_xml_text(text)}</t>")
    assert (root.text or "") == xml_safe(text)


# --- Every model, every text field -----------------------------------------------------

DIRTY = "Oil\x0b and\x0c gas\x00\x1f\ufffe\uffff\ud800 \u200fدەق\u200f"
CLEAN = "Oil and gas \u200fدەق\u200f"


@pytest.mark.django_db
def test_every_text_field_of_every_model_loses_forbidden_characters_on_save():
    tag = Tag.objects.create(name=DIRTY)
    byline = Byline.objects.create(name=DIRTY, bio=DIRTY)
    editor = Editor.objects.create(name=DIRTY)
    place = Region.objects.create(
        name=DIRTY, kind=Region.Kind.CITY, parent=region("erbil"), alternative_names=[DIRTY]
    )
    article = make_article(
        DIRTY, summary=DIRTY, body=DIRTY, source=DIRTY, corrections=[DIRTY],
        tags=[tag], bylines=[byline], editors=[editor], regions=[place],
    )  # fmt: skip
    note = article.corrections.get()
    for row, fields in [
        (Tag.objects.get(pk=tag.pk), ["name"]),
        (Byline.objects.get(pk=byline.pk), ["name", "bio"]),
        (Editor.objects.get(pk=editor.pk), ["name"]),
        (Region.objects.get(pk=place.pk), ["name"]),
        (Article.objects.get(pk=article.pk), ["headline", "summary", "body", "source"]),
        (Correction.objects.get(pk=note.pk), ["text"]),
    ]:
        for name in fields:
            assert getattr(row, name) == CLEAN, (type(row).__name__, name)
    assert Region.objects.get(pk=place.pk).alternative_names == [CLEAN]
    stored = Article.objects.get(pk=article.pk)
    assert stored.body_html == f"<p>{CLEAN}</p>"
    assert not FORBIDDEN_IN_XML_RE.search(Correction.objects.get(pk=note.pk).text_html)


@pytest.mark.django_db
def test_a_character_reference_in_a_body_renders_to_no_forbidden_character():
    # Markdown passes "&#11;" on and the HTML sanitizer turns it into U+000B itself.
    article = make_article(body="Vertical &#11; tab, form &#x0c; feed &#xFFFE;.")
    assert not FORBIDDEN_IN_XML_RE.search(Article.objects.get(pk=article.pk).body_html)


@pytest.mark.django_db
def test_validation_sees_the_text_as_it_will_be_stored():
    # 300 characters once the form feed is gone: a headline that fits.
    article = Article(headline="x" * 150 + "\x0c" + "x" * 150, slug="fits", summary="\x0b")
    article.full_clean(exclude=["dateline"])
    assert article.headline == "x" * 300
    assert article.summary == ""


@pytest.mark.django_db
def test_the_admin_stores_text_without_forbidden_characters(editor_client):
    from tests.admin_forms import article_post_data

    data = article_post_data(
        headline="Index\x0c rises", slug="index-rises", summary="Wheat\x0b and rice\x1f."
    )
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="index-rises")
    assert (article.headline, article.summary) == ("Index rises", "Wheat and rice.")


@pytest.mark.django_db
def test_an_import_key_is_kept_byte_for_byte():
    article = make_article(import_key="wire\x0bkey")
    assert Article.objects.get(pk=article.pk).import_key == "wire\x0bkey"


# --- Rows stored before the rule: the data migration ---------------------------------


@pytest.mark.django_db
def test_the_data_migration_cleans_rows_stored_before_the_rule():
    migration = importlib.import_module("articles.migrations.0012_remove_xml_forbidden_characters")
    article = make_article("Clean headline", summary="Clean.", tags=["Oil"], bylines=["Ali"])
    untouched = make_article("Untouched", summary="Tab\there.\r\nCRLF.")
    place = region("erbil-city")
    stored = "Before\x0b the\x0c rule\x1f\ufffe"
    if connection.vendor != "postgresql":
        stored += "\x00"  # PostgreSQL's text cannot even hold a NUL
    # Written past save(), as rows stored before the rule were.
    Article.objects.filter(pk=article.pk).update(
        headline=stored, summary=stored, body=stored, body_html=stored, source=stored
    )
    Correction.objects.filter(article=article).update(text=stored, text_html=stored)
    Tag.objects.filter(name="Oil").update(name=stored)
    Byline.objects.filter(name="Ali").update(name=stored, bio=stored)
    Editor.objects.update(name=stored)
    Region.objects.filter(pk=place.pk).update(name=stored, alternative_names=[stored])
    updated_at = Article.objects.get(pk=article.pk).updated_at
    untouched_before = Article.objects.filter(pk=untouched.pk).values().get()

    migration.remove_forbidden_characters(apps, SimpleNamespace(connection=connection))

    clean = "Before the rule"
    row = Article.objects.get(pk=article.pk)
    assert [row.headline, row.summary, row.body, row.body_html, row.source] == [clean] * 5
    assert row.updated_at == updated_at
    note = Correction.objects.get(article=article)
    assert (note.text, note.text_html) == (clean, clean)
    assert list(article.tags.values_list("name", flat=True)) == [clean]
    assert Byline.objects.filter(name=clean, bio=clean).exists()
    assert set(Editor.objects.values_list("name", flat=True)) == {clean}
    assert Region.objects.get(pk=place.pk).name == clean
    assert Region.objects.get(pk=place.pk).alternative_names == [clean]
    assert Article.objects.filter(pk=untouched.pk).values().get() == untouched_before


# --- Hostile text through save, every feed and every sitemap ---------------------------


def xml_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)


def nonblank(text, fill):
    """A name or headline that is not blank once the forbidden characters are gone."""
    return text if xml_safe(text).strip() else f"{fill}{text}"


class HostileTextInEveryXmlOutput(TestCase):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(
        headline=hostile,
        summary=hostile,
        body=hostile,
        source=hostile,
        tag_name=hostile,
        byline_name=hostile,
        place_name=hostile,
    )
    @example(
        headline="\ud800\x7f",
        summary="",
        body="",
        source="",
        tag_name="\udfff",
        byline_name="\ufffe",
        place_name="\ud800",
    )
    @example(
        headline="Prices\x0c <rice> & <flour>",
        summary="Index for <rice> & <flour> rose;\x0b see <b>table</b>.",
        body="\x1b[31m",
        source="Wire\ufffe",
        tag_name="<b>Food</b>\x0b",
        byline_name="\u200fعلی\x07",
        place_name="Erbil\x0c & \r\n<Ankawa>",
    )
    def test_every_feed_and_sitemap_reads_back_the_text_minus_forbidden_characters(
        self, headline, summary, body, source, tag_name, byline_name, place_name
    ):
        for cache in caches.all():  # each example is rolled back, the archive version too
            cache.clear()
        headline = nonblank(headline, "H")
        tag = Tag.objects.create(name=nonblank(tag_name, "T"))
        byline = Byline.objects.create(name=nonblank(byline_name, "B"))
        place = Region.objects.create(
            name=nonblank(place_name, "P"), kind=Region.Kind.LANDMARK, parent=region("erbil")
        )
        published_at = timezone.now() - datetime.timedelta(hours=1)
        # Saved as the admin and the importer save: Article.save() makes the slug.
        article = Article.objects.create(
            headline=headline, summary=summary, body=body, source=source,
            status=Article.Status.PUBLISHED, published_at=published_at,
        )  # fmt: skip
        article.tags.set([tag])
        article.regions.set([place])
        ArticleByline.objects.create(article=article, byline=byline, position=0)
        Correction.objects.create(article=article, text=body, noted_at=published_at)
        article.refresh_from_db()
        tag.refresh_from_db()
        byline.refresh_from_db()
        place.refresh_from_db()

        expected_title = xml_safe(headline)
        expected_summary = xml_safe(summary)
        for stored in (article.headline, article.summary, article.body, article.source,
                       tag.name, byline.name, place.name):  # fmt: skip
            assert not FORBIDDEN_IN_XML_RE.search(stored)
        assert article.headline == expected_title
        assert article.summary == expected_summary

        client = Client()
        url = f"http://testserver{article.get_absolute_url()}"
        # The page, whose text the feeds must show exactly.
        page = client.get(article.get_absolute_url()).content.decode()
        # No standfirst when the summary is the body's first paragraph: the lead shows once.
        assert f'<p class="standfirst">{escape(expected_summary)}</p>' in page or not (
            article.standfirst
        )

        subjects = {
            "latest": ("/feed/", "/feed/atom/", "Newsroom: latest news"),
            "tag": (
                reverse("tag-feed", kwargs={"slug": tag.slug}),
                reverse("tag-feed-atom", kwargs={"slug": tag.slug}),
                f"Newsroom: {tag.name}",
            ),
            "byline": (
                reverse("byline-feed", kwargs={"slug": byline.slug}),
                reverse("byline-feed-atom", kwargs={"slug": byline.slug}),
                f"Newsroom: {byline.name}",
            ),
            "place": (
                reverse("region-feed", kwargs={"slug": place.slug}),
                reverse("region-feed-atom", kwargs={"slug": place.slug}),
                f"Newsroom: {place.name}",
            ),
        }
        for rss_url, atom_url, feed_title in subjects.values():
            rss = xml_of(client, rss_url)
            assert rss.find("channel").findtext("title") == feed_title
            (item,) = rss.iter("item")
            assert item.findtext("link") == url
            assert item.findtext("title") == expected_title
            description = item.findtext("description")
            # HTML, which a reader shows as exactly the page's text.
            assert description == escape(expected_summary)
            assert html.unescape(description) == expected_summary
            assert [c.text or "" for c in item.iter("category")] == [tag.name]
            assert item.findtext(f"{DC}creator") == byline.name

            atom = xml_of(client, atom_url)
            assert atom.findtext(f"{ATOM}title") == feed_title
            (entry,) = atom.iter(f"{ATOM}entry")
            assert entry.find(f"{ATOM}title").get("type", "text") == "text"
            assert entry.findtext(f"{ATOM}title") == expected_title
            atom_summary = entry.find(f"{ATOM}summary")
            assert atom_summary.get("type") == "html"
            assert (atom_summary.text or "") == escape(expected_summary)
            assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == [tag.name]
            assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == byline.name

        news = xml_of(client, "/news-sitemap.xml")
        (entry,) = news.iter(f"{SM}url")
        assert entry.findtext(f"{SM}loc") == url
        assert entry.findtext(f".//{NEWS}title") == expected_title
        assert entry.findtext(f".//{NEWS}keywords") == tag.name

        for name in ("pages", "articles", "regions", "tags", "bylines"):
            xml_of(client, f"/sitemap-{name}.xml")
        xml_of(client, "/sitemap.xml")
        locations = [loc.text for loc in xml_of(client, "/sitemap-articles.xml").iter(f"{SM}loc")]
        assert locations == [url]
