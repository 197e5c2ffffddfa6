"""Running an import: every story under files and folders, each in its own transaction,
so that one bad file is reported and the rest still import.

`import_paths(paths)` reads each file (articles.wire.files), parses it (plain text:
articles.wire.text with its sidecar, articles.wire.sidecar; other formats:
articles.wire.formats) into a Story, and hands it to the one writer
(articles.wire.store); `import_paths_side_by_side` shares the files between processes
on PostgreSQL. The management command `import_seeds` is a thin wrapper around them.
"""

import hashlib
import multiprocessing
import queue
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, connections, reset_queries

from ..bookkeeping import StatisticsFollowGrowth
from .bulk import BulkWriter, ReadStory
from .files import (
    MAX_FILE_BYTES,
    FeedSources,
    decode_wire_bytes,
    document_key,
    iter_wire_files,
    printable_name,
    read_metadata,
    read_regular_file,
)
from .formats import parse_delivery
from .places import PlaceMatcher
from .sidecar import apply_sidecar
from .store import ImportResult, NameCache, store_story
from .story import WireCopyError
from .text import parse_wire_copy


@dataclass
class ImportSummary:
    """Counts per outcome, and the failures; not every result, so that memory stays
    flat however many files a run imports."""

    counts: Counter = field(default_factory=Counter)
    failures: list[ImportResult] = field(default_factory=list)
    # Place-like names the stories gave that the gazetteer lacks: in how many stories.
    unmatched_places: Counter = field(default_factory=Counter)

    def add(self, result):
        self.counts[result.outcome] += 1
        if result.outcome == "failed":
            self.failures.append(result)
        self.unmatched_places.update(result.unmatched_places)

    def count(self, outcome):
        return self.counts[outcome]

    def merge(self, other):
        self.counts.update(other.counts)
        self.failures.extend(other.failures)
        self.unmatched_places.update(other.unmatched_places)

    def reasons(self):
        """The failures' reasons grouped, most frequent first: [(reason, count)], a
        reason with its quoted names and its numbers shown as '…' and N, so that files
        failing alike count as one reason ("published_at '…' is not an ISO 8601 date")."""
        grouped = Counter(reason_kind(failure.reason) for failure in self.failures)
        return sorted(grouped.items(), key=lambda item: (-item[1], item[0]))

    def __str__(self):
        return ", ".join(
            f"{self.count(outcome)} {outcome}"
            for outcome in ("imported", "updated", "unchanged", "failed")
        )


QUOTED_RE = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
NUMBER_RE = re.compile(r"(?<!ISO )(?<!UTF-)\b(?:0x[0-9a-f]+|\d+)\b")


def reason_kind(reason):
    """`reason` without what is particular to one file: quoted text as '…', numbers as N."""
    return NUMBER_RE.sub("N", QUOTED_RE.sub("'…'", reason))


class Progress:
    """A line every `every` seconds on `stream` while an import runs: done of total,
    the rate and the time left. `clock` is time.monotonic unless a test gives another."""

    def __init__(self, total, stream, label="", every=5.0, clock=None):
        self.total, self.stream, self.label, self.every = total, stream, label, every
        self.clock = clock or time.monotonic
        self.done = 0
        self.started = self.last = self.clock()

    def add(self, count=1):
        self.done += count
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now):
        rate = self.done / max(now - self.started, 1e-9)
        left = (self.total - self.done) / rate if rate else 0
        percent = 100 * self.done / self.total if self.total else 100
        label = f"{self.label}: " if self.label else ""
        return (
            f"{label}{self.done:,} of {self.total:,} files ({percent:.0f}%), "
            f"{rate:,.{1 if rate < 10 else 0}f} a second, about {left:,.0f} s left"
        )


DELIVERY_SUFFIXES = (".json", ".xml")


def read_story(path, key, feed):
    """(Story, its key, checksum) of the file at `path`: plain text with its sidecar
    (articles.wire.text, articles.wire.sidecar), or a ninjs, NewsML-G2 or NITF delivery
    (articles.wire.formats); the source from the feed (FeedSources) when neither names
    one. Raises WireCopyError or OSError with the reason it cannot be read."""
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except WireCopyError as error:
        raise WireCopyError(f"{error}; not a wire story") from None
    if path.suffix.lower() in DELIVERY_SUFFIXES:
        story = parse_delivery(path.name, data)
        metadata_raw = b""
        key = document_key({"key": story.key} if story.key else {}, key, path)
    else:
        metadata, metadata_raw = read_metadata(path)
        key = document_key(metadata, key, path)
        story = parse_wire_copy(decode_wire_bytes(data))
        apply_sidecar(story, metadata)
    if not story.source:  # the folder's ingest.json or --source
        story.source = feed.for_file(path)
        if isinstance(story.source, WireCopyError):
            raise story.source
    return story, key, hashlib.sha256(data + b"\0" + metadata_raw).hexdigest()


def import_wire_file(path, matcher, key=None, names=None, feed=None):
    """Import one document; returns an ImportResult and never raises for bad input.

    `key` identifies the document across imports (default: the file name without .txt);
    `names` carries looked-up tags, editors and bylines from one document to the next;
    `feed` (FeedSources) says the source of copy whose text and sidecar name none."""
    names = names if names is not None else NameCache()
    feed = feed if feed is not None else FeedSources()
    path = Path(path)
    try:
        story, key, checksum = read_story(path, key, feed)
    except WireCopyError as error:
        return ImportResult(path, "failed", reason=str(error))
    except OSError as error:
        reason = printable_name(error.strerror or str(error))
        return ImportResult(path, "failed", reason=f"cannot read: {reason}")
    return store_story(story, path=path, key=key, checksum=checksum, matcher=matcher, names=names)


@contextmanager
def commits_without_waiting_for_disk():
    """On PostgreSQL, let each document's COMMIT return before its WAL reaches the disk.

    Each document is still all or nothing, but a crash of the database server may lose
    the last fraction of a second of imports; the next run imports those files again,
    as it skips only what is stored unchanged. Waiting for the disk was half of the time
    a document took."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


# From this many files on, an import the command starts writes in batches (bulk="auto").
BULK_FROM = 1000


def import_paths(
    paths, on_result=None, shard=None, source="", progress_to=None, label="", bulk=False
):
    """Import every story under the given files and folders (with `shard`, a share of
    them: see iter_wire_files). `source` is the feed's, for copy that names none
    (FeedSources). With `progress_to` (a text stream), a Progress line goes to it every
    few seconds, starting with `label`. With `bulk` True, new stories are written in
    batches (articles.wire.bulk: the same articles and history, fewer statements);
    "auto" does so from BULK_FROM files on."""
    progress = None
    if progress_to is not None or bulk == "auto":
        paths = list(iter_wire_files(paths, shard))
        shard = None
        if progress_to is not None:
            progress = Progress(len(paths), progress_to, label)
        if bulk == "auto":
            bulk = len(paths) >= BULK_FROM
    feed = FeedSources(source)
    matcher = PlaceMatcher.from_gazetteer()
    names = NameCache()
    summary = ImportSummary()
    statistics = StatisticsFollowGrowth(connection)

    def report(result):
        reset_queries()  # with DEBUG on, Django would keep each document's statements
        summary.add(result)
        if result.outcome == "imported":
            statistics.add()
        if on_result:
            on_result(result)
        if progress is not None:
            progress.add()

    def failure(path, error):
        names.clear()
        problem = printable_name(f"{type(error).__name__}: {error}")
        return ImportResult(path, "failed", reason=f"could not be imported: {problem}")

    with commits_without_waiting_for_disk():
        if not bulk:
            for path, key in iter_wire_files(paths, shard):
                try:
                    result = import_wire_file(path, matcher, key=key, names=names, feed=feed)
                except Exception as error:  # whatever one file meets fails that file alone
                    result = failure(path, error)
                report(result)
            return summary
        writer = BulkWriter(matcher, names, report)
        for path, key in iter_wire_files(paths, shard):
            try:
                story, key, checksum = read_story(Path(path), key, feed)
            except WireCopyError as error:
                report(ImportResult(path, "failed", reason=str(error)))
                continue
            except OSError as error:
                reason = printable_name(error.strerror or str(error))
                report(ImportResult(path, "failed", reason=f"cannot read: {reason}"))
                continue
            except Exception as error:  # whatever one file meets fails that file alone
                report(failure(path, error))
                continue
            writer.add(ReadStory(Path(path), story, key, checksum))
        writer.flush()
    return summary


def import_paths_side_by_side(
    paths, workers, on_result=None, source="", progress_to=None, bulk=False
):
    """import_paths in `workers` processes at once, each with a share of the files: on
    PostgreSQL, which takes several writers, a backfill of years of wire copy uses every
    core. Each process reports its own results (on_result runs in it); the summary is
    theirs added up."""
    if workers == 1:
        return import_paths(paths, on_result, source=source, progress_to=progress_to, bulk=bulk)
    if connection.vendor != "postgresql":
        raise ValueError("importing side by side needs PostgreSQL; SQLite takes one writer")
    # Each process must open its own connections: none may be inherited open.
    for each in connections.all(initialized_only=True):
        each.close()
    close_connection_pools()
    context = multiprocessing.get_context("fork")
    reports = context.Queue()
    # Listed once, here: each process takes its share of one listing, so a file that
    # comes or goes meanwhile cannot shift the shares and leave a file to none of them.
    listing = list(iter_wire_files(paths))

    def work(shard):
        forget_connection_pools()
        summary, error = ImportSummary(), None
        try:
            summary = import_paths(
                listing, on_result, shard=(shard, workers), source=source,
                progress_to=progress_to, label=f"process {shard + 1} of {workers}", bulk=bulk,
            )  # fmt: skip
        except BaseException as failure:  # reported, not lost with the process
            error = printable_name(f"{type(failure).__name__}: {failure}")
        finally:
            reports.put((shard, summary, error))
            for each in connections.all(initialized_only=True):
                each.close()
            close_connection_pools()

    processes = [context.Process(target=work, args=(k,)) for k in range(workers)]
    for process in processes:
        process.start()
    total, errors, reported = ImportSummary(), [], 0
    while reported < workers:
        try:
            shard, summary, error = reports.get(timeout=1)
        except queue.Empty:
            if not any(process.is_alive() for process in processes) and reports.empty():
                errors.append("a process stopped without reporting")
                break
            continue
        reported += 1
        total.merge(summary)
        if error:
            errors.append(f"process {shard + 1} of {workers} stopped: {error}")
    for process in processes:
        process.join()
    errors += [
        f"process {k + 1} of {workers} exited with code {process.exitcode}"
        for k, process in enumerate(processes)
        if process.exitcode
    ]
    if errors:
        raise ImportIncomplete(total, errors)
    return total


def connection_pools():
    """The process's psycopg pools, by alias. Django keeps them per backend class, for
    every thread: a pool another thread made (a test's live server, say) is there too."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    return getattr(DatabaseWrapper, "_connection_pools", {})


def close_connection_pools():
    for pool in list(connection_pools().values()):
        pool.close()
    connection_pools().clear()


def forget_connection_pools():
    """In a forked process: drop, without closing, what the parent's pools and
    connections were, so that this process opens its own. Closing them here would close
    the parent's sockets."""
    connection_pools().clear()
    for each in connections.all(initialized_only=True):
        each.connection = None


class ImportIncomplete(Exception):
    """A process importing side by side stopped: its share is unfinished. What the
    processes did import is in `summary`; running the import again completes it."""

    def __init__(self, summary, errors):
        super().__init__("; ".join(errors))
        self.summary = summary
