"""The archive's vocabulary is added once per statement, not once per row.

Migration 0015's row trigger inserted every word of each published article into
`articles_search_word` (the vocabulary "did you mean" draws on), a few hundred
`INSERT ... ON CONFLICT DO NOTHING` probes an article, most of them for words already
there: about a quarter of what PostgreSQL spends writing an article (docs/performance.md,
"Writing an article: what PostgreSQL spends"). Now the row trigger builds the two search
vectors only, and a statement trigger on each of INSERT and UPDATE adds the distinct words
of the published rows the statement wrote, so a batch of 500 imported stories probes each
word once. An update adds words only for rows that became public or whose words changed.

The vocabulary kept is the same as before (tests/test_search_languages.py checks it after
single saves, bulk inserts and publishing). Nothing changes on SQLite.
"""

from django.db import migrations

# Which words "did you mean" keeps: as migration 0015 chose them.
KEPT_WORDS = "char_length(lexeme) BETWEEN 3 AND 40 AND lexeme !~ '^[0-9.,]+$'"

# The trigger function's head: both search vectors, built as migration 0015 builds them.
VECTORS = """CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
DECLARE
    config regconfig := newsroom_search_config(NEW.language);
    headline text := newsroom_search_fold(coalesce(NEW.headline, ''));
    summary text := newsroom_search_fold(coalesce(NEW.summary, ''));
    body text := newsroom_search_fold(coalesce(NEW.body, ''));
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(config, headline), 'A') ||
        setweight(to_tsvector(config, summary), 'B') ||
        setweight(to_tsvector(config, body), 'C');
    NEW.search_vector_simple :=
        setweight(to_tsvector('simple', headline), 'A') ||
        setweight(to_tsvector('simple', summary), 'B') ||
        setweight(to_tsvector('simple', body), 'C');
"""

CREATE = f"""
{VECTORS}    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION articles_article_search_words() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO articles_search_word (language, word)
        SELECT DISTINCT new_rows.language, lexeme
        FROM new_rows, unnest(new_rows.search_vector_simple)
        WHERE new_rows.status = 'published' AND {KEPT_WORDS}
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO articles_search_word (language, word)
        SELECT DISTINCT new_rows.language, lexeme
        FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id,
            unnest(new_rows.search_vector_simple)
        WHERE new_rows.status = 'published'
            AND (
                old_rows.status <> 'published'
                OR old_rows.language <> new_rows.language
                OR old_rows.search_vector_simple IS DISTINCT FROM new_rows.search_vector_simple
            )
            AND {KEPT_WORDS}
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER articles_article_search_words_insert
AFTER INSERT ON articles_article REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_article_search_words();

CREATE TRIGGER articles_article_search_words_update
AFTER UPDATE ON articles_article REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_article_search_words();
"""

# Back to migration 0015's trigger, which adds the words row by row.
DROP = f"""
DROP TRIGGER articles_article_search_words_update ON articles_article;
DROP TRIGGER articles_article_search_words_insert ON articles_article;
DROP FUNCTION articles_article_search_words();
{VECTORS}    IF NEW.status = 'published' THEN
        INSERT INTO articles_search_word (language, word)
        SELECT NEW.language, lexeme FROM unnest(NEW.search_vector_simple)
        WHERE {KEPT_WORDS}
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_agency_aliases")]

    operations = [migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP))]
