"""Property: on every public surface, exactly the published, due articles appear.

Hypothesis builds archives of articles in every state with random places, tags, bylines
and dates; each surface is then read as a reader would (anonymous client) and compared
with what the one visibility rule allows. Add each new public surface here."""

import datetime
import re

from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles.models import Article
from tests.factories import make_article, make_byline, make_tag

STATES = ["draft", "review", "withdrawn", "scheduled", "published"]
REGIONS = ["erbil-city", "makhmour", "duhok", "baghdad"]
REGION_FILTERS = ["iraq", "kurdistan-region", "nineveh", "erbil", "duhok", "baghdad"]
CONTAINS = {
    "iraq": set(REGIONS),
    "kurdistan-region": {"erbil-city", "duhok"},
    "nineveh": {"makhmour"},
    "erbil": {"erbil-city"},
    "duhok": {"duhok"},
    "baghdad": {"baghdad"},
}
TAGS = ["Security", "Oil"]
BYLINES = ["Jane Reporter", "Kurdistan 24"]
DAYS = [datetime.date(2020, 3, 9), datetime.date(2020, 3, 10), datetime.date(2021, 1, 5)]
TOKEN = re.compile(r"Story(\d+)x")

article_specs = st.lists(
    st.fixed_dictionaries(
        {
            "state": st.sampled_from(STATES),
            "regions": st.sets(st.sampled_from(REGIONS), max_size=2),
            "tags": st.sets(st.sampled_from(TAGS), max_size=2),
            "bylines": st.lists(st.sampled_from(BYLINES), max_size=2, unique=True),
            "day": st.sampled_from(DAYS),
            "hour": st.integers(0, 23),
        }
    ),
    min_size=1,
    max_size=8,
)


def build(specs):
    now = timezone.now()
    built = []
    for index, spec in enumerate(specs):
        published_at = timezone.make_aware(
            datetime.datetime.combine(spec["day"], datetime.time(spec["hour"], 30))
        )
        status = Article.Status.PUBLISHED
        if spec["state"] in ("draft", "review", "withdrawn"):
            status = spec["state"]
        if spec["state"] == "scheduled":
            published_at = now + datetime.timedelta(days=1 + index)
        article = make_article(
            f"Story{index}x about things",
            slug=f"story-{index}",
            body=f"Common words and the marker Story{index}x.",
            status=status,
            published_at=published_at,
            regions=sorted(spec["regions"]),
            tags=[make_tag(t) for t in sorted(spec["tags"])],
            bylines=[make_byline(b) for b in spec["bylines"]],
        )
        built.append((article, spec))
    return built


def tokens(html):
    return {int(n) for n in TOKEN.findall(html)}


def shown_count(html):
    match = re.search(r"([\d,]+) articles? (?:match|about|\.)", html)
    return int(match.group(1).replace(",", "")) if match else None


class NoLeakTests(TestCase):
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(article_specs)
    def test_only_published_due_articles_appear_anywhere(self, specs):
        for cache in caches.all():  # each example rolls back to an archive version seen before
            cache.clear()
        built = build(specs)
        client = Client()
        visible = {i for i, (_, spec) in enumerate(built) if spec["state"] == "published"}

        def check_list(url, expected, counted=True):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert tokens(html) == expected, url
            if counted:
                assert shown_count(html) == len(expected), url
            return response

        def check_subject(url, expected):
            """A tag or byline page or feed: its articles, or a 404 if none is public."""
            response = client.get(url)
            assert response.status_code == (200 if expected else 404), url
            if expected:
                assert tokens(response.content.decode()) == expected, url

        check_list("/", visible, counted=False)
        for feed in ("/feed/", "/feed/atom/"):
            check_list(feed, visible, counted=False)
        sitemap = client.get("/sitemap-articles.xml").content.decode()
        assert {int(n) for n in re.findall(r"/story-(\d+)/", sitemap)} == visible
        news = client.get("/news-sitemap.xml").content.decode()
        assert {int(n) for n in re.findall(r"/story-(\d+)/", news)} <= visible
        context = check_list("/articles/", visible).context
        check_list("/articles/?q=marker", visible)
        facets = {f.label: f.count for f in context["region_facets"]}
        assert facets.get("Iraq", 0) == len([i for i in visible if built[i][1]["regions"]])
        assert {f.label: f.count for f in context["tag_facets"]} == {
            tag: n for tag in TAGS if (n := len([i for i in visible if tag in built[i][1]["tags"]]))
        }
        assert sum(year.count for year in context["date_facets"]) == len(visible)
        bars = context["histogram"]["bars"] if context["histogram"] else []
        assert sum(bar.count for bar in bars) == len(visible)
        for region in REGION_FILTERS:
            expected = {i for i in visible if built[i][1]["regions"] & CONTAINS[region]}
            check_list(f"/articles/?region={region}", expected)
            check_list(f"/regions/{region}/", expected)
            check_list(f"/regions/{region}/feed/", expected, counted=False)
        for tag in TAGS:
            expected = {i for i in visible if tag in built[i][1]["tags"]}
            slug = tag.lower()
            if expected:
                check_list(f"/articles/?tag={slug}", expected)
            else:  # a tag on no public article does not exist for the public
                assert client.get(f"/articles/?tag={slug}").status_code == 400
            check_subject(f"/tags/{slug}/", expected)
            check_subject(f"/tags/{slug}/feed/", expected)
        for byline in BYLINES:
            expected = {i for i in visible if byline in built[i][1]["bylines"]}
            slug = byline.lower().replace(" ", "-")
            check_subject(f"/bylines/{slug}/", expected)
            check_subject(f"/bylines/{slug}/feed/atom/", expected)
        tag_index = client.get("/tags/").content.decode()
        byline_index = client.get("/bylines/").content.decode()
        for tag in TAGS:
            used = any(tag in built[i][1]["tags"] for i in visible)
            assert (f">{tag}<" in tag_index) == used
        for byline in BYLINES:
            used = any(byline in built[i][1]["bylines"] for i in visible)
            assert (f">{byline}<" in byline_index) == used
        for day in DAYS:
            expected = {i for i in visible if built[i][1]["day"] == day}
            for url in (f"/articles/{day:%Y/%m/%d}/", f"/articles/?date={day:%Y-%m-%d}"):
                response = client.get(url)
                if url.startswith("/articles/?"):
                    check_list(url, expected)
                else:
                    assert response.status_code == (200 if expected else 404), url
                    if expected:
                        assert tokens(response.content.decode()) == expected
            for url in (f"/articles/{day:%Y/%m}/", f"/articles/{day:%Y}/"):
                response = client.get(url)
                if response.status_code == 200:
                    shown = tokens(response.content.decode())
                    assert shown <= visible and shown, url
        for i, (article, _) in enumerate(built):
            local = timezone.localtime(article.published_at)
            url = f"/articles/{local:%Y/%m/%d}/{article.slug}/"
            assert client.get(url).status_code == (200 if i in visible else 404), url
            assert client.get(article.get_preview_url()).status_code == 404
