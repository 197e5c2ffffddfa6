"""Full-text search on PostgreSQL: a trigger keeps Article.search_vector current on
every insert and update (bulk writes included), and a GIN index serves the matches.
On SQLite the column stays empty and search falls back to substring matching."""

from django.db import migrations

CREATE = """
CREATE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
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

UPDATE articles_article SET search_vector = NULL;

CREATE INDEX article_search_vector_gin ON articles_article USING gin (search_vector);
"""

DROP = """
DROP INDEX IF EXISTS article_search_vector_gin;
DROP TRIGGER IF EXISTS articles_article_search_vector_update ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_vector();
"""


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_gazetteer_and_roles")]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP)),
    ]
