import datetime

import pytest
from django.utils import translation

from articles.facets import active_filters, histogram, language_facets, month_counts, summarize
from articles.filters import ArticleFilter
from articles.models import Article
from tests.factories import at, make_article, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    make_article("A", regions=["makhmour", "nineveh"], tags=["Oil"],
                 published_at=at("2020-03-09 12:00"))  # fmt: skip
    make_article("B", regions=["erbil-city"], tags=["Oil", "Water"],
                 published_at=at("2020-03-31 23:30"))  # fmt: skip
    make_article("C", regions=["duhok"], tags=[], published_at=at("2020-06-01 10:00"))
    make_article("D", regions=["duhok"], status=Article.Status.DRAFT, tags=["Oil"])


def facets_of(client, query=""):
    response = client.get(f"/articles/{query}")
    assert response.status_code == 200
    return response.context


def test_region_facets_count_each_article_once_per_region(client, archive):
    facets = {f.label: f.count for f in facets_of(client)["region_facets"]}
    # A names Makhmour and Nineveh: one article for Nineveh, not two.
    assert facets["Nineveh"] == 1
    assert facets["Iraq"] == 3
    assert facets["Kurdistan Region"] == 2
    assert facets["Duhok"] == 1  # the draft is not counted
    assert "Baghdad" not in facets  # empty places are left out


def test_region_facets_follow_the_current_filters(client, archive):
    facets = {f.label: f.count for f in facets_of(client, "?tag=oil")["region_facets"]}
    assert facets == {"Iraq": 2, "Kurdistan Region": 1, "Erbil": 1, "Nineveh": 1}


def test_choosing_a_region_shows_the_places_inside_it(client, archive):
    facets = facets_of(client, "?region=nineveh")["region_facets"]
    assert {f.label: f.count for f in facets}["Makhmour"] == 1
    assert [f.label for f in facets if f.active] == ["Nineveh"]


def test_tag_facets_count_published_articles_only(client, archive):
    facets = {f.label: f.count for f in facets_of(client)["tag_facets"]}
    assert facets == {"Oil": 2, "Water": 1}


def test_date_facets_use_newsroom_months(client, archive):
    years = facets_of(client)["date_facets"]
    assert [(y.label, y.count) for y in years] == [("2020", 3)]
    assert [(m.label, m.count) for m in years[0].children] == [("March", 2), ("June", 1)]
    assert years[0].children[0].params == {"from": "2020-03-01", "to": "2020-03-31"}


def test_facet_links_narrow_the_current_query(client, archive):
    page = client.get("/articles/?tag=oil").content.decode()
    assert 'href="?tag=oil&amp;region=nineveh"' in page
    assert 'href="?tag=oil&amp;from=2020-03-01&amp;to=2020-03-31"' in page


def test_active_filters_show_as_removable_chips(client, archive):
    page = client.get("/articles/?tag=oil&region=nineveh").content.decode()
    assert "Region: Nineveh" in page
    assert 'href="?tag=oil"' in page  # removes the region
    assert 'href="?region=nineveh"' in page  # removes the tag


def test_histogram_has_a_bar_per_month_including_empty_ones():
    months = [(datetime.date(2020, 3, 1), 2), (datetime.date(2020, 6, 1), 1)]
    drawn = histogram(months)
    assert [b.month.month for b in drawn["bars"]] == [3, 4, 5, 6]
    assert [b.count for b in drawn["bars"]] == [2, 0, 0, 1]
    assert drawn["bars"][0].height == drawn["height"]  # the tallest bar fills the chart
    assert drawn["bars"][3].height == drawn["height"] / 2


def test_histogram_is_drawn_in_the_page_without_javascript(client, archive):
    page = client.get("/articles/").content.decode()
    assert '<svg viewBox="0 0 600 120"' in page
    assert "<title>March 2020: 2 articles</title>" in page
    assert "<script" not in page


def test_month_counts_group_by_newsroom_month():
    make_article(published_at=at("2020-04-01 01:00"))  # 31 March in UTC
    assert month_counts(Article.objects.published()) == [(datetime.date(2020, 4, 1), 1)]


def test_facets_take_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for i in range(3):
        make_article(regions=["duhok"], tags=[f"T{i}"])
    with django_assert_max_num_queries(12) as few:
        client.get("/articles/")
    for i in range(15):
        make_article(regions=["makhmour"], tags=[f"U{i}"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/articles/")


def test_places_and_tags_count_the_newest_whole_months_of_a_large_result(
    client, archive, monkeypatch
):
    monkeypatch.setattr("articles.facets.FACET_SCOPE", 2)
    # June holds C alone, so March (A and B) is counted too: whole months, here the
    # whole result, and the page does not say it counts a part.
    context = facets_of(client)
    assert {f.label: f.count for f in context["tag_facets"]} == {"Oil": 2, "Water": 1}
    assert context["facet_scope"] is None
    monkeypatch.setattr("articles.facets.FACET_SCOPE", 1)
    # The newest month holds C alone (Duhok, no tag): March's places and tags are left out.
    context = facets_of(client, "?region=iraq")
    assert context["tag_facets"] == []
    assert "Nineveh" not in {f.label for f in context["region_facets"]}
    assert {f.label: f.count for f in context["region_facets"]}["Duhok"] == 1
    assert context["facet_scope"] == 1


def test_a_search_counts_places_and_tags_among_its_newest_results(client, archive, monkeypatch):
    monkeypatch.setattr("articles.facets.FACET_SCOPE", 2)
    # A search is not in the table: its newest two are C (Duhok, no tag) and B (Erbil,
    # Oil and Water); A is left out.
    Article.objects.update(headline="Oil and water")
    context = facets_of(client, "?q=water")
    assert context["result_count"] == 3
    assert {f.label: f.count for f in context["tag_facets"]} == {"Oil": 1, "Water": 1}
    assert "Nineveh" not in {f.label for f in context["region_facets"]}
    assert context["facet_scope"] == 2


def test_dates_and_the_count_cover_the_whole_result_whatever_the_facet_scope(
    client, archive, monkeypatch
):
    monkeypatch.setattr("articles.facets.FACET_SCOPE", 1)
    response = client.get("/articles/")
    assert sum(year.count for year in response.context["date_facets"]) == 3
    assert response.context["result_count"] == 3
    assert "count the latest 1 of these articles" in response.content.decode()


@pytest.fixture
def editions():
    """The same three stories' worth of archive in three languages: English about oil in
    Nineveh and water in Duhok, Sorani about oil in Nineveh, Arabic about oil in Duhok."""
    oil = make_tag("Oil")
    oil.names = {"ckb": "نەوت", "ar": "النفط"}
    oil.save()
    make_article("Oil exports resume", regions=["nineveh"], tags=["Oil"])
    make_article("Water shortages in Duhok", regions=["duhok"], tags=["Water"])
    make_article("هەناردەی نەوت دەستی پێکردەوە", regions=["nineveh"], tags=["Oil"])
    make_article("استئناف صادرات النفط", regions=["duhok"], tags=["Oil"], language="ar")
    make_article("تەنها ڕەشنووس", regions=["duhok"], tags=["Oil"], status=Article.Status.DRAFT)


def languages_for(params):
    filterset = ArticleFilter(params, queryset=Article.objects.published())
    assert filterset.is_valid(), filterset.errors
    summary = summarize(
        filterset.qs,
        every_language=filterset.in_every_language(),
        selected_language=filterset.form.cleaned_data["language"],
    )
    return [(f.label, f.count, f.params, f.active) for f in summary.languages]


def test_the_language_facet_counts_each_language_as_it_writes_its_name(editions):
    with translation.override("en"):
        assert languages_for({}) == [
            ("English", 2, {"language": "en"}, True),
            ("کوردی", 1, {"language": "ckb"}, False),
            ("العربية", 1, {"language": "ar"}, False),
        ]  # the draft is not counted; Kurmanji has nothing and is left out


def test_the_language_facet_combines_with_the_other_filters(editions):
    assert languages_for({"tag": "oil", "language": "ckb"}) == [
        ("English", 1, {"language": "en"}, False),
        ("کوردی", 1, {"language": "ckb"}, True),
        ("العربية", 1, {"language": "ar"}, False),
    ]
    assert [label for label, *_ in languages_for({"region": "duhok", "language": "all"})] == [
        "English",
        "العربية",
    ]


def test_the_language_facet_of_the_active_edition_marks_it(editions):
    with translation.override("ckb"):
        assert [(f[0], f[3]) for f in languages_for({}) if f[3]] == [("کوردی", True)]


def test_language_facets_count_within_a_result_when_not_given_every_language(editions):
    ckb = Article.objects.published().filter(language="ckb")
    assert [(f.label, f.count) for f in language_facets(ckb, "ckb")] == [("کوردی", 1)]


def test_a_chosen_language_is_a_removable_chip_and_the_editions_own_is_not(editions):
    chosen = ArticleFilter({"language": "ar", "tag": "oil"}, queryset=Article.objects.all())
    chip = next(c for c in active_filters(chosen) if c["label"] == "Language")
    assert (chip["value"], chip["remove"]) == ("العربية", "tag=oil")
    edition = ArticleFilter({"tag": "oil"}, queryset=Article.objects.all())
    assert [c["label"] for c in active_filters(edition)] == ["Tag"]


def test_the_archive_list_shows_the_editions_articles_and_others_on_request(client, editions):
    default = client.get("/articles/")
    assert {a.language for a in default.context["object_list"]} == {"en"}
    assert default.context["result_count"] == 2
    every = client.get("/articles/?language=all")
    assert every.context["result_count"] == 4
    sorani = client.get("/articles/?language=ckb&tag=oil")
    assert [a.headline for a in sorani.context["object_list"]] == ["هەناردەی نەوت دەستی پێکردەوە"]


def test_places_and_tags_in_the_facets_are_named_in_the_active_language(editions):
    filterset = ArticleFilter({"language": "all"}, queryset=Article.objects.published())
    with translation.override("ckb"):
        summary = summarize(filterset.qs)
    assert {f.label for f in summary.tags} >= {"نەوت"}
    assert "نەینەوا" in {f.label for f in summary.regions}
    with translation.override("en"):
        summary = summarize(filterset.qs)
    assert "Oil" in {f.label for f in summary.tags} and "Nineveh" in {
        f.label for f in summary.regions
    }


@pytest.mark.parametrize(
    "query",
    ["", "?tag=oil&language=ckb", "?region=duhok&language=all", "?language=ar&to=2021-12-31"],
)
def test_a_lists_months_and_language_facet_are_those_counted_apart(client, editions, query):
    # Some of each edition before the months still open, counted apart from the rest.
    make_article("Old oil", regions=["nineveh"], tags=["Oil"], published_at=at("2019-02-01 10:00"))
    make_article("نەوتی کۆن", regions=["duhok"], tags=["Oil"], published_at=at("2019-02-03 10:00"))
    make_article("النفط القديم", regions=["duhok"], tags=["Oil"], language="ar",
                 published_at=at("2020-07-01 10:00"))  # fmt: skip
    context = facets_of(client, query)
    filterset = context["filter"]
    language = filterset.form.cleaned_data["language"]
    separately = language_facets(filterset.in_every_language(), language)
    assert [(f.label, f.count, f.active) for f in context["language_facets"]] == [
        (f.label, f.count, f.active) for f in separately
    ]
    assert context["view"].summary.months == month_counts(filterset.qs)
    assert context["result_count"] == filterset.qs.count()


def test_a_first_render_of_a_list_counts_months_and_languages_in_one_pass(
    client, editions, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    client.get("/articles/")  # the gazetteer, read once by every server, is read now
    # The archive version, the months and languages before the open months and since,
    # the places, the tags and their names, the page and its bylines, places and tags:
    # nothing per row.
    with django_assert_max_num_queries(10):
        assert client.get("/articles/?region=duhok").status_code == 200
