import pytest
from django.utils import translation

from articles.filters import ArticleFilter
from articles.models import Article
from tests.factories import at, make_article

pytestmark = pytest.mark.django_db


def filtered(**params):
    """What the filters choose from the whole archive: in every language unless
    `language` is given (the archive fixture mixes English and Sorani)."""
    params.setdefault("language", "all")
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
        ({"language": "tr"}, "language", "There is no language “tr” here"),
        ({"language": "ckb\x00"}, "language", "There is no language “ckb” here"),
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


# The tag, byline and region boxes take what readers see: names, in any case, and a
# place's other spellings; the list then lives at the slug's URL.
@pytest.mark.parametrize(
    ("params", "article"),
    [
        ({"tag": "ISIS"}, "makhmour"),
        ({"tag": "isis"}, "makhmour"),
        ({"tag": "  Isis "}, "makhmour"),
        ({"tag": "FLOODS"}, "duhok"),
        ({"byline": "Jane Reporter"}, "duhok"),
        ({"byline": "JANE  REPORTER"}, "duhok"),
        ({"byline": "kurdistan 24"}, "makhmour"),
        ({"region": "Nineveh"}, "makhmour"),
        ({"region": "Makhmur"}, "makhmour"),
        ({"region": "NINEVEH PROVINCE"}, "makhmour"),
        ({"region": "Kurdistan-Region"}, "duhok"),
        ({"region": "kurdistan region of iraq"}, "duhok"),
    ],
)
def test_slug_filters_take_names_in_any_case(archive, params, article):
    assert archive[article] in filtered(**params)


def test_slug_filters_take_arabic_script_and_kurmanji_names():
    # Mosul's names in Sorani and Kurmanji come with the gazetteer (names per language).
    sorani = make_article(tags=["جسور"], bylines=["Şîlan Hêmin"], regions=["mosul"])
    assert filtered(tag="جسور") == {sorani}
    assert filtered(byline="ŞÎLAN HÊMIN") == {sorani}
    assert filtered(region="موسڵ") == {sorani}
    assert filtered(region="MÛSIL") == {sorani}


def test_a_name_several_places_share_offers_a_choice(client, archive):
    filterset = ArticleFilter({"region": "Erbil", "q": "x"}, queryset=Article.objects.published())
    assert not filterset.is_valid()
    assert "“Erbil” names several places" in " ".join(filterset.errors["region"])
    (offer,) = filterset.offered_choices
    assert offer["field"] == "region"
    assert offer["choices"] == [
        ("Erbil (governorate)", "?region=erbil&q=x"),
        ("Erbil (city)", "?region=erbil-city&q=x"),
    ]
    response = client.get("/articles/", {"region": "Hawler"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="?region=erbil"' in page and 'href="?region=erbil-city"' in page


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("?tag=ISIS&q=dam", "/articles/?q=dam&tag=isis"),
        ("?byline=Jane+Reporter", "/articles/?byline=jane-reporter"),
        ("?region=Mawsil&tag=Floods", "/articles/?region=mosul&tag=floods"),
        ("?tag=isis&tag=ISIS", "/articles/?tag=isis"),
        ("?utm_source=x&tag=ISIS&junk=%D9%85&page=", "/articles/?tag=isis"),  # junk left behind
        ("?tag=%D8%AC%D8%B3%D9%88%D8%B1", None),
    ],
)
def test_a_name_in_a_filter_redirects_to_the_slugs_url(client, archive, query, location):
    make_article(tags=["جسور"], regions=["erbil-city"])
    response = client.get("/articles/" + query)
    if location is None:
        assert response.status_code == 200
    else:
        assert (response.status_code, response["Location"]) == (302, location)
        assert client.get(location).status_code == 200


def test_a_name_used_only_by_drafts_is_still_unknown_to_the_public(client):
    make_article(status=Article.Status.DRAFT, tags=["Secret merger"], bylines=["Hidden Hand"])
    for params in ({"tag": "Secret merger"}, {"byline": "HIDDEN HAND"}):
        response = client.get("/articles/", params)
        assert response.status_code == 400
        assert "There is no" in response.content.decode()


def test_a_list_is_in_the_active_language_when_none_is_asked_for():
    english = make_article("Dam repairs begin", published_at=at("2020-03-09 13:00"))
    sorani = make_article("چاککردنەوەی بەنداو دەستی پێکرد", published_at=at("2020-03-09 14:00"))
    with translation.override("ckb"):
        assert set(ArticleFilter(None, queryset=Article.objects.published()).qs) == {sorani}
        assert set(ArticleFilter({}, queryset=Article.objects.published()).qs) == {sorani}
    with translation.override("en"):
        assert set(ArticleFilter(None, queryset=Article.objects.published()).qs) == {english}


def test_the_language_parameter_chooses_another_language_or_every_one():
    english = make_article("Dam repairs begin")
    sorani = make_article("چاککردنەوەی بەنداو دەستی پێکرد")
    arabic = make_article("بدء إصلاحات السد", language="ar")
    with translation.override("en"):
        assert filtered(language="ckb") == {sorani}
        assert filtered(language="ar") == {arabic}
        assert filtered(language="all") == {english, sorani, arabic}
        # Empty is absent: the edition's own language.
        assert filtered(language="") == {english}


def test_the_language_combines_with_the_other_filters(archive):
    # The fixture's Duhok article is the Sorani one.
    assert archive["duhok"].language == "ckb"
    assert filtered(region="kurdistan-region", language="ckb") == {archive["duhok"]}
    assert filtered(region="kurdistan-region", language="en") == set()
    assert filtered(byline="jane-reporter", language="en") == {archive["baghdad"]}


def test_a_search_within_one_language_finds_only_its_articles():
    make_article("Dam repairs", body="The Mosul dam needs repairs.", language="en")
    make_article("Dam repairs", body="The Mosul dam needs repairs.", language="kmr")
    assert [a.language for a in filtered(q="dam", language="kmr")] == ["kmr"]
    assert len(filtered(q="dam")) == 2


def test_the_other_filters_in_every_language_leave_out_only_the_language(archive):
    filterset = ArticleFilter(
        {"region": "iraq", "language": "en"}, queryset=Article.objects.published()
    )
    assert set(filterset.qs) == {archive["makhmour"], archive["baghdad"]}
    assert set(filterset.in_every_language()) == set(archive.values())
    invalid = ArticleFilter({"language": "xx"}, queryset=Article.objects.published())
    assert list(invalid.in_every_language()) == []


def test_an_unknown_language_is_a_400_that_says_why(client):
    response = client.get("/articles/", {"language": "tr"})
    assert response.status_code == 400
    assert "There is no language “tr” here" in response.content.decode()
