"""Search in every language: folding, per-language configurations, places across
languages, snippets and "did you mean" (articles/search.py, migration 0015)."""

import pytest
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article
from articles.search import (
    FOLDED_LETTERS,
    REMOVED_CHARACTERS,
    SEARCH_CANDIDATES,
    SEARCH_CONFIGS,
    attach_snippets,
    did_you_mean,
    fold,
    fold_with_origins,
    search_articles,
    search_config,
    search_key,
)
from tests.factories import at, make_article, region

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search: CI runs it there"
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite fallback: CI runs it there"
)

SORANI = "باران و لافاو لە هەولێر ڕێگاکانی داخست"
ARABIC = "أمطار غزيرة تغلق الطرق في أربيل"
KURMANJI = "Baran û lehî li Hewlêr rê girtin"
ENGLISH = "Rain and floods close roads in Erbil"


def rain_in_erbil():
    """The same story in the four languages, Erbil named in each language's spelling."""
    erbil = region("erbil")
    erbil.names = {"ckb": "هەولێر", "ar": "أربيل", "kmr": "Hewlêr"}
    erbil.save()
    make_article(
        SORANI,
        summary="سەرۆکی حکومەتی هەرێمی کوردستان داوای یارمەتی کرد.",
        body="بارانی بەهێز لە هەولێر و دهۆک بووە هۆی لافاو. قوتابخانەکان داخران.",
        language="ckb",
        regions=["erbil"],
        published_at=at("2024-03-04 10:00"),
    )
    make_article(
        ARABIC,
        summary="طالبت الحكومة بالمساعدة بعد السيول.",
        body="تسببت الأمطار الغزيرة في أربيل ودهوك بفيضانات. وأغلقت المدرسة أبوابها.",
        language="ar",
        regions=["erbil"],
        published_at=at("2024-03-04 09:00"),
    )
    make_article(
        KURMANJI,
        summary="Serokê Hikûmeta Herêma Kurdistanê alîkarî xwest.",
        body="Barana xurt li Hewlêr û Dihokê bû sedema lehiyê. Dibistan hatin girtin.",
        language="kmr",
        regions=["erbil"],
        published_at=at("2024-03-04 08:00"),
    )
    make_article(
        ENGLISH,
        summary="The government asked for help as the water rose.",
        body="Heavy rain in Erbil and Duhok caused floods. Schools were closed.",
        language="en",
        regions=["erbil"],
        published_at=at("2024-03-04 07:00"),
    )


def found(query, language=None):
    return sorted(a.headline for a in search_articles(Article.objects.published(), query, language))


# Folding


def test_fold_makes_yeh_kaf_and_heh_variants_one_letter():
    assert fold("ي") == fold("ی") == fold("ى")
    assert fold("ك") == fold("ک")
    assert fold("ە") == fold("ه\u200c") == fold("ه") == fold("ة") == fold("ھ")
    assert fold("حکومەتی") == fold("حكومه\u200cتي") == fold("حكومةتى")


def test_fold_makes_a_word_final_heh_the_vowel_e_but_keeps_h_inside_a_word():
    assert fold("شاره، شاره") == fold("شارە، شارە")
    assert fold("هات") != fold("ەات")


def test_fold_removes_tatweel_harakat_and_direction_marks():
    assert fold("كـــتاب") == fold("كتاب")
    assert fold("كِتَابٌ") == fold("كتاب")
    assert fold("\u200fهەولێر\u200e") == fold("هەولێر")


def test_fold_makes_alef_with_hamza_or_madda_a_bare_alef():
    assert fold("أربيل") == fold("اربيل") == fold("إربيل") == fold("آربيل")


def test_fold_makes_arabic_indic_digits_ascii():
    assert fold("٢٠٢٤ و ۲۰۲۴") == "2024 و 2024"


def test_fold_removes_kurmanji_marks_precomposed_or_combining():
    assert fold("Hewlêr Şêx Çiyayê Hikûmetî") == "Hewler Sex Ciyaye Hikumeti"
    assert fold("Hewle\u0302r c\u0327iya") == "Hewler ciya"


def test_fold_keeps_sorani_letters_without_variants():
    # ێ, ۆ, ڕ, ڵ, ڤ, گ, چ, پ, ژ are letters of their own: folding them would merge words.
    assert fold("ێۆڕڵڤگچپژ") == "ێۆڕڵڤگچپژ"


def test_search_key_lowercases_without_moving_positions():
    assert search_key("HEWLÊR İstanbul") == "hewler İstanbul"
    assert len(search_key("İİ")) == len(fold("İİ"))


def test_fold_with_origins_points_each_folded_character_at_its_source():
    text = "كـتاب ê"
    folded, origins = fold_with_origins(text)
    assert folded == "كتاب e"
    assert [text[i] for i in origins[:-1]] == ["ك", "ت", "ا", "ب", " ", "ê"]
    assert origins[-1] == len(text)


ALPHABET = (
    "".join(FOLDED_LETTERS)
    + REMOVED_CHARACTERS
    + "".join(set(FOLDED_LETTERS.values()))
    + "ابتثجحخدذرزسشصضطظعغفقلمنوێۆڕڵڤگچپژ"
    + "abcdeEIiİß 0123456789.,-\n\t"
)


@on_postgresql
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.text(alphabet=st.sampled_from(ALPHABET) | st.characters(blacklist_characters="\x00")),
        min_size=1,
        max_size=20,
    )
)
def test_postgresql_fold_function_agrees_with_python(texts):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT newsroom_search_fold(t) FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n)"
            " ORDER BY n",
            [texts],
        )
        assert [row[0] for row in cursor.fetchall()] == [fold(text) for text in texts]


@on_postgresql
def test_postgresql_configuration_function_agrees_with_python():
    codes = [code for code, name in settings.LANGUAGES] + ["fa", "tr"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c, newsroom_search_config(c)::text FROM unnest(%s::text[]) AS x(c)", [codes]
        )
        assert dict(cursor.fetchall()) == {code: search_config(code) for code in codes}
    assert search_config("fa") == "simple"
    assert set(SEARCH_CONFIGS) == {code for code, name in settings.LANGUAGES}


# Letter variants, marks and digits in queries (both databases)


@pytest.mark.parametrize(
    "query",
    [
        "حکومەتی",  # as written
        "حكومه\u200cتي",  # Arabic kaf and yeh, heh with ZWNJ for ە
        "حكومةتی",  # teh marbuta for ە
        "حکومەتى",  # alef maksura for ی
        "حکـومـەتی",  # tatweel
        "حُکومەتی",  # a haraka
    ],
)
def test_sorani_search_matches_letter_variants(query):
    rain_in_erbil()
    assert found(query, "ckb") == [SORANI]


@pytest.mark.parametrize("query", ["الغزيرة", "الغزيره", "الْغَزِيرَةُ", "الغزيـرة"])
def test_arabic_search_matches_teh_marbuta_harakat_and_tatweel_variants(query):
    rain_in_erbil()
    assert found(query, "ar") == [ARABIC]


@pytest.mark.parametrize("query", ["Hikûmeta", "Hikumeta", "HIKUMETA", "Hiku\u0302meta"])
def test_kurmanji_search_matches_with_and_without_marks(query):
    rain_in_erbil()
    assert found(query, "kmr") == [KURMANJI]


def test_kurmanji_text_written_without_marks_is_found_by_a_query_with_them():
    make_article("Civîna serokan li Duhokê", body="Serok li Duhoke civiyan.", language="kmr")
    assert found("Duhokê", "kmr") == ["Civîna serokan li Duhokê"]


def test_arabic_indic_digits_match_ascii_digits():
    make_article("٢٤ ساعة في دهوك", body="مرت ٢٤ ساعة.", language="ar")
    assert found("24", "ar") == ["٢٤ ساعة في دهوك"]


# Stop words and phrases in every language


@pytest.mark.parametrize(
    "query, language, expected",
    [
        ("the", "en", ENGLISH),
        ('"in Erbil"', "en", ENGLISH),
        ("في", "ar", ARABIC),
        ('"في أربيل"', "ar", ARABIC),
        ("لە", "ckb", SORANI),
        ('"لە هەولێر"', "ckb", SORANI),
        ('"له\u200c هه\u200cولێر"', "ckb", SORANI),  # the phrase in variant letters
        ("li", "kmr", KURMANJI),
        ('"li Hewler"', "kmr", KURMANJI),
    ],
)
def test_stop_words_and_phrases_find_the_article_in_each_language(query, language, expected):
    rain_in_erbil()
    assert found(query, language) == [expected]


def test_a_phrase_matches_only_in_order_in_sorani():
    rain_in_erbil()
    assert found('"هەولێر لە"', "ckb") == []


# Languages


def test_a_query_in_one_language_finds_that_languages_articles():
    rain_in_erbil()
    assert found("rain", "en") == [ENGLISH]
    assert found("rain", "ar") == []
    assert found("باران", "ckb") == [SORANI]
    assert found("baran", "kmr") == [KURMANJI]


@on_postgresql
def test_postgresql_parses_the_query_with_the_languages_configuration():
    rain_in_erbil()
    assert found("school", "en") == [ENGLISH]  # english stems "Schools"
    assert found("مدرسة", "ar") == [ARABIC]  # arabic stems "المدرسة"
    assert found("school", "kmr") == []


@on_postgresql
def test_postgresql_search_vector_uses_the_articles_language_configuration():
    article = make_article("Schools closed", body="المدرسة", language="ar", bare=True)
    english = make_article("Schools closed", body="Nothing.", language="en", bare=True)
    article.refresh_from_db()
    english.refresh_from_db()
    assert "'school'" in str(english.search_vector)
    assert "'schools'" in str(article.search_vector)  # arabic leaves English unstemmed
    assert "'مدرس'" in str(article.search_vector)
    Article.objects.filter(pk=article.pk).update(language="en")
    article.refresh_from_db()
    assert "'school'" in str(article.search_vector)


def test_searching_every_language_matches_each_article_with_its_own_configuration():
    rain_in_erbil()
    # Words no gazetteer place is called (a place name finds every language's articles).
    assert found("school") == [ENGLISH]  # english stems "Schools"
    assert found("قوتابخانەکان") == [SORANI]
    assert found("المدرسة") == [ARABIC]
    assert found("Dibistan") == [KURMANJI]


# Places across languages


@pytest.mark.parametrize("query", ["Erbil", "erbil", "هەولێر", "هه\u200cولێر", "أربيل", "Hewler"])
def test_a_place_name_finds_the_articles_naming_it_in_every_language(query):
    rain_in_erbil()
    assert found(query) == sorted([SORANI, ARABIC, KURMANJI, ENGLISH])


def test_a_place_name_in_another_language_finds_the_editions_articles():
    rain_in_erbil()
    assert found("Erbil", "ar") == [ARABIC]
    assert found("Erbil", "ckb") == [SORANI]


def test_a_place_name_keeps_the_other_terms_of_the_query():
    rain_in_erbil()
    assert found("Erbil rain") == [ENGLISH]
    assert found("-Erbil rain") == []


# Snippets


def snippet(headline, query, language=None):
    (article,) = attach_snippets(Article.objects.filter(headline=headline), query, language)
    return str(article.search_snippet)


def test_snippet_marks_the_match_in_the_articles_own_spelling():
    rain_in_erbil()
    html = snippet(SORANI, "كوردستان", "ckb")
    assert "<mark>کوردستان</mark>" in html


def test_kurmanji_snippet_marks_the_word_with_its_marks():
    rain_in_erbil()
    assert "<mark>Hikûmeta</mark>" in snippet(KURMANJI, "hikumeta", "kmr")


def test_snippet_escapes_markup_in_the_article():
    make_article(
        "Hostile text",
        summary="Nothing here.",
        body='Before <script>alert("x")</script> the <b onclick="x()">dam</b> & after.',
        language="en",
    )
    html = snippet("Hostile text", "dam", "en")
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html
    assert "<mark>dam</mark>" in html
    assert "&amp; after" in html


def test_snippet_of_a_long_body_is_a_passage_around_the_match():
    body = " ".join(["Filler words about the weather."] * 40) + " The Mosul dam held."
    body += " " + " ".join(["More filler after the news."] * 40)
    make_article("Long story", summary="A summary.", body=body, language="en")
    html = snippet("Long story", "dam", "en")
    assert "<mark>dam</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html.split()) < 60


def test_blank_query_gives_no_snippet():
    rain_in_erbil()
    assert snippet(ENGLISH, "  ") == ""


def test_snippet_template_renders_the_snippet_and_nothing_without_one():
    rain_in_erbil()
    (article,) = attach_snippets(Article.objects.filter(headline=ENGLISH), "floods", "en")
    html = render_to_string("articles/includes/search_snippet.html", {"article": article})
    assert '<p class="search-snippet">' in html and "<mark>floods</mark>" in html
    article.search_snippet = ""
    assert "search-snippet" not in render_to_string(
        "articles/includes/search_snippet.html", {"article": article}
    )


@on_postgresql
def test_postgresql_snippet_marks_stemmed_forms_of_the_query():
    rain_in_erbil()
    assert "<mark>Schools</mark>" in snippet(ENGLISH, "school", "en")


# Did you mean


@on_postgresql
@pytest.mark.parametrize(
    "query, language, expected",
    [
        ("Duhokk", "en", "duhok"),
        ("schols", "en", "schools"),
        ("قوتابخانەکا", "ckb", "قوتابخانەکان"),
        ("بالمساعدت", "ar", "بالمساعدة"),
        ("Dibistn", "kmr", "dibistan"),
    ],
)
def test_postgresql_did_you_mean_offers_a_word_of_the_languages_articles(query, language, expected):
    rain_in_erbil()
    suggestion = did_you_mean(Article.objects.published(), query, language, found=0)
    assert suggestion.query.lower() == expected.lower()
    assert found(suggestion.query, language)


@on_postgresql
def test_postgresql_did_you_mean_keeps_the_pages_filters_in_its_link():
    rain_in_erbil()
    params = QueryDict("q=Duhokk&region=erbil&page=3")
    suggestion = did_you_mean(Article.objects.published(), "Duhokk", "en", params=params)
    assert QueryDict(suggestion.querystring) == QueryDict("q=Duhok&region=erbil")
    html = render_to_string("articles/includes/did_you_mean.html", {"did_you_mean": suggestion})
    assert 'href="?q=Duhok&amp;region=erbil"' in html


@on_postgresql
def test_postgresql_did_you_mean_never_offers_a_word_only_unpublished_work_holds():
    make_article("Draft about Zakhozite", body="Zakhozite.", status=Article.Status.DRAFT)
    make_article("Scheduled Zakhozite", body="Zakhozite.", published_at=at("2099-01-01 10:00"))
    assert did_you_mean(Article.objects.published(), "Zakhozit", "en") is None


@on_postgresql
def test_postgresql_did_you_mean_is_silent_when_the_query_found_enough_or_is_spelled_right():
    rain_in_erbil()
    assert did_you_mean(Article.objects.published(), "Duhokk", "en", found=3) is None
    assert did_you_mean(Article.objects.published(), "floods", "en", found=0) is None


@on_sqlite
def test_sqlite_did_you_mean_offers_nothing():
    rain_in_erbil()
    assert did_you_mean(Article.objects.published(), "Duhokk", "en") is None


def vocabulary(language):
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM articles_search_word WHERE language = %s", [language])
        return {word for (word,) in cursor.fetchall()}


@on_postgresql
def test_postgresql_vocabulary_gains_a_drafts_words_only_when_it_is_published():
    draft = make_article("Zakhozite quarry", body="Obsidianite.", status=Article.Status.DRAFT)
    assert not {"zakhozite", "obsidianite"} & vocabulary("en")
    draft.status = Article.Status.PUBLISHED
    draft.published_at = at("2024-03-04 10:00")
    draft.save()
    assert {"zakhozite", "quarry", "obsidianite"} <= vocabulary("en")


@on_postgresql
def test_postgresql_vocabulary_gains_an_edited_articles_new_words_in_its_language():
    article = make_article("Floods in Duhok", body="Rain.", language="en")
    article.body = "Rain and hailstones."
    article.save()
    assert "hailstones" in vocabulary("en")
    article.language = "kmr"
    article.save()
    assert "hailstones" in vocabulary("kmr")


@on_postgresql
def test_postgresql_one_statement_of_many_articles_adds_each_published_word():
    published = [
        Article(
            headline=f"Story {n}",
            slug=f"story-{n}",
            body=f"Shared words zeolite{n}.",
            status=Article.Status.PUBLISHED,
            published_at=at("2024-03-04 10:00"),
        )
        for n in range(3)
    ]
    draft = Article(headline="Draft", slug="draft", body="Secretword.", status="draft")
    Article.objects.bulk_create([*published, draft])
    words = vocabulary("en")
    assert {"shared", "words", "zeolite0", "zeolite1", "zeolite2", "story"} <= words
    assert "secretword" not in words


@on_postgresql
def test_searching_every_language_keeps_the_newest_matches_of_all_languages(monkeypatch):
    # Each configuration's articles are searched apart; the newest of them all are kept.
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 3)
    for headline, language, when in [
        ("Zeolite 2019", "en", "2019-01-01 10:00"), ("Zeolite 2020", "ckb", "2020-01-01 10:00"),
        ("Zeolite 2021", "en", "2021-01-01 10:00"), ("Zeolite 2022", "kmr", "2022-01-01 10:00"),
        ("Zeolite 2023", "ar", "2023-01-01 10:00"),
    ]:  # fmt: skip
        make_article(headline, body="A zeolite quarry.", language=language, published_at=at(when))
    assert found("zeolite") == ["Zeolite 2021", "Zeolite 2022", "Zeolite 2023"]
    assert found("zeolite", "en") == ["Zeolite 2019", "Zeolite 2021"]


@on_postgresql
def test_searching_every_language_reads_only_the_configurations_the_archive_needs(client):
    # An English-only archive: no Arabic or Kurdish configuration is searched, and no
    # branch excludes languages by name (the planner reads every match for one).
    make_article("Zeolite quarry reopens", body="A zeolite quarry.", language="en")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/articles/?q=zeolite&language=all")
    assert response.status_code == 200
    assert "Zeolite quarry reopens" in response.content.decode()
    searches = [q["sql"] for q in queries.captured_queries if "tsquery(" in q["sql"]]
    assert searches
    for sql in searches:
        assert "'arabic'" not in sql and "'kurdish'" not in sql
        assert 'NOT ("articles_article"."language" IN' not in sql


@on_postgresql
def test_searching_every_language_finds_a_language_not_in_the_settings(client):
    # Data older than the settings: a Persian story, searched under `simple`.
    make_article("Zeolite in Persian copy", body="A zeolite quarry.", language="fa")
    make_article(ARABIC, language="ar")
    response = client.get("/articles/?q=zeolite&language=all")
    assert "Zeolite in Persian copy" in response.content.decode()
    assert found("zeolite") == ["Zeolite in Persian copy"]


def test_a_list_without_a_search_does_not_ask_the_archives_languages(client, monkeypatch):
    make_article(ENGLISH, language="en")

    def asked():
        raise AssertionError("a list without a search asked for the languages")

    monkeypatch.setattr("articles.filters.languages_in_use", asked)
    assert client.get("/articles/?language=all").status_code == 200
    assert client.get("/articles/").status_code == 200


@on_postgresql
def test_a_search_and_its_language_facet_ask_for_the_editions_matches_once(client):
    # The edition's search and the English branch of the language facet's search of
    # every language are one statement, run once a request.
    make_article("Zeolite quarry reopens", body="A zeolite quarry.", language="en")
    make_article(ARABIC, body="زيوليت", language="ar")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/articles/?q=zeolite")
    assert "Zeolite quarry reopens" in response.content.decode()
    searches = [
        q["sql"]
        for q in queries.captured_queries
        if "tsquery(" in q["sql"] and f"LIMIT {SEARCH_CANDIDATES}" in q["sql"]
    ]
    # English (the page's and the facet's) and Arabic (the facet's).
    assert len(searches) == 2
    assert sum("'english'" in sql for sql in searches) == 1
