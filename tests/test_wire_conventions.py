"""The folder of invented stories in each agency's plain-text convention
(tests/wire_copy/text/), imported through `import_seeds` as a newsroom would: each with
its place, source, credits and regions. The formats' folders are tested in
tests/test_wire_formats.py."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

FOLDER = Path(__file__).resolve().parent / "wire_copy" / "text"
FEED = "Newsroom Wire Desk"  # the folder's ingest.json

# key: (dateline region slug or None, dateline text as filed, source, person bylines, editors)
EXPECTED = {
    "ap-duhok-bridge": ("duhok-city", "DUHOK, Iraq", "AP", [], []),
    "xinhua-kirkuk-wheat": ("kirkuk-city", "KIRKUK", "Xinhua", [], []),
    "afp-basra-port": ("basra-city", "Basra", "AFP", [], []),
    "un-baghdad-agreement": ("baghdad-city", "Baghdad", FEED, [], []),
    "desk-sulaimani-fire": ("sulaimani-city", "SULAIMANI", FEED, [], []),
    "desk-erbil-schools": ("erbil-city", "ERBIL, Kurdistan Region", FEED, [], []),
    "desk-zakho-clinic": ("zakho", "ZAKHO, Iraq", FEED, [], []),
    "shafaq-ministry": (None, "", "Shafaq News", [], []),
    "iraqinews-arbil-parliament": ("erbil-city", "ARBIL", "IraqiNews.com", [], []),
    "iraqinews-najaf-blocs": ("najaf-city", "Najaf", "IraqiNews.com", [], []),
    "ap-mosul-byline": ("mosul", "MOSUL, Iraq", "AP", ["Jane Roe"], []),
    "reuters-kirkuk-oil": (
        "kirkuk-city",
        "KIRKUK, Iraq",
        "Reuters",
        ["Jane Roe", "John Doe"],
        ["Sam Poe"],
    ),  # fmt: skip
    "afp-hasankeyf-dam": (None, "HASANKEYF, Turkey", "AFP", [], []),
    "rudaw-erbil-ar": ("erbil-city", "أربيل", "Rudaw", [], []),
    "k24-erbil-ckb": ("erbil-city", "هەولێر", "Kurdistan 24", [], []),
    "feature-no-dateline": ("erbil-city", "Erbil", "Kurdistan 24", [], []),
}


@pytest.fixture
def imported(db):
    out, err = StringIO(), StringIO()
    call_command("import_seeds", str(FOLDER), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_story_of_the_folder_imports(imported):
    out, _ = imported
    assert out.splitlines()[0] == (
        f"Import finished: {len(EXPECTED)} imported, 0 updated, 0 unchanged, 0 failed."
    )
    assert set(Article.objects.values_list("import_key", flat=True)) == set(EXPECTED)


@pytest.mark.parametrize("key", EXPECTED)
def test_each_convention_gives_place_source_and_credits(imported, key):
    region, dateline_text, source, people, editors = EXPECTED[key]
    article = Article.objects.get(import_key=key)
    assert (article.dateline.slug if article.dateline else None) == region
    assert article.dateline_text == dateline_text
    assert article.source == source
    bylines = article.ordered_bylines
    assert [b.name for b in bylines if b.kind == "person"] == people
    # The agency is credited last, once, as its one byline.
    assert [b.name for b in bylines if b.kind == "agency"] == [source]
    assert list(article.editors.values_list("name", flat=True)) == editors
    # Credits, trailers and the dateline never stay in the text.
    for leftover in ("Enditem", "/End/", "ma/lh", "Reporting by", "By JANE ROE", "(AP)", "(AFP)"):
        assert leftover not in article.body, (key, leftover)


def test_places_are_the_stories_regions_and_people_are_not(imported):
    regions = {
        key: set(Article.objects.get(import_key=key).regions.values_list("slug", flat=True))
        for key in ("ap-duhok-bridge", "iraqinews-arbil-parliament", "iraqinews-najaf-blocs")
    }
    assert "zakho" in regions["ap-duhok-bridge"]  # "the Zakho road" in its text
    # "Lawmaker Soran Ahmed", "Salah al-Din Karim said": people, not Soran or Salahaddin.
    assert "soran" not in regions["iraqinews-arbil-parliament"]
    assert not {"salahaddin", "salah-al-din"} & regions["iraqinews-najaf-blocs"]


def test_a_story_abroad_keeps_its_dateline_text_and_no_iraqi_place(imported):
    article = Article.objects.get(import_key="afp-hasankeyf-dam")
    assert article.dateline is None
    assert article.dateline_text == "HASANKEYF, Turkey"


def test_a_story_without_a_dateline_is_a_draft_placed_from_its_sidecar(imported):
    _, err = imported
    assert Article.objects.get(import_key="shafaq-ministry").status == "draft"
    assert "shafaq-ministry.txt: warning: no dateline" in err


def test_the_languages_are_told_from_the_text(imported):
    languages = dict(Article.objects.values_list("import_key", "language"))
    assert languages["rudaw-erbil-ar"] == "ar"
    assert languages["k24-erbil-ckb"] == "ckb"
    assert languages["ap-duhok-bridge"] == "en"
