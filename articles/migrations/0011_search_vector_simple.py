"""Search keeps stop words: `search_vector_simple` holds the article's text under the
`simple` configuration (every word, unstemmed), kept by the same trigger as
`search_vector` and GIN-indexed, for the query words the `english` configuration drops
("WHO", "is", "the"; see articles/search.py). Empty on SQLite, which searches substrings.

Filling the column rewrites every article once (minutes at a million articles)."""

import django.contrib.postgres.search
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
    NEW.search_vector_simple :=
        setweight(to_tsvector('simple', coalesce(NEW.headline, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

CREATE = (
    FUNCTION
    + """
DROP TRIGGER articles_article_search_vector_update ON articles_article;
CREATE TRIGGER articles_article_search_vector_update
BEFORE INSERT OR UPDATE OF headline, summary, body, search_vector, search_vector_simple
ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();

UPDATE articles_article SET search_vector_simple = NULL;

CREATE INDEX article_search_vector_simple_gin
ON articles_article USING gin (search_vector_simple);
"""
)

DROP = """
DROP INDEX IF EXISTS article_search_vector_simple_gin;
DROP TRIGGER articles_article_search_vector_update ON articles_article;
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_article_search_vector_update
BEFORE INSERT OR UPDATE OF headline, summary, body, search_vector ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
"""


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_unicode_slugs")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector_simple",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        # Reversed, the trigger must stop naming the column before the column goes.
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP)),
    ]
