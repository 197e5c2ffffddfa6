"""The article form and the bulk actions on publication: when a scheduled article will
appear, and dates outside the years an article can have (1900-2999), refused with a
message when given and shown, not a server error, when stored before that rule."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import article_post_data, change_url
from tests.factories import ARABIC_HEADLINE, at, make_article

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:articles_article_changelist")
NOW = at("2020-03-10 12:00")
UTC = datetime.UTC


def publish_action(*articles):
    return {
        "action": "publish",
        "select_across": "0",
        "index": "0",
        "_selected_action": [str(a.pk) for a in articles],
    }


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_form_of_a_scheduled_article_says_when_it_will_appear(editor_client):
    with time_machine.travel(NOW, tick=False):
        article = make_article(ARABIC_HEADLINE, published_at=at("2020-03-12 09:00"))
        html = editor_client.get(change_url(article)).content.decode()
    assert "Scheduled: appears on the site on 12 March 2020 at 09:00" in html


def test_the_form_of_a_live_article_announces_no_schedule(editor_client):
    with time_machine.travel(NOW, tick=False):
        article = make_article("Live story", published_at=at("2020-03-09 13:00"))
        html = editor_client.get(change_url(article)).content.decode()
    assert article.is_public
    assert "Scheduled" not in html


# (date, time) as an editor types them in the newsroom's time.
OUT_OF_RANGE_INPUT = [
    ("0001-01-01", "00:30:00"),  # before 03:00 it is year 0 in UTC: cannot even be stored
    ("1899-12-31", "23:00:00"),
    ("3000-01-01", "00:00:00"),
    ("9999-12-31", "23:00:00"),  # past year 9999 in UTC
]


@pytest.mark.parametrize(("day", "time"), OUT_OF_RANGE_INPUT, ids=lambda v: v[:4])
def test_publishing_with_a_date_outside_the_years_is_refused_with_a_message(
    editor_client, day, time
):
    article = make_article("Story in review", status=Article.Status.REVIEW)
    data = article_post_data(
        article, status=Article.Status.PUBLISHED, published_at_0=day, published_at_1=time
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["published_at"]
    assert errors == [
        f"The publication date {day} is outside the years 1900 to 2999, which the archive "
        "can date and address an article by. Give a date within them."
    ]
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.REVIEW, None)


def test_the_first_and_last_years_are_accepted(editor_client):
    article = make_article("Story in review", status=Article.Status.REVIEW)
    for day, time in [("1900-01-01", "00:00:00"), ("2999-12-31", "23:59:59")]:
        data = article_post_data(
            article, status=Article.Status.PUBLISHED, published_at_0=day, published_at_1=time
        )
        assert editor_client.post(change_url(article), data).status_code == 302


# Stored before the rule (an import, say): the article's time and its "updated" time.
STORED = [
    datetime.datetime(1, 1, 1, 0, 30, tzinfo=UTC),  # 03:30 in Baghdad: still year 1
    datetime.datetime(1899, 12, 31, 20, 0, tzinfo=UTC),
    datetime.datetime(3000, 1, 1, 9, 0, tzinfo=UTC),
    datetime.datetime(9999, 12, 31, 23, 0, tzinfo=UTC),  # 02:00 in year 10000 in Baghdad
]


def stored_with_date(moment, **fields):
    article = make_article("Dated out of range", **fields)
    Article.objects.filter(pk=article.pk).update(published_at=moment, updated_at=moment)
    return article


@pytest.mark.parametrize("moment", STORED, ids=lambda m: str(m.year))
def test_the_form_of_an_article_stored_out_of_range_opens_and_says_what_is_wrong(
    editor_client, reporter_client, moment
):
    article = stored_with_date(moment)
    # The editor edits it; a reporter sees it read-only (it is published).
    for client in (editor_client, reporter_client):
        response = client.get(change_url(article))
        assert response.status_code == 200
        html = response.content.decode()
        assert f"The publication date {moment:%m-%d}" in html.replace(f"{moment.year:04d}-", "")
        assert "is outside the years 1900 to 2999" in html
        assert "appears nowhere on the site" in html


@pytest.mark.parametrize("moment", STORED, ids=lambda m: str(m.year))
def test_saving_an_article_stored_out_of_range_asks_for_a_date_within_the_years(
    editor_client, moment
):
    article = stored_with_date(moment)
    response = editor_client.get(change_url(article))
    form = response.context["adminform"].form
    field = form["published_at"]
    shown = field.field.widget.decompress(field.value())  # as shown, sent back unchanged
    # article_post_data reads the time in the newsroom's zone, which 9999's last hours
    # have not: the rest of the form as it stands, and the time as the form showed it.
    Article.objects.filter(pk=article.pk).update(published_at=at("2020-01-01 00:00"))
    data = article_post_data(article)
    Article.objects.filter(pk=article.pk).update(published_at=moment)
    data.update(published_at_0=shown[0].isoformat(), published_at_1=shown[1].isoformat())
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "is outside the years 1900 to 2999" in str(
        response.context["adminform"].form.errors["published_at"]
    )
    data.update(published_at_0="2020-03-09", published_at_1="13:00:00")
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.published_at == at("2020-03-09 13:00")
    assert article.is_public


@pytest.mark.parametrize("moment", STORED, ids=lambda m: str(m.year))
def test_bulk_publish_skips_and_names_an_article_dated_out_of_range(editor_client, moment):
    undated = stored_with_date(moment, status=Article.Status.REVIEW)
    ready = make_article(ARABIC_HEADLINE, status=Article.Status.REVIEW)
    response = editor_client.post(CHANGELIST_URL, publish_action(undated, ready), follow=True)
    assert response.status_code == 200
    said = messages_of(response)
    assert said[0] == "Published: 1 article."
    assert said[1].startswith(
        "Not published, as their publication date is outside the years 1900 to 2999: "
        "“Dated out of range” ("
    )
    assert said[1].endswith("). Correct the date in each article first.")
    undated.refresh_from_db()
    ready.refresh_from_db()
    assert (undated.status, ready.status) == (Article.Status.REVIEW, Article.Status.PUBLISHED)
    assert undated.published_at == moment
