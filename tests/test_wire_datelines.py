"""articles.wire.datelines: every convention of issue 14's table, more of each, and the
sentences that must not be taken for datelines."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.wire.datelines import COMMON_WORDS, Dateline, parse_dateline

# (paragraph, place, region, date, source, rest): the table first, then more.
DATELINES = [
    ("DUHOK, Iraq (AP) — A road bridge reopened on Tuesday.", "DUHOK", "Iraq", None, "AP",
     "A road bridge reopened on Tuesday."),
    ("KIRKUK, March 9 (Xinhua) -- Wheat prices rose this week.", "KIRKUK", None, "March 9",
     "Xinhua", "Wheat prices rose this week."),
    ("Basra (AFP) – Container traffic grew last month.", "Basra", None, None, "AFP",
     "Container traffic grew last month."),
    ("Baghdad, 3 August 2014 - The United Nations welcomed an agreement.", "Baghdad", None,
     "3 August 2014", None, "The United Nations welcomed an agreement."),
    ("SULAIMANI — Firefighters contained a blaze on Friday.", "SULAIMANI", None, None, None,
     "Firefighters contained a blaze on Friday."),
    ("ERBIL, Kurdistan Region - Pupils returned to classrooms.", "ERBIL", "Kurdistan Region",
     None, None, "Pupils returned to classrooms."),
    ("ZAKHO, Iraq: A new clinic opened on Wednesday.", "ZAKHO", "Iraq", None, None,
     "A new clinic opened on Wednesday."),
    ("Shafaq News/ The ministry issued a statement on Thursday.", None, None, None,
     "Shafaq News", "The ministry issued a statement on Thursday."),
    ("ARBIL / IraqiNews.com: The parliament adjourned its session.", "ARBIL", None, None,
     "IraqiNews.com", "The parliament adjourned its session."),
    ("Najaf (IraqiNews.com) The blocs held a meeting.", "Najaf", None, None, "IraqiNews.com",
     "The blocs held a meeting."),
    ("MOSUL, Iraq\nThe text follows on the next line.", "MOSUL", "Iraq", None, None,
     "The text follows on the next line."),
    ("MOSUL, Iraq", "MOSUL", "Iraq", None, None, ""),
    # More of each convention: other places, sources, dates and separators.
    ("ERBIL (Kurdistan 24) – Iraq's Military Communications Center said.", "ERBIL", None,
     None, "Kurdistan 24", "Iraq's Military Communications Center said."),
    ("AL-QAIM, Iraq (AP) — Border crossings reopened.", "AL-QAIM", "Iraq", None, "AP",
     "Border crossings reopened."),
    ("Tal Afar, Iraq (Reuters) – Families returned.", "Tal Afar", "Iraq", None, "Reuters",
     "Families returned."),
    ("HALABJA, Sept. 12, 2019 (Rudaw) – Orchards bloomed.", "HALABJA", None, "Sept. 12, 2019",
     "Rudaw", "Orchards bloomed."),
    ("NEW YORK (Reuters) -- Oil rose.", "NEW YORK", None, None, "Reuters", "Oil rose."),
    ("WASHINGTON/BAGHDAD (Reuters) - The talks resumed.", "WASHINGTON/BAGHDAD", None, None,
     "Reuters", "The talks resumed."),
    ("ANKARA - Turkey said it would reply.", "ANKARA", None, None, None,
     "Turkey said it would reply."),
    ("ROME (AP) — “We will help,” the minister said.", "ROME", None, None, "AP",
     "“We will help,” the minister said."),
    ("HASANKEYF, Turkey (AFP) - Villagers left the old town.", "HASANKEYF", "Turkey", None,
     "AFP", "Villagers left the old town."),
    ("Ramadi, Anbar, 2016-02-09 — Engineers cleared the road.", "Ramadi", "Anbar",
     "2016-02-09", None, "Engineers cleared the road."),
    ("Kirkuk, Monday (Agence France-Presse) 14 families arrived.", "Kirkuk", None, "Monday",
     "Agence France-Presse", "14 families arrived."),
    ("Nasiriyah / Shafaq News: The governor resigned.", "Nasiriyah", None, None,
     "Shafaq News", "The governor resigned."),
    ("Kurdistan24/ Voters queued from dawn.", None, None, None, "Kurdistan24",
     "Voters queued from dawn."),
    ("أربيل (كوردستان 24) – قالت وزارة الداخلية", "أربيل", None, None, "كوردستان 24",
     "قالت وزارة الداخلية"),
    ("هەولێر – ڕۆژی دووشەممە", "هەولێر", None, None, None, "ڕۆژی دووشەممە"),
    ("السليمانية (شفق نيوز) - أعلنت", "السليمانية", None, None, "شفق نيوز", "أعلنت"),
    # Arabic and Sorani, as their desks file them (issue 13).
    ("هەولێر (کوردستان ٢٤) – سەنتەری ڕاگەیاندن ڕایگەیاند.", "هەولێر", None, None,
     "کوردستان ٢٤", "سەنتەری ڕاگەیاندن ڕایگەیاند."),
    ("هەولێر (کوردستان ۲۴) – ڕۆژی دووشەممە", "هەولێر", None, None, "کوردستان ۲۴",
     "ڕۆژی دووشەممە"),
    ("أربيل (رووداو) – أعلنت وزارة الصحة", "أربيل", None, None, "رووداو",
     "أعلنت وزارة الصحة"),
    ("بغداد/ شفق نيوز/ أعلنت وزارة الداخلية", "بغداد", None, None, "شفق نيوز",
     "أعلنت وزارة الداخلية"),
    ("السليمانية - أعلنت مديرية الصحة", "السليمانية", None, None, None,
     "أعلنت مديرية الصحة"),
    ("أربيل، ٩ آذار ٢٠٢٠ (رووداو) – قال مصدر", "أربيل", None, "٩ آذار ٢٠٢٠", "رووداو",
     "قال مصدر"),
    ("كركوك، 9 مارس 2020 - قال مصدر أمني", "كركوك", None, "9 مارس 2020", None,
     "قال مصدر أمني"),
    ("هەولێر، ٩ی ئازاری ٢٠٢٠ – ڕۆژی دووشەممە", "هەولێر", None, "٩ی ئازاری ٢٠٢٠", None,
     "ڕۆژی دووشەممە"),
    ("دهۆک، یەکشەممە (ڕووداو) – پارێزگار ڕایگەیاند", "دهۆک", None, "یەکشەممە", "ڕووداو",
     "پارێزگار ڕایگەیاند"),
    ("أربيل، الاثنين (كوردستان 24) - أعلن", "أربيل", None, "الاثنين", "كوردستان 24",
     "أعلن"),
    ("السليمانية، إقليم كوردستان (رووداو) – أعلنت", "السليمانية", "إقليم كوردستان", None,
     "رووداو", "أعلنت"),
    ("شفق نيوز/ أعلنت وزارة النفط", None, None, None, "شفق نيوز", "أعلنت وزارة النفط"),
    # Kurmanji: Latin letters with diacritics.
    ("HEWLÊR (Kurdistan24) – Navenda Ragihandinê ragihand.", "HEWLÊR", None, None,
     "Kurdistan24", "Navenda Ragihandinê ragihand."),
    ("Dihok, Herêma Kurdistanê – Xwendekar vegeriyan.", "Dihok", "Herêma Kurdistanê", None,
     None, "Xwendekar vegeriyan."),
    ("Hewlêr, 9ê Adarê 2020 (Rûdaw) – Parêzgar got.", "Hewlêr", None, "9ê Adarê 2020",
     "Rûdaw", "Parêzgar got."),
    ("ÇOLEMÊRG – Gundî vegeriyan.", "ÇOLEMÊRG", None, None, None, "Gundî vegeriyan."),
]  # fmt: skip


@pytest.mark.parametrize(
    "paragraph, place, region, date, source, rest", DATELINES, ids=[d[0][:30] for d in DATELINES]
)
def test_a_dateline_gives_its_place_region_date_source_and_rest(
    paragraph, place, region, date, source, rest
):
    dateline = parse_dateline(paragraph)
    assert isinstance(dateline, Dateline)
    assert (dateline.place, dateline.region_text, dateline.date_text, dateline.source) == (
        place,
        region,
        date,
        source,
    )
    assert dateline.rest == rest


def test_the_place_text_keeps_the_country_a_place_outside_iraq_names():
    assert parse_dateline("HASANKEYF, Turkey - Text.").place_text == "HASANKEYF, Turkey"


NOT_DATELINES = [
    "The ministry said on Monday – after a delay – that it would pay.",
    "Iraq (officially the Republic of Iraq) is a country in West Asia.",
    "“We will rebuild – and soon,” the governor said.",
    "Ahmed Karim – a lawmaker from Erbil – said the vote was fair.",
    "Ahmed Karim - Speaking on Monday, the lawmaker said the vote was fair.",
    "Ahmed Karim (PUK) – said the vote was fair.",
    "Soran Ahmed: The vote was fair, he said.",
    "Mosul – The city rebuilt its old market.",
    "UPDATE: The ministry corrected its figures.",
    "Erbil is the capital of the Kurdistan Region.",
    "In Erbil (the regional capital) – prices rose.",
    "BAGHDAD (the capital) – prices rose.",
    "US forces – who arrived on Monday – left.",
    "NATO - which has advisers in Iraq - said nothing.",
    "قال الوزير العراقي – في بيان",
    "قال الوزير، في بيان – إن الطريق سيفتح.",
    "وقال المتحدث (رويترز) – إن الطريق سيفتح.",
    "لە هەولێر – ڕۆژی دووشەممە",
    "بۆ هەولێر، ئازار ٢٠٢٠ – گەڕانەوە",
    "Ahmed Xelîl – êvarê got ku rê vebû.",
    "Wezîr Ahmed – li Hewlêrê got ku rê vebû.",
    "Parêzgar got ku rê dê vebe.",
    "Officials said it would stay open.",
    "",
]


@pytest.mark.parametrize("paragraph", NOT_DATELINES)
def test_an_ordinary_sentence_is_not_a_dateline(paragraph):
    assert parse_dateline(paragraph) is None


# Lower-case words of English and of Kurmanji (ç ê î ş û).
words = st.text(alphabet="abcçdeêfghiîjklmnopqrsştuûvwxyz", min_size=1, max_size=10)
punctuation = st.sampled_from([" ", ", ", " – ", " — ", " -- ", " - ", ": ", " (", ") ", "/"])
tail = st.lists(st.one_of(words, punctuation, st.text(max_size=5)), max_size=12).map("".join)


@given(first=words, second=words, rest=tail)
def test_a_sentence_starting_with_a_capitalised_word_then_a_lower_case_one_is_not_a_dateline(
    first, second, rest
):
    assert parse_dateline(f"{first.capitalize()} {second}{rest}") is None


@given(first=words, rest=tail)
def test_a_sentence_starting_in_lower_case_is_not_a_dateline(first, rest):
    assert parse_dateline(f"{first}{rest}") is None


@given(name=st.lists(words, min_size=1, max_size=3), rest=tail)
def test_a_capitalised_name_and_a_dash_before_lower_case_is_not_a_dateline(name, rest):
    person = " ".join(word.capitalize() for word in name)
    assert parse_dateline(f"{person} – said {rest}") is None


ARABIC_SCRIPT_LETTERS = "ابتثجحخدذرزسشصضطظعغفقلمنهوپچژگەێۆڕڵڤیکةىكيأإئ"
arabic_words = st.text(alphabet=ARABIC_SCRIPT_LETTERS, min_size=2, max_size=8)
common_arabic_script_words = st.sampled_from(sorted(COMMON_WORDS))
arabic_tail = st.lists(
    st.one_of(arabic_words, punctuation, st.sampled_from(["،", "٢٤", "۲۴", "/"])), max_size=12
).map("".join)


@given(first=common_arabic_script_words, second=arabic_words, rest=arabic_tail)
def test_a_sentence_starting_with_a_common_arabic_or_sorani_word_is_not_a_dateline(
    first, second, rest
):
    assert parse_dateline(f"{first} {second}{rest}") is None


@given(
    place=arabic_words.filter(lambda word: word not in COMMON_WORDS),
    # A source holding a common word ("لەگەڵ", with) is a sentence's, not a dateline's.
    source=st.lists(
        arabic_words.filter(lambda word: word not in COMMON_WORDS), min_size=1, max_size=2
    ).map(" ".join),  # fmt: skip
    digits=st.sampled_from(["", " 24", " ٢٤", " ۲۴"]),
    separator=st.sampled_from([" – ", " - ", " — ", ": "]),
    rest=arabic_words,
)
def test_an_arabic_script_place_and_source_are_read_whatever_the_digits(
    place, source, digits, separator, rest
):
    dateline = parse_dateline(f"{place} ({source}{digits}){separator}{rest} {rest}")
    assert (dateline.place, dateline.source, dateline.rest) == (
        place,
        f"{source}{digits}",
        f"{rest} {rest}",
    )


@given(st.text(alphabet=ARABIC_SCRIPT_LETTERS + " ،()/–-:٠١٢٣٤٥٦٧٨٩۰۱۲۳۴\n", max_size=60))
def test_any_arabic_script_text_gives_a_dateline_or_none_and_never_raises(text):
    dateline = parse_dateline(text)
    assert dateline is None or text.lstrip().startswith(dateline.text)
