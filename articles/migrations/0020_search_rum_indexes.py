"""Search reads its matches from `rum` indexes (the PostgreSQL extension of that name,
Debian package postgresql-15-rum), which replace the GIN indexes of the stored vectors:
`article_search_rum` and `article_search_simple_rum` keep each vector's words with their
positions (rum_tsvector_ops), so that a phrase ("a <-> b": words adjacent) is checked
inside the index instead of against each row's vector (GIN keeps no positions). A word is
found in them as in the GIN indexes.

See articles/search.py and docs/performance.md ("Search from rum indexes"). Building them
reads every article's vectors (minutes at a million articles). SQLite has its own search
and gets nothing."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS rum;
CREATE INDEX article_search_rum ON articles_article
    USING rum (search_vector rum_tsvector_ops);
CREATE INDEX article_search_simple_rum ON articles_article
    USING rum (search_vector_simple rum_tsvector_ops);
DROP INDEX IF EXISTS article_search_vector_gin;
DROP INDEX IF EXISTS article_search_vector_simple_gin;
"""

DROP = """
CREATE INDEX IF NOT EXISTS article_search_vector_gin
    ON articles_article USING gin (search_vector);
CREATE INDEX IF NOT EXISTS article_search_vector_simple_gin
    ON articles_article USING gin (search_vector_simple);
DROP INDEX IF EXISTS article_search_rum;
DROP INDEX IF EXISTS article_search_simple_rum;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0019_archive_counts")]

    operations = [migrations.RunPython(create, drop)]
