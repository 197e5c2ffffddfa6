"""The site's two cache backends (settings.CACHES).

ByteBoundedLocMemCache, without REDIS_URL: a process-local cache bounded in bytes, not
only in entries. Django's LocMemCache is bounded by MAX_ENTRIES alone, so its memory is
MAX_ENTRIES times whatever the largest values are: a few thousand pages of a few megabytes
each are gigabytes. This backend also keeps the total size of the stored (pickled) values
and their keys under OPTIONS["MAX_BYTES"], dropping the least recently used entries first,
and stores no value larger than OPTIONS["MAX_ENTRY_BYTES"].

FailSafeRedisCache, with REDIS_URL: Django's RedisCache, shared by every process and
server, that a Redis out of reach cannot turn into an error page."""

import logging
import re
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Shared, like LocMemCache's own stores, by every instance (one a thread) of one name.
_usage = {}


class _Usage:
    def __init__(self):
        self.sizes = {}  # key: bytes
        self.total = 0


class ByteBoundedLocMemCache(LocMemCache):
    """LocMemCache with OPTIONS MAX_BYTES (total bytes of keys and pickled values kept,
    default 64 MiB) and MAX_ENTRY_BYTES (a larger value is not stored, and replaces
    nothing: the key is emptied; default MAX_BYTES / 8). Otherwise as LocMemCache,
    MAX_ENTRIES included; `incr` leaves the size it counts for a key unchanged."""

    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", 64 * 2**20))
        self.max_entry_bytes = int(options.get("MAX_ENTRY_BYTES", self.max_bytes // 8))
        self._usage = _usage.setdefault(name, _Usage())

    @property
    def bytes_used(self):
        """Bytes of keys and pickled values now kept (int)."""
        with self._lock:
            return self._usage.total

    def _forget(self, key):
        self._usage.total -= self._usage.sizes.pop(key, 0)

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        size = len(key) + len(value)
        self._delete(key)
        if size > self.max_entry_bytes:
            return
        # Make room first, so that culling never drops the value being stored.
        while self._cache and (
            self._usage.total + size > self.max_bytes or len(self._cache) >= self._max_entries
        ):
            oldest, _ = self._cache.popitem()  # the least recently used
            del self._expire_info[oldest]
            self._forget(oldest)
        super()._set(key, value, timeout)
        self._usage.sizes[key] = size
        self._usage.total += size

    def _cull(self):
        # Only reached when MAX_ENTRIES is 0 or less: _set has made room already.
        super()._cull()
        for key in set(self._usage.sizes) - self._cache.keys():
            self._forget(key)

    def _delete(self, key):
        self._forget(key)
        return super()._delete(key)

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._usage.sizes.clear()
            self._usage.total = 0


class FailSafeRedisCache(RedisCache):
    """RedisCache for a cache that may fail: when Redis cannot be reached, or answers
    with an error or a value that no longer unpickles (a release changed its class), a
    read is a miss (`get` gives the default, `get_many` {}, `add` False), a write does
    nothing and a warning is logged; the page is rendered from the database. After a
    failure the process leaves Redis alone for OPTIONS["DOWN_SECONDS"] (default 5), so
    that a Redis that does not answer costs each request nothing rather than a timeout
    per value. `incr` raises as RedisCache's does.

    `clear` deletes this cache's keys (KEY_PREFIX, any version) rather than the whole
    Redis database, which other caches and deployments may share."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.down_seconds = float(options.pop("DOWN_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._down_lock = threading.Lock()

    def _guarded(self, method, failed, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return failed
        try:
            return getattr(super(), method)(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - a cache that fails is a cache that misses
            with self._down_lock:
                self._down_until = time.monotonic() + self.down_seconds
            logger.warning(
                "Cache %s failed (%s: %s); rendering without it for %s s",
                method,
                type(error).__name__,
                error,
                self.down_seconds,
            )
            return failed

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", None, keys, version)

    def clear(self):
        if not self.key_prefix:
            return super().clear()
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True
