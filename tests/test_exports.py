import csv
import io
import json

import pytest

from articles.models import Article
from tests.factories import at, make_article

pytestmark = pytest.mark.django_db


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def archive():
    make_article("Erbil story", regions=["erbil-city"], tags=["Oil"], bylines=["A", "B"],
                 published_at=at("2020-03-09 12:00"))  # fmt: skip
    make_article("Basra story", regions=["basra-city"], published_at=at("2020-03-10 12:00"))
    make_article("Draft story", regions=["erbil-city"], status=Article.Status.DRAFT)


def test_csv_export_follows_the_list_filters(client, archive):
    response = client.get("/articles/export.csv?region=kurdistan-region")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [row["headline"] for row in rows] == ["Erbil story"]
    assert rows[0]["bylines"] == "A; B"
    assert rows[0]["regions"] == "erbil-city"
    assert rows[0]["published_at"] == "2020-03-09T12:00:00+03:00"
    assert rows[0]["url"].startswith("http://testserver/articles/2020/03/09/")


def test_json_export_lists_every_published_match(client, archive):
    data = json.loads(body(client.get("/articles/export.json?from=2020-03-01")))
    assert [a["headline"] for a in data["articles"]] == ["Basra story", "Erbil story"]
    assert data["query"] == {"from": "2020-03-01"}


def test_export_never_includes_unpublished_work(client, archive):
    assert "Draft story" not in body(client.get("/articles/export.csv"))
    assert "Draft story" not in body(client.get("/articles/export.json"))


def test_export_of_an_empty_result_is_valid(client):
    assert json.loads(body(client.get("/articles/export.json")))["articles"] == []
    assert body(client.get("/articles/export.csv")).startswith("id,url,headline")


def test_export_with_a_bad_filter_is_a_400_with_the_reason(client):
    response = client.get("/articles/export.json?date=2020-13-45")
    assert response.status_code == 400
    assert "date" in response.json()["errors"]


def test_export_streams_and_queries_per_chunk_not_per_row(client, django_assert_max_num_queries):
    for _ in range(30):
        make_article(regions=["erbil-city"], tags=["Oil"], bylines=["A"])
    with django_assert_max_num_queries(8):
        rows = body(client.get("/articles/export.csv")).strip().splitlines()
    assert len(rows) == 31
