"""The formats agencies deliver (articles.wire.formats): ninjs 1.x and 2.x, NewsML-G2 and
NITF read into a Story, the shipped fixtures (tests/wire_copy/), and the faults every
delivered file can have."""

import datetime
import json
import re
from io import StringIO
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.text import has_forbidden_characters
from articles.wire.formats import MAX_DELIVERY_BYTES, parse_delivery
from articles.wire.formats.common import html_paragraphs, parse_time, text_paragraphs
from articles.wire.places import PlaceMatcher
from articles.wire.story import Story, WireCopyError

FIXTURES = Path(__file__).resolve().parent / "wire_copy"
UTC = datetime.UTC
BAGHDAD = ZoneInfo("Asia/Baghdad")
NAR = "http://iptc.org/std/nar/2006-10-01/"

# What each shipped fixture must give. "lead" is how the body's first paragraph starts,
# "last" how its last one ends, "regions" the gazetteer places its dateline names.
EXPECTED = {
    "ninjs-1/ap-mosul-old-city-rebuilding.json": {
        "headline": "Mosul's Old City rebuilds its souks, stone by stone, nine years after the war",
        "summary": "Traders in Mosul's Old City are reopening shops rebuilt from the rubble "
        "of the 2017 battle, but many families have yet to return.",
        "dateline_city": "Mosul",
        "dateline_text": "MOSUL, Iraq",
        "source": "The Associated Press",
        "bylines": ["Karwan Aziz", "Ellen Marsh", "Dilan Rashid"],
        "editors": [],
        "tags": ["Reconstruction", "Cultural heritage"],
        "places": ["Mosul", "Nineveh"],
        "published_at": datetime.datetime(2026, 3, 12, 7, 15, tzinfo=UTC),
        "language": "en",
        "key": "http://example.invalid/ap/2026/03/8f3c1a7e2b9d4c60a1e5f7b3d2c4e6a8",
        "lead": "The hammering starts before dawn in Mosul’s Old City",
        "last": "said Amina Saleh, an engineer with the reconstruction office.",
        "paragraphs": 5,
        "regions": {"mosul"},
    },
    "ninjs-2/kurdistan24-erbil-water-project.json": {
        "headline": "New pipeline from the Greater Zab brings drinking water to 400,000 people "
        "in Erbil",
        "summary": "The Kurdistan Region's largest water project this decade will end summer "
        "shortages in eastern Erbil, officials say.",
        "dateline_city": "Erbil",
        "dateline_text": "ERBIL",
        "source": "Kurdistan 24",
        "bylines": ["Sangar Ali"],
        "editors": ["Rebaz Hassan"],
        "tags": ["Water supply", "Infrastructure"],
        "places": ["Erbil", "Kurdistan Region"],
        "published_at": datetime.datetime(2026, 3, 13, 11, 20, tzinfo=UTC),
        "language": "en",
        "key": "urn:kurdistan24:story:2026-03-13:water-erbil-4417",
        "lead": "A new pipeline carrying water from the Greater Zab river",
        "last": "said Nazdar Omar, a resident of Bnaslawa.",
        "paragraphs": 6,
        "regions": {"erbil-city"},
    },
    "ninjs-2/rudaw-sulaimani-teachers-ckb.json": {
        "headline": "مامۆستایانی سلێمانی دوای سێ مانگ دەگەڕێنەوە سەر وانە",
        "summary": "مامۆستایانی سلێمانی ڕایانگەیاند مانگرتنەکەیان کۆتایی دێت دوای ئەوەی حکومەت "
        "بەڵێنی دا مووچەکان بە ڕێکوپێکی دابەش بکات.",
        "dateline_city": "سلێمانی",
        "dateline_text": "سلێمانی",
        "source": "Rudaw",
        "bylines": ["ئاراس مەحموود"],
        "editors": [],
        "tags": ["پەروەردە", "مووچە"],
        "places": ["سلێمانی"],
        "published_at": datetime.datetime(2026, 3, 14, 11, 30, tzinfo=BAGHDAD),
        "language": "ckb",
        "key": "urn:rudaw:ckb:2026-03-14:mamosta-slemani-2291",
        "lead": "مامۆستایانی سلێمانی ئەمڕۆ شەممە",
        "last": "چاودێریی جێبەجێکردنیان دەکەین.»",
        "paragraphs": 3,
        "regions": {"sulaimani-city"},  # by its Sorani name
    },
    "newsml-g2/afp-erbil-airport-flights.xml": {
        "headline": "Iraqi Kurdistan's Erbil airport adds European routes as tourism grows",
        "summary": "Erbil International Airport will add four European routes this spring, as "
        "the autonomous Kurdistan region courts visitors from the diaspora and beyond.",
        "dateline_city": "Erbil",
        "dateline_text": "ERBIL, Iraq",
        "source": "AFP",
        "bylines": ["Lina Haddad"],
        "editors": [],
        "tags": ["Air transport", "Tourism", "aviation"],
        "places": ["Iraq", "Erbil"],
        "published_at": datetime.datetime(2026, 3, 15, 8, 15, tzinfo=UTC),
        "language": "en",
        "key": "urn:newsml:afp.com:20260315T081500Z:doc-39KX7QH",
        "lead": "Erbil International Airport in Iraq's autonomous Kurdistan region will add",
        "last": "in 2017 & 2018 after the Kurdish independence referendum.",
        "paragraphs": 5,
        "regions": {"erbil-city"},
    },
    "newsml-g2/reuters-kirkuk-oil-exports-message.xml": {
        "headline": "Iraq's Kirkuk oil exports via Turkey to resume next week, sources say",
        "summary": "Crude exports from Iraq's northern Kirkuk fields through the Iraq-Turkey "
        "pipeline are set to resume next week after a three-month halt, two sources at the "
        "state-run North Oil Company told Reuters on Monday.",
        "dateline_city": "BAGHDAD/KIRKUK",
        "dateline_text": "BAGHDAD/KIRKUK",
        "source": "Reuters",
        "bylines": ["Ahmed Rasheed", "Shadi Karim", "Maya Gebeily"],
        "editors": ["Jan Harvey"],
        "tags": ["Crude Oil", "Energy Markets"],
        "places": ["Iraq", "Kirkuk"],
        "published_at": datetime.datetime(2026, 3, 16, 11, 48, 2, tzinfo=UTC),
        "language": "en",
        "key": "tag:reuters.com,2026:newsml_L8N3KX1AB",
        "lead": "Crude exports from Iraq's northern Kirkuk fields",
        "last": "did not immediately respond to a request for comment.",
        "paragraphs": 4,
        "regions": {"baghdad-city", "kirkuk-city"},
    },
    "newsml-g2/afp-arabic-baghdad-budget-ar.xml": {
        "headline": "البرلمان العراقي يقر موازنة 2026 بعد تأخير دام ثلاثة أشهر",
        "summary": "أقر مجلس النواب العراقي الثلاثاء الموازنة العامة لعام 2026 بعد تأخير دام "
        "ثلاثة أشهر بسبب خلافات بين الكتل السياسية حول حصة إقليم كردستان.",
        "dateline_city": "بغداد",
        "dateline_text": "بغداد",
        "source": "أ ف ب",
        "bylines": ["مصطفى الجبوري"],
        "editors": [],
        "tags": ["الميزانية العامة"],
        "places": ["العراق", "بغداد"],
        "published_at": datetime.datetime(2026, 3, 17, 13, 10, tzinfo=UTC),
        "language": "ar",
        "key": "urn:newsml:afp.com:20260317T131000Z:doc-39LA2MB",
        "lead": "أقر مجلس النواب العراقي الثلاثاء",
        "last": "كان العقبة الأخيرة».",
        "paragraphs": 3,
        "regions": {"baghdad-city"},  # by its Arabic name
    },
    "nitf/ap-style-duhok-dam.xml": {
        "headline": "Drought drains the Duhok Dam to its lowest level in 20 years",
        "summary": "The reservoir behind the Duhok Dam holds less than a quarter of its "
        "capacity after a third dry winter.",
        "dateline_city": "DUHOK",
        "dateline_text": "DUHOK, Iraq",
        "source": "Associated Press",
        "bylines": ["Rebwar Saeed", "Ellen Marsh"],
        "editors": ["Tom Walsh"],
        "tags": ["Duhok Dam", "Water", "Dams", "Kurdistan Regional Government"],
        "places": ["Duhok", "Kurdistan Region", "Iraq"],
        "published_at": datetime.datetime(2026, 3, 18, 7, 5, tzinfo=UTC),
        "language": "en-US",
        "key": "APN-2026-03-18-V4117",
        "lead": "The reservoir behind the Duhok Dam has fallen to its lowest level",
        "last": "limit garden watering to two days a week.",
        "paragraphs": 4,
        "regions": {"duhok-city"},
    },
    "nitf/xinhua-style-halabja-anniversary.xml": {
        "headline": "Iraqi Kurds mark 38th anniversary of Halabja chemical attack",
        "summary": "Thousands of people gathered on Monday in the town of Halabja in Iraq's "
        "Kurdistan Region to mark the 38th anniversary of the chemical attack that killed "
        "about 5,000 civilians in 1988.",
        "dateline_city": "SULAIMANI",
        "dateline_text": "SULAIMANI, Iraq",
        "source": "Xinhua",
        "bylines": [],
        "editors": [],
        "tags": ["Halabja", "anniversary"],
        "places": [],
        "published_at": datetime.datetime(2026, 3, 16, 15, 30, tzinfo=BAGHDAD),
        "language": "en",
        "key": "XIN-20260316-0442",
        "lead": "Thousands of people gathered on Monday in the town of Halabja",
        "last": "Halabja became Iraq's 19th governorate in 2025.",
        "paragraphs": 4,
        "regions": {"sulaimani-city"},
    },
}
FIXTURE_NAMES = sorted(EXPECTED)
MARKUP_RE = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
# Credit lines and transmission trailers as any agency writes them.
CREDIT_OR_TRAILER_RE = re.compile(
    r"(?:Reporting|Editing|Writing|Edited|Compiled) by|contributed|Enditem|/End/|\(END\)"
    r"|^[a-z]{1,4}(?:-[a-z]{1,4})*(?:/[a-z]{1,4})+$",
    re.IGNORECASE,
)


def parse_fixture(name):
    path = FIXTURES / name
    return parse_delivery(path.name, path.read_bytes())


# --- the shipped fixtures ----------------------------------------------------------------


def test_every_fixture_in_the_folder_has_its_expectations():
    shipped = {
        str(path.relative_to(FIXTURES))
        for path in FIXTURES.rglob("*")
        # text/ holds plain-text copy with sidecars (tests/test_wire_conventions.py).
        if path.suffix in (".json", ".xml") and path.parent.name != "text"
    }
    assert shipped == set(EXPECTED)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_gives_its_headline_summary_and_key(name):
    story, expected = parse_fixture(name), EXPECTED[name]
    assert isinstance(story, Story)
    assert (story.headline, story.summary, story.key) == (
        expected["headline"],
        expected["summary"],
        expected["key"],
    )


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_gives_its_dateline_place_and_source(name):
    story, expected = parse_fixture(name), EXPECTED[name]
    assert story.dateline_city == expected["dateline_city"]
    assert story.dateline_text == expected["dateline_text"]
    assert story.source == expected["source"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_gives_its_bylines_and_editors(name):
    story, expected = parse_fixture(name), EXPECTED[name]
    assert story.bylines == expected["bylines"]
    assert story.editors == expected["editors"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_gives_its_tags_and_places(name):
    story, expected = parse_fixture(name), EXPECTED[name]
    assert story.tags == expected["tags"]
    assert story.places == expected["places"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_gives_an_aware_time_and_its_language(name):
    story, expected = parse_fixture(name), EXPECTED[name]
    assert story.published_at.tzinfo is not None
    assert story.published_at == expected["published_at"]
    assert story.language == expected["language"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_body_is_the_story_without_dateline_markup_credits_or_trailers(name):
    story, expected = parse_fixture(name), EXPECTED[name]
    assert len(story.body_paragraphs) == expected["paragraphs"]
    assert story.body_paragraphs[0].startswith(expected["lead"])
    assert story.body_paragraphs[-1].endswith(expected["last"])
    for paragraph in story.body_paragraphs:
        assert MARKUP_RE.search(paragraph) is None, paragraph
        assert CREDIT_OR_TRAILER_RE.search(paragraph) is None, paragraph
        assert paragraph == paragraph.strip() and "\n\n" not in paragraph
    assert not story.body.startswith(expected["dateline_text"])


@pytest.mark.parametrize("name", [n for n in FIXTURE_NAMES if EXPECTED[n]["regions"]])
def test_fixture_dateline_names_its_gazetteer_region(db, name):
    story = parse_fixture(name)
    matcher = PlaceMatcher.from_gazetteer()
    assert {region.slug for region in matcher.find(story.dateline_city)} == (
        EXPECTED[name]["regions"]
    )


# --- ninjs -------------------------------------------------------------------------------


def ninjs(**fields):
    document = {
        "uri": "urn:test:ninjs:1",
        "type": "text",
        "headline": "Peshmerga open a checkpoint near Makhmour",
        "body_text": "ERBIL (Kurdistan 24) – The Peshmerga opened a checkpoint on Sunday.\n\n"
        "Officials said it would stay open.",
    }
    document.update(fields)
    document = {name: value for name, value in document.items() if value is not None}
    return json.dumps(document).encode()


def test_ninjs_plain_body_splits_at_blank_lines():
    story = parse_delivery("a.json", ninjs())
    assert story.body_paragraphs == [
        "The Peshmerga opened a checkpoint on Sunday.",
        "Officials said it would stay open.",
    ]


def test_ninjs_plain_body_without_blank_lines_has_a_paragraph_a_line():
    story = parse_delivery("a.json", ninjs(body_text="First line.\r\nSecond line.\nThird."))
    assert story.body_paragraphs == ["First line.", "Second line.", "Third."]


def test_ninjs_html_body_wins_over_its_plain_text_twin():
    story = parse_delivery(
        "a.json", ninjs(body_html="<p>From the <em>HTML</em>.</p>", body_text="From text.")
    )
    assert story.body_paragraphs == ["From the HTML."]


def test_ninjs_2_main_headline_wins_over_the_first():
    headlines = [{"role": "short", "value": "Short"}, {"role": "main", "value": "The main one"}]
    story = parse_delivery("a.json", ninjs(headline=None, headlines=headlines))
    assert story.headline == "The main one"


def test_ninjs_2_alt_description_is_never_the_summary():
    descriptions = [{"role": "alt", "value": "A photo of a checkpoint"}]
    story = parse_delivery("a.json", ninjs(descriptions=descriptions))
    assert story.summary == "The Peshmerga opened a checkpoint on Sunday."


def test_ninjs_2_plain_body_is_not_read_as_html():
    bodies = [{"contenttype": "text/plain", "value": "Prices rose <5% & fell >2%."}]
    story = parse_delivery("a.json", ninjs(body_text=None, bodies=bodies))
    assert story.body_paragraphs == ["Prices rose <5% & fell >2%."]


def test_ninjs_byline_naming_an_agency_gives_names_and_agency():
    story = parse_delivery("a.json", ninjs(byline="By JANE ROE and OMAR ALI, Reuters"))
    assert (story.bylines, story.agency) == (["Jane Roe", "Omar Ali"], "Reuters")


def test_ninjs_byline_of_two_names_in_capitals_is_two_bylines():
    story = parse_delivery("a.json", ninjs(byline="By KARWAN AZIZ and ELLEN MARSH"))
    assert (story.bylines, story.agency) == (["Karwan Aziz", "Ellen Marsh"], "")


def test_ninjs_byline_not_made_of_names_is_kept_as_written():
    story = parse_delivery("a.json", ninjs(byline="the foreign desk"))
    assert story.bylines == ["the foreign desk"]


def test_ninjs_key_is_kept_as_given_but_for_surrounding_spaces():
    story = parse_delivery("a.json", ninjs(uri=" urn:test:Erbil  Water "))
    assert story.key == "urn:test:Erbil  Water"


def test_ninjs_guid_is_the_key_without_a_uri():
    story = parse_delivery("a.json", ninjs(uri=None, guid="urn:superdesk:77"))
    assert story.key == "urn:superdesk:77"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"uri": None}, "no 'uri'"),
        ({"type": "picture"}, "a ninjs 'picture' item"),
        ({"headline": None}, "no headline"),
        ({"headline": ["a", "list"]}, "'headline' must be a string"),
        ({"body_text": None}, "empty body"),
        ({"body_text": "  \n\n  "}, "empty body"),
        ({"subject": "Politics"}, "'subject' must be a list of objects"),
        ({"versioncreated": "last Tuesday"}, "versioncreated 'last Tuesday'"),
        ({"firstcreated": "1850-01-01T00:00:00Z"}, "firstcreated"),
        ({"headline": "x" * 301}, "headline is 301 characters"),
        ({"uri": "urn:\u202eevil"}, "holds the character \\u202e"),
        ({"uri": "urn:test:\x1b[2J"}, "holds the character \\x1b"),
        ({"uri": "urn:test:" + "x" * 300}, "a key is at most"),
    ],
)
def test_ninjs_fault_is_a_wire_copy_error_saying_why(fields, reason):
    with pytest.raises(WireCopyError, match=re.escape(reason)):
        parse_delivery("a.json", ninjs(**fields))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"[]", "a JSON object is expected"),
        (b'{"uri": "a", "uri": "b"}', "names 'uri' more than once"),
        (b'{"uri": ', "not valid JSON"),
        (b'{"headline": "\xff"}', "not UTF-8 text (byte 0xff"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deep"),
    ],
)
def test_ninjs_that_is_not_a_json_object_is_a_wire_copy_error(data, reason):
    with pytest.raises(WireCopyError, match=re.escape(reason)):
        parse_delivery("a.json", data)


def test_ninjs_time_without_an_offset_is_in_the_newsrooms_zone():
    story = parse_delivery("a.json", ninjs(versioncreated="2026-03-14T11:30:00"))
    assert story.published_at == datetime.datetime(2026, 3, 14, 11, 30, tzinfo=BAGHDAD)


def test_ninjs_first_created_wins_over_version_created():
    story = parse_delivery(
        "a.json",
        ninjs(firstcreated="2026-03-14T08:00:00Z", versioncreated="2026-03-14T11:30:00Z"),
    )
    assert story.published_at == datetime.datetime(2026, 3, 14, 8, 0, tzinfo=UTC)


# --- HTML bodies -------------------------------------------------------------------------


def test_html_paragraphs_decode_entities_and_drop_markup():
    html = "<p>Erbil&#8217;s &amp; Duhok&rsquo;s <a href='x'>mayors</a> met.</p>"
    assert html_paragraphs(html) == ["Erbil’s & Duhok’s mayors met."]


def test_html_line_break_stays_a_line_break_inside_its_paragraph():
    assert html_paragraphs("<p>First line<br>second   line<br/>third</p>") == [
        "First line\nsecond line\nthird"
    ]


def test_html_source_line_breaks_are_spaces():
    assert html_paragraphs("<p>One\n   sentence\nacross lines.</p>") == [
        "One sentence across lines."
    ]


def test_html_scripts_and_styles_are_no_text():
    html = "<style>p{color:red}</style><p>Text.</p><script>alert(1)</script>"
    assert html_paragraphs(html) == ["Text."]


def test_html_list_items_and_headings_are_paragraphs():
    assert html_paragraphs("<h2>Key figures</h2><ul><li>One</li><li>Two</li></ul>") == [
        "Key figures",
        "One",
        "Two",
    ]


def test_html_text_outside_any_element_is_a_paragraph():
    assert html_paragraphs("Loose text<p>Then a paragraph.</p>") == [
        "Loose text",
        "Then a paragraph.",
    ]


def test_text_paragraphs_take_carriage_returns_as_line_ends():
    assert text_paragraphs("One.\r\n\r\nTwo.\rStill two.") == ["One.", "Two.\nStill two."]


# --- times -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-18T07:05:00Z", datetime.datetime(2026, 3, 18, 7, 5, tzinfo=UTC)),
        ("20260318T070500Z", datetime.datetime(2026, 3, 18, 7, 5, tzinfo=UTC)),
        ("20260318T100500+0300", datetime.datetime(2026, 3, 18, 7, 5, tzinfo=UTC)),
        ("20260318T1005", datetime.datetime(2026, 3, 18, 10, 5, tzinfo=BAGHDAD)),
        ("20260318", datetime.datetime(2026, 3, 18, 12, 0, tzinfo=BAGHDAD)),
        ("2026-03-18", datetime.datetime(2026, 3, 18, 12, 0, tzinfo=BAGHDAD)),
    ],
)
def test_times_in_extended_and_basic_iso_8601_are_aware(value, expected):
    parsed = parse_time(value, "date.issue")
    assert parsed == expected and parsed.tzinfo is not None


def test_a_time_that_is_no_time_names_its_field():
    with pytest.raises(WireCopyError, match="date.issue '2026-13-45'"):
        parse_time("2026-13-45", "date.issue")


# --- NewsML-G2 ---------------------------------------------------------------------------


def news_item(
    body="<p>BAGHDAD, March 9 (Reuters) - Iraq's parliament met on Monday.</p>",
    headline="<headline>Iraq's parliament meets</headline>",
    item_class="ninat:text",
    guid="tag:test,2026:1",
    extra_meta="",
    content=None,
    attributes="",
):
    content = (
        content
        if content is not None
        else f'<inlineXML contenttype="application/xhtml+xml"><html '
        f'xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html></inlineXML>'
    )
    return (
        f'<newsItem xmlns="{NAR}" guid="{guid}" version="1" {attributes}>'
        f'<itemMeta><itemClass qcode="{item_class}"/>'
        f"<versionCreated>2026-03-09T10:00:00Z</versionCreated></itemMeta>"
        f"<contentMeta>{headline}{extra_meta}</contentMeta>"
        f"<contentSet>{content}</contentSet></newsItem>"
    )


def news_message(*items):
    return f'<newsMessage xmlns="{NAR}"><itemSet>{"".join(items)}</itemSet></newsMessage>'


def test_newsml_item_reads_its_dateline_from_the_body_without_a_structured_one():
    story = parse_delivery("a.xml", news_item().encode())
    assert (story.dateline_city, story.source) == ("BAGHDAD", "Reuters")
    assert story.body_paragraphs == ["Iraq's parliament met on Monday."]


def test_newsml_message_takes_its_one_text_item_beside_pictures():
    picture = news_item(item_class="ninat:picture", guid="tag:test,2026:pic", content="")
    story = parse_delivery("a.xml", news_message(picture, news_item()).encode())
    assert story.key == "tag:test,2026:1"


def test_newsml_message_with_two_text_items_is_refused():
    message = news_message(news_item(guid="tag:a"), news_item(guid="tag:b"))
    with pytest.raises(WireCopyError, match="2 text items"):
        parse_delivery("a.xml", message.encode())


def test_newsml_message_without_a_text_item_is_refused():
    message = news_message(news_item(item_class="ninat:picture"))
    with pytest.raises(WireCopyError, match="without a text newsItem"):
        parse_delivery("a.xml", message.encode())


def test_newsml_picture_item_is_refused():
    with pytest.raises(WireCopyError, match="'ninat:picture' item, not a text story"):
        parse_delivery("a.xml", news_item(item_class="ninat:picture").encode())


def test_newsml_item_without_a_guid_is_refused():
    with pytest.raises(WireCopyError, match="without a guid"):
        parse_delivery("a.xml", news_item(guid="").encode())


def test_newsml_language_falls_back_to_the_items_xml_lang():
    story = parse_delivery("a.xml", news_item(attributes='xml:lang="ckb"').encode())
    assert story.language == "ckb"


def test_newsml_inline_data_is_plain_text():
    content = "<inlineData contenttype='text/plain'>One &lt;b&gt;.\n\nTwo.</inlineData>"
    story = parse_delivery("a.xml", news_item(content=content).encode())
    assert story.body_paragraphs == ["One <b>.", "Two."]


def test_newsml_inline_nitf_gives_its_body_content():
    content = (
        '<inlineXML contenttype="application/nitf+xml"><nitf><body><body.head><hedline>'
        "<hl1>Ignored</hl1></hedline></body.head><body.content><p>First.</p><p>Second.</p>"
        "</body.content></body></nitf></inlineXML>"
    )
    story = parse_delivery("a.xml", news_item(content=content).encode())
    assert story.body_paragraphs == ["First.", "Second."]


def test_newsml_without_its_namespace_is_the_wrong_root():
    document = news_item().replace(f'xmlns="{NAR}"', "")
    with pytest.raises(WireCopyError, match="root element <newsItem> is neither"):
        parse_delivery("a.xml", document.encode())


def test_newsml_subheadline_is_never_the_headline():
    headline = (
        '<headline role="hltype:sub">A sub</headline><headline role="hltype:main">Main</headline>'
    )
    assert parse_delivery("a.xml", news_item(headline=headline).encode()).headline == "Main"


# --- NITF --------------------------------------------------------------------------------


def nitf_document(body_head="", content="<p>KIRKUK, Iraq (AP) — Voting began.</p>", head=""):
    return (
        "<nitf><head><docdata><doc-id id-string='N-1'/>"
        f"<date.issue norm='20260309T100000+0300'/></docdata>{head}</head>"
        f"<body><body.head><hedline><hl1>Kirkuk votes</hl1></hedline>{body_head}</body.head>"
        f"<body.content>{content}</body.content></body></nitf>"
    )


def test_nitf_byline_of_several_persons_gives_each_name():
    byline = "<byline><person>JANE ROE</person><person>OMAR ALI</person></byline>"
    story = parse_delivery("a.xml", nitf_document(body_head=byline).encode())
    assert story.bylines == ["Jane Roe", "Omar Ali"]


def test_nitf_byline_text_without_persons_is_read_as_a_byline_line():
    byline = "<byline>By Jane Roe, Kurdistan Daily Press</byline>"
    story = parse_delivery("a.xml", nitf_document(body_head=byline).encode())
    assert (story.bylines, story.agency) == (["Jane Roe"], "Kurdistan Daily Press")


def test_nitf_headline_falls_back_to_the_title():
    document = nitf_document(head="<title>From the title</title>").replace(
        "<hedline><hl1>Kirkuk votes</hl1></hedline>", ""
    )
    assert parse_delivery("a.xml", document.encode()).headline == "From the title"


def test_nitf_dateline_in_the_body_gives_place_and_source():
    story = parse_delivery("a.xml", nitf_document().encode())
    assert (story.dateline_city, story.dateline_text, story.source) == (
        "KIRKUK",
        "KIRKUK, Iraq",
        "AP",
    )
    assert story.body_paragraphs == ["Voting began."]


def test_nitf_without_a_body_is_refused():
    with pytest.raises(WireCopyError, match="without a body"):
        parse_delivery("a.xml", b"<nitf><head/></nitf>")


# --- faults every delivery can have -------------------------------------------------------

XXE = """<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<nitf><body><body.head><hedline><hl1>&secret;</hl1></hedline></body.head>
<body.content><p>&secret;</p></body.content></body></nitf>"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<nitf><body><body.content><p>&lol4;</p></body.content></body></nitf>"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE nitf SYSTEM "http://attacker.invalid/nitf.dtd">
<nitf><body><body.head><hedline><hl1>Head</hl1></hedline></body.head>
<body.content><p>Text.</p></body.content></body></nitf>"""
EXTERNAL_ENTITY_IN_NEWSML = f"""<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
{news_item(headline="<headline>&secret;</headline>")}"""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (XXE, "unsafe XML refused"),
        (EXTERNAL_ENTITY_IN_NEWSML, "unsafe XML refused"),
        (BILLION_LAUGHS, "unsafe XML refused"),
        (EXTERNAL_DTD, "unsafe XML refused"),
        ("<nitf><body><p>unclosed</body></nitf>", "not well-formed XML"),
        ("", "not well-formed XML"),
        ("<nitf>\x01</nitf>", "not well-formed XML"),
        ("<rss><channel/></rss>", "root element <rss> is neither"),
        ("<div>" * 50_000 + "</div>" * 50_000, "root element <div>"),
        (nitf_document(content=""), "empty body"),
        (nitf_document(content="<p> </p><p></p>"), "empty body"),
        (news_item(body=""), "empty body"),
        (news_item(headline=""), "no headline"),
    ],
)
def test_xml_fault_is_a_wire_copy_error_saying_why(data, reason):
    with pytest.raises(WireCopyError, match=re.escape(reason)):
        parse_delivery("story.xml", data.encode())


@pytest.mark.parametrize("data", [XXE, EXTERNAL_ENTITY_IN_NEWSML])
def test_external_entity_never_puts_file_contents_in_the_error(data):
    with pytest.raises(WireCopyError) as caught:
        parse_delivery("story.xml", data.encode())
    assert "root:" not in str(caught.value)


def test_deeply_nested_body_is_read_without_recursion():
    content = "<block>" * 5000 + "<p>Deep text.</p>" + "</block>" * 5000
    story = parse_delivery("a.xml", nitf_document(content=content).encode())
    assert story.body_paragraphs == ["Deep text."]


@pytest.mark.parametrize("name", ["story.json", "story.xml"])
def test_delivery_larger_than_the_limit_is_refused_unread(name):
    data = b" " * (MAX_DELIVERY_BYTES + 1)
    with pytest.raises(WireCopyError, match="larger than 2048 KiB"):
        parse_delivery(name, data)


@pytest.mark.parametrize("name", ["story.txt", "story", "story.xml.gz", "story.html"])
def test_file_of_another_suffix_is_no_delivered_format(name):
    with pytest.raises(WireCopyError, match=".json or .xml expected"):
        parse_delivery(name, b"{}")


def test_suffix_is_read_in_any_case():
    assert parse_delivery("STORY.JSON", ninjs()).key == "urn:test:ninjs:1"


# --- hostile text inside documents ---------------------------------------------------------

# Any character (lone surrogates too), control characters, marks that reorder text, and
# markup, escaped or not.
hostile_text = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(
            [
                "\x00",
                "\x0b",
                "\x1b",
                "\u202e",
                "\u200f",
                "\ufeff",
                "\ufffe",
                "<",
                ">",
                "&",
                "<p>",
                "</p>",
                "<br>",
                "&amp;",
                "&#0;",
                "&#x1;",
                "&lt;script&gt;",
                "\r",
                "\n\n",
                "<![CDATA[",
                "]]>",
                "<!--",
                "-->",
                "<?pi?>",
            ]
        ),  # fmt: skip
    ),
    max_size=30,
).map("".join)
HOSTILE_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def assert_xml_safe(story):
    for value in vars(story).values():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            assert not has_forbidden_characters(text), repr(text)
            assert "\x00" not in str(text)


@HOSTILE_SETTINGS
@given(headline=hostile_text, body=hostile_text, by=hostile_text, tag=hostile_text)
def test_hostile_text_in_ninjs_strings_gives_xml_safe_text_or_a_wire_copy_error(
    headline, body, by, tag
):
    data = ninjs(
        headline=f"Headline {headline}",
        body_html=f"<p>Text {body}</p>",
        byline=by,
        subject=[{"name": tag}],
    )
    try:
        story = parse_delivery("a.json", data)
    except WireCopyError:
        return
    assert_xml_safe(story)


@HOSTILE_SETTINGS
@given(headline=hostile_text, body=hostile_text, by=hostile_text)
def test_hostile_text_in_xml_values_gives_xml_safe_text_or_a_wire_copy_error(headline, body, by):
    document = news_item(
        headline=f"<headline>Headline {escape(headline)}</headline>",
        body=f"<p>Text {escape(body)}</p>",
        extra_meta=f"<by>{escape(by)}</by>",
    )
    try:
        story = parse_delivery("a.xml", document.encode("utf-8", "surrogatepass"))
    except WireCopyError:
        return
    assert_xml_safe(story)


@HOSTILE_SETTINGS
@given(raw=hostile_text)
def test_hostile_markup_in_an_xml_body_gives_xml_safe_text_or_a_wire_copy_error(raw):
    document = news_item(body=f"<p>Text.</p><p>{raw}</p>")
    try:
        story = parse_delivery("a.xml", document.encode("utf-8", "surrogatepass"))
    except WireCopyError:
        return
    assert_xml_safe(story)


# --- end to end: the shipped folder through import_seeds --------------------------------


@pytest.mark.django_db
def test_the_shipped_folder_of_every_format_imports_with_place_source_credits_and_regions():
    out, err = StringIO(), StringIO()
    folders = [str(FIXTURES / name) for name in ("ninjs-1", "ninjs-2", "newsml-g2", "nitf")]
    call_command("import_seeds", *folders, stdout=out, stderr=err)
    assert out.getvalue().startswith(f"Import finished: {len(EXPECTED)} imported, 0 updated")
    for name, expected in EXPECTED.items():
        article = Article.objects.get(import_key=parse_fixture(name).key)
        assert article.headline == expected["headline"], name
        assert article.published_at == expected["published_at"], name
        assert article.language == expected["language"].split("-")[0], name
        if expected["regions"]:
            assert article.dateline is not None and article.dateline.slug in expected["regions"]
        else:
            assert article.dateline_text == expected["dateline_text"], name
        credited = [b.name for b in article.ordered_bylines]
        assert credited[: len(expected["bylines"])] == expected["bylines"], name
        assert set(expected["tags"]) <= set(article.tags.values_list("name", flat=True)), name
        if expected["source"]:
            # One byline per agency: the source is the agency's byline, by any of its names.
            assert article.source, name
            assert article.source in credited, name
        assert "<" not in article.body, name
        regions = set(article.regions.values_list("slug", flat=True))
        assert expected["regions"] <= regions | {article.dateline.slug if article.dateline else ""}
