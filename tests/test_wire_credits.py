"""articles.wire.credits: credit lines, bylines and trailers in the agencies' forms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.wire.credits import (
    Credits,
    parse_byline,
    parse_credit_line,
    strip_trailers,
    take_byline,
    take_closing_credits,
)

# --- credit lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "bylines", "editors"),
    [
        (
            "Reporting by Jane Roe; Writing by John Doe; Editing by Sam Poe",
            ["Jane Roe", "John Doe"],
            ["Sam Poe"],
        ),
        ("Reporting by Jane Roe and John Doe", ["Jane Roe", "John Doe"], []),
        ("Reporting by Jane Roe, John Doe and Sam Poe", ["Jane Roe", "John Doe", "Sam Poe"], []),
        ("Additional reporting by Ahmed al-Hassan", ["Ahmed al-Hassan"], []),
        ("Compiled by Abu Bakr al-Rawi", ["Abu Bakr al-Rawi"], []),
        ("Edited by Laurie Mylroie", [], ["Laurie Mylroie"]),
        ("Editing by Laurie Mylroie", [], ["Laurie Mylroie"]),
        ("Editing by Laurie Mylroie.", [], ["Laurie Mylroie"]),
        ("Reporting by Hêmin Îbrahîm; Editing by Dilşad Ezîz", ["Hêmin Îbrahîm"], ["Dilşad Ezîz"]),
        ("Reporting by محمد علي; Editing by أحمد حسن", ["محمد علي"], ["أحمد حسن"]),
        ("Reporting by محمد علي و أحمد حسن", ["محمد علي", "أحمد حسن"], []),
        (
            "(Reporting by Jane Roe in Erbil; Editing by Sam Poe)",
            None,  # "in Erbil" is not a name: not a credit line in this form
            None,
        ),
        (
            "(Reporting by Jane Roe; Additional reporting by Kawa Ezidi; Editing by Sam Poe)",
            ["Jane Roe", "Kawa Ezidi"],
            ["Sam Poe"],
        ),
        ("Reporting by Jane Roe. Editing by Sam Poe", ["Jane Roe"], ["Sam Poe"]),
        (
            "Writing by Nadia bin Rashid; Edited by Ali ibn Yusuf",
            ["Nadia bin Rashid"],
            ["Ali ibn Yusuf"],
        ),
    ],
)
def test_credit_line_gives_bylines_and_editors(line, bylines, editors):
    credits = parse_credit_line(line)
    if bylines is None:
        assert credits is None
    else:
        assert (credits.bylines, credits.editors) == (bylines, editors)


@pytest.mark.parametrize(
    "line",
    [
        "Editing by hand takes the desk all night.",
        "Reporting by the ministry was incomplete.",
        "Reporting by Jane Roe showed that prices rose 5 percent.",
        "Writing by candlelight, he finished the report.",
        "Compiled by officials in Erbil, the list names 40 villages.",
    ],
)
def test_sentences_that_begin_like_credits_are_not_credits(line):
    assert parse_credit_line(line) is None


# --- byline lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "bylines", "agency"),
    [
        ("By Jane Roe", ["Jane Roe"], ""),
        ("By JANE ROE Associated Press", ["Jane Roe"], "Associated Press"),
        ("By JANE ROE, Reuters", ["Jane Roe"], "Reuters"),
        ("By Jane Roe and John Doe", ["Jane Roe", "John Doe"], ""),
        ("By AHMED AL-HASSAN AFP", ["Ahmed al-Hassan"], "AFP"),
        ("By ABU BAKR AL-RAWI Xinhua", ["Abu Bakr al-Rawi"], "Xinhua"),
        ("By HÊMIN ÎBRAHÎM Kurdistan 24", ["Hêmin Îbrahîm"], "Kurdistan 24"),
        ("By SEAN O'BRIEN", ["Sean O'Brien"], ""),
        ("By محمد علي", ["محمد علي"], ""),
        ("By KAWA EZIDI Duhok Daily News", ["Kawa Ezidi"], "Duhok Daily News"),
    ],
)
def test_byline_line_gives_the_names_title_cased_and_the_agency(line, bylines, agency):
    credits = parse_byline(line)
    assert (credits.bylines, credits.agency) == (bylines, agency)


@pytest.mark.parametrize(
    "line",
    [
        "By Monday, the ministry had reopened the road.",
        "By the end of the year, prices had doubled.",
        "By noon the crossing was open.",
        "Bystanders said the road was closed.",
    ],
)
def test_summaries_beginning_with_by_are_not_bylines(line):
    assert parse_byline(line) is None


def test_byline_before_the_dateline_leaves_the_paragraphs_and_is_never_the_summary():
    paragraphs = ["A bridge reopened.", "By JANE ROE Associated Press", "ERBIL (AP) – Text."]
    credits, rest = take_byline(paragraphs)
    assert credits.bylines == ["Jane Roe"]
    assert rest == ["A bridge reopened.", "ERBIL (AP) – Text."]


def test_byline_as_the_first_line_of_the_dateline_paragraph_leaves_the_rest():
    credits, rest = take_byline(["By JANE ROE Associated Press\nMOSUL, Iraq\nThe text."])
    assert credits.agency == "Associated Press"
    assert rest == ["MOSUL, Iraq\nThe text."]


# --- trailers and desk codes -----------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "The road reopened on Tuesday. /End/",
        "The road reopened on Tuesday. Enditem",
        "The road reopened on Tuesday. ENDITEM",
        "The road reopened on Tuesday. (END)",
        "The road reopened on Tuesday. -END-",
        "The road reopened on Tuesday. (aa/bb)",
        "The road reopened on Tuesday. ma/lh",
        "The road reopened on Tuesday. str-ah/it",
        "The road reopened on Tuesday. (Kurdistan 24 Digital Media)",
        "The road reopened on Tuesday. (Duhok Press Agency)",
        "The road reopened on Tuesday. (Reuters)",
        "The road reopened on Tuesday. (END) (aa/bb)",
        "The road reopened on Tuesday.\n/End/",
    ],
)
def test_trailers_and_desk_codes_leave_the_paragraph(paragraph):
    assert strip_trailers(paragraph) == "The road reopened on Tuesday."


@pytest.mark.parametrize(
    "paragraph",
    [
        "Officials of the Kurdistan Regional Government (KRG)",
        "Prices rose in Basra (from a year earlier).",
        "The vote was held on Sunday (local time)",
        "Farmers said the harvest was poor (see the table below)",
        "He said the convoy would go ahead (Reuters reported)",
        "The plan was agreed (in principle)",
        "The deal covers both oil and/or gas",
        "It ended in a stalemate (pre-war lines)",
        "Voters came to the weekend",
        "He called it the end",
    ],
)
def test_a_sentence_ending_with_a_bracket_or_a_word_stays(paragraph):
    assert strip_trailers(paragraph) == paragraph


@pytest.mark.parametrize("trailer", ["/End/", "Enditem", "(END)", "(aa/bb)", "ma/lh", "###"])
def test_a_trailer_paragraph_of_its_own_is_removed(trailer):
    credits, rest = take_closing_credits(["First.", "Last.", trailer])
    assert rest == ["First.", "Last."]


# --- closing credits -------------------------------------------------------------------


def test_closing_credits_and_trailers_leave_the_body_in_any_order():
    paragraphs = [
        "First.",
        "Last sentence. (aa/bb)",
        "Reporting by Jane Roe and John Doe; Writing by Kawa Ezidi",
        "Editing by Sam Poe",
        "/End/",
    ]
    credits, rest = take_closing_credits(paragraphs)
    assert credits.bylines == ["Jane Roe", "John Doe", "Kawa Ezidi"]
    assert credits.editors == ["Sam Poe"]
    assert rest == ["First.", "Last sentence."]


def test_a_bracketed_credit_closing_the_last_sentence_leaves_the_sentence():
    credits, rest = take_closing_credits(
        ["First.", "He left. (Reporting by Jane Roe; Editing by Sam Poe)"]
    )
    assert (credits.bylines, credits.editors) == (["Jane Roe"], ["Sam Poe"])
    assert rest == ["First.", "He left."]


def test_an_editing_line_as_the_last_line_of_a_paragraph_leaves_the_lines_above():
    credits, rest = take_closing_credits(["First.", "Last.\nEditing by Laurie Mylroie"])
    assert credits.editors == ["Laurie Mylroie"]
    assert rest == ["First.", "Last."]


def test_credit_lines_in_the_middle_of_a_story_stay():
    paragraphs = ["Reporting by Jane Roe", "The text goes on."]
    assert take_closing_credits(paragraphs)[1] == paragraphs


# --- ordinary paragraphs are never credits or trailers ---------------------------------

WORDS = [
    "the",
    "ministry",
    "said",
    "by",
    "reporting",
    "editing",
    "writing",
    "compiled",
    "edited",
    "end",
    "item",
    "and",
    "or",
    "on",
    "in",
    "Erbil",
    "Jane",
    "Roe",
    "al-Hassan",
    "Abu",
    "Hêmin",
    "محمد",
    "Kurdistan",
    "Region",
    "(KRG)",
    "(AP)",
    "25",
    "percent",
    "ma",
    "lh",
    "Monday",
    "officials",
    "road",
    "bridge",
    "reopened",
]
OPENINGS = ["The", "Officials", "Police", "Farmers", "It", "Residents", "He", "She"]
CLOSINGS = [".", "!", "?", ". The talks continue.", " (KRG)", " (in principle).", " said.”"]


@given(
    opening=st.sampled_from(OPENINGS),
    words=st.lists(st.sampled_from(WORDS), min_size=2, max_size=25),
    closing=st.sampled_from(CLOSINGS),
    verb=st.sampled_from(["said", "reopened", "met", "ended", "rose"]),
)
def test_ordinary_paragraphs_are_never_credits_trailers_or_bylines(opening, words, closing, verb):
    paragraph = f"{opening} {verb} {' '.join(words)}{closing}"
    assert parse_credit_line(paragraph) is None
    assert parse_byline(paragraph) is None
    assert strip_trailers(paragraph) == paragraph
    assert take_closing_credits(["First.", paragraph]) == (Credits(), ["First.", paragraph])
    assert take_byline([paragraph])[1] == [paragraph]


@pytest.mark.parametrize(
    "line, bylines, editors",
    [
        ("تحرير: لوري ميلروي", [], ["لوري ميلروي"]),
        ("دەستکاریکردنی: لۆری مایلرۆی", [], ["لۆری مایلرۆی"]),
        ("Edîtor: Laurie Mylroie", [], ["Laurie Mylroie"]),
        ("إعداد: سامان محمد", ["سامان محمد"], []),
        ("ئامادەکردنی: ڕێبین فەتاح", ["ڕێبین فەتاح"], []),
    ],
)
def test_credit_lines_of_the_arabic_sorani_and_kurmanji_desks(line, bylines, editors):
    credits, paragraphs = take_closing_credits(["The story.", line])
    assert (credits.bylines, credits.editors, paragraphs) == (bylines, editors, ["The story."])


@pytest.mark.parametrize(
    "line", ["تحرير الأخبار في بغداد يبدأ باكرا.", "Edîtor: ev gotara dirêj a ku hat nivîsandin"]
)
def test_a_sentence_opening_with_a_credit_word_stays_in_the_text(line):
    credits, paragraphs = take_closing_credits(["The story.", line])
    assert (credits.bylines, credits.editors, paragraphs) == ([], [], ["The story.", line])
