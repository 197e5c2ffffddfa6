import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles import archive_cache
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_a_repeated_public_page_costs_one_query(client, django_assert_num_queries):
    article = make_article(regions=["duhok"], tags=["Floods"])
    first = client.get(article.get_absolute_url())
    with django_assert_num_queries(1):  # the archive version, nothing else
        again = client.get(article.get_absolute_url())
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Cache-Control"] == first["Cache-Control"]


# As in production, where a request runs outside any transaction: the window only shares
# versions read outside one.
outside_any_transaction = pytest.mark.django_db(transaction=True)


@pytest.fixture
def version_read_a_second_ago_will_do(settings, monkeypatch):
    """PAGE_CACHE_VERSION_SECONDS as in production, on a clock the test moves."""
    settings.PAGE_CACHE_VERSION_SECONDS = 1
    now = [1000.0]
    monkeypatch.setattr(archive_cache, "clock", lambda: now[0])
    monkeypatch.setattr(archive_cache, "_last_read", {})

    def move_clock(seconds):
        now[0] += seconds

    return move_clock


@outside_any_transaction
def test_a_page_cached_within_the_version_window_costs_no_query(
    client, version_read_a_second_ago_will_do, django_assert_num_queries
):
    article = make_article()
    first = client.get(article.get_absolute_url())
    version_read_a_second_ago_will_do(0.5)
    with django_assert_num_queries(0):
        again = client.get(article.get_absolute_url())
    assert again.content == first.content


@outside_any_transaction
def test_an_unpublished_article_leaves_the_page_cache_within_the_version_window(
    client, version_read_a_second_ago_will_do
):
    article = make_article()
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    version_read_a_second_ago_will_do(0.9)
    assert client.get(url).status_code == 200  # the page as it was a moment ago
    version_read_a_second_ago_will_do(0.1)
    assert client.get(url).status_code == 404


@outside_any_transaction
def test_a_page_not_yet_cached_is_rendered_from_the_current_archive(
    client, version_read_a_second_ago_will_do
):
    make_article("Old story")
    client.get("/")
    make_article("Breaking story")
    assert "Breaking story" in client.get("/articles/").content.decode()


def test_an_unpublished_article_leaves_the_page_cache_at_once(client):
    article = make_article()
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert client.get(url).status_code == 404


def test_a_scheduled_article_reaches_the_cached_home_page_when_due(client):
    scheduled = make_article(published_at=timezone.now() + datetime.timedelta(hours=1))
    make_article()
    assert scheduled.headline not in client.get("/").content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert scheduled.headline in client.get("/").content.decode()


def test_an_editor_is_never_served_a_cached_page(editor_client, django_assert_max_num_queries):
    make_article("Public story")
    Client().get("/")  # now cached for readers
    with django_assert_max_num_queries(30) as captured:
        response = editor_client.get("/")
    assert len(captured) > 1  # rendered afresh
    assert "private" in response["Cache-Control"]


def test_an_editors_page_is_not_stored_for_readers(editor_client, django_assert_max_num_queries):
    make_article("Public story")
    editor_client.get("/")
    with django_assert_max_num_queries(20) as captured:
        Client().get("/")
    assert len(captured) > 1  # rendered afresh, not the editor's copy


def test_query_strings_are_cached_apart(client):
    make_article("Floods in Duhok", regions=["duhok"])
    make_article("Budget in Baghdad", regions=["baghdad"])
    duhok = client.get("/articles/?region=duhok").content.decode()
    baghdad = client.get("/articles/?region=baghdad").content.decode()
    assert "Floods in Duhok" in duhok and "Floods in Duhok" not in baghdad


@outside_any_transaction
def test_a_version_read_inside_a_transaction_is_not_shared_with_other_requests(
    version_read_a_second_ago_will_do,
):
    from django.db import transaction

    before = archive_cache.archive_version()
    with transaction.atomic():
        make_article()  # moves the version, then rolls back
        assert archive_cache.archive_version() != before
        transaction.set_rollback(True)
    assert archive_cache.archive_version(max_age=1) == before


@outside_any_transaction
def test_a_reader_pinned_after_a_write_reads_it_within_the_version_window(
    client, version_read_a_second_ago_will_do
):
    from newsroom.db_routers import PIN_COOKIE

    make_article("Old story")
    reader, pinned = Client(), Client()
    pinned.cookies[PIN_COOKIE] = "1"  # what a write's response sets (ReplicaMiddleware)
    for visitor in (reader, pinned):
        assert "Old story" in visitor.get("/").content.decode()  # cached, version read
    make_article("Breaking story")
    version_read_a_second_ago_will_do(0.5)
    # Any other reader may be served the page from before, for the documented second ...
    assert "Breaking story" not in reader.get("/").content.decode()
    # ... the one who wrote never is.
    assert "Breaking story" in pinned.get("/").content.decode()
