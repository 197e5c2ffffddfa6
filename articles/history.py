"""Readable differences between saved versions of an article (django-reversion).

Each admin save stores a revision holding the article and its bylines. These functions
compare two of them field by field, for the history page and for the conflict message
an editor sees when someone else saved first.
"""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from reversion.models import Version

from .models import Article, ArticleByline, Byline, Editor, Region, Tag

COMPARED_FIELDS = [
    "headline", "slug", "summary", "body", "dateline", "source", "regions", "tags", "editors",
    "status", "published_at",
]  # fmt: skip
RELATED_MODELS = {"dateline": Region, "regions": Region, "tags": Tag, "editors": Editor}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str

    @property
    def diff_html(self):
        """Word-level changes, with removed words in <del> and added words in <ins>."""
        before, after = self.before.split(" "), self.after.split(" ")
        parts = []
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                parts.append(escape(" ".join(before[a1:a2])))
                continue
            if a2 > a1:
                parts.append(f"<del>{escape(' '.join(before[a1:a2]))}</del>")
            if b2 > b1:
                parts.append(f"<ins>{escape(' '.join(after[b1:b2]))}</ins>")
        return mark_safe(" ".join(parts))


def article_versions(article_pk):
    """Saved versions of one article, newest first."""
    return (
        Version.objects.get_for_object_reference(Article, article_pk)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def _names(model, pks):
    if not pks:
        return ""
    if not isinstance(pks, list | tuple):
        pks = [pks]
    names = dict(model.objects.filter(pk__in=pks).values_list("pk", "name"))
    return ", ".join(names.get(pk, f"(deleted #{pk})") for pk in pks)


def _display(field_name, value):
    if field_name in RELATED_MODELS:
        return _names(RELATED_MODELS[field_name], value)
    if field_name == "status":
        return dict(Article.Status.choices).get(value, value or "")
    return "" if value is None else str(value)


def _bylines_of(version):
    rows = [
        v.field_dict
        for v in version.revision.version_set.all()
        if v.content_type.model_class() is ArticleByline
    ]
    rows.sort(key=lambda row: row["position"])
    return _names(Byline, [row["byline"] for row in rows])


def version_state(version):
    data = version.field_dict
    state = {name: _display(name, data.get(name)) for name in COMPARED_FIELDS}
    state["bylines"] = _bylines_of(version)
    return state


def current_state(article):
    state = {}
    for name in COMPARED_FIELDS:
        field = Article._meta.get_field(name)
        if field.many_to_many:
            value = list(getattr(article, name).values_list("pk", flat=True))
        elif field.is_relation:
            value = getattr(article, field.attname)
        else:
            value = getattr(article, name)
        state[name] = _display(name, value)
    state["bylines"] = ", ".join(b.name for b in article.ordered_bylines)
    return state


def changes_between(before, after):
    labels = {name: Article._meta.get_field(name).verbose_name for name in COMPARED_FIELDS}
    labels["bylines"] = "bylines"
    return [
        FieldChange(labels[name].capitalize(), before[name], after[name])
        for name in [*COMPARED_FIELDS, "bylines"]
        if before[name] != after[name]
    ]


def version_changes(version):
    """What this version changed compared with the one before it."""
    older = (
        article_versions(version.object_id)
        .filter(revision__date_created__lte=version.revision.date_created)
        .exclude(pk=version.pk)
        .filter(pk__lt=version.pk)
        .first()
    )
    after = version_state(version)
    before = version_state(older) if older else dict.fromkeys(after, "")
    return changes_between(before, after)


def submitted_state(cleaned_data, current):
    state = dict(current)
    for name in COMPARED_FIELDS:
        if name not in cleaned_data:
            continue
        value = cleaned_data[name]
        if hasattr(value, "values_list"):
            value = list(value.values_list("pk", flat=True))
        elif hasattr(value, "pk"):
            value = value.pk
        state[name] = _display(name, value)
    return state


def changes_since(article, lock_version, cleaned_data):
    """For an editor whose copy is out of date: what changed, and the later saves.

    Where the version their form was loaded from is known, the changes are what others
    did since (that version → the saved article); otherwise, how the saved article
    differs from what they submitted. Returns (changes, later_versions, compared_with)."""
    versions = list(article_versions(article.pk))
    base = next((v for v in versions if v.field_dict.get("lock_version") == lock_version), None)
    later = [v for v in versions if base is None or v.pk > base.pk]
    current = current_state(article)
    if base is not None:
        return changes_between(version_state(base), current), later, "theirs"
    return changes_between(current, submitted_state(cleaned_data, current)), later, "yours"
