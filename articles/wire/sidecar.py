"""A text file's sidecar `<name>.json` into the `Story` its text gave.

The sidecar says what the text does not: {"published_at": "2020-03-09T12:00:00+03:00",
"tags": ["ISIS"], "status": "published", "bylines": ["Reporter Name"], "slug": "...",
"source": "AFP", "dateline": "Erbil", "language": "ckb", "translation_of": "<key>",
"key": "..."}. Every value is checked here, so that a bad one fails its file with a
reason before anything is stored.
"""

import datetime
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .. import slugs
from ..models import Article, publication_date_error
from ..text import xml_safe
from .story import WireCopyError

DATE_ONLY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOON = datetime.time(12, 0)


def _normalise(text):
    return " ".join(text.split())


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


def sidecar_text(metadata, name):
    """The sidecar's `name` ("source", "dateline"): text, or "" when it gives none."""
    value = metadata.get(name, "")
    if not isinstance(value, str):
        raise WireCopyError(f"metadata '{name}' must be text")
    return _normalise(xml_safe(value))


def apply_sidecar(story, metadata):
    """Put the sidecar's values (a dict, {} without one) into `story`, in place: its
    bylines before the text's, its tags, slug, status, publication time, language and
    original's key; its source and dateline only where the text names none. Raises
    WireCopyError naming the value that is wrong."""
    tags, bylines, status = _validate_metadata(metadata)
    story.published_at = parse_published_at(metadata.get("published_at"))
    story.tags = [*tags, *story.tags]
    story.bylines = [*bylines, *story.bylines]
    story.slug = metadata.get("slug") or ""
    story.status = status or ""
    if not story.source:
        story.source = sidecar_text(metadata, "source")
    if not story.dateline_city:
        story.dateline_city = story.dateline_text = sidecar_text(metadata, "dateline")
    for name in ("language", "translation_of"):
        value = metadata.get(name)
        if value is not None and value != "":
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                raise WireCopyError(f"metadata '{name}' must be text")
            setattr(story, name, value.strip())
    return story
