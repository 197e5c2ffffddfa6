import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles.models import Article
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
