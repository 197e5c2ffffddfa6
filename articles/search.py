"""Full-text search over articles.

On PostgreSQL: the trigger-maintained `search_vector` (GIN-indexed) matched with a
websearch query ("quoted phrases", -exclusions, or) and ordered by SearchRank. Ranking
reads every match's vector, and a common word matches a third of a million articles; so
the result is the newest SEARCH_CANDIDATES matches (of whatever else filters the list),
best first. Older matches are reached by narrowing the dates.

The `english` configuration drops stop words ("who", "is", "the"), so a word or phrase
made of them would match nothing, or in a phrase ("WHO warns") lose the word. Each such
term is matched instead against `search_vector_simple`, the same text under the `simple`
configuration (every word, lower-cased, unstemmed; trigger-maintained and GIN-indexed
beside the other, migration 0011); the other terms keep the english one. Arabic and
Kurdish words are kept as they are by both.

On SQLite: every word and quoted phrase must appear in the headline, summary or body,
and -words must not; ordered newest first.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

SEARCH_CONFIG = "english"
# Keeps every word: for the terms SEARCH_CONFIG would drop as stop words.
EXACT_CONFIG = "simple"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 32
SEARCH_CANDIDATES = 500
WORD_RE = re.compile(r"\w+")
TERM_RE = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')


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


def websearch_terms(query):
    """The query's words and phrases, each as websearch text: a list of at most MAX_TERMS
    (text, excluded) pairs, text being one word or a quoted phrase of words. Runs of bare
    operators ('-----') overflow PostgreSQL's websearch parser ("tsquery stack too
    small"); words do not."""
    terms = []
    for text, excluded in search_terms(query)[:MAX_TERMS]:
        text = " ".join(WORD_RE.findall(text))
        if text:
            terms.append(((f'"{text}"' if " " in text else text), excluded))
    return terms


def websearch_text(terms):
    """The websearch query of (text, excluded) pairs from websearch_terms."""
    return " ".join(("-" if excluded else "") + text for text, excluded in terms)


# Which configuration matches a term depends only on its text and the two configurations'
# stop-word lists: remembered per process (a bounded memo), so a term costs a database
# round trip the first time a process meets it, not on every page of its results.
_TERM_CONFIGS = {}
TERM_CONFIGS_REMEMBERED = 10_000


def term_configs(texts):
    """For each websearch text, the configuration to match it with: SEARCH_CONFIG, or
    EXACT_CONFIG when SEARCH_CONFIG drops any of its words as stop words, or None when
    neither keeps a word of it (e.g. "_"). A list of str or None; texts this process has
    not met yet are asked of PostgreSQL in one query."""
    bare = [text.strip('"') for text in texts]
    unknown = list(dict.fromkeys(t for t in bare if t not in _TERM_CONFIGS))
    if unknown:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t, numnode(phraseto_tsquery(%s::regconfig, t)),"
                " numnode(phraseto_tsquery(%s::regconfig, t))"
                " FROM unnest(%s::text[]) AS terms(t)",
                [SEARCH_CONFIG, EXACT_CONFIG, unknown],
            )
            found = {
                text: None if not exact else SEARCH_CONFIG if stemmed == exact else EXACT_CONFIG
                for text, stemmed, exact in cursor.fetchall()
            }
        if len(_TERM_CONFIGS) + len(found) > TERM_CONFIGS_REMEMBERED:
            _TERM_CONFIGS.clear()
        _TERM_CONFIGS.update(found)
        return [_TERM_CONFIGS.get(t, found.get(t)) for t in bare]
    return [_TERM_CONFIGS[t] for t in bare]


def is_capped(result_count):
    """Whether a search result stopped at SEARCH_CANDIDATES (older matches left out)."""
    return connection.vendor == "postgresql" and result_count >= SEARCH_CANDIDATES


def search_articles(queryset, query):
    """The articles of `queryset` that match `query` (a str of words, "quoted phrases"
    and -exclusions; cut to MAX_QUERY_LENGTH characters and MAX_TERMS terms), as a
    queryset: on PostgreSQL the newest SEARCH_CANDIDATES matches, best first; on SQLite
    every match, in the queryset's order. A blank query returns `queryset` unchanged; one
    with no word in it (only punctuation) matches nothing. Never raises on odd input."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query.strip():
        return queryset
    if connection.vendor == "postgresql":
        return postgresql_search(queryset, query)
    for text, excluded in search_terms(query):
        matches = Q(headline__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text)
        queryset = queryset.exclude(matches) if excluded else queryset.filter(matches)
    return queryset


def postgresql_search(queryset, query):
    terms = websearch_terms(query)
    if not terms:
        return queryset.none()
    configs = term_configs([text for text, excluded in terms])
    matches, ranks = Q(), []
    for field, config in (("search_vector", SEARCH_CONFIG), ("search_vector_simple", EXACT_CONFIG)):
        chosen = [
            term for term, term_config in zip(terms, configs, strict=True) if term_config == config
        ]
        if chosen:
            search_query = SearchQuery(
                websearch_text(chosen), search_type="websearch", config=config
            )
            matches &= Q(**{field: search_query})
            ranks.append(SearchRank(F(field), search_query))
    if not ranks:
        return queryset.none()
    # Fetched first, as a list: as a subquery, a stale row estimate can make the
    # planner re-run it for every published article.
    newest_matches = list(
        queryset.filter(matches)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:SEARCH_CANDIDATES]
    )
    return (
        queryset.filter(pk__in=newest_matches)
        .annotate(rank=sum(ranks[1:], ranks[0]))
        .order_by("-rank", "-published_at", "-pk")
    )
