"""Removes from stored text the characters XML 1.0 forbids (the rule: articles.text).

Since this release every model removes them on save; rows saved before it may still hold
them (a vertical tab pasted into a summary, a form feed from wire copy), and one such
character made every feed the article was in a 500. This cleans those rows, in place:
the articles' headline, summary, body, rendered body and source, the corrections' text
and rendered text, and the names of tags, bylines (and their bios), editors and places
(and the places' other spellings). `updated_at` is not touched: nothing a reader would
call a change.

Left as they are: slugs and the places' paths, which nothing gives such characters (the
admin validates slugs, and made ones are slugified), and which feeds and sitemaps print
only inside URLs, percent-encoded; an article's import key, which must go on finding its
article on the next import and never reaches a page; and the revisions kept in history,
as they were recorded (a restored old revision is cleaned where XML is written, see
articles.feeds).

The rule is copied, not imported, so that this migration does tomorrow what it does
today. Lone surrogates, which the rule also removes, cannot be stored in either database,
so none is looked for here. Rows are found by a regular expression in the database (one
scan of each table); only those holding such a character are written.
"""

import re

from django.db import migrations

# XML 1.0's forbidden characters, as a storable string: PostgreSQL's text cannot hold
# NUL at all (nor take it as a parameter), so it is looked for on SQLite only.
FORBIDDEN = "\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
FORBIDDEN_RE = re.compile(f"[\x00{FORBIDDEN}]")

TEXT_FIELDS = {
    "Article": ["headline", "summary", "body", "body_html", "source"],
    "Correction": ["text", "text_html"],
    "Tag": ["name"],
    "Byline": ["name", "bio"],
    "Editor": ["name"],
    "Region": ["name"],
}


def cleaned(value):
    if isinstance(value, str):
        return FORBIDDEN_RE.sub("", value)
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    if isinstance(value, dict):
        return {cleaned(key): cleaned(item) for key, item in value.items()}
    return value


def remove_forbidden_characters(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    pattern = f"[{FORBIDDEN}]" if vendor == "postgresql" else f"[\x00{FORBIDDEN}]"
    for model_name, fields in TEXT_FIELDS.items():
        model = apps.get_model("articles", model_name)
        holding = None
        for name in fields:
            condition = model._default_manager.filter(**{f"{name}__regex": pattern})
            holding = condition if holding is None else holding | condition
        for row in holding.only("pk", *fields).order_by("pk").iterator(chunk_size=500):
            changes = {name: cleaned(getattr(row, name)) for name in fields}
            changes = {k: v for k, v in changes.items() if v != getattr(row, k)}
            if changes:
                model._default_manager.filter(pk=row.pk).update(**changes)

    # Other spellings of places are JSON, where a control character is stored escaped
    # ("\u000b"): read in Python. The gazetteer is a few thousand places at most.
    Region = apps.get_model("articles", "Region")
    for pk, names in Region.objects.values_list("pk", "alternative_names").iterator():
        if cleaned(names) != names:
            Region.objects.filter(pk=pk).update(alternative_names=cleaned(names))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_search_vector_simple"),
    ]

    operations = [
        migrations.RunPython(remove_forbidden_characters, migrations.RunPython.noop),
    ]
