"""Full-text search over articles, in every language of the newsroom.

**Folding.** Text and queries are folded before they are matched, so that the spellings a
reader types find the spellings a writer used (`fold`; on PostgreSQL the same character
map is the immutable SQL function `newsroom_search_fold`, migration 0015, tested to agree
with this one). Following Lucene's ArabicNormalizer, PersianNormalizer and
SoraniNormalizer (org.apache.lucene.analysis.ar/fa/ckb) and KLPT's `preprocess`
(Sina Ahmadi, "KLPT - Kurdish Language Processing Toolkit", NLP-OSS 2020):
- yeh: Farsi/Kurdish ی (U+06CC), alef maksura ى (U+0649) and ې/ۍ → Arabic ي (U+064A);
- kaf: keheh ک (U+06A9) → Arabic ك (U+0643);
- the vowel e: Kurdish ە (U+06D5), heh followed by a zero-width non-joiner (how ە is
  written on keyboards without it) and a word-final heh (how it is often typed at the
  end of a word, where the two look alike: Lucene's SoraniNormalizer) → teh marbuta ة
  (U+0629), which PostgreSQL's Arabic stemmer strips as a suffix; so ە, ه‌, final ه and
  ة fold together, and a heh inside a word stays h. The joining heh ھ (U+06BE) and heh
  goal ہ/ۀ/ۂ → heh ه (U+0647);
- alef with hamza or madda (أ إ آ ٱ) → ا (the Arabic normaliser's alef folding);
- removed: tatweel (U+0640), harakat and Quranic marks (U+064B-065F, U+0670, U+06D6-06ED),
  zero-width and direction controls (ZWNJ, ZWJ, LRM, RLM, ALM, BOM), and Latin combining
  marks (U+0300-036F: decomposed ê, ç);
- digits: Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹) → 0-9;
- Kurmanji: ê→e, î→i, û→u, ç→c, ş→s (and capitals), so Hewlêr and Hewler match.
A heh is word-final when no letter of the Arabic script follows it (FINAL_HEH_RE, the
same class in SQL). Lucene's word-initial reh rule (ر → ڕ) is left out: ڕ and ر stay
apart. The fold goes towards the Arabic letters because those are the ones PostgreSQL's
`arabic` stemmer knows; Kurdish is matched unstemmed, so the direction costs it nothing.
Text is only folded for matching: readers see the original, and snippets are cut from it.

**Configurations.** Each article's `search_vector` is built with its language's text
search configuration (SEARCH_CONFIGS: en → english, ar → arabic, ckb and kmr → kurdish, a
copy of `simple` made by migration 0015; a language not listed gets `simple`) over the
folded text, one column and one index for all (docs/performance.md compares it with
one expression index per configuration): a `rum` index (migration 0020), which keeps
each word's positions, so that a phrase's adjacent words are checked in the index. A
query is parsed with the configuration of the language searched; searching every
language matches each row with its own language's configuration (one branch per
configuration, each on the index).

**Stop words.** A configuration that drops stop words ("who", "is", "the"; Arabic "في")
would make a term made of them match nothing, or lose a word of a phrase ("WHO warns").
Each such term is matched instead against `search_vector_simple` (the folded text under
`simple`: every word, lower-cased, unstemmed; migration 0011); the other terms keep the
language's vector.

**Places.** A query term (a word or a quoted phrase) that is a name of a gazetteer place
in any language (Region.all_names) matches any of the place's names: `Erbil` finds
هەولێر and أربيل stories.

**Results.** On PostgreSQL, the newest SEARCH_CANDIDATES matches, best first (ranking reads
every match's vector; a common word matches a third of the archive): older matches are
reached by narrowing the dates. A phrase's matching rows are read from the rum index
first (newest_matches_of): the planner, which takes a phrase to match as many rows as its
words, would test rows one by one. On SQLite, every word and quoted phrase must appear in the
folded, lower-cased headline, summary or body, and -words must not; newest first.

**Snippets** (`attach_snippets`): PostgreSQL's ts_headline picks the passage and the
words to highlight, reading SNIPPET_WINDOW characters around the first match (its cost
grows with the text); the passage is then cut from the original text and escaped here, so
markup in an article never reaches the page. **Did you mean** (`did_you_mean`): words of
published articles' vocabulary (`articles_search_word`, kept by the search trigger)
similar to a query word (pg_trgm), offered only if the corrected query finds articles.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, connections, transaction
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    Q,
    TextField,
    Value,
    When,
)
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .archive_cache import once_per_request

# Language code -> PostgreSQL text search configuration. Migration 0015's SQL function
# newsroom_search_config() holds the same map (tests check that they agree).
SEARCH_CONFIGS = {"en": "english", "ar": "arabic", "ckb": "kurdish", "kmr": "kurdish"}
# Keeps every word: for the terms a language's configuration would drop as stop words,
# and the configuration of a language not in SEARCH_CONFIGS.
EXACT_CONFIG = "simple"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 32
SEARCH_CANDIDATES = 500
WORD_RE = re.compile(r"\w+")
TERM_RE = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')

# The fold, one character to one string ("" removes it). Migration 0015 writes the same map
# into newsroom_search_fold() with translate().
FOLDED_LETTERS = {
    "\u06cc": "\u064a",  # ی FARSI YEH
    "\u0649": "\u064a",  # ى ALEF MAKSURA
    "\u06d0": "\u064a",  # ې YEH (Pashto/Uyghur E)
    "\u06cd": "\u064a",  # ۍ YEH WITH TAIL
    "\u06a9": "\u0643",  # ک KEHEH
    "\u06d5": "\u0629",  # ە AE (Kurdish e) -> ة TEH MARBUTA
    "\u06be": "\u0647",  # ھ HEH DOACHASHMEE (joining heh)
    "\u06c1": "\u0647",  # ہ HEH GOAL
    "\u06c0": "\u0647",  # ۀ HEH WITH YEH ABOVE
    "\u06c2": "\u0647",  # ۂ HEH GOAL WITH HAMZA ABOVE
    "\u0623": "\u0627",  # أ ALEF WITH HAMZA ABOVE
    "\u0625": "\u0627",  # إ ALEF WITH HAMZA BELOW
    "\u0622": "\u0627",  # آ ALEF WITH MADDA ABOVE
    "\u0671": "\u0627",  # ٱ ALEF WASLA
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
    **{chr(0x0660 + d): str(d) for d in range(10)},  # ٠-٩
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # ۰-۹
}
REMOVED_CHARACTERS = (
    "\u0640"  # tatweel
    + "".join(chr(c) for c in range(0x064B, 0x0660))  # harakat, hamza above/below
    + "\u0670"  # superscript alef
    + "".join(chr(c) for c in range(0x06D6, 0x06EE))  # Quranic annotation marks
    + "\u200c\u200d\u200e\u200f\u061c\ufeff"  # ZWNJ, ZWJ, LRM, RLM, ALM, BOM
    + "".join(chr(c) for c in range(0x0300, 0x0370))  # Latin combining marks
)
FOLD_TABLE = str.maketrans({**FOLDED_LETTERS, **dict.fromkeys(REMOVED_CHARACTERS, "")})


HEH_ZWNJ = "\u0647\u200c"
TEH_MARBUTA = "\u0629"
# A heh no letter of the Arabic script follows (after the table is applied).
FINAL_HEH_RE = re.compile("\u0647(?![\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff])")


def fold(text):
    """`text` (str) with letter variants, marks and digits folded for matching (see the
    module docstring); the same as SQL newsroom_search_fold(text). Case is kept."""
    folded = text.replace(HEH_ZWNJ, TEH_MARBUTA).translate(FOLD_TABLE)
    return FINAL_HEH_RE.sub(TEH_MARBUTA, folded)


def search_key(text):
    """`text` folded and lower-cased one character at a time (a character whose lower
    case is longer, like "İ", is kept), so that positions in it are positions in
    fold(text). What the SQLite fallback and the snippets compare."""
    return "".join(c if len(lower := c.lower()) != 1 else lower for c in fold(text))


def fold_with_origins(text):
    """(fold(text), origins): origins[i] is the index in `text` of the folded text's i-th
    character, plus a last entry len(text)."""
    folded, origins = [], []
    for index, character in enumerate(text):
        if character == "\u200c" and index and text[index - 1] == "\u0647":
            folded[-1] = TEH_MARBUTA
            continue
        replacement = FOLD_TABLE.get(ord(character), character)
        if replacement:
            folded.append(replacement)
            origins.append(index)
    origins.append(len(text))
    # One character for one: the positions stay.
    return FINAL_HEH_RE.sub(TEH_MARBUTA, "".join(folded)), origins


def search_config(language):
    """The text search configuration for a language code (str)."""
    return SEARCH_CONFIGS.get(language, EXACT_CONFIG)


def search_terms(query):
    """Split a query into (text, excluded) pairs, websearch style."""
    terms = []
    for match in TERM_RE.finditer(query):
        if match.group(2) is not None:
            terms.append((match.group(2).strip(), bool(match.group(1))))
        else:
            word = match.group(4).strip('"')
            if word.lower() == "or" or not word:
                continue
            terms.append((word, bool(match.group(3))))
    return [(text, excluded) for text, excluded in terms if text]


@dataclass
class Term:
    """One term of a query: its words (folded, joined by spaces), whether it is excluded,
    and the other spellings it also matches (a place's names in other languages)."""

    text: str
    excluded: bool
    alternatives: list = field(default_factory=list)

    @property
    def texts(self):
        return [self.text, *self.alternatives]


def query_terms(query):
    """The query's terms (at most MAX_TERMS): words and phrases reduced to their folded
    words (runs of bare operators like '-----' overflow PostgreSQL's query parser; words
    do not), with each place name's other names as alternatives."""
    terms = []
    for text, excluded in search_terms(query)[:MAX_TERMS]:
        text = " ".join(WORD_RE.findall(fold(text)))
        if text:
            terms.append(Term(text, excluded))
    if terms:
        names = place_names()
        for term in terms:
            key = search_key(term.text)
            term.alternatives = [name for name in names.get(key, []) if search_key(name) != key]
    return terms


def place_names():
    """{search_key(name): [every name of that place, folded]} over the gazetteer, in
    every language (Region.all_names). One query, then cached until the archive changes
    (any write to the gazetteer moves its version): a search page parses its query twice,
    to filter and to mark the snippets, and a further page of the result again."""
    from .archive_cache import cached_for_archive

    return cached_for_archive(("place names",), gazetteer_place_names)


def gazetteer_place_names():
    """place_names(), read from the gazetteer now."""
    from .models import Region

    names = {}
    for region in Region.objects.only("name", "names", "alternative_names"):
        spellings = {" ".join(WORD_RE.findall(fold(name))) for name in region.all_names if name}
        spellings = sorted(spelling for spelling in spellings if spelling)
        for spelling in spellings:
            known = names.setdefault(search_key(spelling), [])
            known += [other for other in spellings if other not in known]
    return names


# Which configuration matches a term depends only on its text and the configurations'
# stop-word lists: remembered per process (a bounded memo), so a term costs a database
# round trip the first time a process meets it, not on every page of its results.
_TERM_CONFIGS = {}
TERM_CONFIGS_REMEMBERED = 10_000


def term_configs(pairs):
    """For each (config, folded text) pair, the configuration to match the text with:
    `config`, or EXACT_CONFIG when `config` drops any of its words as stop words, or None
    when neither keeps a word of it (e.g. "_"). A list of str or None; pairs this process
    has not met yet are asked of PostgreSQL in one query."""
    unknown = list(dict.fromkeys(p for p in pairs if p not in _TERM_CONFIGS))
    found = {}
    if unknown:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c, t, numnode(phraseto_tsquery(c::regconfig, t)),"
                " numnode(phraseto_tsquery(%s::regconfig, t))"
                " FROM unnest(%s::text[], %s::text[]) AS terms(c, t)",
                [EXACT_CONFIG, [c for c, t in unknown], [t for c, t in unknown]],
            )
            found = {
                (config, text): None if not exact else config if stemmed == exact else EXACT_CONFIG
                for config, text, stemmed, exact in cursor.fetchall()
            }
        if len(_TERM_CONFIGS) + len(found) > TERM_CONFIGS_REMEMBERED:
            _TERM_CONFIGS.clear()
        _TERM_CONFIGS.update(found)
    return [found[p] if p in found else _TERM_CONFIGS[p] for p in pairs]


def is_capped(result_count):
    """Whether a search result stopped at SEARCH_CANDIDATES (older matches left out)."""
    return connection.vendor == "postgresql" and result_count >= SEARCH_CANDIDATES


def clean_query(query):
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def search_articles(queryset, query, language=None, languages=None):
    """The articles of `queryset` that match `query` (a str of words, "quoted phrases"
    and -exclusions; cut to MAX_QUERY_LENGTH characters and MAX_TERMS terms), as a
    queryset: on PostgreSQL the newest SEARCH_CANDIDATES matches, best first; on SQLite
    every match, in the queryset's order. `language` (a code of settings.LANGUAGES) is
    the language searched: its articles, the query parsed with its configuration; None
    searches every language, each article with its own: on PostgreSQL those of `languages`
    (codes the rows can be in; None: any, see configs_searched). A blank query returns
    `queryset` unchanged; one with no word in it (only punctuation) matches nothing.
    Never raises on odd input."""
    query = clean_query(query)
    if not query.strip():
        return queryset
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        return postgresql_search(queryset, terms, language, languages)
    if language is not None:
        queryset = queryset.filter(language=language)
    return sqlite_search(queryset, terms)


# SQLite


def sqlite_search(queryset, terms):
    install_sqlite_key_function()
    folded = {
        name: Func(F(name), function="newsroom_search_key")
        for name in ("headline", "summary", "body")
    }
    queryset = queryset.alias(
        **{f"{name}_search_key": expression for name, expression in folded.items()}
    )
    for term in terms:
        matches = Q()
        for text in term.texts:
            key = search_key(text)
            for name in folded:
                matches |= Q(**{f"{name}_search_key__contains": key})
        queryset = queryset.exclude(matches) if term.excluded else queryset.filter(matches)
    return queryset


def install_sqlite_key_function():
    """Make search_key() the SQL function newsroom_search_key on this SQLite connection."""
    connection.ensure_connection()
    connection.connection.create_function(
        "newsroom_search_key",
        1,
        lambda text: None if text is None else search_key(text),
        deterministic=True,
    )


# PostgreSQL


def configs_searched(language, languages=None):
    """{config: Q of the rows it parses}: the language's configuration for its articles,
    or, when `language` is None, each configuration for its languages among `languages`
    (codes the searched rows can be in, e.g. archive_cache.languages_in_use()): a
    configuration none of them needs is not searched. With `languages` None, those of
    settings.LANGUAGES and any other under `simple`, excluded by name: a branch the
    planner serves only by reading every match of the query (docs/performance.md)."""
    if language is not None:
        return {search_config(language): Q(language__in=[language])}
    codes = [code for code, name in settings.LANGUAGES] if languages is None else languages
    by_config = {}
    for code in codes:
        by_config.setdefault(search_config(code), []).append(code)
    rows = {config: Q(language__in=codes) for config, codes in by_config.items()}
    if languages is None:
        # Any other language (one newly added, or data older than the settings): simple.
        others = ~Q(language__in=list(SEARCH_CONFIGS))
        rows[EXACT_CONFIG] = rows[EXACT_CONFIG] | others if EXACT_CONFIG in rows else others
    return rows


def config_match(config, terms, term_config):
    """(Q, [rank expressions]) matching `terms` under `config`."""
    matches, queries = Q(), {"search_vector": None, "search_vector_simple": None}
    for term in terms:
        alternatives = Q()
        for text in term.texts:
            chosen = term_config[(config, text)]
            if chosen is None:
                continue
            column = "search_vector_simple" if chosen != config else "search_vector"
            search_query = SearchQuery(text, search_type="phrase", config=chosen)
            alternatives |= Q(**{column: search_query})
            if not term.excluded:
                queries[column] = (
                    search_query if queries[column] is None else queries[column] | search_query
                )
        if alternatives:
            matches &= ~alternatives if term.excluded else alternatives
    ranks = [SearchRank(F(column), q) for column, q in queries.items() if q is not None]
    if not matches:
        return None, []
    # Only -exclusions: every row that passes ranks the same.
    return matches, ranks or [Value(0.0, output_field=FloatField())]


def implied_by_every_branch(configs, terms, term_config):
    """For a search of every language: each wanted term's matches under any
    configuration, whatever the row's language. Implied by the branches (each requires
    the term under its own configuration), so it changes no result; but, unlike the
    branches' `language IN (...) AND ...`, the planner serves it from the vector indexes
    (a BitmapOr) instead of scanning the table (docs/performance.md)."""
    implied = Q()
    for term in terms:
        if term.excluded:
            continue
        any_config = Q()
        for config in configs:
            for text in term.texts:
                chosen = term_config[(config, text)]
                if chosen is not None:
                    column = "search_vector_simple" if chosen != config else "search_vector"
                    any_config |= Q(
                        **{column: SearchQuery(text, search_type="phrase", config=chosen)}
                    )
        implied &= any_config
    return implied


# A phrase's matches are read from the rum index first when there are at most this many
# in the whole archive; more, and its words are common together, so that the newest
# matches are near the top of the date index, where the planner's own plan finds them.
PHRASE_MATCHES_READ = 20_000
# Before that read, a phrase is looked for among this many of the newest rows it could
# match: a common one (or a place whose names include a common word) has its newest
# SEARCH_CANDIDATES matches there, and its positions need not be read from the index.
PHRASE_ROWS_WALKED = 2_000


def newest_matches_of(queryset, rows, vector_matches, phrase=False):
    """[(published_at, pk)] of the newest SEARCH_CANDIDATES articles of `queryset` in
    `rows` (a Q: a configuration's languages) matching `vector_matches` (a Q over the
    stored vectors), as order_by("-published_at", "-pk") gives them.

    With `phrase` (the query has a term of several adjacent words), the newest
    PHRASE_ROWS_WALKED rows are looked at first: if SEARCH_CANDIDATES of them match, they
    are the newest matches. Otherwise the rows whose vectors match are read from the rum
    index alone (migration 0020), which checks the
    words' positions itself: the planner takes a phrase to match as many rows as its words
    together (it keeps no statistics of word pairs), and so would walk the date index
    testing each row's vector, most of them in vain (docs/performance.md, "Search from rum
    indexes"). For that one statement index and sequential scans are off (SET LOCAL, in a
    transaction or savepoint of its own), and its only conditions are on the vectors, so a
    bitmap scan of the rum index is the one plan left. The read changes nothing, so its
    transaction or savepoint is rolled back, which undoes the settings whether it ran, failed
    or ran inside a caller's transaction (where a released savepoint would keep them).
    A request runs the same search once (archive_cache.once_per_request): a search of one
    language and its language facet's search of every language ask alike for that
    language's matches (ArticleFilter.filter_queryset)."""
    matches = queryset.filter(rows & vector_matches)
    newest = matches.order_by("-published_at", "-pk").values_list("published_at", "pk")
    sql, params = newest.query.sql_with_params()

    def read():
        found = newest
        if phrase:
            latest = queryset.filter(rows).order_by("-published_at", "-pk")
            walked = list(
                newest.filter(pk__in=latest.values("pk")[:PHRASE_ROWS_WALKED])[:SEARCH_CANDIDATES]
            )
            if len(walked) == SEARCH_CANDIDATES:
                return walked
            vectors = queryset.model._base_manager.using(newest.db).filter(vector_matches)
            indexed = rows_from_the_index(
                vectors.order_by().values_list("pk", flat=True)[:PHRASE_MATCHES_READ]
            )
            if len(indexed) < PHRASE_MATCHES_READ:
                found = newest.filter(pk__in=indexed)
        return list(found[:SEARCH_CANDIDATES])

    return once_per_request(("newest matches", newest.db, sql, repr(params), phrase), read)


def rows_from_the_index(read):
    """list(read), a query whose only conditions are on the vectors, run with index and
    sequential scans off: read from the rum index alone (see newest_matches_of)."""
    with transaction.atomic(using=read.db), connections[read.db].cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        found = list(read)
        transaction.set_rollback(True, using=read.db)
    return found


def is_phrase_search(terms):
    """Whether a wanted term of `terms` (or a spelling it also matches) has two words or
    more: a phrase, whose words must be adjacent."""
    return any(" " in text for term in terms if not term.excluded for text in term.texts)


def postgresql_search(queryset, terms, language, languages=None):
    configs = configs_searched(language, languages)
    pairs = [(config, text) for config in configs for term in terms for text in term.texts]
    term_config = dict(zip(pairs, term_configs(pairs), strict=True))
    branches, ranks = [], []
    for config, rows in configs.items():
        config_matches, config_ranks = config_match(config, terms, term_config)
        if config_matches is None:
            continue
        branches.append((rows, config_matches))
        ranks.append((rows, sum(config_ranks[1:], config_ranks[0])))
    if not ranks:
        return queryset.none()
    # Fetched first, as a list: as a subquery, a stale row estimate can make the
    # planner re-run it for every published article. Searching every language, each
    # configuration's rows are searched apart and the newest of all kept: one query
    # ORing the branches was planned as a walk of the whole date index, each row's
    # vector tested (docs/performance.md, "Fresh renders").
    newest = []
    phrase = is_phrase_search(terms)
    for rows, config_matches in branches:
        newest += newest_matches_of(queryset, rows, config_matches, phrase)
    # As PostgreSQL orders them: undated drafts (the admin searches them) first, then newest.
    newest.sort(key=lambda row: (row[0] is None, row[0] and row[0].timestamp(), row[1]))
    newest.reverse()
    newest_matches = [pk for _, pk in newest[:SEARCH_CANDIDATES]]
    if len(ranks) == 1:
        rank = ranks[0][1]
    else:
        rank = Case(
            *(When(rows, then=config_rank) for rows, config_rank in ranks),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return (
        queryset.filter(pk__in=newest_matches)
        .annotate(rank=rank)
        .order_by("-rank", "-published_at", "-pk")
    )


# Snippets

SNIPPET_WORDS = 30
SNIPPET_WINDOW = 1200
START_SELECTION, STOP_SELECTION = "\x02", "\x03"
SELECTED_RE = re.compile(f"{START_SELECTION}(.*?){STOP_SELECTION}", re.DOTALL)


def attach_snippets(articles, query, language=None):
    """Give each article of `articles` (Article objects, e.g. a page of search results)
    a `search_snippet`: HTML (a SafeString, the article's text escaped) of about
    SNIPPET_WORDS words of its summary and body around the words `query` matched, each
    in <mark>; "" when the query is blank. On PostgreSQL ts_headline (SearchHeadline,
    with the article's language's configuration over the folded text) chooses the
    passage and the words; on SQLite, the passage starts a few words before the first
    match. Costs one query for the texts and one per configuration among the articles on
    PostgreSQL, one on SQLite."""
    articles = list(articles)
    for article in articles:
        article.search_snippet = ""
    query = clean_query(query)
    terms = [term for term in query_terms(query) if not term.excluded] if query.strip() else []
    if not terms or not articles:
        return articles
    if connection.vendor == "postgresql":
        passages = postgresql_passages(articles, terms, language)
    else:
        passages = {
            pk: (text, None, 0)
            for pk, text in article_texts([article.pk for article in articles]).items()
        }
    for article in articles:
        if article.pk in passages:
            text, headline, window_start = passages[article.pk]
            before = after = False
            if headline is not None and len(text) > SNIPPET_WINDOW:
                text, before, after = passage_region(text, headline, window_start)
            article.search_snippet = snippet_html(text, terms, headline, before, after)
    return articles


def passage_region(text, headline, window_start=0):
    """(part of `text`, whether text comes before it, whether after): SNIPPET_WINDOW / 2
    characters at whitespace from where ts_headline's passage (`headline`, a passage of
    headline_window(), SNIPPET_WORDS words) starts, so that snippet_html walks a few
    hundred characters, not a whole body. The passage is looked for from `window_start`,
    the window's offset in fold(text) (headline_window()'s second value), all its words
    first, then its first four: a text may say them more than once. Folding only removes
    characters, so the passage starts in `text` at or after its place in fold(text)."""
    plain = headline.replace(START_SELECTION, "").replace(STOP_SELECTION, "")
    words = WORD_RE.findall(plain)
    folded = fold(text)
    found = None
    for count in (len(words), 4) if words else ():
        pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, words[:count])) + r"(?!\w)"
        found = re.compile(pattern).search(folded, window_start)
        if found is not None:
            break
    if found is None:
        return text, False, False
    start = found.start()
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    # Each character folding removed before the passage moves it that much further.
    end = min(len(text), start + SNIPPET_WINDOW // 2 + len(text) - len(folded))
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end], bool(text[:start].strip()), bool(text[end:].strip())


def article_texts(pks):
    """{pk: the article's summary and body} for the articles `pks`."""
    from .models import Article

    return {
        pk: f"{summary}\n{body}"
        for pk, summary, body in Article.objects.filter(pk__in=pks).values_list(
            "pk", "summary", "body"
        )
    }


def postgresql_passages(articles, terms, language):
    """{pk: (summary and body, ts_headline's output with START/STOP_SELECTION marks or
    None, the offset in fold(text) of the window it read)}. One query reads the texts;
    one per configuration runs ts_headline over each text's headline_window(), folded
    here (a few microseconds a text, where the SQL fold of a whole body costs
    milliseconds)."""
    from .models import Article

    texts = article_texts([article.pk for article in articles])
    by_language = {}
    for article in articles:
        if article.pk in texts:
            by_language.setdefault(language or article.language, []).append(article.pk)
    pairs = [
        (search_config(code), text) for code in by_language for term in terms for text in term.texts
    ]
    term_config = dict(zip(pairs, term_configs(pairs), strict=True))
    passages = {pk: (text, None, 0) for pk, text in texts.items()}
    for code, pks in by_language.items():
        config = search_config(code)
        search_query = headline_query(config, terms, term_config)
        if search_query is None:
            continue
        windows = {pk: headline_window(texts[pk], terms) for pk in pks}
        window = Case(
            *(When(pk=pk, then=Value(windows[pk][0])) for pk in pks),
            output_field=TextField(),
        )
        headline = SearchHeadline(
            window,
            search_query,
            config=config,
            start_sel=START_SELECTION,
            stop_sel=STOP_SELECTION,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
        )
        rows = Article.objects.filter(pk__in=pks).annotate(selected=headline)
        for pk, selected in rows.values_list("pk", "selected"):
            passages[pk] = (texts[pk], selected, windows[pk][1])
    return passages


def headline_window(text, terms):
    """(window, start): fold(text) cut to SNIPPET_WINDOW characters from a little before
    the first word that starts with a word of `terms`' wanted terms (lower-cased; excluded
    terms are not in the text's passage; its start when none does: another stemmed form),
    at whitespace, and the window's offset in fold(text): what ts_headline reads. Its cost
    grows with the text it parses (about 5 ms a 5,000-character body), and a passage of
    SNIPPET_WORDS words never needs more."""
    folded = fold(text)
    if len(folded) <= SNIPPET_WINDOW:
        return folded, 0
    lowered = folded.lower()
    words = {
        search_key(t).split()[0]
        for term in terms
        if not term.excluded
        for t in term.texts
        if search_key(t).split()
    }
    if not words:
        return folded[:SNIPPET_WINDOW], 0
    pattern = r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(words))) + ")"
    found = re.search(pattern, lowered) if len(lowered) == len(folded) else None
    start = max(0, found.start() - SNIPPET_WINDOW // 4) if found else 0
    while 0 < start < len(folded) and not folded[start - 1].isspace():
        start += 1
    return folded[start : start + SNIPPET_WINDOW], start


def headline_query(config, terms, term_config):
    """The SearchQuery of `terms` (none excluded) under `config`, for ts_headline."""
    combined = None
    for term in terms:
        alternatives = None
        for text in term.texts:
            chosen = term_config[(config, text)]
            if chosen is None:
                continue
            search_query = SearchQuery(text, search_type="phrase", config=chosen)
            alternatives = search_query if alternatives is None else alternatives | search_query
        if alternatives is not None:
            combined = alternatives if combined is None else combined & alternatives
    return combined


def snippet_html(text, terms, headline=None, before=False, after=False):
    """About SNIPPET_WORDS words of `text` as escaped HTML, matches in <mark>. With
    `headline` (ts_headline's output over fold(text)) the passage starts where it starts
    and its selected words are marked, with every word of the query; without, the
    passage starts a few words before the first match of a term (a substring, as the
    SQLite search matches) and those matches are marked. `before` and `after` say that
    `text` is part of a longer one, so that the ellipses say so."""
    folded, origins = fold_with_origins(text)
    key = search_key(text)
    words = [match.span() for match in WORD_RE.finditer(key)]
    if not words:
        return ""
    term_keys = [search_key(t) for term in terms for t in term.texts]
    if headline is not None:
        selected = {search_key(word) for word in SELECTED_RE.findall(headline)}
        selected |= {word for t in term_keys for word in t.split()}
        first = headline_start(key, words, headline)
        window = words[first : first + SNIPPET_WORDS]
        marks = [span for span in window if key[span[0] : span[1]] in selected]
    else:
        positions = [key.find(t) for t in term_keys if t and key.find(t) >= 0]
        at = min(positions, default=0)
        before = [i for i, (start, end) in enumerate(words) if end <= at]
        first = max(0, len(before) - 8)
        window = words[first : first + SNIPPET_WORDS]
        begin, finish = window[0][0], window[-1][1]
        marks = []
        for t in term_keys:
            found = key.find(t, begin) if t else -1
            while 0 <= found < finish:
                marks.append((found, found + len(t)))
                found = key.find(t, found + len(t))
    return render_passage(text, key, origins, window, marks, before, after)


def headline_start(key, words, headline):
    """The index in `words` (spans in `key`) where ts_headline's passage starts: where
    all its words are, else its first four, else its first."""
    plain = search_key(headline.replace(START_SELECTION, "").replace(STOP_SELECTION, ""))
    passage = WORD_RE.findall(plain)
    for count in (len(passage), 4, 1):
        if len(passage) >= count:
            pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, passage[:count])) + r"(?!\w)"
            found = re.search(pattern, key)
            if found:
                return next(i for i, span in enumerate(words) if span[0] >= found.start())
    return 0


def render_passage(text, key, origins, window, marks, before=False, after=False):
    """`text` from the first to the last word span of `window` (indices in `key`, its
    search_key), widened to whitespace, escaped, whitespace collapsed, the `marks` spans
    in <mark>, with an ellipsis where text is left out."""
    begin, finish = window[0][0], window[-1][1]
    # Whole whitespace-separated tokens: punctuation and quotes next to a word stay.
    while begin > 0 and not key[begin - 1].isspace():
        begin -= 1
    while finish < len(key) and not key[finish].isspace():
        finish += 1
    marks = sorted((max(a, begin), min(b, finish)) for a, b in marks if b > begin and a < finish)
    merged = []
    for start, end in marks:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))

    def original(start, end):
        return escape(text[origins[start] : origins[end]])

    parts, position = [], begin
    for start, end in merged:
        parts.append(original(position, start))
        parts.append(f"<mark>{original(start, end)}</mark>")
        position = end
    parts.append(original(position, finish))
    html = re.sub(r"\s+", " ", "".join(parts)).strip()
    prefix = "… " if before or (origins[begin] > 0 and text[: origins[begin]].strip()) else ""
    suffix = " …" if after or text[origins[finish] :].strip() else ""
    return mark_safe(prefix + html + suffix)


# Did you mean

FEW_RESULTS = 3
SUGGESTIONS_TRIED = 3


@dataclass
class Suggestion:
    """A corrected query: `query` (str) and `querystring` (the page's parameters with
    q replaced and the page number dropped, urlencoded, for a link "?{querystring}")."""

    query: str
    querystring: str


def did_you_mean(queryset, query, language=None, found=0, params=None, languages=None):
    """A Suggestion for a query that found fewer than FEW_RESULTS articles (`found`), or
    None. Each query word (3 or more letters) that no published article of the language
    uses is replaced by the most similar word that one does (pg_trgm similarity over
    `articles_search_word`, per language; `language` None: any), and the corrected query
    is offered only if it finds more articles of `queryset` than `found`, so it never
    names a word only unpublished work holds. `params` (a QueryDict, e.g. request.GET)
    keeps the page's other filters in the link; `languages` (codes) are those a search of
    every language searches (see search_articles). PostgreSQL only: None on SQLite."""
    query = clean_query(query)
    if connection.vendor != "postgresql" or found >= FEW_RESULTS or not query.strip():
        return None
    vocabularies = (
        [language] if language else languages or [code for code, name in settings.LANGUAGES]
    )
    replacements, tried = {}, set()
    for text, excluded in search_terms(query):
        for word in WORD_RE.findall(text):
            key = search_key(word)
            if excluded or len(key) < 3 or key in tried:
                continue
            tried.add(key)
            candidates = similar_words(key, vocabularies)
            if candidates is not None:
                replacements[word] = candidates
    if not replacements:
        return None
    # The best candidate for every unknown word, then the next best ones in turn.
    for attempt in range(SUGGESTIONS_TRIED):
        chosen = {
            word: candidates[min(attempt, len(candidates) - 1)]
            for word, candidates in replacements.items()
            if candidates
        }
        if not chosen:
            return None
        corrected = respell(query, chosen)
        results = list(
            search_articles(queryset, corrected, language, languages).values_list("pk", flat=True)[
                : found + 1
            ]
        )
        if len(results) > found:
            # The vocabulary is folded: offer each word as the first match writes it.
            spellings = written_forms(results[0], set(chosen.values()))
            corrected = respell(query, {w: spellings.get(c, c) for w, c in chosen.items()})
            return Suggestion(corrected, suggestion_querystring(params, corrected))
    return None


def respell(query, replacements):
    """`query` with each word of `replacements` (a dict) replaced by its value."""
    for word, replacement in replacements.items():
        query = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", lambda m, r=replacement: r, query)
    return query


def written_forms(pk, keys):
    """{key: a word of article `pk`'s text whose search_key() it is} for `keys`."""
    forms = {}
    for text in article_texts([pk]).values():
        for word in WORD_RE.findall(text):
            if (key := search_key(word)) in keys:
                forms.setdefault(key, word)
    return forms


def similar_words(key, languages):
    """None if `key` (a folded, lower-cased word) is in the vocabulary of `languages`;
    else the most similar words there, best first (a list, maybe empty)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM articles_search_word"
            " WHERE word = %s AND language = ANY(%s))",
            [key, languages],
        )
        if cursor.fetchone()[0]:
            return None
        cursor.execute(
            "SELECT word FROM articles_search_word WHERE language = ANY(%s) AND word %% %s"
            " GROUP BY word ORDER BY max(similarity(word, %s)) DESC, word LIMIT %s",
            [languages, key, key, SUGGESTIONS_TRIED],
        )
        return [word for (word,) in cursor.fetchall()]


def suggestion_querystring(params, corrected):
    query = params.copy() if params is not None else QueryDict(mutable=True)
    query["q"] = corrected
    query.pop("page", None)
    return query.urlencode()
