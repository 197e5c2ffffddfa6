"""Plain-text wire copy into a Story (articles.wire.text) and reading its bytes."""

import pytest

from articles.wire.files import decode_wire_bytes
from articles.wire.story import WireCopyError
from articles.wire.text import parse_wire_copy
from tests.wire_copy import SEED_HEADLINE, SEED_LEAD, seed_text, wire

# --- parse_wire_copy on the seed --------------------------------------------------------


def test_seed_headline_is_the_first_line():
    assert parse_wire_copy(seed_text()).headline == SEED_HEADLINE


def test_seed_summary_is_the_paragraph_after_the_headline():
    assert parse_wire_copy(seed_text()).summary == SEED_LEAD


def test_seed_dateline_city_is_erbil():
    assert parse_wire_copy(seed_text()).dateline_city == "ERBIL"


def test_seed_source_is_the_bracketed_name_in_the_dateline():
    assert parse_wire_copy(seed_text()).source == "Kurdistan 24"


def test_seed_dateline_paragraph_repeating_the_summary_is_not_repeated_in_the_body():
    document = parse_wire_copy(seed_text())
    assert document.body.count(SEED_LEAD) == 0
    assert "Military Communications Center (MCC) announced on Monday" not in document.body


def test_seed_body_starts_with_the_paragraph_after_the_dateline():
    document = parse_wire_copy(seed_text())
    assert document.body_paragraphs[0].startswith(
        "“The anti-terrorism forces engaged with ISIS militants on late Sunday night"
    )


def test_seed_editing_line_is_an_editor_and_not_body_text():
    document = parse_wire_copy(seed_text())
    assert document.editors == ["Laurie Mylroie"]
    assert "Editing by" not in document.body
    assert "Laurie Mylroie" not in document.body


def test_seed_body_ends_with_the_last_paragraph_without_trailing_space():
    body = parse_wire_copy(seed_text()).body
    assert body.endswith("launch attacks in surrounding settlements and towns.")


# --- parse_wire_copy on small documents ---------------------------------------------------


def test_dateline_text_that_differs_from_the_summary_becomes_the_first_body_paragraph():
    document = parse_wire_copy(
        wire(summary="A short standfirst.", lead="A longer first paragraph from Erbil.")
    )
    assert document.summary == "A short standfirst."
    assert document.body_paragraphs == [
        "A longer first paragraph from Erbil.",
        "Officials said it would stay open.",
    ]


def test_dateline_text_equal_to_the_summary_up_to_whitespace_is_dropped():
    document = parse_wire_copy(wire(summary="Same   words\nhere.", lead="Same words here."))
    assert document.body_paragraphs == ["Officials said it would stay open."]


def test_headline_and_summary_separated_by_one_line_break_are_both_read():
    text = "A headline\nThe summary line.\n\nERBIL (Rudaw) – The lead.\n"
    document = parse_wire_copy(text)
    assert (document.headline, document.summary) == ("A headline", "The summary line.")
    assert document.body_paragraphs == ["The lead."]


def test_edited_by_a_and_b_gives_two_editors():
    document = parse_wire_copy(wire(editing="Edited by Karwan Faidhi and Sangar Ali"))
    assert document.editors == ["Karwan Faidhi", "Sangar Ali"]
    assert "Edited by" not in document.body


def test_editing_by_a_comma_list_gives_each_editor():
    document = parse_wire_copy(wire(editing="Editing by A One, B Two & C Three."))
    assert document.editors == ["A One", "B Two", "C Three"]


def test_windows_line_endings_parse_like_unix_ones():
    assert parse_wire_copy(wire().replace("\n", "\r\n")) == parse_wire_copy(wire())


# --- malformed input ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n\t  \n"], ids=["empty", "whitespace"])
def test_empty_or_whitespace_document_is_rejected_as_empty(text):
    with pytest.raises(WireCopyError, match="empty document"):
        parse_wire_copy(text)


def test_document_without_a_dateline_paragraph_parses_without_place_or_source():
    text = "Headline\n\nSummary.\n\nA paragraph with no dateline.\n"
    document = parse_wire_copy(text)
    assert (document.dateline_city, document.source) == ("", "")
    assert document.summary == "Summary."
    assert document.body == "A paragraph with no dateline."


def test_document_with_only_a_headline_is_rejected():
    with pytest.raises(WireCopyError, match="only a headline"):
        parse_wire_copy("Just a headline\n")


def test_a_dateline_after_several_paragraphs_is_body_text_not_the_dateline():
    text = "Headline\n\nSummary.\n\nAnother paragraph.\n\nERBIL (Kurdistan 24) – Late.\n"
    document = parse_wire_copy(text)
    assert document.dateline_city == ""
    assert document.body_paragraphs == ["Another paragraph.", "ERBIL (Kurdistan 24) – Late."]


def test_headline_longer_than_300_characters_is_rejected():
    with pytest.raises(WireCopyError, match="a headline is at most 300"):
        parse_wire_copy(wire(headline="x" * 301))


def test_control_characters_are_rejected():
    with pytest.raises(WireCopyError, match="control characters"):
        parse_wire_copy(wire(body=("Bell \x07 in the text.",)))


def test_binary_bytes_are_rejected_before_decoding():
    junk = b"\x00\xff\x13\x9c\x00\x8e\xd4\x01\xfe\x00\x7f\x80"
    with pytest.raises(WireCopyError, match="binary file"):
        decode_wire_bytes(junk)


def test_non_utf8_text_is_rejected_with_a_message_naming_utf8():
    with pytest.raises(WireCopyError, match="UTF-8") as error:
        decode_wire_bytes("Café".encode("latin-1"))
    assert "0xe9" in str(error.value)


def test_utf8_with_a_byte_order_mark_decodes_without_it():
    assert decode_wire_bytes("\ufeffHeadline".encode()) == "Headline"
