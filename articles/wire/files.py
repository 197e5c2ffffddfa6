"""Wire copy on disk: listing a delivery's files, reading each safely, its sidecar.

- `iter_wire_files(paths)` lists (file, key) for every story under files and folders:
  `.txt` copy, `.json` ninjs with no `.txt` of its stem beside it, `.xml` (NewsML-G2,
  NITF); a `.txt` file's `.json` sidecar and a folder's `ingest.json` are never stories.
- `read_regular_file`, `read_metadata` and `decode_wire_bytes` read bytes, the sidecar
  and text, refusing what is not (a device, a link to nothing, binary, not UTF-8) with
  a `WireCopyError` saying why.
- `FeedSources` gives the source a folder's copy comes from (`ingest.json`, `--source`).
- `printable_name` shows any file name on one line, as every report line prints it.
"""

import json
import os
import stat
import unicodedata
from collections import Counter
from pathlib import Path

from ..models import Article
from ..text import xml_safe
from .story import WireCopyError

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_SIDECAR_BYTES = 64 * 1024
# A folder's file naming its feed's source: never a story, never a sidecar.
INGEST_FILE = "ingest.json"
# What a story's file name ends with; anything else in a folder is not listed.
STORY_SUFFIXES = (".txt", ".json", ".xml")

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


def is_story_name(name, names_beside):
    """Whether a file called `name` (a str) in a folder holding `names_beside` (a set of
    str) is a story: a `.txt` file; a `.json` one that is neither a `.txt` file's sidecar
    nor the folder's ingest.json (a ninjs document); an `.xml` one (NewsML-G2, NITF).
    Suffixes in any case."""
    stem, dot, suffix = name.rpartition(".")
    suffix = suffix.lower()
    if not dot or not stem or suffix not in ("txt", "json", "xml"):
        return False
    if suffix == "json":
        return name.lower() != INGEST_FILE and not any(
            f"{stem}.{txt}" in names_beside for txt in ("txt", "TXT", "Txt")
        )
    return True


def story_key(relative):
    """The key of the story at `relative` (a PurePath inside the folder listed): its path
    without `.txt` for plain text ("2020/story"), with its suffix for other formats
    ("2020/story.xml"), so that a ninjs and a NewsML file of one name are two stories."""
    if relative.suffix.lower() == ".txt":
        return relative.with_suffix("").as_posix()
    return relative.as_posix()


def wire_files_under(path):
    """(file, key) for a file, or for each story in a folder and the folders in it
    (is_story_name), sorted: a file's key is its path inside the folder (story_key), so
    2020/story.txt and 2021/story.txt are two documents. Whatever bears the name is
    listed, so that a link to nothing or in a loop, or a folder named so, fails with its
    reason rather than vanishing; so is a folder that cannot be listed (its own key is
    never used)."""
    if not path.is_dir():
        yield path, path.stem if path.suffix.lower() in ("", ".txt") else path.name
        return
    found = []
    for folder, folders, files in os.walk(path, onerror=lambda e: found.append(Path(e.filename))):
        names = set(folders + files)
        found.extend(Path(folder, name) for name in names if is_story_name(name, names))
    for file in sorted(found):
        relative = file.relative_to(path)
        yield file, story_key(relative) if relative.name else path.name


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
