import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, Tag
from tests.factories import at, make_article

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def locations(response):
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SM}loc")]


def test_sitemap_index_lists_every_section(client):
    sections = locations(client.get("/sitemap.xml"))
    for name in ("pages", "articles", "regions", "tags", "bylines"):
        assert f"http://testserver/sitemap-{name}.xml" in sections


def test_article_sitemap_lists_only_published_articles(client):
    public = make_article("Public", published_at=at("2020-03-09 12:00"))
    make_article("Draft", status=Article.Status.DRAFT, published_at=at("2020-03-09 12:00"))
    make_article("Scheduled", published_at=timezone.now() + datetime.timedelta(days=1))
    assert locations(client.get("/sitemap-articles.xml")) == [
        f"http://testserver{public.get_absolute_url()}"
    ]


def test_tag_sitemap_omits_tags_only_drafts_use(client):
    make_article(tags=["Oil"])
    make_article(status=Article.Status.DRAFT, tags=["Merger"])
    assert locations(client.get("/sitemap-tags.xml")) == ["http://testserver/tags/oil/"]


def test_news_sitemap_has_the_last_two_days_only(client):
    recent = make_article("Recent", published_at=timezone.now() - datetime.timedelta(hours=3))
    make_article("Old", published_at=timezone.now() - datetime.timedelta(days=3))
    make_article("Draft", status=Article.Status.DRAFT, published_at=timezone.now())
    response = client.get("/news-sitemap.xml")
    root = ET.fromstring(response.content)
    assert [loc.text for loc in root.iter(f"{SM}loc")] == [
        f"http://testserver{recent.get_absolute_url()}"
    ]
    assert [t.text for t in root.iter(f"{NEWS}title")] == ["Recent"]


def test_robots_txt_points_at_the_sitemaps(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/news-sitemap.xml" in text
    assert "Disallow: /articles/preview/" in text


# --- Hostile text (issue 12, fault 1) and modification times (fault 5) -------------------


def test_a_form_feed_in_a_headline_leaves_the_news_sitemap_valid_xml(client):
    make_article(
        "Prices\x0c of <rice> & flour",
        tags=["Food & <drink>\x0b"],
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert [t.text for t in root.iter(f"{NEWS}title")] == ["Prices of <rice> & flour"]
    assert [k.text for k in root.iter(f"{NEWS}keywords")] == ["Food & <drink>"]


def test_text_stored_before_the_rule_is_cleaned_in_the_news_sitemap(client):
    article = make_article(
        "Before", tags=["Oil"], published_at=timezone.now() - datetime.timedelta(hours=1)
    )
    # Written past save(), as rows stored before the rule (or a restored revision) are.
    Article.objects.filter(pk=article.pk).update(headline="Form\x0c feed\ufffe\r\nnext")
    Tag.objects.filter(name="Oil").update(name="O\x01il")
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert [t.text for t in root.iter(f"{NEWS}title")] == ["Form feed\r\nnext"]
    assert [k.text for k in root.iter(f"{NEWS}keywords")] == ["Oil"]


def test_every_sitemap_is_xml_whatever_the_names_hold(client):
    odd = "\x0b<b>&amp;\x0c \u200fدەق\ufffe"
    make_article(odd, tags=[odd], bylines=[odd], source=odd, summary=odd)
    for url in ("/sitemap.xml", "/sitemap-pages.xml", "/sitemap-articles.xml",
                "/sitemap-regions.xml", "/sitemap-tags.xml", "/sitemap-bylines.xml",
                "/news-sitemap.xml"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)


def lastmods(response):
    assert response.status_code == 200
    return [e.text for e in ET.fromstring(response.content).iter(f"{SM}lastmod")]


def test_lastmod_of_an_article_saved_then_scheduled_is_its_publication(client):
    saved = at("2021-03-01 09:00")
    published = saved + datetime.timedelta(days=5)
    with time_machine.travel(saved, tick=False):
        make_article("Scheduled", published_at=published, corrections=[])
    with time_machine.travel(published + datetime.timedelta(days=1), tick=False):
        assert lastmods(client.get("/sitemap-articles.xml")) == ["2021-03-06"]


def test_lastmod_of_a_changed_article_is_its_change(client):
    article = make_article("Changed", published_at=at("2021-03-06 09:00"), corrections=[])
    Article.objects.filter(pk=article.pk).update(updated_at=at("2021-03-09 12:00"))
    assert lastmods(client.get("/sitemap-articles.xml")) == ["2021-03-09"]


# --- Languages: every article once, its published translations as alternates (issue 13) ---

XHTML = "{http://www.w3.org/1999/xhtml}"


def alternates_by_location(response):
    """{<loc>: {hreflang: href}} of a sitemap, read by a real parser."""
    assert response.status_code == 200
    return {
        url.findtext(f"{SM}loc"): {
            link.get("hreflang"): link.get("href")
            for link in url.iter(f"{XHTML}link")
            if link.get("rel") == "alternate"
        }
        for url in ET.fromstring(response.content).iter(f"{SM}url")
    }


def absolute(article):
    return f"http://testserver{article.get_absolute_url()}"


def make_translated_story():
    """An English original, published in Sorani and Arabic, with a Kurmanji draft."""
    original = make_article("Two bridges reopen in Erbil", language="en")
    sorani = make_article("دوو پرد لە هەولێر کرانەوە", language="ckb", translation_of=original)
    arabic = make_article("إعادة افتتاح جسرين في أربيل", language="ar", translation_of=original)
    draft = make_article(
        "Du pir li Hewlêrê hatin vekirin", language="kmr", translation_of=original,
        status=Article.Status.DRAFT, published_at=at("2020-03-09 12:00"),
    )  # fmt: skip
    return original, sorani, arabic, draft


def test_each_published_version_is_listed_once_with_every_published_version_as_alternate(
    client,
):
    original, sorani, arabic, draft = make_translated_story()
    listed = alternates_by_location(client.get("/sitemap-articles.xml"))
    assert sorted(listed) == sorted(absolute(a) for a in (original, sorani, arabic))
    expected = {
        "en": absolute(original),
        "ckb": absolute(sorani),
        "ar": absolute(arabic),
        "x-default": absolute(original),
    }
    for location, alternates in listed.items():
        assert alternates == expected, location
    assert absolute(draft) not in client.get("/sitemap-articles.xml").content.decode()


def test_alternates_are_in_the_newsrooms_order_of_languages(client):
    make_translated_story()
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)
    first = next(root.iter(f"{SM}url"))
    order = [link.get("hreflang") for link in first.iter(f"{XHTML}link")]
    assert order == ["en", "ckb", "ar", "x-default"]


def test_an_article_in_one_language_has_no_alternates(client):
    make_article("Alone", language="en")
    make_article("تەنیا", language="ckb")
    listed = alternates_by_location(client.get("/sitemap-articles.xml"))
    assert list(listed.values()) == [{}, {}]


def test_translations_of_an_unpublished_original_name_each_other_and_no_x_default(client):
    original = make_article("Embargoed", language="en", status=Article.Status.DRAFT)
    sorani = make_article("دوو پرد", language="ckb", translation_of=original)
    arabic = make_article("جسران", language="ar", translation_of=original)
    listed = alternates_by_location(client.get("/sitemap-articles.xml"))
    expected = {"ckb": absolute(sorani), "ar": absolute(arabic)}
    assert listed == {absolute(sorani): expected, absolute(arabic): expected}


def test_a_scheduled_translation_is_no_alternate_until_it_is_due(client):
    original = make_article("Now", language="en")
    make_article(
        "دواتر", language="ckb", translation_of=original,
        published_at=timezone.now() + datetime.timedelta(hours=2),
    )  # fmt: skip
    assert alternates_by_location(client.get("/sitemap-articles.xml")) == {absolute(original): {}}


def test_the_article_sitemap_reads_alternates_in_one_query_however_many_stories(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_translated_story()
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap-articles.xml")
    for _ in range(3):
        make_translated_story()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/sitemap-articles.xml")
    assert len(alternates_by_location(response)) == 12
    assert len(many) == len(few)


def test_the_news_sitemap_gives_each_articles_language_and_keywords_in_it(client):
    recent = timezone.now() - datetime.timedelta(hours=1)
    english = make_article("Bridges reopen", language="en", tags=["Security"], published_at=recent)
    sorani = make_article("پردەکان کرانەوە", language="ckb", tags=["Security"],
                          published_at=recent - datetime.timedelta(minutes=1))  # fmt: skip
    kurmanji = make_article("Pir hatin vekirin", language="kmr", tags=["Security"],
                            published_at=recent - datetime.timedelta(minutes=2))  # fmt: skip
    Tag.objects.filter(name="Security").update(names={"ckb": "ئاسایش", "kmr": "Ewlehî"})
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    found = [
        (url.findtext(f"{SM}loc"), url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language"),
         url.findtext(f"{NEWS}news/{NEWS}keywords"))
        for url in root.iter(f"{SM}url")
    ]  # fmt: skip
    assert found == [
        (absolute(english), "en", "Security"),
        (absolute(sorani), "ckb", "ئاسایش"),
        (absolute(kurmanji), "kmr", "Ewlehî"),
    ]


def test_the_news_sitemap_leaves_out_unpublished_translations(client):
    original = make_article(
        "Bridges reopen", language="en", published_at=timezone.now() - datetime.timedelta(hours=2)
    )
    make_article("پردەکان", language="ckb", translation_of=original, status=Article.Status.DRAFT,
                 published_at=timezone.now() - datetime.timedelta(hours=1))  # fmt: skip
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert [loc.text for loc in root.iter(f"{SM}loc")] == [absolute(original)]


# Places, tags, bylines and pages in each edition, under each language's prefix.


def test_a_tag_is_listed_in_the_editions_that_publish_articles_with_it(client):
    make_article("Oil exports rose", language="en", tags=["Oil"])
    make_article("هەناردەی نەوت زیادی کرد", language="ckb", tags=["Oil"])
    make_article("ارتفعت صادرات النفط", language="ar", tags=["Oil"], status=Article.Status.DRAFT)
    expected = {
        "en": "http://testserver/tags/oil/",
        "ckb": "http://testserver/ckb/tags/oil/",
        "x-default": "http://testserver/tags/oil/",
    }
    listed = alternates_by_location(client.get("/sitemap-tags.xml"))
    assert listed == {expected["en"]: expected, expected["ckb"]: expected}


def test_a_byline_is_listed_in_its_articles_editions(client):
    make_article("خبر", language="ar", bylines=["Rebin Fatah"])
    listed = alternates_by_location(client.get("/sitemap-bylines.xml"))
    assert list(listed) == ["http://testserver/ar/bylines/rebin-fatah/"]


def test_a_place_is_listed_in_every_edition_with_the_others_as_alternates(client):
    listed = alternates_by_location(client.get("/sitemap-regions.xml"))
    expected = {
        "en": "http://testserver/regions/erbil-city/",
        "ckb": "http://testserver/ckb/regions/erbil-city/",
        "kmr": "http://testserver/kmr/regions/erbil-city/",
        "ar": "http://testserver/ar/regions/erbil-city/",
        "x-default": "http://testserver/regions/erbil-city/",
    }
    for language in ("en", "ckb", "kmr", "ar"):
        assert listed[expected[language]] == expected


def test_the_home_page_of_each_edition_is_listed(client):
    listed = alternates_by_location(client.get("/sitemap-pages.xml"))
    for home in ("/", "/ckb/", "/kmr/", "/ar/"):
        assert listed[f"http://testserver{home}"]["x-default"] == "http://testserver/"
