"""Full-text search over articles.

On PostgreSQL: the trigger-maintained `search_vector` (GIN-indexed) matched with a
websearch query ("quoted phrases", -exclusions, or) and ordered by SearchRank. Ranking
reads every match's vector, and a common word matches a third of a million articles; so
the result is the newest SEARCH_CANDIDATES matches (of whatever else filters the list),
best first. Older matches are reached by narrowing the dates.
On SQLite: every word and quoted phrase must appear in the headline, summary or body,
and -words must not; ordered newest first.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

SEARCH_CONFIG = "english"
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


def websearch_text(query):
    """The query rebuilt from its words and phrases only. Runs of bare operators ('-----')
    overflow PostgreSQL's websearch parser ("tsquery stack too small"); words do not."""
    parts = []
    for text, excluded in search_terms(query)[:MAX_TERMS]:
        text = " ".join(WORD_RE.findall(text))
        if text:
            parts.append(("-" if excluded else "") + (f'"{text}"' if " " in text else text))
    return " ".join(parts)


def is_capped(result_count):
    """Whether a search result stopped at SEARCH_CANDIDATES (older matches left out)."""
    return connection.vendor == "postgresql" and result_count >= SEARCH_CANDIDATES


def search_articles(queryset, query):
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query.strip():
        return queryset
    if connection.vendor == "postgresql":
        text = websearch_text(query)
        if not text:
            return queryset.none()
        search_query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        # Fetched first, as a list: as a subquery, a stale row estimate can make the
        # planner re-run it for every published article.
        newest_matches = list(
            queryset.filter(search_vector=search_query)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[:SEARCH_CANDIDATES]
        )
        return (
            queryset.filter(pk__in=newest_matches)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-published_at", "-pk")
        )
    for text, excluded in search_terms(query):
        matches = Q(headline__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text)
        queryset = queryset.exclude(matches) if excluded else queryset.filter(matches)
    return queryset
