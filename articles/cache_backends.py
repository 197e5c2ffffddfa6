"""A process-local cache bounded in bytes, not only in entries.

Django's LocMemCache is bounded by MAX_ENTRIES alone, so its memory is MAX_ENTRIES times
whatever the largest values are: a few thousand pages of a few megabytes each are
gigabytes. This backend also keeps the total size of the stored (pickled) values and
their keys under OPTIONS["MAX_BYTES"], dropping the least recently used entries first,
and stores no value larger than OPTIONS["MAX_ENTRY_BYTES"]."""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

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
