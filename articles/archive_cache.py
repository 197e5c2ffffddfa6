"""What a public page asks of the archive's caches: the read side (docs/caching.md).

A page asks "the count for this result" (`result_count`), "the summary for this result"
(`result_summary`), "this page" (the page cache middleware, through `lookup`), or for
what pages share (`cached_for_archive`, `archive_cache_key` for template fragments),
each by name: its canonical `address` and what is asked.

Every key (`_digest`) is that name, the active language and the archive's version, which
the writes' triggers move (articles.bookkeeping), read once a request from the database
the page's rows come from (`archive_version`): nothing is invalidated by hand and nothing
is stale. Counts of the months that are over are keyed by the history version instead
(`count_with_history`). After a publication the previous value is given for
settings.CACHE_GRACE_SECONDS while one request computes the new (`lookup`), never after a
removal. Requests with a session, drafts and previews never reach these caches.
"""

import datetime
import hashlib
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.signals import request_finished, request_started
from django.db import connection, connections, router
from django.utils import timezone, translation

from .bookkeeping import REMOVAL_COLUMN, STATE_TABLE
from .querystring import canonical_query

# What a page asks


def address(request, parameters, *, page=True):
    """The canonical address of what `request` asks (str): its path and, of its query
    string, only `parameters` (names: the view's query_parameters) in canonical form
    (articles.querystring); without "page" where `page` is false, for what every page
    of a result shares (its count, its facets)."""
    names = [name for name in parameters if page or name != "page"]
    query = canonical_query(request.GET, names).urlencode()
    return request.path + ("?" + query if query else "")


def result_count(address, queryset, question=None):
    """The number of rows of `queryset`, the result at `address` (see `address`, without
    the page), cached until the public archive changes. With `question` (a
    summaries.Question describing the result), from the counts the writes keep
    (summaries.count); otherwise the months that are over are counted once per history
    version (see count_with_history)."""
    from . import summaries

    key = ("count", address)
    if question is not None:
        return cached_for_archive(
            key, lambda: summaries.count(question, queryset.order_by()), previous_ok=True
        )
    return cached_for_archive(
        key,
        lambda: count_with_history(key, queryset.order_by(), lambda part: part.count()),
        previous_ok=True,
    )


def result_summary(address, compute):
    """compute() (the count and facets of the result at `address`), cached until the
    public archive changes."""
    return cached_for_archive(("summary", address), compute, previous_ok=True)


# The version: read once a request

# Within one request the version is read once; outside requests (commands, the shell,
# tests between writes) it is read every time.
_request_memo = ContextVar("archive_version_memo", default=None)


def _start_memo(**kwargs):
    _request_memo.set({})


def _end_memo(**kwargs):
    _request_memo.set(None)


request_started.connect(_start_memo, dispatch_uid="archive_version_memo_start")
request_finished.connect(_end_memo, dispatch_uid="archive_version_memo_end")


def once_per_request(key, compute):
    """compute(), computed once in a request for `key` (a hashable tuple) and kept in the
    request's memory only, never shared; outside a request, computed every time. For
    what several parts of one page read alike (a search's matching rows)."""
    memo = _request_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


_compiled_version_queries = {}


def reader_connection():
    """The connection readers' queries use now: the replica in a reader's request where
    there is one (newsroom.db_routers), else the primary. The version must come from the
    server the page's rows come from, or a page read from a lagging replica could be
    cached under the primary's newer version and outlive the lag."""
    from .models import ArchiveState

    return connections[router.db_for_read(ArchiveState)]


def version_query(connection=connection):
    """The version query's SQL and parameters, "now" among them, built from published().

    Every cached page pays for this query, and the ORM's compiling it cost more than
    running it: compiled once per database, with only the moment changed afterwards."""
    from .models import Article

    compiled = _compiled_version_queries.get(connection.alias)
    if compiled is None:
        newest = Article.objects.published().order_by("-published_at", "-pk").values("pk")[:1]
        newest_sql, params = newest.query.get_compiler(connection=connection).as_sql()
        moments = [i for i, p in enumerate(params) if isinstance(p, datetime.datetime)]
        sql = (
            f"SELECT version, history_version, ({newest_sql}), {REMOVAL_COLUMN} "  # noqa: S608
            f"FROM {STATE_TABLE} WHERE id = 1"
        )
        if len(moments) != 1:  # not the shape expected: compile afresh every time
            return sql, params
        compiled = _compiled_version_queries[connection.alias] = (sql, list(params), moments[0])
    sql, params, moment = compiled
    params = list(params)
    params[moment] = timezone.now()
    return sql, params


# The last version this process read from each database, and when (by `clock`), for
# archive_version(max_age): {alias: (version, read at)}.
_last_read = {}
_NEVER = (None, float("-inf"))
clock = time.monotonic


def archive_version(max_age=0):
    """(version, history version, newest public article's pk, removal version), or None
    where the state row is missing, read from the database readers' queries go to
    (reader_connection()). With `max_age` (seconds), a version this process read from
    that database that recently will do, without asking it."""
    connection = reader_connection()
    alias = connection.alias
    memo = _request_memo.get()
    if memo is not None and ("version", alias) in memo:
        return memo["version", alias]
    if max_age:
        version, read_at = _last_read.get(alias, _NEVER)
        if clock() - read_at < max_age:
            return version
    read_at = clock()
    with connection.cursor() as cursor:
        cursor.execute(*version_query(connection))
        version = cursor.fetchone()
    if memo is not None:
        memo["version", alias] = version
    # Shared only when read outside a transaction, which might yet roll back the writes
    # that moved it, and only if no later read was shared meanwhile.
    if not connection.in_atomic_block and read_at >= _last_read.get(alias, _NEVER)[1]:
        _last_read[alias] = (version, read_at)
    return version


# The key: one builder for every value, pages, counts, summaries and fragments alike


def _digest(scope, key):
    # The key carries the active language: each language's edition counts its own
    # articles and names places in its own words, so no page, count or fragment cached
    # for one language is ever given to another.
    language = translation.get_language()
    return "archive:" + hashlib.sha256(repr((scope, language, key)).encode()).hexdigest()


def _scopes(state, history):
    """(the scope a value is fresh for, the scope its previous value is kept under)."""
    version, history_version, newest, removal = state
    if history:
        return ("history", history_version), None
    return (version, newest), ("previous", removal)


def used_a_previous_value():
    """Whether this request was given a previous value (see `lookup`): then nothing it
    computes may be cached as current."""
    memo = _request_memo.get()
    return bool(memo and memo.get("previous"))


def archive_cache_key(key, *, history=False):
    """A cache key (str) for `key` (a tuple of strings) at the archive's current version
    (or, with `history`, its history version), for a template's {% cache %} fragment, or
    None where nothing may be cached: there is no version to key on, or this request used
    a previous value."""
    state = archive_version()
    if state is None or used_a_previous_value():
        return None
    return _digest(_scopes(state, history)[0], key)


# Stale-while-revalidate

MISSING = object()  # what Entry.value is when the cache holds nothing (None may be held)

# The wall clock, shared by every server (their clocks kept by NTP), for the grace.
wall_clock = time.time


class Entry:
    """Where one value lives in a cache at the archive's current version (see `lookup`).

    `value`: what the cache holds (during the grace, perhaps the previous version's: see
    used_a_previous_value), or MISSING: then compute it and `save` it."""

    def __init__(self, store, fresh, previous_key, value=MISSING):
        self.store = store
        self.fresh = fresh
        self.previous_key = previous_key
        self.value = value

    def save(self, value, timeout=DEFAULT_TIMEOUT):
        """Store `value` as current (and as the previous one for the next version), unless
        this request used a previous value: what it computed may be out of date."""
        if used_a_previous_value():
            return
        values = {self.fresh: value}
        if self.previous_key:
            values[self.previous_key] = self.fresh  # where the value is, not a second copy
        self.store.set_many(values, timeout)


def lookup(store, key, *, history=False, max_age=0, previous_ok=False):
    """The Entry for `key` (a tuple of strings) in `store` (a Django cache) at the
    archive's current version, or None where nothing may be cached (no state row).

    With `previous_ok`, in a request: when the archive moved on since the value was
    stored (a publication, an edit) the first request to find it missing is told to
    compute it, and every other request for the next settings.CACHE_GRACE_SECONDS is
    given the value stored before, if it was stored since the last
    removal (see the module's docstring): never a withdrawn story's. A request given one
    caches nothing it computes as current. The grace runs from the first request's
    miss, on every server alike: the cache holds that moment (`store.add`)."""
    state = archive_version(max_age)
    if state is None:
        return None
    fresh_scope, previous_scope = _scopes(state, history)
    fresh = _digest(fresh_scope, key)
    grace = settings.CACHE_GRACE_SECONDS
    if not (previous_ok and previous_scope and grace > 0 and _request_memo.get() is not None):
        return Entry(store, fresh, None, store.get(fresh, MISSING))
    previous_key = _digest(previous_scope, key)
    found = store.get_many([fresh, previous_key])
    entry = Entry(store, fresh, previous_key, found.get(fresh, MISSING))
    where = found.get(previous_key)
    if entry.value is not MISSING or where is None or where == fresh:
        return entry
    now = wall_clock()
    missed = fresh + ":missed"  # when the first request found it missing
    if store.add(missed, now, timeout=max(60, int(grace * 10))):
        return entry  # the first: it computes
    found = store.get_many([missed, where])
    since = found.get(missed)
    if since is None or now - since >= grace or where not in found:
        return entry
    _request_memo.get()["previous"] = True
    return Entry(store, fresh, previous_key, found[where])


# Computing a value once

# When a change empties the cache and there is no previous value to give, the threads of
# a process that ask for the same costly count at once wait for the first to compute it
# (it started first, so it ends first) instead of all computing it. One lock per key: a
# computation may itself read another cached value (the facets read the gazetteer), so a
# lock shared between keys could wait on itself.
_locks_guard = threading.Lock()
_compute_locks = {}


def cached_for_archive(key, compute, *, history=False, previous_ok=False):
    """compute(), cached until the public archive changes (key: a tuple of strings), or
    with `history`, until a public article dated before this month changes. With
    `previous_ok`, the value before the change may be given during the grace (see
    `lookup`): for costly counts and facets, whose page is then not cached."""
    entry = lookup(cache, key, history=history, previous_ok=previous_ok)
    if entry is None:
        return compute()
    if entry.value is not MISSING:
        return entry.value
    with _locks_guard:
        lock = _compute_locks.setdefault(entry.fresh, threading.Lock())
    try:
        with lock:
            value = cache.get(entry.fresh, MISSING)
            if value is MISSING:
                value = compute()
                entry.save(value, timeout=settings.ARCHIVE_CACHE_SECONDS)
    finally:
        with _locks_guard:
            _compute_locks.pop(entry.fresh, None)
    return value


# Months that are over


def history_boundary():
    """Where the months that are over end: the start of the month a day ago, in the
    newsroom's time. A day early, so that a transaction that began last month and is
    still committing (its trigger reckoned by last month) cannot change a month that a
    reader already treats as over."""
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    return yesterday.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def count_with_history(key, queryset, aggregate):
    """aggregate(queryset), which must add up over disjoint parts (a count, month counts).

    The part dated before history_boundary() is cached under the history version; the
    part since is aggregated now. Only for a result that an article's own fields and
    links decide: a search's "newest 500 matches" shift as stories arrive."""
    boundary = history_boundary()
    past = cached_for_archive(
        (*key, "before", boundary.isoformat()),
        lambda: aggregate(queryset.filter(published_at__lt=boundary)),
        history=True,
    )
    return past + aggregate(queryset.filter(published_at__gte=boundary))


# The filters' choices, which every list page shares


def gazetteer():
    """Every region, in tree order: the region filter's choices. Keyed by the history
    version, which every write to the gazetteer moves, so new stories do not re-read it."""
    from .models import Region

    return cached_for_archive(("gazetteer",), lambda: list(Region.objects.all()), history=True)


def tags_in_use():
    """Tags on at least one public article: the tag filter's choices."""
    from .models import Tag

    return cached_for_archive(("tags in use",), lambda: list(Tag.objects.in_use()))


def languages_in_use():
    """The codes of the languages public articles are written in (a sorted list), from
    the counts the writes keep (summaries.languages): what a search of every language
    searches."""
    from . import summaries

    return cached_for_archive(("languages in use",), summaries.languages)


def bylines_in_use():
    """Bylines on at least one public article: the byline filter's choices."""
    from .models import Byline

    return cached_for_archive(("bylines in use",), lambda: list(Byline.objects.in_use()))
