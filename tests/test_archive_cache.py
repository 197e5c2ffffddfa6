import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.archive_cache import archive_version, cached_for_archive, history_boundary
from articles.bookkeeping import StatisticsFollowGrowth, install_version_triggers
from articles.models import Article, Region
from tests.factories import at, make_article, make_tag, region

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's own: SQLite's triggers move both versions on every change (it has "
    "no time zones) and it plans each statement afresh",
)


def version_number():
    return archive_version()[0]


def history_version():
    return archive_version()[1]


def removal_version():
    return archive_version()[3]


def count_shown(client, url="/articles/?language=all"):
    """The count a list shows: by default, the archive's, in every language."""
    return client.get(url).context["paginator"].count


def test_saving_an_article_moves_the_archive_version():
    article = make_article()
    before = version_number()
    article.headline = "Changed"
    article.save()
    assert version_number() > before


def test_tagging_an_article_moves_the_archive_version():
    article = make_article()
    before = version_number()
    article.tags.add(make_tag("Floods"))
    assert version_number() > before


def test_a_bulk_update_moves_the_archive_version():
    make_article()
    before = version_number()
    Article.objects.update(status=Article.Status.WITHDRAWN)
    assert version_number() > before


def test_renaming_a_region_moves_the_archive_version():
    before = version_number()
    Region.objects.filter(slug="duhok").update(name="Dohuk")
    assert version_number() > before


def test_installing_the_triggers_twice_keeps_one_state_row():
    install_version_triggers(connection)
    install_version_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM articles_archivestate")
        assert cursor.fetchone() == (1,)


def test_cached_value_is_reused_until_the_archive_changes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_for_archive(("test",), compute) == 1
    assert cached_for_archive(("test",), compute) == 1
    make_article()
    assert cached_for_archive(("test",), compute) == 2


def test_a_repeated_list_skips_the_counting_queries(client, django_assert_max_num_queries):
    for _ in range(3):
        make_article(regions=["duhok"], tags=["Floods"])
    client.get("/articles/?region=kurdistan-region")
    with django_assert_max_num_queries(6) as captured:
        client.get("/articles/?region=kurdistan-region")
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_list_count_follows_a_new_article_at_once(client):
    make_article()
    assert count_shown(client) == 1
    make_article()
    assert count_shown(client) == 2


def test_list_count_drops_an_unpublished_article_at_once(client):
    make_article()
    kept = make_article()
    assert count_shown(client) == 2
    Article.objects.filter(pk=kept.pk).update(status=Article.Status.DRAFT)
    assert count_shown(client) == 1


def test_facets_drop_an_unpublished_article_at_once(client):
    make_article(tags=["Floods"])
    hidden = make_article(tags=["Floods"])
    every_language = "/articles/?language=all"
    assert client.get(every_language).context["tag_facets"][0].count == 2
    Article.objects.filter(pk=hidden.pk).update(status=Article.Status.WITHDRAWN)
    assert client.get(every_language).context["tag_facets"][0].count == 1


def test_list_count_includes_a_scheduled_article_once_it_is_due(client):
    make_article()
    make_article(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert count_shown(client) == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert count_shown(client) == 2


def test_region_page_count_follows_unpublishing(client):
    make_article(regions=["duhok"])
    hidden = make_article(regions=["duhok"])
    assert count_shown(client, "/regions/duhok/?language=all") == 2
    hidden.status = Article.Status.DRAFT
    hidden.save()
    assert count_shown(client, "/regions/duhok/?language=all") == 1


def test_saving_a_draft_leaves_the_archive_version_alone():
    draft = make_article(status=Article.Status.DRAFT)
    tag = make_tag("Floods")
    before = version_number()
    draft.headline = "Still a draft"
    draft.save()
    draft.tags.add(tag)
    assert version_number() == before


def test_publishing_a_draft_moves_the_archive_version():
    draft = make_article(status=Article.Status.DRAFT, published_at=timezone.now())
    before = version_number()
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.PUBLISHED)
    assert version_number() > before


def test_deleting_a_published_article_moves_the_archive_version():
    article = make_article(tags=["Floods"])
    before = version_number()
    article.delete()
    assert version_number() > before


def test_cached_facet_column_follows_an_unpublished_article(client, settings):
    settings.PAGE_CACHE = False  # the fragment cache alone
    make_article(tags=["Floods"])
    hidden = make_article(tags=["Floods"])
    every_language = "/articles/?language=all"
    assert 'Floods</a> <span class="count">2</span>' in client.get(every_language).content.decode()
    Article.objects.filter(pk=hidden.pk).update(status=Article.Status.DRAFT)
    html = client.get(every_language).content.decode()
    assert 'Floods</a> <span class="count">1</span>' in html


def test_cached_filter_form_shows_each_query_strings_own_choices(client, settings):
    settings.PAGE_CACHE = False  # the fragment cache alone
    make_article(regions=["erbil"])
    make_article(regions=["duhok"])
    erbil = client.get("/articles/", {"region": "erbil"}).content.decode()
    duhok = client.get("/articles/", {"region": "duhok"}).content.decode()
    assert '<option value="erbil" selected>' in erbil
    assert '<option value="duhok" selected>' in duhok
    assert '<option value="erbil" selected>' not in duhok


def test_cached_filter_form_offers_a_place_added_to_the_gazetteer(client, settings):
    settings.PAGE_CACHE = False  # the fragment cache alone
    make_article(regions=["erbil"])
    assert '<option value="bastora">' not in client.get("/articles/").content.decode()
    Region.objects.create(
        name="Bastora", slug="bastora", kind=Region.Kind.CITY, parent=region("erbil")
    )
    assert '<option value="bastora">' in client.get("/articles/").content.decode()


def test_a_computation_may_read_other_cached_values():
    def inner():
        return cached_for_archive(("inner",), lambda: 2)

    assert cached_for_archive(("outer",), lambda: inner() + 1) == 3


@time_machine.travel(at("2024-05-20 10:00"))
def test_months_are_over_from_the_start_of_this_month():
    assert history_boundary() == at("2024-05-01 00:00")


@time_machine.travel(at("2024-05-01 10:00"))
def test_on_the_first_of_a_month_last_month_is_not_yet_over():
    assert history_boundary() == at("2024-04-01 00:00")


def test_changing_an_article_of_a_past_month_moves_the_history_version():
    article = make_article(published_at=at("2019-05-01 12:00"))
    before = history_version()
    Article.objects.filter(pk=article.pk).update(headline="Corrected")
    assert history_version() > before


def test_tagging_an_article_of_a_past_month_moves_the_history_version():
    article = make_article(published_at=at("2019-05-01 12:00"))
    before = history_version()
    article.tags.add(make_tag("Floods"))
    assert history_version() > before


@on_postgresql
def test_a_story_published_now_leaves_the_history_version_alone():
    floods = make_tag("Floods")
    # Any write to the tags or bylines moves both versions: the story's names exist already.
    make_article("An earlier story", tags=[floods], published_at=timezone.now())
    before = history_version()
    make_article("A story now", tags=[floods], regions=["duhok"], published_at=timezone.now())
    assert history_version() == before


def test_past_months_are_counted_again_after_a_change_to_one(client):
    make_article(published_at=at("2019-05-01 12:00"))
    hidden = make_article(published_at=at("2019-06-01 12:00"))
    make_article()
    assert count_shown(client) == 3
    Article.objects.filter(pk=hidden.pk).update(status=Article.Status.DRAFT)
    assert count_shown(client) == 2


def test_a_region_page_counts_a_new_story_beside_its_cached_past(client):
    make_article(published_at=at("2019-05-01 12:00"), regions=["duhok"])
    assert count_shown(client, "/regions/duhok/?language=all") == 1
    make_article(regions=["duhok"])
    assert count_shown(client, "/regions/duhok/?language=all") == 2
    assert client.get("/articles/?region=duhok&language=all").context["result_count"] == 2


@on_postgresql
def test_a_search_count_is_not_cached_with_the_past(client, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 2)
    for month in ("2019-05-01", "2019-06-01"):
        make_article(body="The dam held.", published_at=at(f"{month} 12:00"))
    dam = "/articles/?q=dam&language=all"
    assert client.get(dam).context["result_count"] == 2
    make_article(body="The dam broke.")
    # The newest two matches are now one old and one new: the old pair is not reused.
    assert client.get(dam).context["result_count"] == 2


def test_a_renamed_place_is_shown_at_once_in_the_facets(client):
    make_article(regions=["duhok"])
    labels = [facet.label for facet in client.get("/articles/").context["region_facets"]]
    assert "Duhok" in labels
    Region.objects.filter(slug="duhok").update(name="Dohuk")
    labels = [facet.label for facet in client.get("/articles/").context["region_facets"]]
    assert "Dohuk" in labels


def test_the_compiled_version_query_asks_about_the_present():
    make_article()
    scheduled = make_article(published_at=at("2030-06-01 12:00"))
    assert archive_version()[2] != scheduled.pk  # compiled now, then reused
    with time_machine.travel(at("2031-01-01 12:00"), tick=False):
        assert archive_version()[2] == scheduled.pk


def planner_rows(table="articles_article"):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@on_postgresql
def test_a_bulk_load_analyzes_the_tables_each_time_it_doubles_them():
    statistics = StatisticsFollowGrowth(connection, first=2)
    for _ in range(2):
        make_article()
    statistics.add(2)
    assert planner_rows() == 2
    make_article()
    statistics.add(1)  # three rows: not yet double the two analyzed
    assert planner_rows() == 2
    make_article()
    statistics.add(1)
    assert planner_rows() == 4


@pytest.mark.parametrize(
    "remove",
    [
        lambda a: Article.objects.filter(pk=a.pk).update(status=Article.Status.WITHDRAWN),
        lambda a: Article.objects.filter(pk=a.pk).update(status=Article.Status.DRAFT),
        lambda a: Article.objects.filter(pk=a.pk).update(
            published_at=timezone.now() + datetime.timedelta(days=1)
        ),
        lambda a: a.delete(),
        lambda a: Article.objects.all().delete(),
    ],
    ids=["withdrawn", "unpublished", "rescheduled", "deleted", "deleted-in-bulk"],
)
def test_a_story_leaving_the_public_moves_the_removal_version(remove):
    article = make_article(tags=["Floods"])
    before = version_number(), removal_version()
    remove(article)
    assert version_number() > before[0]
    assert removal_version() > before[1]


def test_deleting_a_tag_moves_the_removal_version():
    make_tag("Floods").delete()  # the first write makes the tag; only its deletion counts
    before = removal_version()
    make_tag("Drought").delete()
    assert removal_version() > before


@pytest.mark.parametrize(
    "change",
    [
        lambda a: make_article(),  # a publication
        lambda a: Article.objects.filter(pk=a.pk).update(headline="Edited"),
        lambda a: a.tags.add(make_tag("Floods")),
        lambda a: Article.objects.filter(pk=a.pk).update(published_at=a.published_at - ONE_DAY),
        lambda a: make_article(status=Article.Status.DRAFT),
        lambda a: Region.objects.filter(slug="duhok").update(name="Dohuk"),
    ],
    ids=["published", "edited", "tagged", "dated-earlier", "draft", "place-renamed"],
)
def test_publications_and_edits_leave_the_removal_version_alone(change):
    article = make_article()
    before = removal_version()
    change(article)
    assert removal_version() == before


def test_drafts_leave_every_version_alone():
    draft = make_article(status=Article.Status.DRAFT)
    before = archive_version()
    Article.objects.filter(pk=draft.pk).update(headline="Edited", status=Article.Status.REVIEW)
    draft.delete()
    assert archive_version() == before


@pytest.mark.parametrize(
    "first, again",
    [("/regions/duhok/", "/regions/duhok/?page=2&utm_source=x"),
     ("/articles/?region=duhok", "/articles/?page=2&utm_source=x&region=duhok")],
)  # fmt: skip
def test_a_results_count_is_asked_once_for_all_its_pages_whatever_else_the_url_carries(
    client, settings, first, again
):
    settings.PAGE_CACHE = False  # the count's own key, not the page's
    for _ in range(settings.ARTICLES_PER_PAGE + 3):
        make_article(regions=["duhok"], language="en")
    assert client.get(first).context["result_count"] == settings.ARTICLES_PER_PAGE + 3
    with CaptureQueriesContext(connection) as queries:
        response = client.get(again)
    assert response.context["result_count"] == settings.ARTICLES_PER_PAGE + 3
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
