"""What a cache of the site's holds, whichever backend settings.CACHES gives it: the
tests read it to count pages stored and to look for what must never be stored."""

from articles.cache_backends import FailSafeRedisCache


def _redis_keys(cache):
    client = cache._cache.get_client(write=True)
    return client, list(client.scan_iter(match=cache.key_prefix + ":*"))


def keys(cache):
    """The keys `cache` holds now (backend keys, prefix and version included)."""
    if isinstance(cache, FailSafeRedisCache):
        return set(_redis_keys(cache)[1])
    return set(cache._cache)


def raw_values(cache):
    """The bytes of every value `cache` holds: what another process could be given."""
    if isinstance(cache, FailSafeRedisCache):
        client, found = _redis_keys(cache)
        return [value for value in client.mget(found) if isinstance(value, bytes)] if found else []
    return list(cache._cache.values())
