"""An article's saved versions (django-reversion), read as editors see them.

Every admin save and every import keeps a revision holding the article, its byline rows
and its notes (corrections and updates). Here a version, the live article and an
editor's submitted form are read into one shape, a *state*: a dict from the names in
TRACKED to comparable values (primary keys for relations, in order for bylines, times to
the second), so that the History page, the conflict screen's three-way merge and the
restore page compare like with like.

A version's stored fields are read through the model's fields, by ``attname`` (what
django-reversion 6.4 stores: ``dateline_id``, ``byline_id``) or by ``name`` (what
earlier releases stored: ``dateline``, ``byline``), so history written by either reads
the same.
"""

import datetime
import difflib
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from reversion.models import Version

from .models import Article, ArticleByline, Byline, Correction, Editor, Region, Tag
from .text import lf, xml_safe

# The article's own fields an editor sees and edits, in the form's order.
ARTICLE_FIELDS = [
    "language", "translation_of", "headline", "slug", "summary", "body", "dateline",
    "dateline_text", "source", "regions", "tags", "editors", "status", "published_at",
]  # fmt: skip
# Plus the inline rows: bylines (an ordered tuple of byline ids) and corrections.
TRACKED = [*ARTICLE_FIELDS, "bylines", "corrections"]
# What decides whether and where readers see the article: a restore never changes these
# without the editor's explicit choice.
PUBLICATION_FIELDS = ("status", "published_at", "slug")
RELATED_MODELS = {
    "dateline": Region, "regions": Region, "tags": Tag, "editors": Editor, "bylines": Byline,
    "translation_of": Article,
}  # fmt: skip
# What a version saved before a field existed holds for it: the field's default (the
# articles saved before languages were English, and translations of nothing).
LATER_FIELDS = ("language", "translation_of", "dateline_text")
LABELS = {
    **{name: Article._meta.get_field(name).verbose_name.capitalize() for name in ARTICLE_FIELDS},
    "published_at": "Publication time",
    "slug": "URL slug",
    "bylines": "Bylines",
    "corrections": "Corrections and updates",
}
_MISSING = object()


@dataclass(frozen=True)
class Note:
    """A correction or update as a state holds it."""

    pk: int | None
    kind: str
    noted_at: datetime.datetime | None
    text: str

    def __str__(self):
        kind = dict(Correction.Kind.choices).get(self.kind, self.kind)
        return f"{kind}, {local_time(self.noted_at)}: {self.text}"


def to_second(value):
    """An aware datetime without its fraction of a second: forms carry whole seconds,
    stored values (and django-reversion's JSON, milliseconds) may not."""
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(value)
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.replace(microsecond=0)


def local_time(value):
    """'2020-03-09 13:00' in the newsroom's zone (TIME_ZONE), or '' for no time."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def stored_value(field_dict, field, default=None):
    """The value a version stored for a model field, under its attname or its name."""
    for key in (field.attname, field.name):
        if key in field_dict:
            return field_dict[key]
    return default


def _normalise(name, value):
    field = Article._meta.get_field(name)
    if field.many_to_many:
        return tuple(sorted(int(pk) for pk in value or ()))
    if field.is_relation:
        return None if value in (None, "") else int(value)
    if name == "published_at":
        return to_second(value)
    if isinstance(value, str):
        # Browsers post a textarea's lines ending in CRLF; imports and scripts store LF.
        # Line endings are not an edit: a form that left the body alone must not count
        # as changing it (a false conflict, a "Body" change in History).
        return lf(value)
    return "" if value is None else value


def article_versions(article_pk):
    """Saved versions of one article (never of another model), newest first."""
    return (
        Version.objects.get_for_object_reference(Article, article_pk)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def _rows_of(version, model):
    """The versions of `model` rows in this version's revision that belong to its
    article: a revision may hold other objects, which are not this article's."""
    article_field = model._meta.get_field("article")
    rows = []
    for sibling in version.revision.version_set.all():
        if sibling.content_type.model_class() is not model:
            continue
        data = sibling.field_dict
        if str(stored_value(data, article_field)) == str(version.object_id):
            rows.append((int(sibling.object_id), data))
    return rows


def byline_rows_of(version):
    """[(row pk, byline id, position)] of the version's byline rows, in order."""
    byline, position = ArticleByline._meta.get_field("byline"), "position"
    rows = [
        (pk, int(stored_value(data, byline)), data.get(position, 0))
        for pk, data in _rows_of(version, ArticleByline)
    ]
    return sorted(rows, key=lambda row: (row[2], row[0]))


def notes_of(version):
    rows = [
        Note(pk, data.get("kind", ""), to_second(data.get("noted_at")), data.get("text", ""))
        for pk, data in _rows_of(version, Correction)
    ]
    return tuple(sorted(rows, key=lambda note: (note.noted_at or timezone.now(), note.pk)))


def version_state(version):
    """The state an article was in when this version was saved."""
    data = version.field_dict
    state = {}
    for name in ARTICLE_FIELDS:
        field = Article._meta.get_field(name)
        default = field.get_default() if name in LATER_FIELDS else None
        state[name] = _normalise(name, stored_value(data, field, default))
    state["bylines"] = tuple(byline_id for _, byline_id, _ in byline_rows_of(version))
    state["corrections"] = notes_of(version)
    return state


def current_state(article):
    """The state the article is in now, read from the database."""
    state = {}
    for name in ARTICLE_FIELDS:
        field = Article._meta.get_field(name)
        if field.many_to_many:
            value = getattr(article, name).values_list("pk", flat=True)
        else:
            value = getattr(article, field.attname)
        state[name] = _normalise(name, value)
    state["bylines"] = tuple(
        article.article_bylines.order_by("position", "pk").values_list("byline_id", flat=True)
    )
    state["corrections"] = tuple(
        Note(c.pk, c.kind, to_second(c.noted_at), c.text)
        for c in article.corrections.order_by("noted_at", "pk")
    )
    return state


def submitted_state(cleaned_data, byline_ids, current):
    """The state an editor's form would save: its cleaned fields, the byline ids its
    rows ask for, and for anything the form does not carry, `current`."""
    state = dict(current)
    for name in ARTICLE_FIELDS:
        if name not in cleaned_data:
            continue
        value = cleaned_data[name]
        if hasattr(value, "values_list"):
            value = value.values_list("pk", flat=True)
        elif hasattr(value, "pk"):
            value = value.pk
        state[name] = _normalise(name, value)
    if byline_ids is not None:
        state["bylines"] = tuple(byline_ids)
    return state


def display(name, value):
    """A state's value as an editor reads it: names, labels, local times."""
    if name == "corrections":
        return "\n".join(str(note) for note in value or ())
    if name in RELATED_MODELS:
        pks = value if isinstance(value, tuple | list) else ([] if value is None else [value])
        model = RELATED_MODELS[name]
        label = "headline" if model is Article else "name"
        names = dict(model.objects.filter(pk__in=pks).values_list("pk", label))
        return ", ".join(names.get(pk, f"(deleted #{pk})") for pk in pks)
    if name == "status":
        return dict(Article.Status.choices).get(value, value or "")
    if name == "language":
        return dict(Article._meta.get_field("language").choices).get(value, value or "")
    if name == "published_at":
        return local_time(value)
    return "" if value is None else str(value)


@dataclass
class FieldChange:
    name: str
    label: str
    before: str
    after: str

    @property
    def diff_html(self):
        """Word-level changes, with removed words in <del> and added words in <ins>.

        Words are compared without the spaces and line breaks between them (a word
        before a paragraph break is the same word), and shown with them."""
        before, after = _words(self.before), _words(self.after)
        parts = []
        matcher = difflib.SequenceMatcher(
            a=[w for w, _ in before], b=[w for w, _ in after], autojunk=False
        )
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                parts.append(_run(self.after, after, b1, b2))
                continue
            if a2 > a1:
                parts.append(_run(self.before, before, a1, a2, "del"))
            if b2 > b1:
                parts.append(_run(self.after, after, b1, b2, "ins"))
        return mark_safe("".join(parts).strip())


def _words(text):
    """[(word, its start)] of `text`'s whitespace-separated words."""
    return [(m.group(), m.start()) for m in re.finditer(r"\S+", text)]


def _run(text, words, first, last, tag=None):
    """Words first..last-1 of `text` as written, escaped, after the spaces before them."""
    start = words[first - 1][1] + len(words[first - 1][0]) if first else words[first][1]
    end = words[last - 1][1] + len(words[last - 1][0])
    spaces, run = text[start : words[first][1]] or " ", escape(text[words[first][1] : end])
    return escape(spaces) + (f"<{tag}>{run}</{tag}>" if tag else run)


def field_change(name, before, after):
    return FieldChange(name, LABELS[name], display(name, before), display(name, after))


def changes_between(before, after, names=TRACKED):
    """FieldChange for each name whose value differs between two states."""
    return [
        field_change(name, before[name], after[name])
        for name in names
        if before[name] != after[name]
    ]


def previous_version(version):
    return (
        article_versions(version.object_id)
        .filter(revision__date_created__lte=version.revision.date_created, pk__lt=version.pk)
        .first()
    )


def version_changes(version):
    """What this version changed compared with the one before it (all of it, for the
    first version)."""
    after = version_state(version)
    older = previous_version(version)
    if older is None:
        return [field_change(n, None, after[n]) for n in TRACKED if after[n] not in ("", (), None)]
    return changes_between(version_state(older), after)


def version_with_lock(article_pk, lock_version):
    """The version saved with this lock_version: what an editor's form was loaded from."""
    for version in article_versions(article_pk):
        if stored_value(version.field_dict, Article._meta.get_field("lock_version")) == int(
            lock_version
        ):
            return version
    return None


@dataclass
class Merge:
    """A three-way merge of an editor's copy with changes saved meanwhile.

    `values` is the merged state; `theirs` and `yours` name the fields only one side
    changed (each keeps that side's value); `conflicts` the fields both changed to
    different values, which need the editor's decision."""

    base: dict
    current: dict
    submitted: dict
    values: dict
    theirs: list
    yours: list
    conflicts: list

    def conflict_changes(self):
        return [
            (
                field_change(n, self.base[n], self.current[n]),
                field_change(n, self.base[n], self.submitted[n]),
            )
            for n in self.conflicts
        ]

    def their_changes(self):
        return [field_change(n, self.base[n], self.current[n]) for n in self.theirs]


def merge(base, current, submitted, names=TRACKED):
    """Three-way merge over `names`. Without a base (the version the form was loaded
    from is unknown), every field where the two copies differ is a conflict."""
    values, theirs, yours, conflicts = dict(current), [], [], []
    for name in names:
        if current[name] == submitted[name]:
            values[name] = current[name]
        elif base is not None and submitted[name] == base[name]:
            values[name] = current[name]
            theirs.append(name)
        elif base is not None and current[name] == base[name]:
            values[name] = submitted[name]
            yours.append(name)
        else:
            values[name] = submitted[name]
            conflicts.append(name)
    return Merge(base, current, submitted, values, theirs, yours, conflicts)


# The fields a restore writes back by default: the story as it read. What decides whether
# and where readers see it (PUBLICATION_FIELDS), the record (who created it, import keys,
# lock_version), the corrections (a public record), and which language version of which
# story it is (another translation may hold that language now) stay as they are now.
LANGUAGE_FIELDS = ("language", "translation_of")
RESTORED_FIELDS = [
    name for name in ARTICLE_FIELDS if name not in (*PUBLICATION_FIELDS, *LANGUAGE_FIELDS)
]


def restore_version(article, version, *, publication=False):
    """Write `version` of `article` back to the database: its text, filing fields and
    bylines (byline rows keep the row ids they had, so a form rendered from them can be
    posted back), and with `publication` its status, publication time and slug too.

    Corrections and updates are never touched, nor lock_version: the caller's save makes
    the new version. Bylines since deleted are left out. `version` must be a version of
    `article` (see article_versions); anything else in its revision is ignored.
    Returns the version's state."""
    if (
        str(version.object_id) != str(article.pk)
        or version.content_type.model_class() is not Article
    ):
        raise ValueError("Not a version of this article.")
    state = version_state(version)
    names = RESTORED_FIELDS + (list(PUBLICATION_FIELDS) if publication else [])
    plain = {}
    for name in names:
        field = Article._meta.get_field(name)
        if field.many_to_many:
            getattr(article, name).set(field.related_model.objects.filter(pk__in=state[name]))
        elif field.is_relation:
            exists = field.related_model.objects.filter(pk=state[name]).exists()
            plain[field.attname] = state[name] if exists else None
        else:
            # A version saved before the rule on characters may hold ones XML forbids.
            plain[name] = xml_safe(state[name])
    if "body" in plain:
        from .rendering import render_markdown

        plain["body_html"] = render_markdown(plain["body"])
    Article.objects.filter(pk=article.pk).update(**plain)
    existing = set(Byline.objects.filter(pk__in=state["bylines"]).values_list("pk", flat=True))
    ArticleByline.objects.filter(article=article).delete()
    ArticleByline.objects.bulk_create(
        ArticleByline(pk=pk, article=article, byline_id=byline_id, position=position)
        for pk, byline_id, position in byline_rows_of(version)
        if byline_id in existing
    )
    return state
