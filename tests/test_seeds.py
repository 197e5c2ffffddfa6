"""seeds/: the seed story in English and its translations into Sorani, Kurmanji and
Arabic, each filed as its desk files wire copy, with a sidecar marking it a translation.
(Storing `language` and `translation_of` is the importer's; the import from end to end
is tested where the importer is.)"""

from pathlib import Path

import pytest
from django.conf import settings

from articles.wire.files import decode_wire_bytes, document_key, read_metadata, wire_files_under
from articles.wire.language import detect_language, normalise_language_code
from articles.wire.places import PlaceMatcher
from articles.wire.text import parse_wire_copy, split_paragraphs

SEEDS = Path(settings.BASE_DIR) / "seeds"
ORIGINAL = SEEDS / "000_0184bfcb9f559c28.txt"
# language: (file, headline, dateline place, source, editor's credit)
VERSIONS = {
    "ckb": ("000_0184bfcb9f559c28_ckb.txt",
            "دوو سەربازی ئەمریکی لە ئۆپەراسیۆنێکی ئەمنیی عێراقدا کوژران کە ٢٥ چەکداری "
            "داعشی تێدا کوژرا",
            "هەولێر", "کوردستان ٢٤", "لۆری مایلرۆی"),
    "kmr": ("000_0184bfcb9f559c28_kmr.txt",
            "Du leşkerên Amerîkî di operasyoneke ewlehiyê ya Iraqê de hatin kuştin ku tê de "
            "25 endamên DAIŞê hatin kuştin",
            "HEWLÊR", "Kurdistan24", "Laurie Mylroie"),
    "ar": ("000_0184bfcb9f559c28_ar.txt",
           "مقتل جنديين أمريكيين في عملية أمنية عراقية أسفرت عن مقتل 25 عنصراً من داعش",
           "أربيل", "كوردستان 24", "لوري ميلروي"),
}  # fmt: skip


def text_of(path):
    return decode_wire_bytes(path.read_bytes())


@pytest.mark.parametrize("language", VERSIONS)
def test_a_translation_reads_as_wire_copy_with_its_desks_dateline(language):
    name, headline, place, source, _ = VERSIONS[language]
    text = text_of(SEEDS / name)
    story = parse_wire_copy(text)
    assert story.headline == headline
    assert (story.dateline_city, story.source) == (place, source)
    # The standfirst is repeated after the dateline, as in the English copy: kept once.
    paragraphs = split_paragraphs(text)
    assert story.summary == paragraphs[1]
    assert story.body_paragraphs[0] == paragraphs[3]


@pytest.mark.parametrize("language", VERSIONS)
def test_a_translation_has_the_originals_paragraphs_one_for_one(language):
    name, *_, editor = VERSIONS[language]
    paragraphs = split_paragraphs(text_of(SEEDS / name))
    assert len(paragraphs) == len(split_paragraphs(text_of(ORIGINAL)))
    assert paragraphs[-1].endswith(editor)  # the editor's credit, in that script


@pytest.mark.parametrize("language", VERSIONS)
def test_a_translations_sidecar_marks_it_a_translation_of_the_english_story(language):
    path = SEEDS / VERSIONS[language][0]
    metadata, _ = read_metadata(path)
    original_metadata, _ = read_metadata(ORIGINAL)
    assert normalise_language_code(metadata["language"]) == language
    assert metadata["translation_of"] == document_key(original_metadata, None, ORIGINAL)
    assert document_key(metadata, None, path) != metadata["translation_of"]
    for same in ("published_at", "tags"):
        assert metadata[same] == original_metadata[same]


@pytest.mark.parametrize("language", [*VERSIONS, "en"])
def test_each_version_is_detected_as_the_language_its_sidecar_declares(language):
    path = ORIGINAL if language == "en" else SEEDS / VERSIONS[language][0]
    declared = read_metadata(path)[0].get("language", settings.LANGUAGE_CODE)
    assert detect_language(text_of(path)) == normalise_language_code(declared) == language


def test_sorani_is_spelt_with_soranis_letters_and_arabic_with_arabics():
    sorani = text_of(SEEDS / VERSIONS["ckb"][0])
    arabic = text_of(SEEDS / VERSIONS["ar"][0])
    assert not set("ةىكي") & set(sorani)  # Sorani writes ک and ی, never ك ي ة ى
    assert not set("ەێۆڕڵکی") & set(arabic)
    assert not set("0123456789") & set(sorani.replace("CJTF-OIR", "").replace("MCC", ""))


def test_the_original_is_imported_before_its_translations():
    files = [path.name for path, _ in wire_files_under(SEEDS)]
    assert files[0] == ORIGINAL.name
    assert sorted(files[1:]) == sorted(version[0] for version in VERSIONS.values())


@pytest.mark.django_db
@pytest.mark.parametrize("language", VERSIONS)
def test_a_translations_dateline_is_a_place_of_the_gazetteer(language):
    name, _, place, *_ = VERSIONS[language]
    erbil = PlaceMatcher.from_gazetteer().lookup(place)
    assert erbil is not None and erbil.slug == "erbil-city"
