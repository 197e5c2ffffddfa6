import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, Byline, Tag
from tests.factories import at, make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_titles(response):
    assert response.status_code == 200
    return [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]


def atom_titles(response):
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def test_latest_feed_lists_published_articles_newest_first(client):
    make_article("Older", published_at=at("2021-01-01 10:00"))
    make_article("Newer", published_at=at("2021-01-02 10:00"))
    make_article("Draft", status=Article.Status.DRAFT)
    make_article("Scheduled", published_at=timezone.now() + datetime.timedelta(hours=1))
    assert rss_titles(client.get("/feed/")) == ["Newer", "Older"]
    assert atom_titles(client.get("/feed/atom/")) == ["Newer", "Older"]


def test_feed_items_carry_author_date_link_and_categories(client):
    article = make_article(
        "Story", bylines=["Jane Reporter"], tags=["Oil"], published_at=at("2021-01-01 10:00")
    )
    item = next(ET.fromstring(client.get("/feed/").content).iter("item"))
    assert item.findtext("link").endswith(article.get_absolute_url())
    assert item.findtext("category") == "Oil"
    assert "Jane Reporter" in ET.tostring(item, encoding="unicode")
    assert item.findtext("pubDate") == "Fri, 01 Jan 2021 07:00:00 +0000"  # 10:00 in Erbil


def test_region_feed_includes_places_inside_the_region(client):
    make_article("Makhmour", regions=["makhmour"])
    make_article("Duhok", regions=["duhok"])
    assert rss_titles(client.get("/regions/nineveh/feed/")) == ["Makhmour"]
    assert atom_titles(client.get("/regions/iraq/feed/atom/")) == ["Makhmour", "Duhok"]


def test_tag_and_byline_feeds(client):
    make_article("Tagged", tags=["Oil"], bylines=["Rebin Fatah"])
    make_article("Other")  # by Jane Reporter and Kurdistan 24, tagged ISIS and Security
    assert rss_titles(client.get("/tags/oil/feed/")) == ["Tagged"]
    assert atom_titles(client.get("/bylines/rebin-fatah/feed/atom/")) == ["Tagged"]
    assert atom_titles(client.get("/bylines/jane-reporter/feed/atom/")) == ["Other"]


def test_feeds_of_unknown_or_unpublished_subjects_are_a_404(client):
    make_article("Secret", status=Article.Status.DRAFT, tags=["Merger"], bylines=["Mole"])
    for url in ("/tags/merger/feed/", "/bylines/mole/feed/", "/regions/atlantis/feed/"):
        assert client.get(url).status_code == 404


def test_pages_link_their_feeds_in_the_head(client):
    make_article(tags=["Oil"])
    assert 'type="application/rss+xml"' in client.get("/").content.decode()
    html = client.get("/tags/oil/").content.decode()
    assert 'href="/tags/oil/feed/"' in html
    assert 'href="/tags/oil/feed/atom/"' in html


# --- Hostile text: control characters (issue 12, fault 1) ---------------------------------

FEEDS_OF_OIL = ("/feed/", "/feed/atom/", "/tags/oil/feed/", "/tags/oil/feed/atom/")


def entries(response):
    """Each item's or entry's (title, summary, summary element), read by a real parser."""
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    found = [(i.findtext("title"), i.find("description")) for i in root.iter("item")]
    found += [
        (e.findtext(f"{ATOM}title"), e.find(f"{ATOM}summary")) for e in root.iter(f"{ATOM}entry")
    ]
    return [(title, element.text or "", element) for title, element in found]


def test_a_control_character_in_a_summary_breaks_no_feed(client):
    make_article("Vertical tab", summary="Pasted\x0b from a word processor.", tags=["Oil"])
    for url in FEEDS_OF_OIL:
        [(title, summary, _)] = entries(client.get(url))
        assert (title, summary) == ("Vertical tab", "Pasted from a word processor."), url


def test_text_stored_before_the_rule_is_cleaned_where_the_feed_is_written(client):
    article = make_article("Before", tags=["Oil"], bylines=["Ali"])
    # Written past save(), as rows stored before the rule (or a restored revision) are.
    Article.objects.filter(pk=article.pk).update(
        headline="Form\x0c feed", summary="Bell\x07 and\x1f unit\ufffe separator"
    )
    Tag.objects.filter(name="Oil").update(name="Oil\x0b")
    Byline.objects.filter(name="Ali").update(name="A\x01li")
    for url in FEEDS_OF_OIL:
        response = client.get(url)
        [(title, summary, _)] = entries(response)
        assert (title, summary) == ("Form feed", "Bell and unit separator"), url
        assert b"Oil" in response.content and b"Ali" in response.content


# --- Feeds show exactly the page's text (issue 12, fault 4) ------------------------------

MARKUP_SUMMARY = "Index for <rice> & <flour> rose; see <b>table</b>."


class TextOf(HTMLParser):
    """What a reader shows of an HTML fragment: its text, markup gone, references read."""

    def __init__(self, fragment):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.feed(fragment)
        self.close()

    def handle_data(self, data):
        self.parts.append(data)

    @property
    def text(self):
        return "".join(self.parts)


def test_feeds_show_markup_like_text_as_the_page_shows_it(client):
    article = make_article(
        "Prices of <rice> & <flour>", summary=MARKUP_SUMMARY, tags=["Oil"], bylines=["<Ali>"]
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<p class="standfirst">{escape(MARKUP_SUMMARY)}</p>' in page
    for url in FEEDS_OF_OIL:
        [(title, summary, element)] = entries(client.get(url))
        # The summary is HTML (RSS <description>, Atom <summary type="html">) escaped as the
        # page escapes it: a reader shows every word, and no bold.
        assert summary == escape(MARKUP_SUMMARY), url
        assert TextOf(summary).text == MARKUP_SUMMARY, url
        # The headline is plain text in both.
        assert title == "Prices of <rice> & <flour>", url
        if url.endswith("atom/"):
            assert element.get("type") == "html"
            root = ET.fromstring(client.get(url).content)
            titles = [e.find(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
            assert [t.get("type", "text") for t in titles] == ["text"]
            assert root.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "<Ali>"


def test_rss_plain_text_uses_hexadecimal_references_for_ampersand_and_less_than(client):
    # The RSS Best Practices Profile's advice for plain text: it reads right in the widest
    # number of readers, and is the same text to any XML parser.
    make_article("Rice & <flour>", tags=["Oil"])
    content = client.get("/feed/").content
    assert b"<title>Rice &#x26; &#x3C;flour&#x3E;</title>" in content


# --- "Updated" never before "published" (issue 12, fault 5) ------------------------------


def test_an_article_saved_then_scheduled_is_updated_no_earlier_than_published(client):
    saved = at("2021-03-01 09:00")
    published = saved + datetime.timedelta(days=5)
    with time_machine.travel(saved, tick=False):
        make_article("Scheduled", published_at=published, corrections=[], tags=["Oil"])
    with time_machine.travel(published + datetime.timedelta(days=1), tick=False):
        for url in ("/feed/atom/", "/tags/oil/feed/atom/"):
            root = ET.fromstring(client.get(url).content)
            entry = next(root.iter(f"{ATOM}entry"))
            assert entry.findtext(f"{ATOM}published") == "2021-03-06T06:00:00+00:00"
            assert entry.findtext(f"{ATOM}updated") == "2021-03-06T06:00:00+00:00", url
            assert root.findtext(f"{ATOM}updated") == "2021-03-06T06:00:00+00:00", url


def test_a_later_change_is_the_updated_time(client):
    article = make_article("Corrected", published_at=at("2021-03-06 09:00"), corrections=[])
    Article.objects.filter(pk=article.pk).update(updated_at=at("2021-03-07 12:30"))
    entry = next(ET.fromstring(client.get("/feed/atom/").content).iter(f"{ATOM}entry"))
    assert entry.findtext(f"{ATOM}updated") == "2021-03-07T09:30:00+00:00"


# --- Each language an edition, with feeds of its own (issue 13) --------------------------

from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from tests.factories import region  # noqa: E402

EDITION_HEADLINES = {
    "en": "Two bridges reopen in Erbil",
    "ckb": "دوو پرد لە هەولێر کرانەوە",
    "kmr": "Du pir li Hewlêrê hatin vekirin",
    "ar": "إعادة افتتاح جسرين في أربيل",
}


def edition_feed(client, language, name="feed", **kwargs):
    """The feed `name` of the `language` edition, at its address in that edition (under
    the language's prefix once the URLs carry one)."""
    with translation.override(language):
        return client.get(reverse(name, kwargs=kwargs))


def make_story_in_every_language(**parts):
    """One story published in English with a translation into each other language, and
    in each of these a draft and a scheduled translation of other stories."""
    original = make_article(EDITION_HEADLINES["en"], language="en", **parts)
    for language, headline in EDITION_HEADLINES.items():
        if language != "en":
            make_article(headline, language=language, translation_of=original, **parts)
            other = make_article(f"Draft {language}", language="en", status=Article.Status.DRAFT)
            make_article(
                f"Unpublished {language}", language=language, translation_of=other,
                status=Article.Status.DRAFT, **parts,
            )  # fmt: skip
            make_article(
                f"Scheduled {language}", language=language,
                published_at=timezone.now() + datetime.timedelta(hours=1), **parts,
            )  # fmt: skip
    return original


@pytest.mark.parametrize("language", EDITION_HEADLINES)
def test_an_editions_feeds_list_its_languages_published_articles_only(client, language):
    make_story_in_every_language(tags=["Oil"], regions=["makhmour"], bylines=["Rebin Fatah"])
    expected = [EDITION_HEADLINES[language]]
    assert rss_titles(edition_feed(client, language)) == expected
    assert atom_titles(edition_feed(client, language, "feed-atom")) == expected
    assert rss_titles(edition_feed(client, language, "tag-feed", slug="oil")) == expected
    assert rss_titles(edition_feed(client, language, "region-feed", slug="nineveh")) == expected
    byline_feed = edition_feed(client, language, "byline-feed-atom", slug="rebin-fatah")
    assert atom_titles(byline_feed) == expected


@pytest.mark.parametrize("language", EDITION_HEADLINES)
def test_an_editions_feeds_say_its_language(client, language):
    make_article(EDITION_HEADLINES[language], language=language)
    channel = ET.fromstring(edition_feed(client, language).content).find("channel")
    assert channel.findtext("language") == language
    atom = ET.fromstring(edition_feed(client, language, "feed-atom").content)
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == language


def test_a_feed_names_its_place_tags_and_bylines_in_the_editions_language(client):
    erbil = region("erbil-city")
    erbil.names = {"ckb": "هەولێر", "ar": "أربيل", "kmr": "Hewlêr"}
    erbil.save()
    make_article(
        EDITION_HEADLINES["ckb"], language="ckb", regions=[erbil], tags=["Bridges"],
        bylines=["Rebin Fatah"],
    )  # fmt: skip
    Tag.objects.filter(name="Bridges").update(names={"ckb": "پرد"})
    Byline.objects.filter(name="Rebin Fatah").update(names={"ckb": "ڕێبین فەتاح"})
    channel = ET.fromstring(
        edition_feed(client, "ckb", "region-feed", slug="erbil-city").content
    ).find("channel")
    assert "هەولێر" in channel.findtext("title")
    assert "هەولێر" in channel.findtext("description")
    assert "Erbil" not in channel.findtext("title") + channel.findtext("description")
    item = channel.find("item")
    assert [c.text for c in item.iter("category")] == ["پرد"]
    assert "ڕێبین فەتاح" in ET.tostring(item, encoding="unicode")
    tag_channel = ET.fromstring(edition_feed(client, "ckb", "tag-feed", slug="bridges").content)
    assert "پرد" in tag_channel.find("channel").findtext("title")


def test_a_name_without_the_editions_form_falls_back_to_the_main_name(client):
    make_article(EDITION_HEADLINES["kmr"], language="kmr", tags=["Bridges"])
    channel = ET.fromstring(edition_feed(client, "kmr", "tag-feed", slug="bridges").content)
    assert "Bridges" in channel.find("channel").findtext("title")


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_an_editions_feed_items_link_to_each_articles_own_address(client, language):
    original = make_article(EDITION_HEADLINES["en"], language="en")
    translation_ = make_article(
        EDITION_HEADLINES[language], language=language, translation_of=original
    )
    item = ET.fromstring(edition_feed(client, language).content).find("channel/item")
    assert item.findtext("link") == f"http://testserver{translation_.get_absolute_url()}"
    entry = ET.fromstring(edition_feed(client, language, "feed-atom").content).find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{translation_.get_absolute_url()}"
