"""The matcher's quick search for names (articles.wire.places._NameSearch) finds what
its one regular expression of every gazetteer name, run over the whole text, finds."""

import functools
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.generator import generate
from articles.models import Region
from articles.wire.places import PlaceMatcher, _case_classes, _every_character, fold
from articles.wire.text import parse_wire_copy

pytestmark = pytest.mark.django_db


@functools.cache
def matchers():
    """(quick, oracle): two matchers of the gazetteer; the oracle runs the pattern over
    every position of the text, as the matcher did before it had a quick search."""
    regions = list(Region.objects.all())
    quick, oracle = PlaceMatcher(regions), PlaceMatcher(regions)
    oracle._names.heads = None
    assert quick._names.heads is not None  # the quick search is sound for the gazetteer
    return quick, oracle


@functools.cache
def gazetteer_names():
    return sorted({name for region in Region.objects.all() for name in region.all_names if name})


def spans(matcher, text):
    return [(m.span(), m.group("name")) for m in matcher._names.finditer(fold(text))]


def same_everywhere(text, dateline=""):
    quick, oracle = matchers()
    assert spans(quick, text) == spans(oracle, text)
    assert quick._find(text, fold(text)) == oracle._find(text, fold(text))
    assert quick.match(text, dateline) == oracle.match(text, dateline)


CONTEXT_WORDS = [
    "in", "near", "from", "the", "of", "Lawmaker", "said", "told", "province", "city",
    "district", "al-", "el", "Governor", "Mr", "Karim", "Ahmed", "Salah", "Kawa", "village",
    "قال", "النائب", "محافظة", "قضاء", "في", "li", "ji", "gundê", "navçeya", "شاری",
    "پارێزگای", "لە", "Hit", "Tuz", "بلد", "Diana",
]  # fmt: skip


# Names as filed in any case, bits of them, the clitics and endings the pattern allows
# around them, words of the four languages, and hostile text: right-to-left and
# zero-width marks, Arabic diacritics and tatweel, characters re.IGNORECASE matches
# with Latin letters (K Kelvin, ſ long s, İ), control characters, odd white space.
@st.composite
def pieces(draw):
    kind = draw(st.integers(0, 5))
    if kind == 0:
        name = draw(st.sampled_from(gazetteer_names()))
        case = draw(st.sampled_from([str, str.upper, str.lower, str.title, str.swapcase]))
        return case(name)
    if kind == 1:
        name = draw(st.sampled_from(gazetteer_names()))
        return (
            draw(st.sampled_from(["و", "ف", "ب", "ل", "وب", "فل", ""]))
            + name
            + draw(st.sampled_from(["", "دا", "ەوە", "یش", "e", "ye", "s", "'s", "-", "x"]))
        )
    if kind == 2:
        name = draw(st.sampled_from(gazetteer_names()))
        start = draw(st.integers(0, len(name)))
        return name[start : draw(st.integers(start, len(name)))]
    if kind == 3:
        return draw(st.sampled_from(CONTEXT_WORDS))
    return draw(
        st.text(
            alphabet=st.sampled_from(
                list("aAeEiIkKsSzZ'-.,;:()\"“”«»?!/&0123_")
                + list("ابتثجحخدذرزسشصضطظعغفقكلمنهويةىأإآؤئءیکەھێۆڕڵڤگچپژ")
                + ["\u200f", "\u200e", "\u202b", "\u200c", "\u200d", "\u064e", "\u0651", "\u0640"]
                + ["\u212a", "\u017f", "\u0130", "\u0131", "ê", "î", "û", "ç", "ş", "Ş"]
                + ["\x00", "\x0b", "\x1f", "\x85", "\u00a0", "\u2028", "\u3000", "\t", "\r"]
            ),
            max_size=8,
        )
    )


SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "-", " - ", "\n", "\n\n", "\t", ", ", ". ", ""])
TEXTS = st.lists(st.tuples(pieces(), SEPARATORS), max_size=30).map(
    lambda parts: "".join(piece + separator for piece, separator in parts)
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(TEXTS, st.sampled_from(["", "ERBIL", "HASANKEYF, Turkey", "Duhok province"]))
@example("Lawmaker Soran Ahmed said in Erbil that Mosul Dam and al-Qaim", "")
@example("بالموصل وأربيل لە هەولێردا li Hewlêrê", "")
@example("ſinjar \u212airkuk İraq", "")
@example("Salah al-Din Karim said the Salahaddin  province\tcouncil", "KIRKUK")
def test_the_quick_search_finds_what_the_whole_pattern_finds(text, dateline):
    same_everywhere(text, dateline)


def test_generated_wire_copy_matches_as_with_the_whole_pattern(tmp_path):
    generate(15, seed=3, wire_folder=tmp_path)
    for path in sorted(tmp_path.rglob("*.txt")):
        story = parse_wire_copy(path.read_text(encoding="utf-8"))
        text = "\n".join([story.headline, story.summary, story.body])
        same_everywhere(text, story.dateline_text)
        same_everywhere(text.upper())
        same_everywhere(text.title())


def test_case_classes_hold_every_character_a_name_character_matches_ignoring_case():
    characters = frozenset("kKsSiIyYaeêلو")
    table = _case_classes(characters)
    everything = _every_character()
    for char in characters:
        for found in re.compile(re.escape(char), re.IGNORECASE).findall(everything):
            assert table[ord(found)] == table[ord(char)], (char, found)
    assert table[ord("\u212a")] == table[ord("k")]  # the Kelvin sign
    assert table[ord("\u017f")] == table[ord("s")]  # the long s
