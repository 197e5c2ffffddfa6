import pytest
from django.db import connection

from articles.models import Article
from articles.search import search_articles, search_terms
from tests.factories import at, make_article

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search: CI runs it there"
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite fallback: CI runs it there"
)


def found(query):
    return [a.headline for a in search_articles(Article.objects.published(), query)]


def test_search_terms_understand_phrases_and_exclusions():
    assert search_terms('oil "Kirkuk field" -Basra or gas') == [
        ("oil", False),
        ("Kirkuk field", False),
        ("Basra", True),
        ("gas", False),
    ]


def test_search_only_finds_published_articles():
    make_article("Published dam story", body="The dam.")
    make_article("Draft dam story", body="The dam.", status=Article.Status.DRAFT)
    assert found("dam") == ["Published dam story"]


def test_search_needs_every_word():
    make_article("Oil in Kirkuk", body="Oil output rose.")
    make_article("Oil in Basra", body="Oil output fell.")
    assert found("oil Kirkuk") == ["Oil in Kirkuk"]


def test_search_excludes_minus_words():
    make_article("Oil in Kirkuk", body="Oil output rose.")
    make_article("Oil in Basra", body="Oil output fell.")
    assert found("oil -Basra") == ["Oil in Kirkuk"]


def test_search_matches_a_quoted_phrase_only_in_order():
    make_article("In order", body="The security operation began.")
    make_article("Out of order", body="An operation for security.")
    assert found('"security operation"') == ["In order"]


def test_blank_search_returns_everything():
    make_article("One")
    make_article("Two")
    assert len(found("   ")) == 2


@on_postgresql
def test_postgresql_search_vector_is_kept_by_the_trigger():
    article = make_article("Floods", body="Heavy rain in Duhok.")
    article.refresh_from_db()
    assert "duhok" in str(article.search_vector)
    article.body = "Snow in Halabja."
    article.save()
    article.refresh_from_db()
    assert "halabja" in str(article.search_vector)
    assert "duhok" not in str(article.search_vector)


@on_postgresql
def test_postgresql_search_stems_words():
    make_article("Soldiers killed", body="Two soldiers were killed.")
    assert found("soldier killing") == ["Soldiers killed"]


@on_postgresql
def test_postgresql_search_ranks_headline_matches_first():
    make_article("Other news", body="Mentions Makhmour once in the body.")
    make_article("Makhmour under fire", body="Fighting continued.")
    assert found("Makhmour") == ["Makhmour under fire", "Other news"]


@on_postgresql
def test_postgresql_search_indexes_are_rum_with_positions():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'articles_article'"
        )
        definitions = dict(cursor.fetchall())
    # rum_tsvector_ops (words with their positions) is rum's default class for a tsvector.
    assert "USING rum (search_vector)" in definitions["article_search_rum"]
    assert "USING rum (search_vector_simple)" in definitions["article_search_simple_rum"]
    # The GIN indexes they replace are gone (each write kept them for nothing).
    assert not [d for d in definitions.values() if "USING gin (search_vector" in d]


@on_postgresql
def test_postgresql_websearch_syntax_never_errors():
    make_article("Anything", body="Text.")
    for query in ['"unclosed', "a & b | !c", "(((", "-", "or or", "':*"]:
        found(query)  # a syntax error here would raise


@on_sqlite
def test_sqlite_fallback_matches_substrings_case_insensitively():
    make_article("Floods", body="Heavy rain in Duhok.")
    assert found("DUHOK") == ["Floods"]


@on_postgresql
def test_postgresql_search_keeps_the_newest_matches_when_there_are_too_many(monkeypatch):
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 2)
    make_article("Oldest dam story", published_at=at("2019-01-01 10:00"))
    make_article("Middle dam story", published_at=at("2020-01-01 10:00"))
    make_article("Newest dam story", published_at=at("2021-01-01 10:00"))
    assert sorted(found("dam")) == ["Middle dam story", "Newest dam story"]


@on_postgresql
def test_postgresql_search_applies_the_other_filters_before_keeping_the_newest(client, monkeypatch):
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 2)
    make_article("Old Duhok dam", regions=["duhok"], published_at=at("2019-01-01 10:00"))
    make_article("Baghdad dam one", regions=["baghdad"], published_at=at("2021-01-01 10:00"))
    make_article("Baghdad dam two", regions=["baghdad"], published_at=at("2021-01-02 10:00"))
    response = client.get("/articles/?q=dam&region=duhok")
    assert [a.headline for a in response.context["object_list"]] == ["Old Duhok dam"]


@on_postgresql
def test_postgresql_capped_search_says_older_matches_need_a_date_range(client, monkeypatch):
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 2)
    for day in (1, 2, 3):
        make_article(f"Dam story {day}", published_at=at(f"2021-01-0{day} 10:00"))
    capped = client.get("/articles/?q=dam").content.decode()
    narrowed = client.get("/articles/?q=dam&to=2021-01-01").content.decode()
    assert "2 most recent matches" in capped
    assert "most recent matches" not in narrowed


# Stop words: the english configuration drops "who", "is", "the" ... from queries, so a
# query made of them (or a phrase holding them) must still find what holds them.
def stop_word_articles():
    make_article(
        "WHO warns of cholera in Basra",
        summary="The WHO says the outbreak is spreading.",
        body="Cases rose in the south.",
        published_at=at("2024-05-02 10:00"),
    )
    make_article(
        "Governor warns of floods",
        summary="Heavy rain fell on Zakho.",
        body="Roads closed near Duhok.",
        published_at=at("2024-05-01 10:00"),
    )
    make_article(
        "وەزارەتی تەندروستی لە هەولێر",
        summary="هەواڵی نوێ لە هەولێر.",
        body="قالت الوزارة في بغداد إن الوضع مستقر.",
        published_at=at("2024-04-30 10:00"),
    )


WHO = "WHO warns of cholera in Basra"
FLOODS = "Governor warns of floods"
SORANI = "وەزارەتی تەندروستی لە هەولێر"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("WHO", [WHO]),
        ("who", [WHO]),
        ("IS", [WHO]),
        ("the", [WHO]),
        ("the WHO", [WHO]),
        ('"the WHO"', [WHO]),
        ('"WHO warns"', [WHO]),
        ('"warns of floods"', [FLOODS]),
        ("WHO cholera", [WHO]),
        ('cholera "in Basra"', [WHO]),
        ("warns -the", [FLOODS]),
        ('warns -"the WHO"', [FLOODS]),
        ("-the -لە", [FLOODS]),
        ("لە", [SORANI]),
        ("في بغداد", [SORANI]),
        ('"لە هەولێر" -the', [SORANI]),
    ],
)
def test_search_of_stop_words_finds_the_articles_holding_them(query, expected):
    stop_word_articles()
    assert sorted(found(query)) == sorted(expected)


def test_archive_search_of_a_stop_word_finds_the_article(client):
    stop_word_articles()
    page = client.get("/articles/", {"q": "WHO"}).content.decode()
    assert "1 article matches" in page
    assert WHO in page
    assert FLOODS not in page


def test_admin_search_of_a_stop_word_finds_the_article(editor_client):
    stop_word_articles()
    response = editor_client.get("/admin/articles/article/", {"q": "the WHO"})
    assert [a.headline for a in response.context["cl"].result_list] == [WHO]


@on_postgresql
def test_postgresql_stop_word_search_ranks_headline_matches_first():
    make_article("Report says nothing new", body="Asked who would pay, nobody said.")
    make_article("Who pays for the dam", body="Nobody knows yet.")
    assert found("who") == ["Who pays for the dam", "Report says nothing new"]


@on_postgresql
def test_postgresql_simple_search_vector_is_kept_by_the_trigger_and_indexed():
    article = make_article("WHO in Duhok", summary="Rain.", body="It is here.", bare=True)
    article.refresh_from_db()
    assert "'who'" in str(article.search_vector_simple)
    assert "'is'" in str(article.search_vector_simple)
    Article.objects.filter(pk=article.pk).update(headline="The WHO in Halabja")
    article.refresh_from_db()
    assert "'the'" in str(article.search_vector_simple)
    assert "duhok" not in str(article.search_vector_simple)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_simple_rum'"
        )
        (definition,) = cursor.fetchone()
    assert "USING rum (search_vector_simple)" in definition


def test_a_passage_is_found_from_its_window_not_where_its_first_words_came_first():
    from articles.search import WORD_RE, headline_window, passage_region, query_terms

    filler = " ".join("Officials said the weather in the hills was mild." for n in range(60))
    text = f"A summary.\n{filler} The dam held after the floods."
    window, start = headline_window(text, query_terms("dam"))
    assert "The dam held" in window and window == text[start : start + len(window)]
    # ts_headline's passage: the last 20 words of the window, the match marked.
    passage = " ".join(WORD_RE.findall(window)[-20:]).replace("dam", "\x02dam\x03")
    region, before, after = passage_region(text, passage, start)
    assert region.endswith("The dam held after the floods.") and before and not after


def test_a_snippet_window_is_not_anchored_on_an_excluded_word():
    from articles.search import headline_window, query_terms

    filler = " ".join("Officials said the weather in the hills was mild." for n in range(30))
    text = f"The oilfield was quiet. {filler} The dam held. {filler}"
    window, start = headline_window(text, query_terms("dam -oil"))
    assert "The dam held." in window and "oilfield" not in window
    assert start > 0
