"""Slugs: the part of a public URL that names an article, tag, byline, editor or place.

Slugs are Unicode (Django's `SlugField(allow_unicode=True)`): a Sorani, Arabic or
Kurmanji name keeps its letters, so `جسور` is `/tags/جسور/` (sent percent-encoded,
`/tags/%D8%AC%D8%B3%D9%88%D8%B1/`) and `Hewlêr` is `hewlêr`. The rule is Django's
`slugify(name, allow_unicode=True)`: NFKC, lower case, letters, digits, `_` and `-` kept,
spaces and dashes become one `-`, everything else (punctuation, emoji, combining marks,
ZWNJ) dropped. A name left with nothing (`!!!`, `🔥`) gets the model's name and a digest
of the name, e.g. `tag-1f0c8a2e`, so that it too says which thing it is.

A slug is unique per model. Things are found by their name, never by a slug made from it:
two different names that make one slug are two things, the later one with a `-2`, `-3` ...
suffix; the same name (ignoring case and spacing) is the same thing.
"""

import hashlib
import itertools
import re
import unicodedata

from django.db.models import Q
from django.utils.text import slugify

# Django's validate_unicode_slug and the `uslug` URL converter (articles.urls) accept this.
SLUG_RE = re.compile(r"[-\w]+")
# How many suffixed candidates one query checks.
CANDIDATES_PER_QUERY = 20


def slug_field_length(model):
    """The slug column's max_length, in characters."""
    return model._meta.get_field("slug").max_length


def name_key(name):
    """What makes two names the same name: str -> str, ignoring case, spacing and
    Unicode compatibility forms (NFKC)."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


def base_slug(name, max_length, fallback):
    """The slug `name` asks for, before any suffix: a non-empty str of at most
    `max_length` characters matching SLUG_RE. `fallback` (a slug word, e.g. "tag") is
    used, with an 8-hex-digit digest of the name, when the name has no letter or digit."""
    slug = slugify(name, allow_unicode=True)[:max_length].strip("-")
    if slug:
        return slug
    digest = hashlib.sha256(name_key(name).encode()).hexdigest()[:8]
    return f"{fallback}-{digest}"[:max_length]


def is_slug(value, max_length=None):
    """Whether `value` is a slug as this module makes them (already slugified, so
    lower-case and NFKC) and fits `max_length` characters when given."""
    return (
        isinstance(value, str)
        and bool(value)
        and slugify(value, allow_unicode=True) == value
        and (max_length is None or len(value) <= max_length)
    )


def _candidates(base, max_length):
    yield base
    for n in itertools.count(2):
        suffix = f"-{n}"
        yield base[: max_length - len(suffix)].rstrip("-") + suffix


def unique_slug(model, name, *, exclude_pk=None, fallback=None):
    """A slug for `name` that no other row of `model` has: the base slug (base_slug),
    or the first of base-2, base-3 ... that is free, cut to fit the slug column.

    `exclude_pk` is the row being saved, whose own slug does not count; `fallback`
    defaults to the model's name ("article", "tag"). Works with historical models in
    migrations. Uniqueness is checked, not reserved: a writer beside this one may take
    the slug first, and the database's unique constraint then refuses the second."""
    max_length = slug_field_length(model)
    base = base_slug(name, max_length, fallback or model._meta.model_name)
    others = model._default_manager.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    candidates = _candidates(base, max_length)
    while True:
        batch = list(itertools.islice(candidates, CANDIDATES_PER_QUERY))
        taken = set(others.filter(slug__in=batch).values_list("slug", flat=True))
        for candidate in batch:
            if candidate not in taken:
                return candidate


def find_by_name(model, name):
    """The row of `model` whose `name` is `name` (see name_key), or None; the oldest if
    several are.

    Case is compared in Python, as SQLite folds only ASCII: the rows asked for are those
    equal ignoring case in the database, and those holding the slugs the name would be
    given (where a differently cased Kurdish spelling of the name would be)."""
    key = name_key(name)
    max_length = slug_field_length(model)
    base = base_slug(name, max_length, model._meta.model_name)
    slugs = list(itertools.islice(_candidates(base, max_length), CANDIDATES_PER_QUERY))
    rows = model._default_manager.filter(Q(name__iexact=name) | Q(slug__in=slugs)).order_by("pk")
    return next((row for row in rows if name_key(row.name) == key), None)


def get_or_create_by_name(model, name, **defaults):
    """The row of `model` named `name` (find_by_name), or a new one with a unique slug
    and the `defaults`; returns (row, created)."""
    name = " ".join(name.split())
    found = find_by_name(model, name)
    if found is not None:
        return found, False
    row = model._default_manager.create(name=name, slug=unique_slug(model, name), **defaults)
    return row, True
