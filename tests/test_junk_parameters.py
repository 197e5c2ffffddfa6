"""Unknown query parameters: dropped from every link and from the page cache's keys, so
a query string of junk neither multiplies a page's size nor fills memory with copies."""

import re
from urllib.parse import parse_qsl, urlencode

import pytest
from django.core.cache import caches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles.querystring import canonical_query
from tests.cache_contents import keys
from tests.factories import at, make_article

pytestmark = pytest.mark.django_db

JUNK = urlencode([(f"x{n}", "y" * 2) for n in range(900)])


@pytest.fixture
def archive():
    for month in range(1, 13):
        make_article(
            regions=["erbil-city"], tags=["Oil"], published_at=at(f"2019-{month:02}-09 12:00")
        )
    make_article("Floods in Duhok", regions=["duhok"], published_at=at("2020-03-09 12:00"))


def links(html):
    return re.findall(r'href="([^"]*\?[^"]*)"', html)


KNOWN = {"q", "language", "region", "tag", "byline", "date", "from", "to", "page"}


def linked_names(href):
    query = href.split("?", 1)[1].replace("&amp;", "&")
    return {name for name, _ in parse_qsl(query, keep_blank_values=True)}


def test_links_carry_the_filters_in_force_and_nothing_else(client, settings, archive):
    settings.ARTICLES_PER_PAGE = 5
    response = client.get(f"/articles/?{JUNK}&tag=oil&region=erbil-city&utm_source=mail")
    html = response.content.decode()
    hrefs = links(html)
    assert len(hrefs) > 20  # facets, histogram, chips, pages, exports
    for href in hrefs:
        assert linked_names(href) <= KNOWN, href
    plain = client.get("/articles/?tag=oil&region=erbil-city").content
    assert len(response.content) == len(plain)


def test_a_repeated_parameter_is_linked_as_the_view_reads_it(client, archive):
    response = client.get("/articles/?region=duhok&region=erbil-city&page=1", follow=True)
    html = response.content.decode()
    assert "Floods in Duhok" not in html  # the last value is the one in force
    assert "region=duhok" not in html
    assert "region=erbil-city" in html


def test_junk_parameters_share_the_page_of_the_known_ones(
    client, archive, django_assert_num_queries
):
    pages = caches["pages"]
    first = client.get("/articles/?region=erbil-city&tag=oil")
    stored = len(keys(pages))
    for n in range(30):
        # Junk, another order, a repeat resolved to the same value, an empty filter.
        url = f"/articles/?junk{n}=1&tag=oil&region=duhok&region=erbil-city&q=&x=%D9%85"
        with django_assert_num_queries(1):  # the archive version: served from the cache
            response = client.get(url)
        assert response.content == first.content
    assert len(keys(pages)) == stored
    paths = [
        "/", make_article().get_absolute_url(), "/regions/", "/articles/2019/", "/feed/",
        "/feed/atom/", "/sitemap.xml", "/sitemap-articles.xml", "/news-sitemap.xml",
    ]  # fmt: skip
    for path in paths:
        before = len(keys(pages))
        client.get(path)
        entries = len(keys(pages))
        assert entries > before, path  # the page was cached
        for junk in (JUNK, "utm_source=feed&page="):
            with django_assert_num_queries(1):  # the archive version: served from the cache
                client.get(f"{path}?{junk}")
        assert len(keys(pages)) == entries, path


def test_every_page_keeps_the_search_box_text_it_shows(client, archive):
    assert 'value="floods"' in client.get("/?q=floods").content.decode()
    assert 'value="bridges"' in client.get("/?q=bridges&junk=1").content.decode()
    assert 'value="floods"' not in client.get("/?junk=2").content.decode()


def test_a_view_that_does_not_name_its_parameters_is_not_cached_by_query(client, archive):
    pages = caches["pages"]
    client.get("/robots.txt")
    entries = len(keys(pages))
    for n in range(5):
        assert client.get(f"/robots.txt?n={n}").status_code == 200
    assert len(keys(pages)) == entries


names = st.sampled_from(["q", "region", "tag", "page", "junk", "from", "x"])
values = st.one_of(st.just(""), st.text(max_size=8), st.sampled_from(["oil", "\u0645", "1"]))
queries = st.lists(st.tuples(names, values), max_size=12)


@given(query=queries, shuffled=st.randoms())
def test_the_canonical_form_depends_only_on_what_the_view_reads(query, shuffled):
    from django.http import QueryDict

    known = ("q", "region", "tag", "page")
    original = QueryDict(urlencode(query), mutable=True)
    canonical = canonical_query(original, known)
    assert list(canonical) == [n for n in known if original.get(n)]
    for name in canonical:
        assert canonical.getlist(name) == [original[name]]  # the last value, once
    # Unknown parameters and the order of different names change nothing.
    kept = [(n, v) for n, v in query if n in known]
    others = [(n, v) for n, v in query if n not in known]
    by_name = {n: [(m, v) for m, v in kept if m == n] for n in known}
    order = list(known)
    shuffled.shuffle(order)
    reordered = [pair for n in order for pair in by_name[n]] + others[::-1]
    again = canonical_query(QueryDict(urlencode(reordered)), known)
    assert again.urlencode() == canonical.urlencode()


class JunkQueryStringFuzz(TestCase):
    """Pages with drawn junk and repeated parameters: never a 500, never a junk link."""

    @classmethod
    def setUpTestData(cls):
        make_article(regions=["erbil-city"], tags=["Oil"])

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(query=queries)
    def test_pages_link_only_known_parameters(self, query):
        for cache in caches.all():
            cache.clear()
        response = self.client.get("/articles/?" + urlencode(query))
        assert response.status_code in (200, 302, 400, 404)  # 302: a name to its slug
        for href in links(response.content.decode()):
            assert linked_names(href) <= KNOWN, href
