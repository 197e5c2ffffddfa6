"""Search read from the rum indexes (migration 0020, articles/search.py): a phrase found
from the words' positions in the index, exactly as before (words adjacent, in every
language), and snippets cut from a bounded part of the text, the same as from the whole.
PostgreSQL only: SQLite has its own search; CI runs these on PostgreSQL."""

import random
import re

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.generator import generate
from articles.models import Article
from articles.search import (
    PHRASE_MATCHES_READ,
    PHRASE_ROWS_WALKED,
    SEARCH_CANDIDATES,
    WORD_RE,
    attach_snippets,
    search_articles,
)
from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="rum indexes are PostgreSQL's (SQLite matches substrings): CI runs these there",
    ),
]


# The indexes a phrase search walked, testing each row's vector against the phrase.
WALKED = (
    "article_language_idx",
    "article_date_idx",
    "article_published_idx",
    "article_status_date_idx",
    "one_translation_per_language",
)


def found(query, language=None):
    return [a.headline for a in search_articles(Article.objects.published(), query, language)]


def plans_of(run):
    """(what `run()` returns, [each statement's plan as PostgreSQL ran it]): auto_explain
    sends every plan to this session as a notice."""
    connection.ensure_connection()
    plans = []

    def keep(diagnostic):
        plans.append(diagnostic.message_primary or "")

    connection.connection.add_notice_handler(keep)
    with connection.cursor() as cursor:
        cursor.execute(
            "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0;"
            " SET auto_explain.log_level = 'notice'"
        )
    try:
        result = run()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET auto_explain.log_min_duration; RESET auto_explain.log_level")
        connection.connection.remove_notice_handler(keep)
    return result, plans


def test_a_phrase_is_found_from_the_rum_index_not_row_by_row():
    # Both words in every story, adjacent in two: the planner takes the phrase to match
    # every row (as many as its words), and on its own reads the table or walks an index
    # testing each row's vector.
    story = make_article("Report", body="Security was tight. The police came later.")
    Article.objects.bulk_create(
        Article(
            headline=f"Report {n}",
            slug=f"bulk-report-{n}",
            body=story.body,
            language="en",
            status=story.status,
            published_at=story.published_at,
        )
        for n in range(400)
    )
    make_article("Adjacent one", body="The security police arrived.")
    make_article("Adjacent two", body="Security police again.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    headlines, plans = plans_of(lambda: found('"security police"', "en"))
    assert sorted(headlines) == ["Adjacent one", "Adjacent two"]
    phrase_plans = [plan for plan in plans if "<->" in plan]
    # The rows matching the phrase, from the positions in the rum index alone...
    (read,) = [plan for plan in phrase_plans if f"LIMIT {PHRASE_MATCHES_READ}" in plan]
    assert "Bitmap Index Scan on article_search_rum" in read, read
    # ...and, but for the look at the newest PHRASE_ROWS_WALKED rows (two matches there:
    # not enough), no statement walks the table or the date and language indexes
    # testing rows.
    bounded = [p for p in phrase_plans if re.search(rf"LIMIT {PHRASE_ROWS_WALKED}\b", p)]
    assert len(bounded) == 1
    for plan in phrase_plans:
        if plan in bounded:
            continue
        assert "Seq Scan" not in plan, plan
        for index in WALKED:
            assert index not in plan, plan


def test_a_common_phrase_is_found_among_the_newest_rows_without_reading_the_index(
    client, monkeypatch
):
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 3)
    for n in range(6):
        make_article(f"Crossing {n}", body="The border crossing reopened.", language="en")
    make_article("Apart", body="The border was shut; the crossing too.", language="en")
    newest = list(
        Article.objects.published()
        .filter(headline__startswith="Crossing")
        .order_by("-published_at", "-pk")[:3]
    )
    with CaptureQueriesContext(connection) as queries:
        headlines = found('"border crossing"', "en")
    assert sorted(headlines) == sorted(a.headline for a in newest)
    assert not [q for q in queries.captured_queries if "enable_indexscan" in q["sql"]]
    # Fewer matches among them than a page keeps: the index is read, the result the same.
    monkeypatch.setattr("articles.search.PHRASE_ROWS_WALKED", 2)
    with CaptureQueriesContext(connection) as queries:
        assert sorted(found('"border crossing"', "en")) == sorted(headlines)
    assert [q for q in queries.captured_queries if "enable_indexscan" in q["sql"]]


def planner_settings():
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_indexscan")
        (indexscan,) = cursor.fetchone()
        cursor.execute("SHOW enable_seqscan")
        return indexscan, cursor.fetchone()[0]


def test_a_phrase_search_page_reads_each_phrase_from_the_index_once(client):
    # The page's search and its language facet's search of every language ask the index
    # for the same rows: a request reads them once.
    make_article("Zeolite quarry reopens", body="The zeolite quarry reopens.", language="en")
    make_article("Zeolite and a quarry", body="Zeolite, then a quarry.", language="en")
    with CaptureQueriesContext(connection) as queries:
        response = client.get('/articles/?q="zeolite quarry"')
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zeolite quarry reopens" in page and "Zeolite and a quarry" not in page
    reads = [q for q in queries.captured_queries if "enable_indexscan = off" in q["sql"]]
    assert len(reads) == 1


def test_a_phrase_search_leaves_the_planner_settings_as_they_were():
    make_article("Adjacent", body="The security police arrived.")
    make_article("Apart", body="Security was tight; the police came later.")
    assert found('"security police"', "en") == ["Adjacent"]
    # The settings a phrase's read turns off are back for the next statement, in the
    # transaction the search ran in (each test runs in one)...
    assert planner_settings() == ("on", "on")
    # ...and as the caller had them: its own are not reset to the server's.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
    assert found('"security police"') == ["Adjacent"]
    assert planner_settings() == ("off", "on")


def test_a_phrase_search_that_fails_leaves_the_settings_and_raises_its_error(monkeypatch):
    make_article("Adjacent", body="The security police arrived.")
    # A LIMIT beyond bigint: the database refuses the phrase's read, settings turned off.
    monkeypatch.setattr("articles.search.PHRASE_MATCHES_READ", 10**20)
    with pytest.raises(DataError):
        found('"security police"', "en")
    assert planner_settings() == ("on", "on")
    monkeypatch.undo()
    assert found('"security police"', "en") == ["Adjacent"]  # the transaction goes on


@pytest.mark.parametrize(
    ("language", "adjacent", "apart", "query"),
    [
        ("en", "The city council met.", "The council of the city met.", '"city council"'),
        ("en", "The WHO warns of cholera.", "Who knows what it warns.", '"WHO warns"'),
        (
            "ar",
            "اجتمع مجلس النواب اليوم.",
            "اجتمع مجلس المحافظة مع النواب اليوم.",
            '"مجلس النواب"',
        ),
        (
            "ckb",
            "حکومەتی هەرێم بڕیاری دا.",
            "حکومەتی عێراق و هەرێم بڕیاریان دا.",
            '"حکومەتی هەرێم"',
        ),
        (
            "kmr",
            "Hikûmeta Herêmê biryar da.",
            "Hikûmeta Iraqê û Herêmê biryar dan.",
            '"hikumeta hereme"',
        ),
    ],
)
def test_a_phrase_matches_its_words_adjacent_in_every_language(language, adjacent, apart, query):
    make_article("Adjacent", body=adjacent, language=language)
    make_article("Apart", body=apart, language=language)
    assert found(query, language) == ["Adjacent"]
    assert found(query) == ["Adjacent"]  # every language, each article with its own
    # Without the quotes both match: the words are there, apart.
    assert sorted(found(query.strip('"'), language)) == ["Adjacent", "Apart"]


def test_phrase_and_word_results_are_the_newest_matches_in_order_on_a_generated_archive(
    monkeypatch,
):
    generate(150, seed=11)
    published = Article.objects.published()
    rng = random.Random(5)
    bodies = list(published.values_list("body", flat=True))
    queries = []
    for body in rng.sample(bodies, 6):
        words = WORD_RE.findall(body)
        at_word = rng.randrange(len(words) - 1)
        queries += [words[at_word], f'"{words[at_word]} {words[at_word + 1]}"']
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 5)
    for query in queries:
        results = [a.pk for a in search_articles(published, query, "en")] + [
            a.pk for a in search_articles(published, query)
        ]
        # The same rows, ranked the same, as a plain scan of every row finds them: no
        # read of a phrase's rows from the rum index first, no index at all.
        with transaction.atomic(), monkeypatch.context() as plain:
            plain.setattr("articles.search.is_phrase_search", lambda terms: False)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            expected = [a.pk for a in search_articles(published, query, "en")] + [
                a.pk for a in search_articles(published, query)
            ]
            transaction.set_rollback(True)
        assert results == expected, query
    assert SEARCH_CANDIDATES == 500


def test_a_snippet_cut_from_part_of_a_long_text_is_the_one_cut_from_the_whole(monkeypatch):
    filler = " ".join(f"Filler sentence {n} about the weather in the hills." for n in range(300))
    body = filler + " The Mosul dam held after the floods. " + filler
    make_article("Long", summary="A summary.", body=body, language="en")
    make_article("Short", summary="A summary.", body="The dam held.", language="en")
    long_text = Article.objects.filter(headline__in=["Long", "Short"])

    def snippets():
        articles = attach_snippets(long_text, "dam floods", "en")
        return {a.headline: str(a.search_snippet) for a in articles}

    cut = snippets()
    assert "<mark>dam</mark>" in cut["Long"] and "<mark>floods</mark>" in cut["Long"]
    assert cut["Long"].startswith("… ") and cut["Long"].endswith(" …")
    assert cut["Short"] == "A summary. The <mark>dam</mark> held."
    # The same passage walked over the whole text (as before the cut).
    monkeypatch.setattr(
        "articles.search.passage_region", lambda text, headline, start=0: (text, 0, 0)
    )
    assert snippets() == cut


def test_a_snippet_is_cut_where_the_passage_is_not_where_its_first_words_came_first():
    # The passage ts_headline chooses at the end of the body starts before the match,
    # with words the body has said many times before.
    filler = " ".join("Officials said the weather in the hills was mild." for n in range(60))
    make_article("Long", summary="A summary.", body=f"{filler} The dam held.", language="en")
    (article,) = attach_snippets(Article.objects.filter(headline="Long"), "dam", "en")
    assert "<mark>dam</mark> held." in str(article.search_snippet)
