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
