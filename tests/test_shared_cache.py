"""One cache for every process: stale-while-revalidate after a publication, never after a
withdrawal, and nothing unpublished in the shared cache (articles.archive_cache.lookup,
articles.middleware.PublicPageCacheMiddleware). Run on SQLite and PostgreSQL, with and
without REDIS_URL: the same code serves both caches."""

import threading

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client

from articles import archive_cache
from articles.models import Article
from articles.views import HomeView
from tests.cache_contents import raw_values
from tests.factories import make_article

# Requests in threads, as a server's: each needs to see what the others committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clock(monkeypatch):
    """The wall clock the grace is measured on, moved by the test."""
    now = [1_000_000.0]
    monkeypatch.setattr(archive_cache, "wall_clock", lambda: now[0])

    def move(seconds):
        now[0] += seconds

    return move


class HeldRender:
    """A request for the home page in a thread of its own, held in the middle of its render
    (after the page cache missed) until released: "a render another request is doing"."""

    def __init__(self, monkeypatch):
        self.started, self.release = threading.Event(), threading.Event()
        self.response = None
        original = HomeView.get_queryset
        held = self

        def get_queryset(view):
            if threading.current_thread() is held.thread:
                held.started.set()
                assert held.release.wait(30)
            return original(view)

        monkeypatch.setattr(HomeView, "get_queryset", get_queryset)
        self.thread = threading.Thread(target=self.run)

    def run(self):
        try:
            self.response = Client().get("/")
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.started.wait(30), "the held render never started"
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(30)


def test_during_the_grace_a_second_reader_gets_the_page_as_it_was(monkeypatch, clock):
    make_article("Earlier story")
    assert "Earlier story" in Client().get("/").content.decode()
    make_article("Breaking story")
    with HeldRender(monkeypatch) as render:
        clock(settings.CACHE_GRACE_SECONDS - 1)
        meanwhile = Client().get("/").content.decode()  # answered while the render is held
        assert "Earlier story" in meanwhile
        assert "Breaking story" not in meanwhile
    assert "Breaking story" in render.response.content.decode()
    assert "Breaking story" in Client().get("/").content.decode()


def test_after_the_grace_a_reader_renders_the_page_itself(monkeypatch, clock):
    make_article("Earlier story")
    Client().get("/")
    make_article("Breaking story")
    with HeldRender(monkeypatch):
        clock(settings.CACHE_GRACE_SECONDS)
        assert "Breaking story" in Client().get("/").content.decode()


@pytest.mark.parametrize(
    "remove",
    [
        lambda article: Article.objects.filter(pk=article.pk).update(
            status=Article.Status.WITHDRAWN
        ),
        lambda article: Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT),
        lambda article: article.delete(),
    ],
    ids=["withdrawn", "unpublished", "deleted"],
)
def test_a_removed_story_is_never_given_from_the_previous_page(monkeypatch, clock, remove):
    make_article("Earlier story")
    doomed = make_article("Doomed story")
    assert "Doomed story" in Client().get("/").content.decode()
    make_article("Breaking story")
    remove(doomed)
    with HeldRender(monkeypatch):  # a render of the page after both changes is under way
        meanwhile = Client().get("/").content.decode()
        assert "Doomed story" not in meanwhile
        assert "Breaking story" in meanwhile


def test_an_edit_during_the_grace_gives_the_page_as_it_was(monkeypatch, clock):
    article = make_article("First headline")
    Client().get("/")
    Article.objects.filter(pk=article.pk).update(headline="Second headline")
    with HeldRender(monkeypatch):
        assert "First headline" in Client().get("/").content.decode()
    assert "Second headline" in Client().get("/").content.decode()


def first_request_after_the_change(key):
    """The Entry a first request after a change is given (and told to compute)."""
    archive_cache._start_memo()
    try:
        return archive_cache.lookup(caches["default"], key, previous_ok=True)
    finally:
        archive_cache._end_memo()


def test_a_count_during_the_grace_is_the_previous_one_and_taints_the_request():
    def request(compute):
        archive_cache._start_memo()
        try:
            value = archive_cache.cached_for_archive(("a count",), compute, previous_ok=True)
            return value, archive_cache.archive_cache_key(("a fragment",))
        finally:
            archive_cache._end_memo()

    make_article()
    assert request(lambda: 1)[0] == 1
    make_article()
    # The first request after the change computes; hold it there and ask again.
    first = first_request_after_the_change(("a count",))
    assert first.value is archive_cache.MISSING
    value, fragment_key = request(lambda: pytest.fail("computed during the grace"))
    assert value == 1
    assert fragment_key is None  # a page built on a previous count caches no fragment
    first.save(2)
    value, fragment_key = request(lambda: pytest.fail("computed again"))
    assert value == 2
    assert fragment_key is not None


def test_a_value_computed_by_a_request_given_a_previous_one_is_not_cached_as_current():
    make_article()
    archive_cache._start_memo()
    archive_cache.cached_for_archive(("a count",), lambda: 1, previous_ok=True)
    archive_cache._end_memo()
    make_article()
    first_request_after_the_change(("a count",))
    archive_cache._start_memo()
    try:
        assert archive_cache.cached_for_archive(("a count",), lambda: 2, previous_ok=True) == 1
        assert archive_cache.cached_for_archive(("other",), lambda: "fresh?") == "fresh?"
    finally:
        archive_cache._end_memo()
    assert archive_cache.cached_for_archive(("other",), lambda: "computed again") == (
        "computed again"
    )


@pytest.mark.django_db  # no threads; the roles' groups as migrations made them
def test_drafts_and_previews_never_reach_the_shared_cache(editor_client):
    make_article("Public zebra story", tags=["Floods"], regions=["duhok"])
    draft = make_article(
        "Secret okapi draft", status=Article.Status.DRAFT, tags=["Floods"], regions=["duhok"]
    )
    in_review = make_article("Secret okapi review", status=Article.Status.REVIEW)
    for url in [draft.get_preview_url(), in_review.get_preview_url(), "/", "/articles/"]:
        editor_client.get(url)
    reader = Client()
    for url in ["/", "/articles/", "/articles/?tag=floods", "/regions/duhok/", "/tags/floods/"]:
        assert reader.get(url).status_code == 200
    assert reader.get(draft.get_preview_url()).status_code == 404
    stored = [value for alias in ("default", "pages") for value in raw_values(caches[alias])]
    assert any(b"zebra" in value for value in stored)  # the public story is there
    assert not any(b"okapi" in value for value in stored)
