import pytest
from django.db import OperationalError
from django.test import Client

from articles.views import ArticleListView

pytestmark = pytest.mark.django_db


def failing(error):
    def get_queryset(self):
        raise error

    return get_queryset


def test_database_outage_is_a_503_page_with_retry_after(monkeypatch):
    monkeypatch.setattr(
        ArticleListView, "get_queryset", failing(OperationalError("connection refused"))
    )
    response = Client(raise_request_exception=False).get("/articles/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.content.decode()
    assert "connection refused" not in response.content.decode()


def test_other_errors_stay_a_500(monkeypatch):
    monkeypatch.setattr(ArticleListView, "get_queryset", failing(ValueError("bug")))
    response = Client(raise_request_exception=False).get("/articles/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
