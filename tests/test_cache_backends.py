"""The process-local caches are bounded in bytes, not only in entries; the shared one
(Redis) is one cache for every process, and a Redis out of reach is a miss, never an
error."""

import os
import socket
import threading
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from articles.cache_backends import ByteBoundedLocMemCache, FailSafeRedisCache
from tests.factories import make_article

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a Redis to share)")

KB = 1024


def bounded(name, **options):
    cache = ByteBoundedLocMemCache(name, {"OPTIONS": {"MAX_ENTRIES": 1000, **options}})
    cache.clear()
    return cache


def test_the_total_stays_under_max_bytes_dropping_the_least_recently_used():
    cache = bounded("test-bytes", MAX_BYTES=100 * KB, MAX_ENTRY_BYTES=20 * KB)
    for n in range(50):
        cache.set(f"page-{n}", "x" * 10 * KB)
        if n == 5:
            assert cache.get("page-0") is not None  # page-0 is now recently used
        assert cache.bytes_used <= 100 * KB
    assert cache.get("page-49") is not None
    assert cache.get("page-1") is None
    assert 8 <= len(cache._cache) <= 10


def test_a_value_over_the_entry_limit_is_not_stored_and_replaces_nothing():
    cache = bounded("test-entry", MAX_BYTES=100 * KB, MAX_ENTRY_BYTES=20 * KB)
    cache.set("page", "small")
    cache.set("page", "x" * 30 * KB)
    assert cache.get("page") is None  # not the stale small value either
    assert cache.bytes_used == 0


def test_replacing_deleting_and_clearing_keep_the_count_exact():
    cache = bounded("test-count", MAX_BYTES=100 * KB)
    cache.set("a", "x" * KB)
    cache.set("a", "x" * 2 * KB)
    cache.set("b", "x" * KB)
    used = cache.bytes_used
    assert 3 * KB < used < 3 * KB + 200
    cache.delete("b")
    assert cache.bytes_used < used - KB + 100
    cache.add("b", "y")
    cache.clear()
    assert cache.bytes_used == 0


def test_threads_share_one_budget():
    caches_by_thread = []

    def store(n):
        cache = ByteBoundedLocMemCache(
            "test-threads", {"OPTIONS": {"MAX_BYTES": 50 * KB, "MAX_ENTRY_BYTES": 10 * KB}}
        )
        caches_by_thread.append(cache)
        for i in range(40):
            cache.set(f"{n}-{i}", "z" * 5 * KB)

    threads = [threading.Thread(target=store, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(c.bytes_used <= 50 * KB for c in caches_by_thread)
    assert caches_by_thread[0].bytes_used == sum(
        len(k) + len(v) for k, v in caches_by_thread[0]._cache.items()
    )
    caches_by_thread[0].clear()


@pytest.mark.skipif(bool(REDIS_URL), reason="with REDIS_URL the caches are Redis's")
@pytest.mark.parametrize("alias", ["default", "pages"])
def test_the_sites_caches_are_bounded_in_bytes(alias):
    options = settings.CACHES[alias]["OPTIONS"]
    assert isinstance(caches[alias], ByteBoundedLocMemCache)
    assert caches[alias].max_bytes == options["MAX_BYTES"] <= 256 * 2**20
    assert caches[alias].max_entry_bytes < caches[alias].max_bytes


def closed_port():
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_cache(location, prefix="newsroom-test", **options):
    """A client of its own, as another process or server would have."""
    return FailSafeRedisCache(
        location,
        {"KEY_PREFIX": prefix, "OPTIONS": {"socket_connect_timeout": 0.25, **options}},
    )


def test_an_unreachable_redis_is_a_miss_and_writes_nothing():
    cache = redis_cache(f"redis://127.0.0.1:{closed_port()}/0", DOWN_SECONDS=60)
    started = time.monotonic()
    assert cache.get("page", "default") == "default"
    cache.set("page", "value")
    cache.set_many({"a": 1})
    assert cache.add("lock", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("page") is False
    assert time.monotonic() - started < 2


def test_after_a_failure_redis_is_left_alone_for_a_while(monkeypatch):
    cache = redis_cache(f"redis://127.0.0.1:{closed_port()}/0", DOWN_SECONDS=60)
    cache.get("page")
    tried = []
    monkeypatch.setattr(RedisCache, "get", lambda *args, **kwargs: tried.append(1))
    assert cache.get("page", "default") == "default"
    assert tried == []


@pytest.mark.django_db
def test_readers_get_pages_while_redis_is_unreachable(settings):
    location = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        alias: {
            "BACKEND": "articles.cache_backends.FailSafeRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"unreachable-{alias}",
            "OPTIONS": {"socket_connect_timeout": 0.25, "DOWN_SECONDS": 0},
        }
        for alias in ("default", "pages")
    }
    article = make_article("Still served", tags=["Floods"], regions=["duhok"])
    client = Client()
    for url in ["/", "/articles/", "/articles/?tag=floods", article.get_absolute_url()] * 2:
        response = client.get(url)
        assert response.status_code == 200
        assert "Still served" in response.content.decode()


@needs_redis
def test_a_value_one_process_stored_is_served_to_another():
    one, another = redis_cache(REDIS_URL), redis_cache(REDIS_URL)
    try:
        one.set("page", ("200", {"Content-Type": "text/html"}, b"<p>shared</p>"))
        assert another.get("page") == ("200", {"Content-Type": "text/html"}, b"<p>shared</p>")
    finally:
        one.clear()


@needs_redis
def test_two_deployments_on_one_redis_neither_meet_nor_clear_each_other():
    ours, theirs = redis_cache(REDIS_URL, "newsroom-a"), redis_cache(REDIS_URL, "newsroom-b")
    try:
        ours.set("page", "ours")
        theirs.set("page", "theirs")
        assert ours.get("page") == "ours"
        ours.clear()
        assert ours.get("page") is None
        assert theirs.get("page") == "theirs"
    finally:
        ours.clear()
        theirs.clear()


@needs_redis
@pytest.mark.django_db
def test_a_page_rendered_by_one_process_is_served_by_another(django_assert_num_queries):
    article = make_article(tags=["Floods"])
    first = Client().get(article.get_absolute_url())
    # Another process: cache clients of its own, nothing of this one's in memory.
    before = caches["pages"]
    for alias in ("default", "pages"):
        del caches[alias]
    assert caches["pages"] is not before
    assert isinstance(caches["pages"], FailSafeRedisCache)
    with django_assert_num_queries(1):  # the archive version, then the page from Redis
        again = Client().get(article.get_absolute_url())
    assert again.content == first.content
