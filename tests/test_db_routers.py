"""Readers on a replica, editors and writes on the primary (newsroom/db_routers.py).

The suite runs without DATABASE_REPLICA_URL (or with it: the replica is then a mirror of
the test database, which the router leaves alone, every test's own transaction keeping
reads on the primary). These tests make a "replica" database for themselves: the
primary's own test database under a second alias (a replica that never lags), a snapshot
of the past on it (a replica that lags, PostgreSQL's REPEATABLE READ), or a closed port (a
replica that is down: a real connection refused, not a mock).
"""

import contextlib
import socket

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from newsroom import db_routers
from newsroom.db_routers import (
    PIN_COOKIE,
    PRIMARY,
    REPLICA,
    ReplicaHealth,
    ReplicaMiddleware,
    ReplicaRouter,
    pin_seconds,
)
from tests.factories import make_article

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a replica's snapshot of the past is PostgreSQL's"
)
# Each connection must see what the other committed, as with a real replica. Where the
# suite itself runs with DATABASE_REPLICA_URL (a "replica" mirroring the test database),
# these tests may use that alias for their own replica.
outside_any_transaction = pytest.mark.django_db(
    transaction=True, databases=[PRIMARY, *([REPLICA] if REPLICA in settings.DATABASES else [])]
)


@contextlib.contextmanager
def reading_from(alias):
    token = db_routers._reads_from.set(alias)
    try:
        yield
    finally:
        db_routers._reads_from.reset(token)


class Health:
    def __init__(self, available):
        self.answer = available

    def available(self):
        return self.answer


def closed_port():
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def with_replica(settings, monkeypatch):
    """add(settings_dict) makes it the "replica" database, with the router and middleware
    that DATABASE_REPLICA_URL turns on, and a health check that has not asked yet."""
    added = []
    declared = getattr(connections._connections, REPLICA, None)

    def add(settings_dict):
        configured = connections.configure_settings(
            {PRIMARY: dict(connections[PRIMARY].settings_dict), REPLICA: settings_dict}
        )[REPLICA]
        # A connection made here, not declared in settings.DATABASES: the test database
        # machinery (flushes, its guard on undeclared databases) leaves it alone.
        replica = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, REPLICA)
        setattr(connections._connections, REPLICA, replica)
        added.append(replica)
        settings.DATABASE_ROUTERS = ["newsroom.db_routers.ReplicaRouter"]
        middleware = [m for m in settings.MIDDLEWARE if m != ReplicaMiddleware.path]
        middleware.insert(
            middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
            ReplicaMiddleware.path,
        )
        settings.MIDDLEWARE = middleware
        monkeypatch.setattr(db_routers, "health", ReplicaHealth())
        return connections[REPLICA]

    yield add
    for replica in added:
        replica.close()
        if getattr(replica, "pool", None):
            replica.close_pool()
        if declared is None:
            delattr(connections._connections, REPLICA)
        else:
            setattr(connections._connections, REPLICA, declared)


@pytest.fixture
def editor_client(transactional_db):
    """A logged-in administrator (the roles' groups, made by a migration, are gone in a
    test outside a transaction)."""
    client = Client()
    client.force_login(User.objects.create_superuser("chief", password="a-long-test-password"))
    return client


@pytest.fixture
def replica_in_step(with_replica):
    """The primary's test database under the alias "replica": a replica with no lag."""
    return with_replica(dict(connections[PRIMARY].settings_dict))


def down_replica_settings(pool=False):
    options = {"pool": {"min_size": 0, "max_size": 2, "timeout": 0.5}} if pool else {}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "newsroom_cluster_nowhere",
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": str(closed_port()),
        "OPTIONS": options,
        "CONN_MAX_AGE": 0,
    }


# Routing decisions ------------------------------------------------------------------


def test_outside_a_request_reads_and_writes_go_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Article) == PRIMARY
    assert router.db_for_write(Article) == PRIMARY
    assert db_routers.reads_from() == PRIMARY


def test_a_readers_request_reads_articles_from_the_replica_and_writes_to_the_primary():
    router = ReplicaRouter()
    with reading_from(REPLICA):
        assert router.db_for_read(Article) == REPLICA
        assert router.db_for_write(Article) == PRIMARY


def test_the_editors_own_tables_are_always_read_on_the_primary():
    with reading_from(REPLICA):
        assert ReplicaRouter().db_for_read(Session) == PRIMARY
        assert ReplicaRouter().db_for_read(User) == PRIMARY


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_on_it():
    with reading_from(REPLICA), transaction.atomic():
        assert ReplicaRouter().db_for_read(Article) == PRIMARY


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "articles") is False
    assert router.allow_migrate(PRIMARY, "articles") is None


def decide(request, available=True):
    return ReplicaMiddleware(lambda r: HttpResponse(), health=Health(available)).reads_from(request)


def test_a_readers_get_reads_from_the_replica():
    assert decide(RequestFactory().get("/articles/")) == REPLICA
    assert decide(RequestFactory().head("/")) == REPLICA


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_reads_from_the_primary(method):
    assert decide(getattr(RequestFactory(), method)("/articles/")) == PRIMARY


def test_a_request_with_a_session_reads_from_the_primary(settings):
    request = RequestFactory().get("/articles/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "any"
    assert decide(request) == PRIMARY


def test_a_request_pinned_after_a_write_reads_from_the_primary():
    request = RequestFactory().get("/articles/")
    request.COOKIES[PIN_COOKIE] = "1"
    assert decide(request) == PRIMARY


def test_the_admin_reads_from_the_primary(settings):
    assert decide(RequestFactory().get("/" + settings.ADMIN_URL + "login/")) == PRIMARY


def test_readers_read_from_the_primary_while_the_replica_is_unavailable():
    assert decide(RequestFactory().get("/articles/"), available=False) == PRIMARY


def test_a_write_pins_the_browser_to_the_primary_until_a_replica_would_have_caught_up(settings):
    settings.DATABASE_REPLICA_MAX_LAG = 30
    settings.DATABASE_REPLICA_CHECK_SECONDS = 5
    middleware = ReplicaMiddleware(lambda r: HttpResponse(), health=Health(True))
    pinned = middleware(RequestFactory().post("/admin/logout/"))
    assert pinned.cookies[PIN_COOKIE]["max-age"] == pin_seconds() == 35
    assert pinned.cookies[PIN_COOKIE]["httponly"]
    assert PIN_COOKIE not in middleware(RequestFactory().get("/")).cookies


# The health check ---------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_replica_that_lags_too_much_is_left_alone_until_it_catches_up(settings):
    settings.DATABASE_REPLICA_MAX_LAG = 10
    settings.DATABASE_REPLICA_CHECK_SECONDS = 5
    lags, clock = [0.2], Clock()
    health = ReplicaHealth(probe=lambda alias: lags[-1], clock=clock)
    assert health.available()
    lags.append(42.0)
    clock.now += 4.9
    assert health.available()  # the last answer, for a few seconds
    clock.now += 0.2
    assert not health.available()
    lags.append(0.5)
    clock.now += 5
    assert health.available()


def test_a_replica_that_does_not_answer_is_unavailable(settings):
    def refused(alias):
        raise OSError("connection refused")

    assert not ReplicaHealth(probe=refused).available()


def test_the_replica_is_unavailable_until_first_checked(settings):
    health = ReplicaHealth(probe=lambda alias: 0.0)
    with health.lock:  # another thread is checking
        assert not health.available()
    assert health.available()


# Against databases ------------------------------------------------------------------


@outside_any_transaction
def test_a_readers_page_and_its_archive_version_come_from_the_replica(replica_in_step):
    article = make_article("Floods in Duhok", regions=["duhok"])
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Floods in Duhok" in response.content.decode()
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "articles_archivestate" in replica_sql and "articles_article" in replica_sql
    assert not any("articles_archivestate" in q["sql"] for q in on_primary.captured_queries)


@outside_any_transaction
def test_an_editors_requests_never_read_from_the_replica(replica_in_step, editor_client):
    article = make_article("Floods in Duhok")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert editor_client.get("/").status_code == 200
        assert editor_client.get(article.get_absolute_url()).status_code == 200
        assert editor_client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 200
    assert on_replica.captured_queries == []


@outside_any_transaction
def test_after_logging_out_an_editor_still_reads_from_the_primary(replica_in_step, editor_client):
    make_article("Floods in Duhok")
    response = editor_client.post("/admin/logout/")
    assert response.cookies[PIN_COOKIE]["max-age"] == pin_seconds()
    assert Session.objects.count() == 0  # a reader now, but a pinned one
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert "Floods in Duhok" in editor_client.get("/articles/").content.decode()
    assert on_replica.captured_queries == []


@contextlib.contextmanager
def lagging(replica):
    """The replica as it is now, for as long as the block runs: what the primary commits
    meanwhile is not there (a replica that has not replayed it yet)."""
    with transaction.atomic(using=replica.alias), replica.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT version FROM articles_archivestate")
        yield


@on_postgresql
@outside_any_transaction
def test_pages_cached_while_the_replica_lags_are_its_own_and_pass_with_the_lag(
    replica_in_step, editor_client
):
    reader = Client()
    make_article("Old story")
    assert "Old story" in reader.get("/").content.decode()  # cached for readers
    with lagging(replica_in_step):
        make_article("Breaking story")
        make_article("Draft story", status=Article.Status.DRAFT)
        # Readers see the archive as the replica has it, cached and rendered alike: the
        # documented window.
        assert "Breaking story" not in reader.get("/").content.decode()
        listed = reader.get("/articles/").content.decode()  # rendered from the replica
        assert "Old story" in listed and "Breaking story" not in listed
        # The editor reads their own write, from the primary.
        assert "Breaking story" in editor_client.get("/articles/").content.decode()
    # Caught up: the page rendered from the lagging replica was cached under the
    # replica's version, not the primary's, so it is not served any more.
    for url in ("/", "/articles/"):
        page = reader.get(url).content.decode()
        assert "Breaking story" in page and "Draft story" not in page


@outside_any_transaction
def test_readers_fall_back_to_the_primary_when_the_replica_is_down(with_replica):
    with_replica(down_replica_settings())
    article = make_article("Floods in Duhok")
    reader = Client(raise_request_exception=False)
    for url in ("/", "/articles/", article.get_absolute_url()):
        response = reader.get(url)
        assert response.status_code == 200, url
        assert "Floods in Duhok" in response.content.decode()
    assert db_routers.health.usable is False and db_routers.health.lag is None


@pytest.mark.parametrize("pool", [False, True], ids=["connection", "pool"])
@outside_any_transaction
def test_a_readers_request_that_fails_on_the_replica_is_run_again_on_the_primary(
    with_replica, pool
):
    if pool and connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's")
    with_replica(down_replica_settings(pool=pool))
    article = make_article("Floods in Duhok")
    # The replica was well at the last check and has gone down since.
    db_routers.health.usable, db_routers.health.checked_at = True, db_routers.health.clock()
    response = Client(raise_request_exception=False).get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Floods in Duhok" in response.content.decode()
    assert db_routers.health.usable is False  # checked at once
