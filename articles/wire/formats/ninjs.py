"""IPTC ninjs (News in JSON), versions 1.x and 2.x, as a Story.

What is read (1.x name / 2.x name):

- key: `uri` (Superdesk's `guid` when there is no `uri`);
- headline: `headline` / `headlines` (the one whose role is "main", else the first);
- summary: `description_text` or `description_html` / `descriptions` (role "summary" or
  "abstract", else the first that is not "alt");
- body: `body_text`, `body_html` or `body_xhtml` / `bodies` (role "main", else the
  first; HTML when its contenttype says so, plain text otherwise);
- byline: `byline` / `by`; dateline place: `located`;
- source: `copyrightholder`, Superdesk's `source`, / `infosources` (the first named);
- time: `firstcreated`, else `versioncreated`, else `contentcreated`;
- language: `language`; tags: `subject` / `subjects` names and Superdesk's `keywords`;
  places: `place` / `places` names.

The version is told by the fields present, not by `standard`: a 2.x document may omit it.
"""

import json

from ..story import WireCopyError
from .common import build_story, first_time, html_paragraphs, text_paragraphs

HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xhtml")


def _object_without_duplicate_keys(pairs):
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise WireCopyError(f"names {key!r} more than once")
        seen.add(key)
    return dict(pairs)


def load(data):
    """The ninjs object in `data` (bytes, UTF-8, a byte order mark allowed).

    Raises WireCopyError for anything that is not one JSON object with each name once."""
    try:
        document = json.loads(
            data.decode("utf-8-sig"), object_pairs_hook=_object_without_duplicate_keys
        )
    except UnicodeDecodeError as error:
        raise WireCopyError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    except RecursionError:
        raise WireCopyError("JSON nests too deep to be a story") from None
    except WireCopyError as error:
        raise WireCopyError(f"not a ninjs document: {error}") from None
    except ValueError as error:
        raise WireCopyError(f"not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise WireCopyError("not a ninjs document: a JSON object is expected")
    return document


def _text(document, name):
    """The string `name` holds; "" when absent or null; WireCopyError for another type."""
    value = document.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WireCopyError(f"ninjs '{name}' must be a string")
    return value


def _objects(document, name):
    """The list of objects `name` holds; [] when absent; WireCopyError for another shape."""
    value = document.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise WireCopyError(f"ninjs '{name}' must be a list of objects")
    return value


def _value(item, name, field="value"):
    value = item.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WireCopyError(f"ninjs '{name}' {field} must be a string")
    return value


def _pick(items, name, roles, avoid=()):
    """The item of a 2.x list (headlines, bodies, descriptions) whose role is one of
    `roles`, else the first whose role is not in `avoid`; None for an empty list."""
    for item in items:
        if _value(item, name, "role").lower() in roles:
            return item
    return next((item for item in items if _value(item, name, "role") not in avoid), None)


def _is_html(item, name):
    contenttype = _value(item, name, "contenttype").split(";")[0].strip().lower()
    return contenttype in HTML_TYPES


def _names(document, *fields):
    names = []
    for name in fields:
        for item in _objects(document, name):
            names.append(_value(item, name, "name"))
    return names


def parse(data):
    """A Story from a ninjs 1.x or 2.x document (bytes). Raises WireCopyError."""
    document = load(data)
    key = _text(document, "uri") or _text(document, "guid")
    if not key:
        raise WireCopyError("not a ninjs document: no 'uri'")
    kind = _text(document, "type")
    if kind and kind != "text":
        raise WireCopyError(f"a ninjs '{kind}' item, not a text story")

    headline = _text(document, "headline")
    headlines = _objects(document, "headlines")
    if not headline and headlines:
        chosen = _pick(headlines, "headlines", ("main", "headline"))
        headline = _value(chosen, "headlines") if chosen else ""

    summary = _text(document, "description_text")
    if not summary and _text(document, "description_html"):
        summary = " ".join(html_paragraphs(_text(document, "description_html")))
    descriptions = _objects(document, "descriptions")
    if not summary and descriptions:
        chosen = _pick(descriptions, "descriptions", ("summary", "abstract"), avoid=("alt",))
        if chosen is not None:
            value = _value(chosen, "descriptions")
            summary = (
                " ".join(html_paragraphs(value)) if _is_html(chosen, "descriptions") else value
            )

    html = _text(document, "body_html") or _text(document, "body_xhtml")
    paragraphs = html_paragraphs(html) if html else text_paragraphs(_text(document, "body_text"))
    bodies = _objects(document, "bodies")
    if not paragraphs and bodies:
        chosen = _pick(bodies, "bodies", ("main", "body"))
        if chosen is not None:
            value = _value(chosen, "bodies")
            is_html = _is_html(chosen, "bodies")
            paragraphs = html_paragraphs(value) if is_html else text_paragraphs(value)

    sources = [name for name in _names(document, "infosources") if name]
    keywords = document.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise WireCopyError("ninjs 'keywords' must be a list of strings")
    return build_story(
        headline=headline,
        summary=summary,
        paragraphs=paragraphs,
        located=_text(document, "located"),
        source=_text(document, "copyrightholder")
        or _text(document, "source")
        or (sources[0] if sources else ""),
        by=_text(document, "byline") or _text(document, "by"),
        key=key,
        published_at=first_time(
            (document.get("firstcreated"), "firstcreated"),
            (document.get("versioncreated"), "versioncreated"),
            (document.get("contentcreated"), "contentcreated"),
        ),
        language=_text(document, "language"),
        tags=_names(document, "subject", "subjects") + keywords,
        places=_names(document, "place", "places"),
    )
