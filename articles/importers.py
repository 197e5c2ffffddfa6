"""Wire copy into articles.

`parse_wire_copy` is a plain function from text to a `WireDocument`; `import_paths`
walks files and folders, importing each document in its own transaction so that one
bad file is reported and the rest still import. The management command is a thin
wrapper around `import_paths`.

A wire document looks like this (paragraphs separated by blank lines):

    Headline on one line

    Summary (standfirst).

    ERBIL (Kurdistan 24) – First paragraph, often repeating the summary.

    Body paragraphs ...

    Editing by Laurie Mylroie

An optional sidecar `<name>.json` next to `<name>.txt` says what the text does not:
{"published_at": "2020-03-09T12:00:00+03:00", "tags": ["ISIS"], "status": "published",
 "bylines": ["Reporter Name"], "slug": "..."}.
"""

import datetime
import hashlib
import json
import multiprocessing
import os
import queue
import re
import stat
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.db import (
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    reset_queries,
    transaction,
)
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import slugs
from .archive_cache import StatisticsFollowGrowth
from .models import Article, ArticleByline, Byline, Editor, Tag, publication_date_error
from .text import lf, xml_safe
from .wire.credits import take_byline, take_closing_credits
from .wire.datelines import parse_dateline
from .wire.places import PlaceMatcher
from .wire.story import Story

# The name parse_wire_copy's value had before formats other than plain text came.
WireDocument = Story

MAX_HEADLINE_LENGTH = 300
DATE_ONLY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOON = datetime.time(12, 0)
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_SIDECAR_BYTES = 64 * 1024

# Anything below a space but the tab, line feed, form feed and carriage return: a file
# holding these is not wire copy text, and is refused. The form feed (a page break in
# some agencies' copy) is accepted, and removed with whatever else XML 1.0 forbids
# (articles.text, the rule every stored text follows).
CONTROL_CHARACTER_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


class WireCopyError(ValueError):
    """The document cannot be read as wire copy; the message says why."""


# Invisible joiners that Sorani, Persian and Arabic names are written with: shown as they are.
JOINERS = {"\u200c", "\u200d"}
# Characters that reorder the text around them (embeddings, overrides, isolates).
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable_name(name):
    """`name` (a str, bytes or path; a file system's str may hold the surrogate escapes
    of bytes that are not UTF-8) as one line that shows what it holds: letters of every
    script as they are; a backslash doubled; an undecodable byte as \\xff; a line break,
    control character, terminal escape, right-to-left override or anything else not
    printable as its Python escape (\\n, \\x1b, \\u202e). The one way every name the
    import prints is shown, so that no name can forge or hide a line of its report."""
    text = os.fsdecode(name)
    shown = []
    for char in text:
        code = ord(char)
        if char == "\\":
            shown.append("\\\\")
        elif char.isprintable() or char in JOINERS:
            shown.append(char)
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape of an undecodable byte
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif char in "\n\r\t":
            shown.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char])
        elif code <= 0xFF:
            shown.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            shown.append(f"\\u{code:04x}")
        else:
            shown.append(f"\\U{code:08x}")
    return "".join(shown)


def key_problem(key, limit):
    """Why `key` (a str) cannot identify a document, or "" when it can: it must be UTF-8
    text, at most `limit` characters, without control characters, line or paragraph
    separators, or the characters that reorder text (a right-to-left override)."""
    if not key.strip():
        return "is empty"
    if any(0xD800 <= ord(char) <= 0xDFFF for char in key):
        return "is not UTF-8 text"
    if len(key) > limit:
        return f"is {len(key)} characters; a key is at most {limit}"
    unsafe = next(
        (
            char
            for char in key
            if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp")
        ),
        None,
    )
    if unsafe is not None:
        return f"holds the character {printable_name(unsafe)}"
    return ""


def _normalise(text):
    return " ".join(text.split())


def decode_wire_bytes(data):
    if b"\x00" in data:
        raise WireCopyError("binary file (contains NUL bytes), not wire copy text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WireCopyError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def split_paragraphs(text):
    text = lf(text)
    paragraphs = re.split(r"\n\s*\n", text)
    return [p.strip() for p in paragraphs if p.strip()]


def parse_wire_copy(text):
    """Parse one wire document. Raises WireCopyError with a reason for malformed input."""
    if CONTROL_CHARACTER_RE.search(text):
        raise WireCopyError("contains control characters; not wire copy text")
    paragraphs = split_paragraphs(xml_safe(text))
    if not paragraphs:
        raise WireCopyError("empty document")

    first, *rest = paragraphs
    headline_lines = first.split("\n")
    headline = headline_lines[0].strip()
    if len(headline) > MAX_HEADLINE_LENGTH:
        raise WireCopyError(
            f"first line is {len(headline)} characters; a headline is at most {MAX_HEADLINE_LENGTH}"
        )
    if len(headline_lines) > 1:
        # Headline and summary separated by a single line break.
        rest.insert(0, "\n".join(headline_lines[1:]).strip())
    if not rest:
        raise WireCopyError("only a headline: no summary, dateline or body")
    # "By Jane Roe" before the dateline is a byline, never the summary (articles.wire.credits).
    byline, rest = take_byline(rest)

    # The dateline opens the paragraph after the summary, or the first one when there is
    # no summary (articles.wire.datelines). A story with none (a feature, a statement)
    # imports too: its place and source come from the sidecar or the feed.
    dateline_index = next(
        (i for i, paragraph in enumerate(rest[:2]) if parse_dateline(paragraph)), None
    )
    summary = rest[0] if dateline_index == 1 or dateline_index is None else ""
    dateline = None
    if dateline_index is None:
        body_paragraphs = rest[1:] or rest[:1]
        lead = summary
    else:
        dateline = parse_dateline(rest[dateline_index])
        body_paragraphs = rest[dateline_index + 1 :]
        lead = dateline.rest
        if not lead and body_paragraphs:  # "MOSUL, Iraq" alone on its line, then the text
            lead = body_paragraphs.pop(0)
        if lead and (not summary or _normalise(lead) != _normalise(summary)):
            body_paragraphs.insert(0, lead)
    if not summary:
        summary = lead

    # "Reporting by A; Editing by B", "/End/", desk codes: credits, not text.
    closing, body_paragraphs = take_closing_credits(body_paragraphs)

    return Story(
        headline=headline,
        summary=summary,
        dateline_city=_normalise(dateline.place or "") if dateline else "",
        dateline_text=_normalise(dateline.place_text or "") if dateline else "",
        source=_normalise(dateline.source or "") if dateline else "",
        body_paragraphs=[p.rstrip() for p in body_paragraphs],
        editors=closing.editors,
        bylines=list(dict.fromkeys(byline.bylines + closing.bylines)),
        agency=byline.agency,
    )


@dataclass
class ImportResult:
    path: Path
    outcome: str  # "imported", "updated", "unchanged" or "failed"
    article: Article | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    """Counts per outcome, and the failures; not every result, so that memory stays
    flat however many files a run imports."""

    counts: Counter = field(default_factory=Counter)
    failures: list[ImportResult] = field(default_factory=list)

    def add(self, result):
        self.counts[result.outcome] += 1
        if result.outcome == "failed":
            self.failures.append(result)

    def count(self, outcome):
        return self.counts[outcome]

    def merge(self, other):
        self.counts.update(other.counts)
        self.failures.extend(other.failures)

    def __str__(self):
        return ", ".join(
            f"{self.count(outcome)} {outcome}"
            for outcome in ("imported", "updated", "unchanged", "failed")
        )


def read_regular_file(path, limit):
    """The bytes of the regular file at `path` (at most `limit` of them), read once.

    Raises WireCopyError for a folder, a device, a pipe or socket (never waiting on
    one), or a file larger than `limit` bytes; OSError (FileNotFoundError, ...) when it
    cannot be opened or read: gone, unreadable, a link in a loop."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise WireCopyError("a folder, not a file")
        if not stat.S_ISREG(mode):
            raise WireCopyError("not a regular file (a device, pipe or socket)")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > limit:
        raise WireCopyError(f"larger than {limit // 1024} KiB")
    return b"".join(chunks)


def _object_without_duplicate_keys(pairs):
    keys = Counter(key for key, _ in pairs)
    twice = [key for key, count in keys.items() if count > 1]
    if twice:
        raise WireCopyError(f"names '{printable_name(twice[0])}' more than once")
    return dict(pairs)


def read_metadata(path):
    """The sidecar `<name>.json` of `path` as (dict, its bytes); ({}, b"") without one.

    Raises WireCopyError for a sidecar that is not a small UTF-8 JSON object (a UTF-8 BOM
    is allowed) with each name once and only text in its strings; OSError when it is
    there but cannot be read."""
    sidecar = path.with_suffix(".json")
    name = f"metadata {printable_name(sidecar.name)}"
    try:
        raw = read_regular_file(sidecar, MAX_SIDECAR_BYTES)
    except FileNotFoundError:
        if os.path.islink(sidecar):
            raise WireCopyError(f"{name} is a link to nothing") from None
        return {}, b""
    except WireCopyError as error:
        raise WireCopyError(f"{name} cannot be read: {error}") from None
    try:
        metadata = json.loads(
            raw.decode("utf-8-sig"), object_pairs_hook=_object_without_duplicate_keys
        )
        json.dumps(metadata, ensure_ascii=False).encode("utf-8")  # text, no lone surrogates
    except RecursionError:
        raise WireCopyError(f"{name} nests too deep to be metadata") from None
    except WireCopyError as error:
        raise WireCopyError(f"{name} {error}") from None
    except UnicodeEncodeError:
        raise WireCopyError(f"{name} holds a lone surrogate escape, not text") from None
    except ValueError as error:  # not UTF-8, not JSON, an integer of thousands of digits
        raise WireCopyError(f"{name} is not valid JSON: {error}") from None
    if not isinstance(metadata, dict):
        raise WireCopyError(f"{name} must be a JSON object")
    return metadata, raw


def document_key(metadata, key, path):
    """The key identifying a document: the sidecar's "key" (a string or an integer), or
    `key`, or the file name without .txt. Raises WireCopyError when it cannot be one
    (see key_problem), saying whether the name or the sidecar must change."""
    limit = Article._meta.get_field("import_key").max_length
    given = metadata.get("key")
    if given is not None and given != "":
        if isinstance(given, int) and not isinstance(given, bool):
            given = str(given)
        if not isinstance(given, str):
            raise WireCopyError("metadata 'key' must be a string")
        problem = key_problem(given, limit)
        if problem:
            raise WireCopyError(f"metadata 'key' {problem}")
        return given
    key = key or path.stem
    problem = key_problem(key, limit)
    if problem:
        raise WireCopyError(
            f"the file's name (its key, {printable_name(key)}) {problem}: rename the file, "
            "or give it a sidecar with a 'key'"
        )
    return key


def parse_published_at(value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise WireCopyError(f"published_at {value!r} is not an ISO 8601 date or time")
    try:
        if DATE_ONLY_RE.match(value):
            # A day without a time: noon in the newsroom, safely inside that day.
            parsed = datetime.datetime.combine(datetime.date.fromisoformat(value), NOON)
        else:
            parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise WireCopyError(f"published_at {value!r} is not an ISO 8601 date or time")
    if timezone.is_naive(parsed):
        # Wire copy without an offset is in the newsroom's time.
        parsed = timezone.make_aware(parsed)
    problem = publication_date_error(parsed)  # the model's rule on the years an article has
    if problem:
        raise WireCopyError(f"published_at {value!r}: {problem}")
    return parsed


def get_or_create_by_name(model, name, **defaults):
    """The tag, editor or byline named `name` (the same name ignoring case and spacing),
    or a new one with its own slug (articles.slugs): two different names are never one
    thing, whatever slugs they make. Raises WireCopyError for a name too long to store."""
    name = " ".join(xml_safe(name).split())
    limit = model._meta.get_field("name").max_length
    if len(name) > limit:
        raise WireCopyError(
            f"{model._meta.verbose_name} name is {len(name)} characters; at most {limit}"
        )
    return slugs.get_or_create_by_name(model, name, **defaults)[0]


class NameCache:
    """Tags, editors and bylines already looked up in this import run, by name.

    Wire copy names the same few agencies, editors and tags again and again, so each is
    fetched once. The cache is emptied whenever a document fails: that document's
    transaction may have created some of them and been rolled back."""

    def __init__(self):
        self._objects = {}

    def get(self, model, name, **defaults):
        key = (model, " ".join(name.split()))
        if key not in self._objects:
            self._objects[key] = get_or_create_by_name(model, name, **defaults)
        return self._objects[key]

    def clear(self):
        self._objects.clear()


def _link(article, field_name, targets, replace=False):
    """Link `targets` through an m2m field in one INSERT (plus one DELETE to replace).

    Straight to the through table: the m2m manager would first SELECT the existing links
    and send signals nothing here listens to (the revision is taken once, at the end)."""
    field = Article._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    if replace:
        through.objects.filter(**{source: article}).delete()
    through.objects.bulk_create(
        [through(**{source: article, target: obj}) for obj in dict.fromkeys(targets)],
        ignore_conflicts=True,
    )


def _validate_metadata(metadata):
    tags = metadata.get("tags", [])
    bylines = metadata.get("bylines", [])
    for key, value in (("tags", tags), ("bylines", bylines)):
        # A name is what is left of it once the characters XML 1.0 forbids are removed.
        if not isinstance(value, list) or not all(
            isinstance(v, str) and xml_safe(v).strip() for v in value
        ):
            raise WireCopyError(f"metadata '{key}' must be a list of names")
    tags, bylines = [xml_safe(v) for v in tags], [xml_safe(v) for v in bylines]
    slug = metadata.get("slug")
    if slug is not None and not slugs.is_slug(slug, slugs.slug_field_length(Article)):
        raise WireCopyError(
            f"metadata slug {slug!r} must be lower-case letters (of any script), digits and "
            f"hyphens, at most {slugs.slug_field_length(Article)} characters"
        )
    status = metadata.get("status")
    if status is not None and status not in Article.Status.values:
        raise WireCopyError(
            f"metadata status {status!r} is not one of {', '.join(Article.Status.values)}"
        )
    return tags, bylines, status


def _write_article(*, existing, key, document, metadata, checksum, status, published_at,
                   dateline, regions, tags, extra_bylines, names):  # fmt: skip
    """Create or update the article for one parsed document, all or nothing."""
    with transaction.atomic():
        article = existing or Article(
            import_key=key,
            status=status,
            published_at=published_at,
            slug=slugs.unique_slug(Article, metadata.get("slug") or document.headline),
        )
        # A corrected wire file updates the text and credits. The editorial state (status,
        # publication time, slug, and tags or places editors added) stays as editors left it.
        article.headline = document.headline
        article.summary = document.summary
        article.body = document.body
        article.source = document.source
        article.dateline = dateline
        # As filed: the place the page shows when the gazetteer does not hold it.
        article.dateline_text = document.dateline_text[:200]
        article.import_checksum = checksum
        article.save()
        if existing is None and published_at is not None:
            # The story as the wire published it: not "updated" on the day it was imported.
            Article.objects.filter(pk=article.pk).update(updated_at=published_at)
            article.updated_at = published_at

        _link(article, "regions", regions)
        _link(article, "tags", [names.get(Tag, name) for name in tags])
        editors = [names.get(Editor, name) for name in document.editors]
        _link(article, "editors", editors, replace=existing is not None)
        credits = [names.get(Byline, name) for name in extra_bylines + document.bylines]
        if document.source:
            credits.append(names.get(Byline, document.source, kind=Byline.Kind.AGENCY))
        if existing is not None:
            ArticleByline.objects.filter(article=article).delete()
        ArticleByline.objects.bulk_create(
            ArticleByline(article=article, byline=byline, position=position)
            for position, byline in enumerate(dict.fromkeys(credits))
        )
        # One version of the finished article (with its bylines), taken once rather than
        # re-serialised after every write as reversion's signals would. Prefetched, its
        # links serialise from plain queries instead of server-side cursors, one per
        # byline for its name.
        prefetch_related_objects([article], "regions", "tags", "editors", "article_bylines__byline")
        with reversion.create_revision(manage_manually=True, atomic=False):
            reversion.set_comment(f"Imported from wire copy, key {key}")
            reversion.add_to_revision(article)
    return article


# Unique violation, deadlock, serialization failure: what two writers at once may meet.
CLASH_SQLSTATES = {"23505", "40P01", "40001"}


def is_clash_with_a_concurrent_writer(error):
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return isinstance(error, IntegrityError) if sqlstate is None else sqlstate in CLASH_SQLSTATES


def sidecar_text(metadata, name):
    """The sidecar's `name` ("source", "dateline"): text, or "" when it gives none."""
    value = metadata.get(name, "")
    if not isinstance(value, str):
        raise WireCopyError(f"metadata '{name}' must be text")
    return _normalise(xml_safe(value))


class FeedSources:
    """The source each folder's copy comes from when its text and sidecar do not say:
    `ingest.json` in the folder (`{"source": "..."}`), else the import's `--source`.
    Each folder's file is read once per run."""

    def __init__(self, default=""):
        self.default = _normalise(default or "")
        self._by_folder = {}

    def for_file(self, path):
        folder = Path(path).parent
        if folder not in self._by_folder:
            self._by_folder[folder] = self._read(folder / "ingest.json")
        return self._by_folder[folder]

    def _read(self, path):
        try:
            data = read_regular_file(path, MAX_SIDECAR_BYTES)
        except FileNotFoundError:
            return self.default
        except (OSError, WireCopyError) as error:
            return WireCopyError(f"{printable_name(path.name)}: {error}")
        try:
            value = json.loads(decode_wire_bytes(data))
        except (ValueError, WireCopyError):
            return WireCopyError(f"{printable_name(path.name)} is not a JSON object")
        if not isinstance(value, dict) or not isinstance(value.get("source", ""), str):
            return WireCopyError(f'{printable_name(path.name)} must be {{"source": "..."}}')
        return _normalise(xml_safe(value.get("source", ""))) or self.default


def import_wire_file(path, matcher, key=None, names=None, feed=None):
    """Import one document; returns an ImportResult and never raises for bad input.

    `key` identifies the document across imports (default: the file name without .txt);
    `names` carries looked-up tags, editors and bylines from one document to the next;
    `feed` (FeedSources) says the source of copy whose text and sidecar name none."""
    names = names if names is not None else NameCache()
    feed = feed if feed is not None else FeedSources()
    path = Path(path)
    try:
        try:
            data = read_regular_file(path, MAX_FILE_BYTES)
        except WireCopyError as error:
            raise WireCopyError(f"{error}; not a wire story") from None
        metadata, metadata_raw = read_metadata(path)
        key = document_key(metadata, key, path)
        document = parse_wire_copy(decode_wire_bytes(data))
        tags, extra_bylines, status = _validate_metadata(metadata)
        published_at = parse_published_at(metadata.get("published_at"))
        if not document.source:  # from the sidecar, else the folder's ingest.json or --source
            document.source = sidecar_text(metadata, "source")
            if not document.source:
                document.source = feed.for_file(path)
                if isinstance(document.source, WireCopyError):
                    raise document.source
        if not document.dateline_city:
            document.dateline_city = document.dateline_text = sidecar_text(metadata, "dateline")
    except WireCopyError as error:
        return ImportResult(path, "failed", reason=str(error))
    except OSError as error:
        reason = printable_name(error.strerror or str(error))
        return ImportResult(path, "failed", reason=f"cannot read: {reason}")

    checksum = hashlib.sha256(data + b"\0" + metadata_raw).hexdigest()
    existing = Article.objects.filter(import_key=key).first()
    if existing is not None and existing.import_checksum == checksum:
        return ImportResult(path, "unchanged", article=existing)

    warnings = []
    # A place outside Iraq ("HASANKEYF, Turkey") is no Iraqi place, whatever its name.
    dateline = matcher.lookup(document.dateline_city) if not _abroad(document) else None
    if not document.dateline_city:
        # Flagged for an editor: a new story stays a draft until someone places it.
        warnings.append("no dateline: left as a draft for an editor to check place and source")
    elif dateline is None:
        warnings.append(f"dateline {document.dateline_text!r} is not in the gazetteer")
    regions = matcher.find("\n".join([document.headline, document.summary, document.body]))

    if status is None:
        status = Article.Status.PUBLISHED if published_at else Article.Status.DRAFT
    if not document.dateline_city and existing is None:
        status = Article.Status.DRAFT  # flagged: see the warning above
    if status == Article.Status.PUBLISHED and published_at is None:
        return ImportResult(path, "failed", reason="status 'published' needs a published_at")

    for attempt in (1, 2):
        if attempt == 2:  # what the clash left behind: perhaps this very document
            existing = Article.objects.filter(import_key=key).first()
            if existing is not None and existing.import_checksum == checksum:
                return ImportResult(path, "unchanged", article=existing)
        try:
            article = _write_article(
                existing=existing, key=key, document=document, metadata=metadata,
                checksum=checksum, status=status, published_at=published_at,
                dateline=dateline, regions=regions, tags=tags,
                extra_bylines=extra_bylines, names=names,
            )  # fmt: skip
            break
        except WireCopyError as error:
            names.clear()
            return ImportResult(path, "failed", reason=str(error))
        except DatabaseError as error:
            # Whatever the database refuses fails this file alone; its transaction is
            # undone. A clash may be an import beside this one (--workers) taking the
            # same slug or name a moment earlier, or a deadlock between the two: once
            # more, the clash is seen and avoided.
            names.clear()
            if attempt == 2 or not is_clash_with_a_concurrent_writer(error):
                reason = f"the database refused it: {printable_name(str(error))}"
                return ImportResult(path, "failed", reason=reason)

    outcome = "updated" if existing else "imported"
    return ImportResult(path, outcome, article=article, warnings=warnings)


def wire_files_under(path):
    """(file, key) for a file, or for each `.txt` name in a folder and the folders in it,
    sorted: a file's key is its path inside the folder, without .txt, so 2020/story.txt
    and 2021/story.txt are two documents. Whatever bears the name is listed, so that a
    link to nothing or in a loop, or a folder named so, fails with its reason rather than
    vanishing; so is a folder that cannot be listed (its own key is never used)."""
    if not path.is_dir():
        yield path, path.stem
        return
    found = []
    for folder, folders, files in os.walk(path, onerror=lambda e: found.append(Path(e.filename))):
        found.extend(Path(folder, name) for name in folders + files if name.endswith(".txt"))
    for file in sorted(found):
        relative = file.relative_to(path)
        yield file, relative.with_suffix("").as_posix() if relative.name else path.name


def iter_wire_files(paths, shard=None):
    """Yield (file, key) under every path given: files and folders, or (file, key) pairs
    as this yields them, listed already. With `shard` (k, n), only every n-th file from
    the k-th: n imports side by side, k = 0 .. n-1, share the files between them, with
    the keys that one import would give."""
    files = (
        item
        for path in paths
        for item in ([path] if isinstance(path, tuple) else wire_files_under(Path(path)))
    )
    for index, item in enumerate(files):
        if shard is None or index % shard[1] == shard[0]:
            yield item


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


def _abroad(document):
    """Whether the dateline names a country or region that is not Iraq's."""
    region = document.dateline_text.partition(",")[2].strip().casefold()
    return bool(region) and not any(word in region for word in IRAQ_REGION_WORDS)


# What a dateline's ", region" says of a place in Iraq: "Iraq", "Kurdistan Region", ...
IRAQ_REGION_WORDS = ("iraq", "kurdistan", "krg", "العراق", "كوردستان", "کوردستان", "كردستان")


def import_paths(paths, on_result=None, shard=None, source=""):
    """Import every `.txt` document under the given files and folders (with `shard`, a
    share of them: see iter_wire_files). `source` is the feed's, for copy that names none
    (FeedSources)."""
    feed = FeedSources(source)
    matcher = PlaceMatcher.from_gazetteer()
    names = NameCache()
    summary = ImportSummary()
    statistics = StatisticsFollowGrowth(connection)
    with commits_without_waiting_for_disk():
        for path, key in iter_wire_files(paths, shard):
            try:
                result = import_wire_file(path, matcher, key=key, names=names, feed=feed)
            except Exception as error:  # whatever one file meets fails that file alone
                names.clear()
                problem = printable_name(f"{type(error).__name__}: {error}")
                result = ImportResult(path, "failed", reason=f"could not be imported: {problem}")
            reset_queries()  # with DEBUG on, Django would keep each document's statements
            summary.add(result)
            if result.outcome == "imported":
                statistics.add()
            if on_result:
                on_result(result)
    return summary


def import_paths_side_by_side(paths, workers, on_result=None, source=""):
    """import_paths in `workers` processes at once, each with a share of the files: on
    PostgreSQL, which takes several writers, a backfill of years of wire copy uses every
    core. Each process reports its own results (on_result runs in it); the summary is
    theirs added up."""
    if workers == 1:
        return import_paths(paths, on_result, source=source)
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
            summary = import_paths(listing, on_result, shard=(shard, workers), source=source)
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
