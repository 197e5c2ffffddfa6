import datetime
import json
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Byline, Region, Tag
from tests.factories import (
    ARABIC_HEADLINE,
    at,
    make_article,
    make_byline,
    make_translations,
    region,
)

pytestmark = pytest.mark.django_db


def test_gazetteer_has_the_plain_slugs_the_site_links_to():
    slugs = set(Region.objects.values_list("slug", flat=True))
    assert {"iraq", "kurdistan-region", "erbil", "duhok", "nineveh", "salahuddin"} <= slugs
    assert {"makhmour", "kirkuk", "sulaimani", "halabja", "qarachugh-mountain"} <= slugs


def test_region_path_follows_the_tree():
    assert region("erbil").path == "iraq/kurdistan-region/erbil/"
    assert region("qarachugh-mountain").path == "iraq/nineveh/makhmour/qarachugh-mountain/"
    assert region("erbil").depth == 2


def test_region_ancestors_are_outermost_first():
    names = [r.slug for r in region("erbil-city").ancestors()]
    assert names == ["iraq", "kurdistan-region", "erbil"]


def test_moving_a_region_moves_every_place_inside_it():
    makhmour = region("makhmour")
    makhmour.parent = region("erbil")
    makhmour.save()
    assert region("qarachugh-mountain").path == (
        "iraq/kurdistan-region/erbil/makhmour/qarachugh-mountain/"
    )
    assert region("qarachugh-mountain").depth == 4


def test_a_region_cannot_be_moved_inside_itself():
    from django.core.exceptions import ValidationError

    iraq = region("iraq")
    iraq.parent = region("erbil")
    with pytest.raises(ValidationError):
        iraq.full_clean()


def test_published_excludes_drafts_review_withdrawn_and_scheduled():
    visible = make_article("Visible")
    make_article("Draft", status=Article.Status.DRAFT)
    make_article("In review", status=Article.Status.REVIEW)
    make_article("Withdrawn", status=Article.Status.WITHDRAWN, published_at=at("2020-01-01 10:00"))
    make_article("Scheduled", published_at=timezone.now() + datetime.timedelta(hours=1))
    assert list(Article.objects.published()) == [visible]


def test_scheduled_article_appears_when_its_time_comes():
    article = make_article(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert not Article.objects.published().exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert list(Article.objects.published()) == [article]


def test_in_region_includes_places_inside_the_region():
    about_makhmour = make_article(regions=["makhmour"])
    about_duhok = make_article(regions=["duhok"])
    assert list(Article.objects.in_region(region("nineveh"))) == [about_makhmour]
    assert set(Article.objects.in_region(region("iraq"))) == {about_makhmour, about_duhok}
    assert list(Article.objects.in_region(region("kurdistan-region"))) == [about_duhok]


def test_in_region_lists_an_article_once_however_many_places_match():
    make_article(regions=["makhmour", "nineveh", "mosul"])
    assert Article.objects.in_region(region("iraq")).count() == 1


def test_bylines_keep_their_order():
    article = make_article(bylines=["Zed Writer", "Amy Writer"])
    assert [b.name for b in article.ordered_bylines] == ["Zed Writer", "Amy Writer"]


def test_absolute_url_uses_the_newsroom_day_not_utc():
    # 01:30 in Baghdad on 10 March is still 9 March in UTC.
    article = make_article("Late story", slug="late-story", published_at=at("2020-03-10 01:30"))
    assert article.get_absolute_url() == "/articles/2020/03/10/late-story/"


def test_draft_without_date_has_no_public_url():
    assert make_article(status=Article.Status.DRAFT).get_absolute_url() is None


def test_body_is_rendered_to_sanitized_html_on_save():
    article = make_article(body="First *para*.\n\n<script>alert(1)</script>Second.")
    assert "<em>para</em>" in article.body_html
    assert "<script" not in article.body_html
    assert "alert(1)" not in article.body_html


def test_slug_is_made_from_the_headline_when_empty():
    article = Article.objects.create(headline="Floods in Duhok", status=Article.Status.DRAFT)
    assert article.slug == "floods-in-duhok"


def test_tags_and_bylines_in_use_only_count_public_articles():
    public, secret = Tag.objects.create(name="Public", slug="public"), None
    secret = Tag.objects.create(name="Secret merger", slug="secret-merger")
    make_article(tags=[public], bylines=["Seen Writer"])
    make_article(status=Article.Status.DRAFT, tags=[secret], bylines=["Hidden Writer"])
    assert list(Tag.objects.in_use()) == [public]
    assert list(Byline.objects.in_use()) == [make_byline("Seen Writer")]


def test_related_articles_prefer_more_shared_regions_and_tags():
    article = make_article(language="en", regions=["makhmour", "nineveh"], tags=["ISIS"])
    closest = make_article(language="en", regions=["makhmour", "nineveh"], tags=["ISIS"])
    near = make_article(language="en", regions=["makhmour"])
    make_article(language="en", regions=["duhok"], tags=[])
    make_article(
        language="en", status=Article.Status.DRAFT, regions=["makhmour", "nineveh"], tags=["ISIS"]
    )
    assert list(article.related()) == [closest, near]


def test_related_articles_come_from_the_half_year_before():
    article = make_article(language="en", regions=["makhmour"], published_at=at("2020-03-09 13:00"))
    earlier = make_article(language="en", regions=["makhmour"], published_at=at("2020-01-09 13:00"))
    make_article(language="en", regions=["makhmour"], published_at=at("2019-01-09 13:00"))
    make_article(language="en", regions=["makhmour"], published_at=at("2020-03-10 13:00"))
    assert list(article.related()) == [earlier]


def test_related_articles_are_in_the_articles_language_without_its_translations():
    article = make_article(language="en", regions=["makhmour"], tags=["ISIS"])
    same_language = make_article(language="en", regions=["makhmour"])
    make_article(language="ckb", regions=["makhmour"], tags=["ISIS"])  # another edition's
    make_translations(article, languages=["ar", "kmr"])
    assert list(article.related()) == [same_language]


def test_related_articles_score_only_the_nearest_candidates(monkeypatch):
    monkeypatch.setattr(Article, "RELATED_CANDIDATES", 1)
    article = make_article(
        language="en", regions=["makhmour"], tags=["ISIS"], published_at=at("2020-03-09 13:00")
    )
    nearest = make_article(language="en", regions=["makhmour"], published_at=at("2020-03-08 13:00"))
    make_article(
        language="en", regions=["makhmour"], tags=["ISIS"], published_at=at("2020-03-01 13:00")
    )
    assert list(article.related()) == [nearest]


def test_related_articles_look_only_at_the_nearest_articles_of_the_language(monkeypatch):
    # A rare place's article does not walk half a year of the archive: the scan stops.
    monkeypatch.setattr(Article, "RELATED_SCAN", 3)
    article = make_article(
        language="en", regions=["makhmour"], tags=[], published_at=at("2020-03-09 13:00")
    )
    for day in range(1, 4):
        make_article(
            language="en", regions=["duhok"], tags=[], published_at=at(f"2020-03-0{day} 13:00")
        )
    make_article(language="ckb", regions=["duhok"], tags=[], published_at=at("2020-03-08 13:00"))
    beyond = make_article(
        language="en", regions=["makhmour"], tags=[], published_at=at("2020-02-01 13:00")
    )
    assert article.related() == []
    monkeypatch.setattr(Article, "RELATED_SCAN", 4)
    assert article.related() == [beyond]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan: CI runs it there")
def test_related_articles_read_a_bounded_window_of_the_date_index():
    article = make_article(language="en", regions=["makhmour", "erbil"], tags=["ISIS", "Oil"])
    for day in range(1, 40):
        make_article(language="en", regions=["makhmour" if day % 3 else "duhok"], tags=["Oil"],
                     published_at=article.published_at - datetime.timedelta(days=day))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article, articles_article_regions, articles_article_tags")
    article = Article.objects.for_article_page().get(pk=article.pk)  # its places and tags read
    with CaptureQueriesContext(connection) as queries:
        related = article.related()
    assert len(related) == 5 and len(queries) == 1
    with connection.cursor() as cursor:
        # However small the tables, the plan must have index paths to take: the ordered
        # date index for the window, the links' article_id indexes for the probes.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + queries[0]["sql"])
        ((plan,),) = cursor.fetchone()

    def nodes(node, parent=None):
        yield node, parent
        for child in node.get("Plans", []):
            yield from nodes(child, node)

    scans = [(n, p) for n, p in nodes(plan["Plan"]) if "Scan" in n["Node Type"]]
    # The language's date index, or (when the planner's statistics take the archive for
    # one language, as after a generated archive's ANALYZE) the published articles' one.
    dated = ("article_language_idx", "article_published_idx")
    window = [(n, p) for n, p in scans if n.get("Index Name") in dated]
    assert len(window) == 1, [(n.get("Index Name"), n["Node Type"]) for n, _ in scans]
    scan, limit = window[0]
    assert limit["Node Type"] == "Limit" and scan["Actual Rows"] <= Article.RELATED_SCAN
    # The links are probed per article (by article_id), never read per place or tag.
    links = [n for n, _ in scans if n.get("Relation Name", "").startswith("articles_article_")]
    assert links and all("article_id" in n.get("Index Cond", "") for n in links), links


# --- scheduled articles ----------------------------------------------------------------------


def test_a_published_article_due_later_is_scheduled_until_it_is_due():
    with time_machine.travel(at("2020-03-10 12:00"), tick=False):
        scheduled = make_article(ARABIC_HEADLINE, published_at=at("2020-03-12 09:00"))
        live = make_article("Live story", published_at=at("2020-03-09 13:00"))
        draft = make_article(
            "Draft for later", status=Article.Status.DRAFT, published_at=at("2020-03-12 09:00")
        )
        assert list(Article.objects.scheduled()) == [scheduled]
        assert [a.is_scheduled for a in (scheduled, live, draft)] == [True, False, False]
    with time_machine.travel(at("2020-03-12 09:00"), tick=False):
        assert not Article.objects.scheduled().exists()
        assert not scheduled.is_scheduled
        assert scheduled in Article.objects.published()


# --- publication dates outside 1900-2999 -----------------------------------------------------

UTC = datetime.UTC
OUT_OF_RANGE = [
    ("0001-01-01 00:30", "0001-01-01"),  # year 0 in UTC
    ("1899-12-31 23:59", "1899-12-31"),
    ("3000-01-01 00:00", "3000-01-01"),
    ("9999-12-31 23:00", "9999-12-31"),  # past year 9999 in UTC
]


@pytest.mark.parametrize(("local", "day"), OUT_OF_RANGE)
def test_clean_refuses_a_publication_date_outside_1900_to_2999(local, day):
    article = make_article(status=Article.Status.REVIEW)
    article.published_at = at(local)
    with pytest.raises(ValidationError) as refused:
        article.clean()
    assert refused.value.message_dict == {
        "published_at": [
            f"The publication date {day} is outside the years 1900 to 2999, which the "
            "archive can date and address an article by. Give a date within them."
        ]
    }


@pytest.mark.parametrize("local", ["1900-01-01 00:00", "2999-12-31 23:59"])
def test_clean_accepts_the_first_and_last_moments_of_the_years(local):
    article = make_article(published_at=at(local))
    article.clean()
    assert article.publication_date_error is None
    assert article.get_absolute_url().startswith(f"/articles/{local[:4]}/")


STORED = [
    datetime.datetime(1, 1, 1, 0, 30, tzinfo=UTC),  # 03:30 in Baghdad: still year 1
    datetime.datetime(1899, 12, 31, 20, 0, tzinfo=UTC),
    datetime.datetime(3000, 1, 1, 9, 0, tzinfo=UTC),
    datetime.datetime(9999, 12, 31, 23, 0, tzinfo=UTC),  # year 10000 in Baghdad
]


@pytest.mark.parametrize("moment", STORED, ids=lambda m: str(m.year))
def test_an_article_stored_out_of_range_loads_has_no_address_and_is_not_public(moment):
    live = make_article("Live story")
    stored = make_article("Dated out of range")
    Article.objects.filter(pk=stored.pk).update(published_at=moment, updated_at=moment)

    article = Article.objects.get(pk=stored.pk)  # loading it computed its address: no 500
    assert article.published_at == moment
    assert article.get_absolute_url() is None
    assert "outside the years 1900 to 2999" in article.publication_date_error
    assert not article.is_public and not article.is_scheduled
    assert list(Article.objects.published()) == [live]
    assert not Article.objects.scheduled().exists()
    assert list(Article.objects.with_publication_date_error()) == [article]
    assert list(article.related()) == []
    # Templates show its times (as stored, in UTC, where Baghdad's would pass 9999).
    shown = Template("{{ a.published_at|date:'Y-m-d' }} {{ a.updated_at }}").render(
        Context({"a": article})
    )
    assert shown.startswith(f"{moment.year:04d}-")


# --- Modification times: never before publication (issue 12, fault 5) --------------------


def test_modified_at_is_the_later_of_the_last_save_and_the_publication():
    draft = make_article("Draft", status=Article.Status.DRAFT, corrections=[])
    assert draft.modified_at == draft.updated_at
    article = make_article("Story", published_at=at("2021-03-06 09:00"), corrections=[])
    Article.objects.filter(pk=article.pk).update(updated_at=at("2021-03-01 09:00"))
    article.refresh_from_db()
    assert article.modified_at == at("2021-03-06 09:00")
    Article.objects.filter(pk=article.pk).update(updated_at=at("2021-03-08 09:00"))
    article.refresh_from_db()
    assert article.modified_at == at("2021-03-08 09:00")


def meta_of(page, prop):
    found = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', page)
    return found and found[1]


def structured_data_of(page):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(found[1])


def test_a_page_saved_then_scheduled_says_it_was_modified_when_published(client):
    saved = at("2021-03-01 09:00")
    published = saved + datetime.timedelta(days=5)
    with time_machine.travel(saved, tick=False):
        article = make_article("Scheduled", published_at=published, corrections=[])
    with time_machine.travel(published + datetime.timedelta(days=1), tick=False):
        page = client.get(article.get_absolute_url()).content.decode()
    assert meta_of(page, "article:published_time") == "2021-03-06T09:00:00+03:00"
    assert meta_of(page, "article:modified_time") == "2021-03-06T09:00:00+03:00"
    data = structured_data_of(page)
    assert data["datePublished"] == data["dateModified"] == "2021-03-06T06:00:00+00:00"
    assert "Updated" not in page.split('<p class="meta">')[1].split("</p>")[0]


def test_a_page_changed_after_publication_says_when(client):
    article = make_article("Changed", published_at=at("2021-03-06 09:00"), corrections=[])
    Article.objects.filter(pk=article.pk).update(updated_at=at("2021-03-08 14:15"))
    page = client.get(article.get_absolute_url()).content.decode()
    assert meta_of(page, "article:modified_time") == "2021-03-08T14:15:00+03:00"
    assert structured_data_of(page)["dateModified"] == "2021-03-08T11:15:00+00:00"
    assert '· Updated <time datetime="2021-03-08T14:15:00+03:00">' in page
