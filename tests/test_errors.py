import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.http import Http404
from django.test import Client, RequestFactory

from articles import errors
from articles.views import ArticleListView
from tests.factories import at, make_article

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


# Issue 12, fault 7: error pages show readers a plain message in the site's layout and a
# way on (a search box, the latest news), never the exception's text; the details are
# logged; they render without the database and are never cached.


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def main_of(response):
    body = response.content.decode()
    return body[body.index('<main id="content"') : body.index("</main>")]


def assert_error_page(response, status, heading):
    """The site's layout, a plain message, a way on, and nothing a cache may keep."""
    assert response.status_code == status
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert 'class="site-name" href="/">Newsroom</a>' in body  # the site's layout
    assert 'rel="stylesheet"' in body
    main = main_of(response)
    assert 'action="/articles/"' in main and 'name="q"' in main  # a search box
    assert '<a href="/">latest news</a>' in main
    assert '<meta name="robots" content="noindex">' in body
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "public" not in cache_control
    for internal in ("Resolver404", "Traceback", "Invalid date", "%Y", "Exception", "Error:"):
        assert internal not in body


NOT_FOUND = [
    "/nope/",  # the resolver's miss: the page said "Resolver404."
    "/articles/2020/13/",  # "Invalid date string “2020__13__” given format “%Y__%m__”."
    "/articles/2020/02/30/",
    "/articles/1999/01/",  # "No articles were published then."
    "/articles/2020/03/09/no-such-story/",
    "/tags/no-such-tag/",
    "/regions/no-such-place/",
    "/articles/preview/999999/",
]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_a_404_shows_a_plain_page_and_a_way_on(client, url):
    make_article(published_at=at("2020-03-09 12:00"))
    response = client.get(url)
    assert_error_page(response, 404, "Not found")
    # Whatever the reason, readers see the same page: nothing of the reason is in it.
    assert main_of(response) == main_of(client.get("/nope/"))


def test_a_404_is_logged_with_its_reason(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/articles/2020/13/")
    messages = [(r.name, r.getMessage()) for r in caplog.records]
    assert ("django.request", "Not Found: /articles/2020/13/") in messages
    assert any(
        name == "articles.errors" and "/articles/2020/13/" in text and "Invalid date" in text
        for name, text in messages
    )


def test_a_404_is_never_cached(client):
    for _ in range(2):
        response = client.get("/nope/")
        assert response.status_code == 404
        assert "no-store" in response["Cache-Control"]
    assert "ETag" not in response


def test_a_403_shows_a_plain_page_and_logs_its_reason(client, monkeypatch, caplog):
    monkeypatch.setattr(
        ArticleListView, "get_queryset", failing(PermissionDenied("editors only: region 7"))
    )
    with caplog.at_level(logging.INFO):
        response = client.get("/articles/")
    assert_error_page(response, 403, "Not allowed")
    assert "editors only" not in response.content.decode()
    assert any("editors only: region 7" in r.getMessage() for r in caplog.records)


def test_a_500_shows_a_plain_page_and_logs_the_traceback(monkeypatch, caplog):
    monkeypatch.setattr(
        ArticleListView, "get_queryset", failing(ValueError("SELECT secret FROM internals"))
    )
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/articles/")
    assert_error_page(response, 500, "Something went wrong")
    assert "SELECT" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /articles/"
    assert "SELECT secret FROM internals" in str(record.exc_info[1])


def test_a_400_shows_a_plain_page(client, caplog):
    # A Host the site does not serve: Django's reason names the header and the setting.
    with caplog.at_level(logging.ERROR, logger="django.security"):
        response = client.get("/", HTTP_HOST="evil.example")
    assert_error_page(response, 400, "Bad request")
    assert "ALLOWED_HOSTS" not in response.content.decode()
    assert any("evil.example" in r.getMessage() for r in caplog.records)


def test_a_csrf_failure_shows_a_plain_page(caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>The form could not be sent</h1>" in body
    assert 'class="site-name" href="/">Newsroom</a>' in body
    assert '<a href="/">latest news</a>' in main_of(response)
    assert "CSRF cookie" not in body and "DEBUG" not in body
    assert "public" not in response.get("Cache-Control", "")  # a POST's answer: not stored
    assert any("CSRF cookie not set" in r.getMessage() for r in caplog.records)


def refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("connection to server at 10.0.0.5 refused")


def test_during_an_outage_pages_are_the_503_page_and_error_pages_still_render():
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse_every_query):
        for url in ("/", "/articles/?q=oil", "/articles/2020/03/09/some-story/"):
            response = client.get(url)
            assert_error_page(response, 503, "The archive is briefly unavailable")
            assert response["Retry-After"] == "5"
            assert "10.0.0.5" not in response.content.decode()
        assert_error_page(client.get("/nope/"), 404, "Not found")
        assert_error_page(client.get("/?q=%00"), 400, "Bad request")


@pytest.mark.parametrize(
    ("handler", "error", "status"),
    [
        ("bad_request", ValueError("bad"), 400),
        ("permission_denied", PermissionDenied("no"), 403),
        ("page_not_found", Http404("none"), 404),
        ("server_error", ValueError("bug"), 500),
        ("server_error", OperationalError("down"), 503),
    ],
)
def test_error_pages_read_neither_the_database_nor_the_request(
    handler, error, status, django_assert_num_queries
):
    # A query string Django refuses to parse: reading request.GET raises again.
    request = RequestFactory().get("/articles/?" + "&".join(f"x{i}=1" for i in range(1001)))
    with django_assert_num_queries(0), connection.execute_wrapper(refuse_every_query):
        try:
            raise error
        except Exception as caught:
            arguments = (request,) if handler == "server_error" else (request, caught)
            response = getattr(errors, handler)(*arguments)
    assert response.status_code == status
    assert "Newsroom" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_an_error_page_that_cannot_render_falls_back_to_plain_html(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry for 'css/site.css'")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "manifest" not in response.content.decode()
