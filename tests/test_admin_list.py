"""The editors' article list: status as readers meet it (scheduled, live), its filter,
and articles dated outside the years an article can have (stored before that rule)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from articles.admin_list import CappedCountPaginator
from articles.models import Article
from tests.factories import ARABIC_HEADLINE, at, make_article

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:articles_article_changelist")
NOW = at("2020-03-10 12:00")
UTC = datetime.UTC


def rows(response):
    """Each listed article's headline and status cell, as the list shows them."""
    cl = response.context["cl"]
    status = cl.model_admin.list_display[1]
    return {a.headline: str(status(a)) for a in cl.result_list}


@pytest.fixture
def desk():
    """A live article, a scheduled one (Arabic headline), a draft, one in review and a
    withdrawn one, on 10 March 2020 at noon in Baghdad."""
    with time_machine.travel(NOW, tick=False):
        articles = {
            "live": make_article("Live story", published_at=at("2020-03-09 13:00")),
            "scheduled": make_article(ARABIC_HEADLINE, published_at=at("2020-03-12 09:00")),
            "draft": make_article("Draft story", status=Article.Status.DRAFT),
            "review": make_article("Story in review", status=Article.Status.REVIEW),
            "withdrawn": make_article(
                "Withdrawn story",
                status=Article.Status.WITHDRAWN,
                published_at=at("2020-03-01 10:00"),
            ),
        }
        yield articles


def test_a_scheduled_article_shows_as_scheduled_with_its_due_time_in_newsroom_time(
    editor_client, desk
):
    with time_machine.travel(NOW, tick=False):
        response = editor_client.get(CHANGELIST_URL)
        listed = rows(response)
    assert listed == {
        "Live story": "Published",
        ARABIC_HEADLINE: "Scheduled (due 12 Mar 2020, 09:00)",  # 06:00 UTC
        "Draft story": "Draft",
        "Story in review": "In review",
        "Withdrawn story": "Withdrawn",
    }
    assert "Scheduled (due 12 Mar 2020, 09:00)" in response.content.decode()


def test_a_scheduled_article_is_published_in_the_list_once_it_is_due(editor_client, desk):
    with time_machine.travel(at("2020-03-12 09:00"), tick=False):
        response = editor_client.get(CHANGELIST_URL)
        assert rows(response)[ARABIC_HEADLINE] == "Published"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("scheduled", [ARABIC_HEADLINE]),
        ("published", ["Live story"]),  # live now: not the scheduled one
        ("draft", ["Draft story"]),
        ("review", ["Story in review"]),
        ("withdrawn", ["Withdrawn story"]),
    ],
)
def test_the_status_filter_tells_scheduled_from_live(editor_client, desk, value, expected):
    with time_machine.travel(NOW, tick=False):
        response = editor_client.get(CHANGELIST_URL, {"status": value})
    assert [a.headline for a in response.context["cl"].result_list] == expected


def test_the_status_filter_offers_scheduled_beside_the_other_statuses(editor_client, desk):
    with time_machine.travel(NOW, tick=False):
        response = editor_client.get(CHANGELIST_URL)
    (status_filter,) = [f for f in response.context["cl"].filter_specs if f.title == "status"]
    choices = [c["display"] for c in status_filter.choices(response.context["cl"])]
    assert choices == [
        "All",
        "Draft",
        "In review",
        "Scheduled",
        "Published (live now)",
        "Withdrawn",
        "Date to fix",
    ]


# Dates outside 1900-2999 stored before the rule (say by an import): year 1 (whose
# newsroom time is computable), 1899, 3000, and the last hours of 9999, whose newsroom
# time (UTC+3) would pass the last day Python can hold.
OUT_OF_RANGE = [
    datetime.datetime(1, 1, 1, 0, 30, tzinfo=UTC),
    datetime.datetime(1899, 12, 31, 20, 0, tzinfo=UTC),  # 23:00 in Baghdad: still 1899
    datetime.datetime(3000, 1, 1, 9, 0, tzinfo=UTC),
    datetime.datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
]


def stored_with_date(moment, **fields):
    article = make_article("Dated out of range", **fields)
    Article.objects.filter(pk=article.pk).update(published_at=moment, updated_at=moment)
    return article


@pytest.fixture
def cap_of_one(monkeypatch):
    # The date hierarchy of a list beyond the cap is read from the date index.
    monkeypatch.setattr(CappedCountPaginator, "CAP", 1)


@pytest.mark.parametrize("moment", OUT_OF_RANGE, ids=lambda m: str(m.year))
@pytest.mark.parametrize("capped", [False, True], ids=["within-cap", "beyond-cap"])
def test_the_list_and_its_date_hierarchy_open_with_an_article_dated_out_of_range(
    editor_client, moment, capped, monkeypatch
):
    if capped:
        monkeypatch.setattr(CappedCountPaginator, "CAP", 1)
    live = make_article("Live story", published_at=at("2020-03-09 13:00"))
    stored_with_date(moment)
    response = editor_client.get(CHANGELIST_URL)
    assert response.status_code == 200
    assert rows(response)["Dated out of range"] == "Published: date to fix"
    # The hierarchy offers the years an article can have, and no other.
    assert f"?published_at__year={live.published_at.year}" in response.content.decode()
    assert f"?published_at__year={moment.year}" not in response.content.decode()
    assert list(rows(editor_client.get(CHANGELIST_URL, {"status": "date-to-fix"}))) == [
        "Dated out of range"
    ]
    assert list(rows(editor_client.get(CHANGELIST_URL, {"status": "published"}))) == ["Live story"]


@pytest.mark.parametrize("year", ["1", "1899", "3000", "9999"])
def test_a_date_hierarchy_year_an_article_cannot_have_is_a_wrong_parameter(editor_client, year):
    make_article("Live story", published_at=at("2020-03-09 13:00"))
    response = editor_client.get(CHANGELIST_URL, {"published_at__year": year})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
