import pytest

from articles.filters import ArticleFilter
from articles.models import Article
from tests.factories import at, make_article

pytestmark = pytest.mark.django_db


def filtered(**params):
    filterset = ArticleFilter(params, queryset=Article.objects.published())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


@pytest.fixture
def archive():
    return {
        "makhmour": make_article(
            regions=["makhmour"], tags=["ISIS"], bylines=["Kurdistan 24"],
            published_at=at("2020-03-09 13:00"),
        ),
        "duhok": make_article(
            regions=["duhok"], tags=["Floods"], bylines=["Jane Reporter"],
            published_at=at("2020-03-10 00:30"),
        ),
        "baghdad": make_article(
            regions=["baghdad"], tags=["ISIS"], bylines=["Jane Reporter"],
            published_at=at("2020-04-01 09:00"),
        ),
    }  # fmt: skip


def test_region_includes_places_inside_it(archive):
    assert filtered(region="nineveh") == {archive["makhmour"]}
    assert filtered(region="iraq") == set(archive.values())
    assert filtered(region="kurdistan-region") == {archive["duhok"]}


def test_tag_filter(archive):
    assert filtered(tag="isis") == {archive["makhmour"], archive["baghdad"]}


def test_byline_filter(archive):
    assert filtered(byline="jane-reporter") == {archive["duhok"], archive["baghdad"]}


def test_date_means_the_newsroom_day(archive):
    # 00:30 on 10 March in Baghdad is 21:30 on 9 March UTC: it belongs to the 10th.
    assert filtered(date="2020-03-09") == {archive["makhmour"]}
    assert filtered(date="2020-03-10") == {archive["duhok"]}


def test_range_is_inclusive_of_both_ends(archive):
    assert filtered(**{"from": "2020-03-09", "to": "2020-03-10"}) == {
        archive["makhmour"],
        archive["duhok"],
    }
    assert filtered(**{"from": "2020-03-10"}) == {archive["duhok"], archive["baghdad"]}
    assert filtered(to="2020-03-09") == {archive["makhmour"]}


def test_filters_combine(archive):
    assert filtered(region="iraq", tag="isis", **{"from": "2020-04-01"}) == {archive["baghdad"]}
    assert filtered(region="kurdistan-region", tag="isis") == set()


def test_search_filter(archive):
    make_article("Dam repairs", body="The Mosul dam needs repairs.")
    assert {a.headline for a in filtered(q="dam")} == {"Dam repairs"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"region": "nowhere"}, "region", "There is no region “nowhere”"),
        ({"tag": "no-such-tag"}, "tag", "There is no tag"),
        ({"byline": "nobody"}, "byline", "There is no byline"),
        ({"date": "2020-13-45"}, "date", "Enter a real date"),
        ({"from": "yesterday"}, "from", "Enter a real date"),
        ({"to": "9999-12-31"}, "to", "Dates end at"),
        ({"date": "0001-01-01"}, "date", "Dates start at"),
        ({"region": "erbil\x00"}, "region", "There is no region"),
    ],
)
def test_bad_values_give_a_clear_error(params, field, message):
    filterset = ArticleFilter(params, queryset=Article.objects.published())
    assert not filterset.is_valid()
    assert message in " ".join(filterset.errors[field])


def test_a_range_that_ends_before_it_starts_is_an_error():
    filterset = ArticleFilter(
        {"from": "2020-03-10", "to": "2020-03-01"}, queryset=Article.objects.published()
    )
    assert not filterset.is_valid()
    assert "starts (2020-03-10) after it ends (2020-03-01)" in str(filterset.errors)


def test_a_tag_used_only_by_drafts_is_unknown_to_the_public():
    make_article(status=Article.Status.DRAFT, tags=["Secret merger"])
    filterset = ArticleFilter({"tag": "secret-merger"}, queryset=Article.objects.published())
    assert not filterset.is_valid()
