"""The process-local caches are bounded in bytes, not only in entries."""

import threading

import pytest
from django.conf import settings
from django.core.cache import caches

from articles.cache_backends import ByteBoundedLocMemCache

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


@pytest.mark.parametrize("alias", ["default", "pages"])
def test_the_sites_caches_are_bounded_in_bytes(alias):
    options = settings.CACHES[alias]["OPTIONS"]
    assert isinstance(caches[alias], ByteBoundedLocMemCache)
    assert caches[alias].max_bytes == options["MAX_BYTES"] <= 256 * 2**20
    assert caches[alias].max_entry_bytes < caches[alias].max_bytes
