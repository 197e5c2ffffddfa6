"""The one writer (articles.wire.store): a Story's language, its translations, and the
agency bylines it credits."""

import importlib

import pytest
from django.apps import apps as django_apps

from articles.models import Article, ArticleByline, Byline
from articles.wire.store import language_code
from articles.wire.story import WireCopyError
from tests.factories import make_article, make_byline, region
from tests.wire_copy import run_import, wire, write_doc

SORANI = wire(
    headline="پێشمەرگە خاڵێکی پشکنینی نوێ لە نزیک مەخمور دەکاتەوە",
    summary="هێزەکانی پێشمەرگە ڕۆژی یەکشەممە خاڵێکی پشکنینی نوێیان لە باشووری مەخمور کردەوە.",
    lead="هێزەکانی پێشمەرگە ڕۆژی یەکشەممە خاڵێکی پشکنینی نوێیان لە باشووری مەخمور کردەوە.",
    body=("بەرپرسان ڕایانگەیاند کە خاڵەکە بە کراوەیی دەمێنێتەوە.",),
    editing=None,
)
ARABIC = wire(
    headline="البيشمركة تفتتح نقطة تفتيش جديدة قرب مخمور",
    summary="افتتحت قوات البيشمركة يوم الأحد نقطة تفتيش جديدة جنوب قضاء مخمور.",
    lead="افتتحت قوات البيشمركة يوم الأحد نقطة تفتيش جديدة جنوب قضاء مخمور.",
    body=("وقال مسؤولون إن النقطة ستبقى مفتوحة على مدار الساعة.",),
    editing=None,
)
KURMANJI = wire(
    headline="Pêşmerge li nêzîkî Mexmûrê xaleke kontrolê ya nû vedikin",
    summary="Hêzên Pêşmerge roja Yekşemê li başûrê Mexmûrê xaleke kontrolê ya nû vekirin.",
    lead="Hêzên Pêşmerge roja Yekşemê li başûrê Mexmûrê xaleke kontrolê ya nû vekirin.",
    body=("Berpirsan ragihand ku xal dê her tim vekirî bimîne.",),
    editing=None,
)
PUBLISHED = {"published_at": "2020-03-09T12:00:00+03:00"}


def language_of(key):
    return Article.objects.get(import_key=key).language


# --- language ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "declared, code",
    [
        ("en", "en"), ("en-GB", "en"), ("EN_us", "en"), ("ar", "ar"), ("ar-IQ", "ar"),
        ("ckb", "ckb"), ("ckb-IQ", "ckb"), ("ku-Arab", "ckb"), ("ku-Arab-IQ", "ckb"),
        ("ku", "kmr"), ("ku-Latn", "kmr"), ("kmr", "kmr"), ("kmr-Latn-TR", "kmr"),
    ],
)  # fmt: skip
def test_a_declared_language_code_means_one_of_the_newsrooms_languages(declared, code):
    assert language_code(declared) == code


@pytest.mark.parametrize("declared", ["fr", "fa-IR", "", "kurdish", "tr"])
def test_a_language_code_outside_the_newsrooms_is_refused_naming_them(declared):
    with pytest.raises(
        WireCopyError,
        match=r"not one the newsroom publishes in \(en, ckb, kmr, ar\)|not a language code",
    ):
        language_code(declared)


@pytest.mark.django_db
def test_the_sidecars_language_is_stored_normalised(tmp_path):
    write_doc(tmp_path, "erbil-ar", ARABIC, {**PUBLISHED, "language": "ar-IQ"})
    write_doc(tmp_path, "erbil-ckb", SORANI, {**PUBLISHED, "language": "ku-Arab"})
    run_import(tmp_path)
    assert language_of("erbil-ar") == "ar"
    assert language_of("erbil-ckb") == "ckb"


@pytest.mark.django_db
def test_an_unknown_language_fails_that_file_with_its_reason(tmp_path):
    write_doc(tmp_path, "french", wire(), {**PUBLISHED, "language": "fr-FR"})
    write_doc(tmp_path, "english", wire(headline="Another checkpoint"), PUBLISHED)
    summary, results = run_import(tmp_path)
    assert summary.count("failed") == 1
    assert "language 'fr-FR' is not one the newsroom publishes in" in results["french.txt"].reason
    assert list(Article.objects.values_list("import_key", flat=True)) == ["english"]


@pytest.mark.django_db
def test_without_a_declared_language_it_is_detected_from_the_text(tmp_path):
    write_doc(tmp_path, "ckb", SORANI, PUBLISHED)
    write_doc(tmp_path, "ar", ARABIC, PUBLISHED)
    write_doc(tmp_path, "kmr", KURMANJI, PUBLISHED)
    write_doc(tmp_path, "en", wire(), PUBLISHED)
    run_import(tmp_path)
    assert {key: language_of(key) for key in ("ckb", "ar", "kmr", "en")} == {
        "ckb": "ckb", "ar": "ar", "kmr": "kmr", "en": "en",
    }  # fmt: skip


# --- translations ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_translation_is_linked_to_its_original_imported_before(tmp_path):
    write_doc(tmp_path, "a-original", wire(), PUBLISHED)
    write_doc(tmp_path, "b-sorani", SORANI, {**PUBLISHED, "translation_of": "a-original"})
    run_import(tmp_path)
    original = Article.objects.get(import_key="a-original")
    assert Article.objects.get(import_key="b-sorani").translation_of == original


@pytest.mark.django_db
def test_a_translation_listed_before_its_original_is_linked_in_the_same_run(tmp_path):
    write_doc(tmp_path, "a-arabic", ARABIC, {**PUBLISHED, "translation_of": "z-original"})
    write_doc(tmp_path, "z-original", wire(), PUBLISHED)
    summary, _ = run_import(tmp_path)
    assert str(summary) == "2 imported, 0 updated, 0 unchanged, 0 failed"
    original = Article.objects.get(import_key="z-original")
    assert Article.objects.get(import_key="a-arabic").translation_of == original


@pytest.mark.django_db
def test_a_translation_waits_for_an_original_that_arrives_in_a_later_run(tmp_path):
    first, second = tmp_path / "monday", tmp_path / "tuesday"
    first.mkdir(), second.mkdir()
    write_doc(first, "erbil-kmr", KURMANJI, {**PUBLISHED, "translation_of": "erbil-en"})
    run_import(first)
    assert Article.objects.get().translation_of is None
    write_doc(second, "erbil-en", wire(), {**PUBLISHED, "key": "erbil-en"})
    run_import(second)
    translation = Article.objects.get(import_key="erbil-kmr")
    assert translation.translation_of == Article.objects.get(import_key="erbil-en")
    assert [a.language for a in translation.language_versions()] == ["en"]


@pytest.mark.django_db
def test_a_translation_of_a_translation_hangs_from_the_original(tmp_path):
    write_doc(tmp_path, "a-en", wire(), PUBLISHED)
    write_doc(tmp_path, "b-ar", ARABIC, {**PUBLISHED, "translation_of": "a-en"})
    write_doc(tmp_path, "c-ckb", SORANI, {**PUBLISHED, "translation_of": "b-ar"})
    run_import(tmp_path)
    original = Article.objects.get(import_key="a-en")
    assert set(original.translations.values_list("import_key", flat=True)) == {"b-ar", "c-ckb"}


@pytest.mark.django_db
def test_a_translation_in_the_originals_language_fails_with_its_reason(tmp_path):
    write_doc(tmp_path, "a-en", wire(), PUBLISHED)
    write_doc(tmp_path, "b-en", wire(headline="Checkpoint opens"), {
        **PUBLISHED, "translation_of": "a-en",
    })  # fmt: skip
    summary, results = run_import(tmp_path)
    assert summary.count("failed") == 1
    assert "the original is in the same language (en)" in results["b-en.txt"].reason
    assert not Article.objects.filter(import_key="b-en").exists()


@pytest.mark.django_db
def test_a_second_translation_into_one_language_fails_and_the_first_stays(tmp_path):
    write_doc(tmp_path, "a-en", wire(), PUBLISHED)
    write_doc(tmp_path, "b-ar", ARABIC, {**PUBLISHED, "translation_of": "a-en"})
    write_doc(tmp_path, "c-ar", ARABIC.replace("جديدة", "ثانية"), {
        **PUBLISHED, "translation_of": "a-en",
    })  # fmt: skip
    summary, results = run_import(tmp_path)
    assert "the original has a translation in ar already" in results["c-ar.txt"].reason
    original = Article.objects.get(import_key="a-en")
    assert list(original.translations.values_list("import_key", flat=True)) == ["b-ar"]


# --- agencies: one agency, one byline ------------------------------------------------


def credited(key):
    article = Article.objects.get(import_key=key)
    return [(b.name, b.kind) for b in article.ordered_bylines]


@pytest.mark.django_db
def test_a_byline_lines_agency_is_the_source_and_a_dateline_alone_the_place(tmp_path):
    write_doc(tmp_path, "mosul", (
        "Iraqi forces retake a Mosul district\n\n"
        "By JANE ROE Associated Press\n"
        "MOSUL, Iraq\n\n"
        "Iraqi forces retook the al-Zuhur district of eastern Mosul on Tuesday, officers "
        "said, after a week of fighting.\n\n"
        "Residents said the streets were quiet by evening.\n"
    ), PUBLISHED)  # fmt: skip
    summary, _ = run_import(tmp_path)
    article = Article.objects.get(import_key="mosul")
    assert (article.dateline.slug, article.source) == (region("mosul").slug, "AP")
    assert credited("mosul") == [("Jane Roe", "person"), ("AP", "agency")]
    assert Byline.objects.get(name="AP").alternative_names == [
        "Associated Press", "The Associated Press",
    ]  # fmt: skip


@pytest.mark.django_db
def test_an_agencys_names_in_any_spacing_or_case_credit_one_byline(tmp_path):
    datelines = ["ERBIL (Kurdistan 24) – ", "DUHOK (Kurdistan24) – ", "ZAKHO (K24) – ",
                 "ERBIL (KURDISTAN 24) – "]  # fmt: skip
    for number, dateline in enumerate(datelines):
        write_doc(tmp_path, f"k{number}", wire(
            headline=f"Peshmerga open checkpoint {number}", dateline=dateline
        ), PUBLISHED)  # fmt: skip
    summary, _ = run_import(tmp_path)
    assert summary.count("imported") == 4
    assert list(Byline.objects.filter(kind="agency").values_list("name", flat=True)) == [
        "Kurdistan 24"
    ]
    assert set(Article.objects.values_list("source", flat=True)) == {"Kurdistan 24"}


@pytest.mark.django_db
def test_an_agency_credited_in_arabic_script_is_the_same_byline(tmp_path):
    datelines = ["ERBIL (Kurdistan 24) – ", "هەولێر (کوردستان ٢٤) – ",
                 "أربيل (كوردستان 24) – ", "دهۆک (كوردستان ٢٤) – "]  # fmt: skip
    for number, dateline in enumerate(datelines):
        write_doc(tmp_path, f"k{number}", wire(
            headline=f"Peshmerga open checkpoint {number}", dateline=dateline
        ), PUBLISHED)  # fmt: skip
    summary, _ = run_import(tmp_path)
    assert summary.count("imported") == 4
    assert list(Byline.objects.filter(kind="agency").values_list("name", flat=True)) == [
        "Kurdistan 24"
    ]


@pytest.mark.django_db
def test_an_alternative_name_editors_gave_an_agency_finds_it(tmp_path):
    agency = make_byline("Shafaq News Agency", kind=Byline.Kind.AGENCY)
    agency.alternative_names = ["السومرية نيوز", "Shafaq N."]
    agency.save()
    write_doc(tmp_path, "basra", wire(dateline="BASRA (Shafaq N.) – "), PUBLISHED)
    run_import(tmp_path)
    assert credited("basra") == [("Shafaq News Agency", "agency")]
    assert Article.objects.get().source == "Shafaq News Agency"


@pytest.mark.django_db
def test_the_migration_merges_an_agencys_duplicate_bylines_keeping_their_credits():
    give_agencies_their_aliases = importlib.import_module(
        "articles.migrations.0016_agency_aliases"
    ).give_agencies_their_aliases
    one = make_article(headline="Erbil airport reopens", bylines=[])
    both = make_article(headline="Duhok dam inspected", bylines=[])
    # Two rows, as the importer made them before one name could find the other's.
    first = Byline.objects.create(name="Kurdistan24", slug="k24-a", kind="agency")
    second = Byline.objects.create(name="Kurdistan 24", slug="k24-b", kind="agency")
    reporter = make_byline("Jane Roe")
    ArticleByline.objects.create(article=one, byline=first, position=0)
    ArticleByline.objects.create(article=both, byline=reporter, position=0)
    ArticleByline.objects.create(article=both, byline=first, position=1)
    ArticleByline.objects.create(article=both, byline=second, position=2)

    give_agencies_their_aliases(django_apps, None)

    kept = Byline.objects.get(kind="agency")
    assert (kept.pk, kept.name) == (second.pk, "Kurdistan 24")
    assert kept.alternative_names == ["K24"]  # Kurdistan24 is its name squashed
    assert [b.name for b in one.ordered_bylines] == ["Kurdistan 24"]
    assert [b.name for b in both.ordered_bylines] == ["Jane Roe", "Kurdistan 24"]
