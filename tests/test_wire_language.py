"""articles.wire.language: the seed story in its four languages, sentences of each, mixed
and short text, and declared codes."""

from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from articles.wire.language import detect_language, normalise_language_code

SEEDS = Path(settings.BASE_DIR) / "seeds"
SEED = "000_0184bfcb9f559c28"


@pytest.mark.parametrize(
    "name, language",
    [(f"{SEED}.txt", "en"), (f"{SEED}_ckb.txt", "ckb"), (f"{SEED}_kmr.txt", "kmr"),
     (f"{SEED}_ar.txt", "ar")],
)  # fmt: skip
def test_each_version_of_the_seed_story_is_detected_as_its_language(name, language):
    text = (SEEDS / name).read_text(encoding="utf-8")
    assert detect_language(text) == language
    assert detect_language(text.splitlines()[0]) == language  # the headline alone


SENTENCES = [
    ("Pupils returned to classrooms in Duhok on Sunday after the floods.", "en"),
    ("The governor said the road to Zakho would reopen by the end of the week.", "en"),
    ("قوتابیان دوای لافاوەکە ڕۆژی یەکشەممە گەڕانەوە بۆ قوتابخانەکانیان لە دهۆک.", "ckb"),
    ("پارێزگار ڕایگەیاند کە ڕێگای زاخۆ تا کۆتایی هەفتە دەکرێتەوە.", "ckb"),
    # The older spelling, ه and a zero-width non-joiner for ە.
    ("پارێزگار وتی ڕێگاكه\u200c كراوه\u200cته\u200cوه\u200c", "ckb"),
    ("عاد التلاميذ إلى مدارسهم في دهوك يوم الأحد بعد الفيضانات.", "ar"),
    ("وقال المحافظ إن الطريق إلى زاخو سيعاد فتحه في نهاية الأسبوع.", "ar"),
    ("Xwendekar roja Yekşemê piştî lehiyê li Dihokê vegeriyan dibistanên xwe.", "kmr"),
    ("Parêzgar got ku rêya Zaxoyê dê heta dawiya hefteyê were vekirin.", "kmr"),
    # Kurmanji typed without its letters still has its words.
    ("Parezgar got ku reya Zaxoye de di dawiya hefteye de were vekirin.", "kmr"),
]


@pytest.mark.parametrize("text, language", SENTENCES, ids=[s[0][:24] for s in SENTENCES])
def test_a_sentence_is_detected_as_its_language(text, language):
    assert detect_language(text) == language


def test_mixed_text_goes_to_the_language_with_the_most_evidence():
    english = "The statement from the ministry was read on television in Erbil."
    quoted = "«ئەمە هەنگاوێکی گرنگە»"
    assert detect_language(f"{english} {quoted}") == "en"
    sorani = "وەزارەت ڕایگەیاند کە ئەم هەنگاوە بۆ خەڵکی هەولێر گرنگە و بەردەوام دەبێت"
    assert detect_language(f"{sorani} (Kurdistan 24, CJTF-OIR)") == "ckb"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "2020-03-09 13:00", "CJTF-OIR", "Erbil", "أربيل", "Hewlêr", "25 ٢٥",
     "Laurie Mylroie", "هەولێر أربيل"],  # a word each of Sorani and Arabic: a tie
)  # fmt: skip
def test_too_little_evidence_is_no_answer(text):
    assert detect_language(text) is None


def test_arabic_letters_tell_arabic_from_sorani_without_common_words():
    assert detect_language("مدرسة مستشفى كهرباء") == "ar"
    assert detect_language("قوتابخانە نەخۆشخانە کارەبا") == "ckb"


LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


@given(st.text())
def test_detection_never_raises_and_gives_a_newsroom_language_or_none(text):
    assert detect_language(text) in LANGUAGE_CODES | {None}


@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)))
def test_arabic_script_is_never_taken_for_a_latin_script_language(text):
    assert detect_language(text) in {"ckb", "ar", None}


@given(st.lists(st.sampled_from(["û", "li", "di", "ku", "ji", "ew", "the", "of", "was"])))
def test_latin_words_are_never_taken_for_an_arabic_script_language(words):
    assert detect_language(" ".join(words)) in {"en", "kmr", None}


@pytest.mark.parametrize(
    "code, language",
    [("en", "en"), ("en-GB", "en"), ("EN_us", "en"), ("eng", "en"), ("ar", "ar"),
     ("ar-IQ", "ar"), ("ara", "ar"), ("ckb", "ckb"), ("ckb-IQ", "ckb"), ("ku-Arab", "ckb"),
     ("ku_IQ", "ckb"), ("ku-Arab-IQ", "ckb"), ("ku-IR", "ckb"), ("ku", "kmr"),
     ("ku-Latn", "kmr"), ("ku-Latn-IQ", "kmr"), ("ku-TR", "kmr"), ("kmr", "kmr"),
     ("kmr-Latn", "kmr"), (" kur ", "kmr")],
)  # fmt: skip
def test_a_declared_code_is_read_as_a_newsroom_language(code, language):
    assert normalise_language_code(code) == language


@pytest.mark.parametrize(
    "code, reason",
    [("fr", "not one the newsroom publishes in"), ("tr-TR", "not one the newsroom"),
     ("", "not a language code"), ("english!", "not a language code"),
     ("ar IQ", "not a language code"), (None, "must be a language code")],
)  # fmt: skip
def test_an_unknown_code_is_refused_with_its_reason(code, reason):
    with pytest.raises(ValueError, match=reason):
        normalise_language_code(code)


def test_a_code_is_refused_when_the_newsroom_drops_its_language(settings):
    settings.LANGUAGES = [("en", "English"), ("ar", "العربية")]
    with pytest.raises(ValueError, match=r"\(en, ar\)"):
        normalise_language_code("ckb")
    assert detect_language((SEEDS / f"{SEED}_ckb.txt").read_text(encoding="utf-8")) is None
