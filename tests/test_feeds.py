import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles.models import Article
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
