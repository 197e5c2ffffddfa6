"""Search in every language (see articles/search.py).

On PostgreSQL:
- `newsroom_search_fold(text)`: letter variants, marks and digits folded for matching, an
  immutable SQL function holding the same character map as articles.search.fold (frozen
  here; tests check that the two agree);
- the `kurdish` text search configuration (a copy of `simple`: no stemmer or stop-word
  list exists for Kurdish in PostgreSQL) and `newsroom_search_config(language)`, the
  configuration of a language code;
- the search trigger now builds `search_vector` with the row's language's configuration
  over the folded text, `search_vector_simple` over the folded text, and adds a published
  article's words to `articles_search_word` (the vocabulary "did you mean" draws on,
  trigram-indexed: the pg_trgm extension);
- every article's vectors are rewritten (one pass over the table: docs/performance.md
  gives its time at 100k).
Nothing changes on SQLite, which folds in Python at query time.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FOLDED_LETTERS = {
    "\u06cc": "\u064a",
    "\u0649": "\u064a",
    "\u06d0": "\u064a",
    "\u06cd": "\u064a",
    "\u06a9": "\u0643",
    "\u06d5": "\u0629",
    "\u06be": "\u0647",
    "\u06c1": "\u0647",
    "\u06c0": "\u0647",
    "\u06c2": "\u0647",
    "\u0623": "\u0627",
    "\u0625": "\u0627",
    "\u0622": "\u0627",
    "\u0671": "\u0627",
    "ê": "e",
    "î": "i",
    "û": "u",
    "ç": "c",
    "ş": "s",
    "Ê": "E",
    "Î": "I",
    "Û": "U",
    "Ç": "C",
    "Ş": "S",
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
}
HEH_ZWNJ = "\u0647\u200c"
TEH_MARBUTA = "\u0629"
# A heh no letter of the Arabic script follows.
FINAL_HEH = "\u0647(?![\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff])"
SEARCH_CONFIGS = {"en": "english", "ar": "arabic", "ckb": "kurdish", "kmr": "kurdish"}


def unicode_literal_body(text):
    return "".join(f"\\{ord(c):04X}" for c in text)


def unicode_literal(text):
    """A PostgreSQL string literal of `text` in \\XXXX escapes (ASCII SQL)."""
    return f"U&'{unicode_literal_body(text)}'"


def replaced(expression, replacements):
    """SQL replacing each character of `replacements` (a dict) in `expression` in turn:
    replace() scans a text in one pass; translate() compares each character with every
    one it maps, 20 times slower over a 5,000-character body with this map."""
    for source, target in replacements.items():
        expression = f"replace({expression}, {unicode_literal(source)}, {unicode_literal(target)})"
    return expression


REMOVED_CLASS = (
    "["
    + "".join(
        f"{unicode_literal_body(low)}-{unicode_literal_body(high)}"
        for low, high in (
            ("\u0640", "\u0640"),
            ("\u064b", "\u065f"),
            ("\u0670", "\u0670"),
            ("\u06d6", "\u06ed"),
            ("\u200c", "\u200f"),
            ("\u061c", "\u061c"),
            ("\ufeff", "\ufeff"),
            ("\u0300", "\u036f"),
        )
    )
    + "]"
)

FOLD_FUNCTION = f"""
CREATE FUNCTION newsroom_search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(
        {
    replaced(
        f"regexp_replace(replace($1, {unicode_literal(HEH_ZWNJ)}, {unicode_literal(TEH_MARBUTA)}),"
        f" U&'{REMOVED_CLASS}', '', 'g')",
        FOLDED_LETTERS,
    )
},
        {unicode_literal(FINAL_HEH)},
        {unicode_literal(TEH_MARBUTA)},
        'g'
    )
$$;
"""

CONFIG_FUNCTION = (
    """
CREATE TEXT SEARCH CONFIGURATION kurdish (COPY = simple);

CREATE FUNCTION newsroom_search_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE $1
"""
    + "".join(
        f"        WHEN '{code}' THEN '{config}'::regconfig\n"
        for code, config in SEARCH_CONFIGS.items()
    )
    + """        ELSE 'simple'::regconfig
    END
$$;
"""
)

TRIGGER = """
CREATE TABLE articles_search_word (
    language varchar(12) NOT NULL,
    word text NOT NULL,
    PRIMARY KEY (language, word)
);
CREATE INDEX articles_search_word_trigram
ON articles_search_word USING gin (word gin_trgm_ops);

CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
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
    IF NEW.status = 'published' THEN
        INSERT INTO articles_search_word (language, word)
        SELECT NEW.language, lexeme FROM unnest(NEW.search_vector_simple)
        WHERE char_length(lexeme) BETWEEN 3 AND 40 AND lexeme !~ '^[0-9.,]+$'
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER articles_article_search_vector_update ON articles_article;
CREATE TRIGGER articles_article_search_vector_update
BEFORE INSERT OR UPDATE OF headline, summary, body, language, status,
    search_vector, search_vector_simple
ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();

UPDATE articles_article SET search_vector = NULL;
ANALYZE articles_article;
ANALYZE articles_search_word;
"""

CREATE = FOLD_FUNCTION + CONFIG_FUNCTION + TRIGGER

# Back to migration 0011's trigger (english and simple, unfolded).
DROP = """
DROP TRIGGER articles_article_search_vector_update ON articles_article;
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
CREATE TRIGGER articles_article_search_vector_update
BEFORE INSERT OR UPDATE OF headline, summary, body, search_vector, search_vector_simple
ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
UPDATE articles_article SET search_vector = NULL;
DROP TABLE articles_search_word;
DROP FUNCTION newsroom_search_config(text);
DROP TEXT SEARCH CONFIGURATION kurdish;
DROP FUNCTION newsroom_search_fold(text);
"""


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_gazetteer_grows_with_names_per_language")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP)),
    ]
