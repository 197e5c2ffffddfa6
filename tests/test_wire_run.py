"""Importing files and folders (articles.wire.run), storing stories (articles.wire.store),
and the import_seeds command."""

import datetime
import hashlib
import io
import json
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleByline, Byline, Editor, Tag
from articles.wire import files, run, store
from articles.wire.files import iter_wire_files, printable_name
from articles.wire.places import PlaceMatcher
from articles.wire.run import Progress, import_paths, import_paths_side_by_side
from articles.wire.story import Story
from articles.wire.text import parse_wire_copy
from tests.factories import region
from tests.wire_copy import (
    FINISHED_ONE_IMPORTED,
    SEED_DOCUMENTS,
    SEED_HEADLINE,
    SEED_JSON,
    SEED_LEAD,
    SEED_SLUG,
    SEED_TXT,
    SEEDS,
    copy_seed,
    run_import,
    seed_text,
    slugs,
    wire,
    write_doc,
)

# --- PlaceMatcher -------------------------------------------------------------------------


@pytest.fixture
def matcher(db):
    return PlaceMatcher.from_gazetteer()


def test_matcher_finds_the_places_named_in_the_seed(matcher):
    found = slugs(matcher.find(seed_text()))
    assert {"nineveh", "makhmour", "salahuddin", "qarachugh-mountain"} <= found


def test_matcher_prefers_the_longest_name(matcher):
    assert slugs(matcher.find("fighting in Qarachugh Mountain")) == {"qarachugh-mountain"}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("clashes near Qara Chogh overnight", "qarachugh-mountain"),
        ("protests in Sulaymaniyah on Friday", "sulaimani-city"),
        ("a raid in Salah al-Din province", "salahuddin"),
    ],
)
def test_alternative_spellings_map_to_the_gazetteer_place(matcher, text, slug):
    assert slugs(matcher.find(text)) == {slug}


def test_a_person_named_soleimani_is_not_the_place_sulaimani(matcher):
    assert matcher.find("an operation orchestrated by Qasim Soleimani") == []
    assert not {"sulaimani", "sulaimani-city"} & slugs(matcher.find(seed_text()))


def test_the_adjective_iraqi_does_not_match_iraq(matcher):
    assert matcher.find("Iraqi forces destroyed a tunnel") == []
    assert slugs(matcher.find("elsewhere in Iraq.")) == {"iraq"}


def test_a_name_shared_by_city_and_governorate_resolves_to_the_city(matcher):
    assert matcher.lookup("Erbil").slug == "erbil-city"
    assert matcher.lookup("ERBIL").slug == "erbil-city"
    assert slugs(matcher.find("60 kilometers southwest of Erbil.")) == {"erbil-city"}


def test_matcher_reports_each_place_once(matcher):
    assert [r.slug for r in matcher.find("Makhmour, Makhmur and MAKHMOUR")] == ["makhmour"]


def test_matcher_with_no_places_finds_nothing():
    assert PlaceMatcher([]).find("Erbil") == []


# --- importing the seeds folder -------------------------------------------------------------


@pytest.fixture
def seed_article(db):
    summary = import_paths([SEED_TXT])
    assert summary.count("imported") == 1
    return Article.objects.get(slug=SEED_SLUG)


@pytest.mark.django_db
def test_importing_the_seeds_folder_imports_the_story_and_its_translations():
    summary = import_paths([SEEDS])
    assert str(summary) == f"{SEED_DOCUMENTS} imported, 0 updated, 0 unchanged, 0 failed"
    assert Article.objects.count() == SEED_DOCUMENTS == 4
    original = Article.objects.get(import_key=SEED_TXT.stem)
    assert original.language == "en" and original.translation_of is None
    assert sorted(original.translations.values_list("language", flat=True)) == [
        "ar",
        "ckb",
        "kmr",
    ]
    # Each translation filed from Erbil, found by its name in that language.
    assert set(Article.objects.values_list("dateline__slug", flat=True)) == {"erbil-city"}


def test_seed_article_has_the_headline_slug(seed_article):
    assert seed_article.headline == SEED_HEADLINE
    assert seed_article.import_key == SEED_TXT.stem


def test_seed_article_with_published_at_is_published(seed_article):
    assert seed_article.status == Article.Status.PUBLISHED
    assert seed_article in Article.objects.published()


def test_seed_article_is_published_on_9_march_2020_in_baghdad(seed_article):
    local = seed_article.published_at.astimezone(ZoneInfo("Asia/Baghdad"))
    assert local.date() == datetime.date(2020, 3, 9)
    assert local.hour == 13


def test_seed_article_updated_at_is_its_publication_time(seed_article):
    seed_article.refresh_from_db()
    assert seed_article.updated_at == seed_article.published_at


def test_seed_article_dateline_is_erbil_city(seed_article):
    assert seed_article.dateline.slug == "erbil-city"


def test_seed_article_source_is_kurdistan_24(seed_article):
    assert seed_article.source == "Kurdistan 24"


def test_seed_article_first_byline_is_the_agency(seed_article):
    first = seed_article.ordered_bylines[0]
    assert first.name == "Kurdistan 24"
    assert first.kind == Byline.Kind.AGENCY


def test_seed_article_editor_is_laurie_mylroie(seed_article):
    assert [e.name for e in seed_article.editors.all()] == ["Laurie Mylroie"]


def test_seed_article_regions_are_the_places_it_names(seed_article):
    found = set(seed_article.regions.values_list("slug", flat=True))
    assert {"nineveh", "makhmour", "salahuddin", "qarachugh-mountain"} <= found
    assert "duhok" not in found


def test_seed_article_tags_come_from_the_sidecar(seed_article):
    expected = set(json.loads(SEED_JSON.read_text(encoding="utf-8"))["tags"])
    assert expected
    assert set(seed_article.tags.values_list("name", flat=True)) == expected


def test_seed_article_body_keeps_paragraphs_and_renders_html(seed_article):
    assert seed_article.summary == SEED_LEAD
    assert seed_article.body.startswith("“The anti-terrorism forces")
    assert "Editing by" not in seed_article.body
    assert "<p>" in seed_article.body_html


def test_seed_article_url_uses_its_baghdad_date(seed_article):
    assert seed_article.get_absolute_url() == f"/articles/2020/03/09/{SEED_SLUG}/"


def test_seed_article_is_in_iraq_and_not_in_duhok(seed_article):
    assert seed_article in Article.objects.in_region(region("iraq"))
    assert seed_article in Article.objects.in_region(region("nineveh"))
    assert seed_article not in Article.objects.in_region(region("duhok"))


# --- importing again -----------------------------------------------------------------------


def test_importing_the_same_seeds_again_leaves_them_unchanged(seed_article):
    updated_at = Article.objects.get(pk=seed_article.pk).updated_at
    import_paths([SEEDS])  # the translations beside the story
    summary = import_paths([SEEDS])
    assert str(summary) == f"0 imported, 0 updated, {SEED_DOCUMENTS} unchanged, 0 failed"
    assert Article.objects.count() == SEED_DOCUMENTS
    assert Article.objects.get(pk=seed_article.pk).updated_at == updated_at


@pytest.mark.django_db
def test_a_changed_file_updates_the_same_article(tmp_path):
    path = copy_seed(tmp_path)
    first, _ = run_import(path)
    assert first.count("imported") == 1
    original = Article.objects.get()

    path.write_text(
        seed_text().replace("No information was provided", "Little information was given"),
        encoding="utf-8",
    )
    second, results = run_import(path)

    assert str(second) == "0 imported, 1 updated, 0 unchanged, 0 failed"
    assert results[path.name].outcome == "updated"
    article = Article.objects.get()
    assert article.pk == original.pk
    assert article.slug == original.slug
    assert "Little information was given" in article.body
    assert "No information was provided" not in article.body
    assert "Little information was given" in article.body_html


@pytest.mark.django_db
def test_a_changed_sidecar_alone_counts_as_a_change(tmp_path):
    path = copy_seed(tmp_path)
    run_import(path)
    metadata = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    metadata["tags"].append("Peshmerga")
    path.with_suffix(".json").write_text(json.dumps(metadata), encoding="utf-8")

    summary, _ = run_import(path)

    assert summary.count("updated") == 1
    assert "Peshmerga" in Article.objects.get().tags.values_list("name", flat=True)


# --- bad files among good ones --------------------------------------------------------------


@pytest.mark.django_db
def test_each_bad_file_fails_with_its_reason_and_the_good_one_imports(tmp_path):
    good = copy_seed(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\xff\x13\x9c\x00\x8e\xd4\x01\xfe")
    latin1 = wire(headline="Café in Erbil", dateline="ERBIL (Kurdistan 24) - ")
    (tmp_path / "latin1.txt").write_bytes(latin1.encode("latin-1"))
    write_doc(tmp_path, "bad_json", wire(headline="A story with broken metadata"))
    (tmp_path / "bad_json.json").write_text('{"tags": ["ISIS"', encoding="utf-8")

    summary, results = run_import(tmp_path)

    assert str(summary) == "1 imported, 0 updated, 0 unchanged, 4 failed"
    assert results[good.name].outcome == "imported"
    reasons = {f.path.name: f.reason for f in summary.failures}
    assert set(reasons) == {
        "empty.txt",
        "binary.txt",
        "latin1.txt",
        "bad_json.txt",
    }
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "bad_json.json is not valid JSON" in reasons["bad_json.txt"]
    assert all(f.article is None for f in summary.failures)

    assert Article.objects.count() == 1
    assert Article.objects.get().import_key == good.stem
    expected_tags = set(json.loads(SEED_JSON.read_text(encoding="utf-8"))["tags"])
    assert set(Tag.objects.values_list("name", flat=True)) == expected_tags
    assert list(Byline.objects.values_list("name", flat=True)) == ["Kurdistan 24"]
    assert list(Editor.objects.values_list("name", flat=True)) == ["Laurie Mylroie"]


@pytest.mark.django_db
def test_a_sidecar_that_is_not_a_json_object_fails(tmp_path):
    path = write_doc(tmp_path, "listy", wire(), metadata=["not", "an", "object"])
    summary, _ = run_import(path)
    assert summary.failures[0].reason == "metadata listy.json must be a JSON object"
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_fails_as_unreadable(tmp_path):
    summary, _ = run_import(tmp_path / "missing.txt")
    assert summary.count("failed") == 1
    assert summary.failures[0].reason.startswith("cannot read")


# --- status and publication time ------------------------------------------------------------


@pytest.mark.django_db
def test_a_document_without_metadata_imports_as_a_draft(tmp_path):
    path = write_doc(tmp_path, "nosidecar", wire())
    summary, _ = run_import(path)
    assert summary.count("imported") == 1
    article = Article.objects.get(import_key="nosidecar")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert article not in Article.objects.published()
    assert article.get_absolute_url() is None


@pytest.mark.django_db
def test_a_future_published_at_imports_as_scheduled(tmp_path):
    due = timezone.now() + datetime.timedelta(days=30)
    path = write_doc(tmp_path, "later", wire(), metadata={"published_at": due.isoformat()})
    summary, _ = run_import(path)
    assert summary.count("imported") == 1
    article = Article.objects.get(import_key="later")
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == due
    assert not article.is_public
    assert article not in Article.objects.published()


@pytest.mark.django_db
def test_a_published_at_without_offset_is_baghdad_time(tmp_path):
    path = write_doc(tmp_path, "naive", wire(), metadata={"published_at": "2020-03-09T01:30:00"})
    run_import(path)
    published_at = Article.objects.get().published_at
    assert published_at == datetime.datetime(2020, 3, 8, 22, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_date_only_published_at_keeps_its_baghdad_date(tmp_path):
    path = write_doc(tmp_path, "dated", wire(), metadata={"published_at": "2020-03-09"})
    run_import(path)
    article = Article.objects.get()
    local = article.published_at.astimezone(ZoneInfo("Asia/Baghdad"))
    assert local.date() == datetime.date(2020, 3, 9)
    assert article.get_absolute_url().startswith("/articles/2020/03/09/")


@pytest.mark.django_db
def test_a_metadata_status_is_kept(tmp_path):
    metadata = {"published_at": "2020-03-09T13:00:00+03:00", "status": "review"}
    path = write_doc(tmp_path, "inreview", wire(), metadata=metadata)
    run_import(path)
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    assert article not in Article.objects.published()


@pytest.mark.django_db
def test_an_invalid_metadata_status_fails_with_a_reason(tmp_path):
    metadata = {"published_at": "2020-03-09T13:00:00+03:00", "status": "live"}
    path = write_doc(tmp_path, "badstatus", wire(), metadata=metadata)
    summary, _ = run_import(path)
    assert summary.count("failed") == 1
    assert "status 'live' is not one of" in summary.failures[0].reason
    assert not Article.objects.exists()


@pytest.mark.parametrize("value", ["9 March 2020", "yesterday", 20200309])
@pytest.mark.django_db
def test_a_non_iso_published_at_fails_with_a_reason(tmp_path, value):
    path = write_doc(tmp_path, "baddate", wire(), metadata={"published_at": value})
    summary, _ = run_import(path)
    assert summary.count("failed") == 1
    assert "is not an ISO 8601 date or time" in summary.failures[0].reason
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_published_status_without_published_at_fails(tmp_path):
    path = write_doc(tmp_path, "undated", wire(), metadata={"status": "published"})
    summary, _ = run_import(path)
    assert summary.failures[0].reason == "status 'published' needs a published_at"
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_tags_that_are_not_a_list_of_names_fail(tmp_path):
    path = write_doc(tmp_path, "badtags", wire(), metadata={"tags": "ISIS"})
    summary, _ = run_import(path)
    assert summary.failures[0].reason == "metadata 'tags' must be a list of names"
    assert not Tag.objects.exists()


@pytest.mark.django_db
def test_sidecar_bylines_come_before_the_agency(tmp_path):
    metadata = {"published_at": "2020-03-09", "bylines": ["Sangar Ali"]}
    path = write_doc(tmp_path, "credited", wire(), metadata=metadata)
    run_import(path)
    bylines = Article.objects.get().ordered_bylines
    assert [(b.name, b.kind) for b in bylines] == [
        ("Sangar Ali", Byline.Kind.PERSON),
        ("Kurdistan 24", Byline.Kind.AGENCY),
    ]


@pytest.mark.django_db
def test_an_import_keeps_one_version_of_the_finished_article(tmp_path):
    metadata = {"published_at": "2020-03-09", "tags": ["Security"], "bylines": ["Sangar Ali"]}
    write_doc(tmp_path, "kept", wire(headline="Checkpoint opens in Zakho"), metadata=metadata)
    run_import(tmp_path)
    article = Article.objects.get()
    (version,) = Version.objects.get_for_object(article)
    assert version.revision.comment == "Imported from wire copy, key kept"
    fields = version.field_dict
    assert fields["regions"] == [region("zakho").pk]
    assert fields["tags"] == [Tag.objects.get(name="Security").pk]
    assert fields["editors"] == [Editor.objects.get(name="Laurie Mylroie").pk]
    followed = version.revision.version_set.filter(
        content_type__model=ArticleByline._meta.model_name
    )
    assert followed.count() == 2


@pytest.mark.django_db
def test_a_tag_rolled_back_with_a_failed_document_is_created_again(tmp_path):
    too_long = "x" * 101
    write_doc(tmp_path, "a-fails", wire(), metadata={"tags": ["Oil", too_long]})
    write_doc(tmp_path, "b-imports", wire(headline="Oil talks"), metadata={"tags": ["Oil"]})
    summary, results = run_import(tmp_path)
    assert results["a-fails.txt"].outcome == "failed"
    assert results["b-imports.txt"].outcome == "imported"
    assert [t.name for t in Article.objects.get().tags.all()] == ["Oil"]


@pytest.mark.django_db
def test_a_dateline_missing_from_the_gazetteer_imports_with_a_warning(tmp_path):
    path = write_doc(tmp_path, "london", wire(dateline="LONDON (Reuters) – "))
    summary, results = run_import(path)
    assert summary.count("imported") == 1
    assert results["london.txt"].warnings == ["dateline 'LONDON' is not in the gazetteer"]
    assert Article.objects.get().dateline is None


# --- slugs ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_documents_with_the_same_headline_get_different_slugs(tmp_path):
    write_doc(tmp_path, "first", wire(headline="Same headline", body=("One story.",)))
    write_doc(tmp_path, "second", wire(headline="Same headline", body=("Another story.",)))
    summary, _ = run_import(tmp_path)
    assert summary.count("imported") == 2
    assert set(Article.objects.values_list("slug", flat=True)) == {
        "same-headline",
        "same-headline-2",
    }


@pytest.mark.django_db
def test_a_sidecar_slug_is_used(tmp_path):
    metadata = {"published_at": "2020-03-09", "slug": "checkpoint-opens"}
    write_doc(tmp_path, "withslug", wire(), metadata=metadata)
    run_import(tmp_path)
    assert Article.objects.get().slug == "checkpoint-opens"


# --- the management command -----------------------------------------------------------------


def per_file(err):
    """The command's stderr without its closing count of failures by reason (tested on
    its own): the lines it printed for each file."""
    return err.partition("Failures by reason:\n")[0]


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", *args, stdout=out, stderr=err)
    return out.getvalue(), per_file(err.getvalue())


def run_handle(*paths, verbosity=1):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", *paths, verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), per_file(err.getvalue())


def run_incomplete(*args, verbosity=1, whole=False):
    """Run the command where some file fails: its output, and the error it ends with (the
    exit status 1 of `manage.py import_seeds`)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Import incomplete: ") as incomplete:
        call_command("import_seeds", *args, verbosity=verbosity, stdout=out, stderr=err)
    assert incomplete.value.returncode == 1
    return out.getvalue(), err.getvalue() if whole else per_file(err.getvalue())


@pytest.mark.django_db
def test_command_without_arguments_imports_the_seeds_folder():
    out, err = run_command()
    assert out.splitlines()[0] == (
        f"Import finished: {SEED_DOCUMENTS} imported, 0 updated, 0 unchanged, 0 failed."
    )
    assert err == ""
    assert Article.objects.get(import_key=SEED_TXT.stem).slug == SEED_SLUG


@pytest.mark.django_db
def test_command_run_twice_reports_unchanged():
    run_command()
    out, _ = run_command()
    assert out.strip() == (
        f"Import finished: 0 imported, 0 updated, {SEED_DOCUMENTS} unchanged, 0 failed."
    )


@pytest.mark.django_db
def test_command_handle_reports_the_summary_for_given_paths(tmp_path):
    copy_seed(tmp_path, stem="copied_story")
    out, err = run_handle(str(tmp_path))
    assert out.strip() == FINISHED_ONE_IMPORTED
    assert err == ""
    assert Article.objects.get().import_key == "copied_story"


@pytest.mark.django_db
def test_command_handle_writes_failures_to_stderr_with_the_file_name(tmp_path):
    copy_seed(tmp_path)
    (tmp_path / "broken.txt").write_bytes(b"")
    out, err = run_incomplete(str(tmp_path))
    assert out.strip() == "Import finished: 1 imported, 0 updated, 0 unchanged, 1 failed."
    assert err.strip() == f"{tmp_path / 'broken.txt'}: failed: empty document"


@pytest.mark.django_db
def test_command_handle_writes_warnings_to_stderr(tmp_path):
    write_doc(tmp_path, "london", wire(dateline="LONDON (Reuters) – "))
    out, err = run_handle(str(tmp_path))
    assert "Import finished: 1 imported" in out
    assert "london.txt: warning: dateline 'LONDON' is not in the gazetteer" in err


@pytest.mark.django_db
def test_command_handle_lists_every_file_when_verbose(tmp_path):
    good = copy_seed(tmp_path)
    out, _ = run_handle(str(tmp_path), verbosity=2)
    assert f"{good}: imported" in out


@pytest.mark.django_db
def test_command_imports_the_folder_it_is_given(tmp_path):
    copy_seed(tmp_path, stem="copied_story")
    out, err = run_command(str(tmp_path))
    assert out.strip() == FINISHED_ONE_IMPORTED
    assert err == ""
    assert Article.objects.get().import_key == "copied_story"


@pytest.mark.django_db
def test_command_writes_failures_to_stderr_with_the_file_name(tmp_path):
    copy_seed(tmp_path)
    (tmp_path / "broken.txt").write_bytes(b"")
    out, err = run_incomplete(str(tmp_path))
    assert out.strip() == "Import finished: 1 imported, 0 updated, 0 unchanged, 1 failed."
    assert f"{tmp_path / 'broken.txt'}: failed: empty document" in err


# --- bad metadata and awkward folders: each file fails alone, or imports correctly -------


@pytest.mark.django_db
def test_an_impossible_published_at_fails_that_file_and_the_run_continues(tmp_path):
    write_doc(tmp_path, "a_bad", wire(), metadata={"published_at": "2020-02-30T12:00:00"})
    write_doc(tmp_path, "b_good", wire(headline="Another story"))
    summary, _ = run_import(tmp_path)
    assert summary.count("failed") == 1
    assert "published_at" in summary.failures[0].reason
    assert summary.count("imported") == 1


@pytest.mark.parametrize("slug", ["Not a slug!", 5])
@pytest.mark.django_db
def test_a_sidecar_slug_that_is_not_a_slug_is_rejected_or_slugified(tmp_path, slug):
    metadata = {"published_at": "2020-03-09", "slug": slug}
    write_doc(tmp_path, "badslug", wire(), metadata=metadata)
    summary, _ = run_import(tmp_path)
    for article in Article.objects.all():
        assert re.fullmatch(r"[-a-zA-Z0-9_]+", article.slug)
        assert article.get_absolute_url()
    assert summary.count("imported") + summary.count("failed") == 1


@pytest.mark.django_db
def test_documents_with_the_same_name_in_different_folders_are_two_articles(tmp_path):
    for folder, headline in (("2020", "First story"), ("2021", "Second story")):
        (tmp_path / folder).mkdir()
        write_doc(tmp_path / folder, "story", wire(headline=headline))
    summary, _ = run_import(tmp_path)
    assert summary.count("imported") == 2
    assert set(Article.objects.values_list("headline", flat=True)) == {
        "First story",
        "Second story",
    }


@pytest.mark.django_db
def test_over_long_tag_or_editor_names_never_abort_the_run_or_overflow_a_column(tmp_path):
    write_doc(tmp_path, "a_longtag", wire(), metadata={"tags": ["x" * 150]})
    write_doc(tmp_path, "b_longeditor", wire(headline="B", editing="Editing by " + "Y" * 250))
    write_doc(tmp_path, "c_good", wire(headline="C"))
    summary, _ = run_import(tmp_path)
    assert summary.count("imported") + summary.count("failed") == 3
    assert Article.objects.filter(import_key="c_good").exists()
    for model in (Tag, Editor):
        limits = {f: model._meta.get_field(f).max_length for f in ("name", "slug")}
        for obj in model.objects.all():
            assert all(len(getattr(obj, f)) <= n for f, n in limits.items())


@pytest.mark.django_db
def test_a_date_only_published_at_is_noon_that_day(tmp_path):
    path = write_doc(tmp_path, "dated", wire(), metadata={"published_at": "2020-03-09"})
    run_import(path)
    local = Article.objects.get().published_at.astimezone(ZoneInfo("Asia/Baghdad"))
    assert (local.date(), local.hour) == (datetime.date(2020, 3, 9), 12)


# --- importing side by side ---------------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's own: SQLite takes one writer at a time (CI runs it on PostgreSQL)",
)


def write_numbered_docs(folder, count):
    for n in range(count):
        sub = folder / f"batch{n % 2}"
        sub.mkdir(exist_ok=True)
        write_doc(
            sub,
            f"story{n}",
            wire(headline=f"Checkpoint number {n} opens"),
            metadata={"published_at": "2020-03-09"},
        )


def test_shards_share_the_files_with_the_keys_one_import_gives(tmp_path):
    write_numbered_docs(tmp_path, 7)
    whole = list(iter_wire_files([tmp_path]))
    shares = [list(iter_wire_files([tmp_path], shard=(k, 3))) for k in range(3)]
    assert sorted(item for share in shares for item in share) == sorted(whole)
    assert sum(len(share) for share in shares) == len(whole) == 7
    assert "batch0/story0" in [key for _, key in whole]


@pytest.mark.django_db
def test_a_clash_twice_fails_that_file_alone(tmp_path, monkeypatch):
    write_doc(tmp_path, "clash", wire(), metadata={"published_at": "2020-03-09"})

    def always_clash(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint (slug)")

    monkeypatch.setattr(store, "write_article", always_clash)
    summary, results = run_import(tmp_path)
    assert summary.count("failed") == 1
    assert "the database refused it" in results["clash.txt"].reason


@pytest.mark.django_db
def test_command_refuses_workers_on_sqlite_or_below_one(tmp_path):
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="needs PostgreSQL"):
            run_command(str(tmp_path), "--workers", "2")
    with pytest.raises(CommandError, match="at least 1"):
        run_command(str(tmp_path), "--workers", "0")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_command_with_two_workers_imports_every_file_once(tmp_path):
    write_numbered_docs(tmp_path, 9)
    out, err = run_command(str(tmp_path), "--workers", "2")
    assert out.splitlines()[0] == "Import finished: 9 imported, 0 updated, 0 unchanged, 0 failed."
    assert err == ""
    assert Article.objects.count() == 9
    assert sorted(Article.objects.values_list("import_key", flat=True)) == sorted(
        f"batch{n % 2}/story{n}" for n in range(9)
    )
    again, _ = run_command(str(tmp_path), "--workers", "2")
    assert again.strip() == "Import finished: 0 imported, 0 updated, 9 unchanged, 0 failed."


def deadlock():
    """As Django raises PostgreSQL's deadlock: its OperationalError, caused by the driver's."""
    from django.db import OperationalError

    class DriverError(Exception):
        sqlstate = "40P01"

    error = OperationalError("deadlock detected")
    error.__cause__ = DriverError("deadlock detected")
    return error


def unique_violation():
    return IntegrityError("duplicate key value violates unique constraint (slug)")


@pytest.mark.django_db
@pytest.mark.parametrize("clash", [unique_violation, deadlock])
def test_a_clash_with_an_import_beside_this_one_is_tried_again(tmp_path, monkeypatch, clash):
    write_doc(tmp_path, "clash", wire(), metadata={"published_at": "2020-03-09"})
    real_write, calls = store.write_article, []

    def clash_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise clash()
        return real_write(**kwargs)

    monkeypatch.setattr(store, "write_article", clash_once)
    summary, _ = run_import(tmp_path)
    assert summary.count("imported") == 1
    assert len(calls) == 2


@pytest.mark.django_db
def test_other_database_errors_are_not_tried_again(tmp_path, monkeypatch):
    from django.db import DataError

    write_doc(tmp_path, "bad", wire(), metadata={"published_at": "2020-03-09"})
    calls = []

    def refuse(**kwargs):
        calls.append(1)
        raise DataError("value too long")

    monkeypatch.setattr(store, "write_article", refuse)
    summary, _ = run_import(tmp_path)
    assert summary.count("failed") == 1
    assert len(calls) == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_stops_makes_the_import_incomplete_not_finished(tmp_path, monkeypatch):
    write_numbered_docs(tmp_path, 6)
    real_import_paths = run.import_paths

    def second_share_breaks(paths, on_result=None, shard=None, source="", **options):
        if shard == (1, 2):
            raise RuntimeError("the connection was lost")
        return real_import_paths(paths, on_result, shard, **options)

    monkeypatch.setattr(run, "import_paths", second_share_breaks)
    with pytest.raises(CommandError, match="Import incomplete: process 2 of 2 stopped") as info:
        run_command(str(tmp_path), "--workers", "2")
    assert "3 imported" in str(info.value)
    assert Article.objects.count() == 3


# --- publication dates outside the years an article can have --------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "published_at",
    [
        "0001-01-01T00:00:00+03:00",  # year 0 in UTC
        "0001-06-01",
        "1899-12-31T23:59:00+03:00",
        "3000-01-01T00:00:00+03:00",
        "9999-12-31",
        "9999-12-31T23:59:59Z",  # past year 9999 in Baghdad
    ],
)
def test_a_sidecar_published_at_outside_1900_to_2999_fails_with_its_reason(tmp_path, published_at):
    good = write_doc(tmp_path, "good", wire(), metadata={"published_at": "2020-03-09"})
    write_doc(
        tmp_path,
        "far_off",
        wire(headline="مقتل جنديين أمريكيين في عملية أمنية شمال العراق"),
        metadata={"published_at": published_at, "tags": ["ISIS"], "bylines": ["Jane Reporter"]},
    )
    out, err = run_incomplete(str(tmp_path))
    assert "Import finished: 1 imported, 0 updated, 0 unchanged, 1 failed." in out
    assert f"far_off.txt: failed: published_at {published_at!r}: The publication date " in err
    assert "is outside the years 1900 to 2999" in err
    assert list(Article.objects.values_list("import_key", flat=True)) == [good.stem]


# --- one odd file, by its name, sidecar or body, fails alone and shows escaped ------------

# A name with a line break could print a line of its own that looks like the summary.
FORGED = "\nImport finished: 999 imported, 0 updated, 0 unchanged, 0 failed."


def write_named(folder, name, data=None, sidecar=None):
    """Write `data` (default: a valid story) to `name` (str, or bytes for a name that is
    not UTF-8) in `folder`, with a sidecar's raw bytes when given; returns the path."""
    raw = os.fsencode(name)
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), raw + b".txt")))
    path.write_bytes(data if data is not None else wire(headline=f"Story {raw!r}").encode())
    if sidecar is not None:
        path.with_suffix(".json").write_bytes(sidecar)
    return path


def assert_report_lines_are_ours(out, err, folder):
    """Every line printed is the summary, a failure's reason counted, a progress line, or
    starts with an escaped name under `folder`."""
    for line in (out + err).splitlines():
        ours = re.match(r" +\d+  |Failures by reason:$|[\d,]+ of [\d,]+ files \(", line)
        places = "Places not in the gazetteer (stories naming each): "
        assert ours or line.startswith((str(folder), "Import finished: ", places)), line
        assert "\x1b" not in line and "\u202e" not in line and "\r" not in line
    # One summary, closing the run's own lines (the places it could not match follow it).
    finished = [line for line in out.splitlines() if line.startswith("Import finished")]
    assert len(finished) == 1
    assert not out.strip().splitlines()[-1].startswith(str(folder))


BAD_NAMES = {
    "not-utf8": (b"caf\xe9-\xff", "caf\\xe9-\\xff.txt", "is not UTF-8 text"),
    "newline-forging-a-summary": ("story" + FORGED, "story\\nImport finished: 999", "\\n"),
    "terminal-escape": ("\x1b[2K\x1b[1Gstory", "\\x1b[2K\\x1b[1Gstory.txt", "\\x1b"),
    "carriage-return": ("story\rdone", "story\\rdone.txt", "\\r"),
    "rtl-override": ("invoice\u202etxt.exe", "invoice\\u202etxt.exe.txt", "\\u202e"),
    "isolate-in-arabic": ("هەولێر\u2067تقرير", "هەولێر\\u2067تقرير.txt", "\\u2067"),
    "line-separator": ("one\u2028two", "one\\u2028two.txt", "\\u2028"),
    "too-long": ("x" * 240, "x" * 240 + ".txt", "240 characters; a key is at most 200"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name, shown, reason", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_a_bad_file_name_fails_that_file_alone_shown_escaped(tmp_path, name, shown, reason):
    good = write_named(tmp_path, "هەواڵی\u200cکوردستان")  # Sorani, with a zero-width non-joiner
    write_named(tmp_path, name)

    out, err = run_incomplete(str(tmp_path), verbosity=2)

    assert "Import finished: 1 imported, 0 updated, 0 unchanged, 1 failed." in out
    assert f"{good}: imported" in out  # names in every script are shown as they are
    [failure] = err.splitlines()
    assert failure.startswith(f"{tmp_path}/{shown}")
    assert ": failed: the file's name (its key, " in failure
    assert reason in failure
    assert_report_lines_are_ours(out, err, tmp_path)
    assert list(Article.objects.values_list("import_key", flat=True)) == [good.stem]


@pytest.mark.django_db
def test_a_file_name_that_is_not_utf8_imports_under_its_sidecar_key(tmp_path):
    write_named(tmp_path, b"wire-\xff", sidecar=b'{"key": "wire-ff", "published_at": "2020-03-09"}')
    summary, _ = run_import(tmp_path)
    assert str(summary) == "1 imported, 0 updated, 0 unchanged, 0 failed"
    assert Article.objects.get().import_key == "wire-ff"


@pytest.mark.django_db
def test_a_file_name_too_long_for_a_key_is_not_cut_into_another_files_key(tmp_path):
    # Cut to 200 characters, two names sharing them would be one story, the second
    # overwriting the first.
    folder = tmp_path / ("d" * 150)
    folder.mkdir()
    write_named(folder, "e" * 50 + "-first")
    write_named(folder, "e" * 50 + "-second")
    summary, _ = run_import(tmp_path)
    assert str(summary) == "0 imported, 0 updated, 0 unchanged, 2 failed"
    assert not Article.objects.exists()


BAD_SIDECARS = {
    "nested-100000-deep": (b"[" * 100_000 + b"]" * 100_000, "larger than 64 KiB"),
    "nested-30000-deep": (b"[" * 30_000 + b"]" * 30_000, "nests too deep"),
    "object-nested-deep": (b'{"a":' * 6_000 + b"1" + b"}" * 6_000, "nests too deep"),
    "integer-of-5000-digits": (b'{"published_at": ' + b"9" * 5000 + b"}", "not valid JSON"),
    "huge-float": (b'{"published_at": 1e999}', "published_at inf"),
    "nan": (b'{"published_at": NaN}', "published_at nan"),
    "key-of-wrong-type": (b'{"key": {"a": 1}}', "metadata 'key' must be a string"),
    "key-with-newline": (b'{"key": "a\\nImport finished: 9 imported"}', "holds the character"),
    "key-with-nul": (b'{"key": "a\\u0000b"}', "holds the character \\x00"),
    "tags-not-a-list": (b'{"tags": "ISIS"}', "must be a list of names"),
    "bylines-of-numbers": (b'{"bylines": [1, 2]}', "must be a list of names"),
    "published-at-a-list": (b'{"published_at": ["2020-03-09"]}', "is not an ISO 8601"),
    "duplicate-names": (
        b'{"published_at": "2020-03-09", "published_at": "2031-01-01"}',
        "names 'published_at' more than once",
    ),
    "invalid-utf8": (b'{"tags": ["\xff\xfe"]}', "not valid JSON"),
    "lone-surrogate": (b'{"tags": ["\\udcff"]}', "lone surrogate"),
    "larger-than-64-kib": (b'{"tags": ["' + b"x" * 70_000 + b'"]}', "larger than 64 KiB"),
    "not-an-object": (b'"published_at"', "must be a JSON object"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("sidecar, reason", BAD_SIDECARS.values(), ids=BAD_SIDECARS.keys())
def test_a_bad_sidecar_fails_that_file_alone_with_its_reason(tmp_path, sidecar, reason):
    good = write_named(tmp_path, "a_good", sidecar=b'{"published_at": "2020-03-09"}')
    write_named(tmp_path, "b_odd", sidecar=sidecar)
    write_named(tmp_path, "c_good")

    out, err = run_incomplete(str(tmp_path))

    assert "Import finished: 2 imported, 0 updated, 0 unchanged, 1 failed." in out
    [failure] = err.splitlines()
    assert failure.startswith(f"{tmp_path / 'b_odd.txt'}: failed: ")
    assert reason in failure
    assert_report_lines_are_ours(out, err, tmp_path)
    assert set(Article.objects.values_list("import_key", flat=True)) == {good.stem, "c_good"}


@pytest.mark.django_db
def test_a_sidecar_with_a_byte_order_mark_is_read(tmp_path):
    sidecar = '\ufeff{"published_at": "2020-03-09", "tags": ["ئاسایش"]}'.encode()
    write_named(tmp_path, "bom", sidecar=sidecar)
    summary, _ = run_import(tmp_path)
    assert summary.count("imported") == 1
    assert list(Article.objects.get().tags.values_list("name", flat=True)) == ["ئاسایش"]


@pytest.mark.django_db
def test_a_sidecar_that_is_a_folder_or_a_link_to_nothing_fails_its_file(tmp_path):
    (write_named(tmp_path, "folder").with_suffix(".json")).mkdir()
    dangling = write_named(tmp_path, "dangling").with_suffix(".json")
    dangling.symlink_to(tmp_path / "nowhere.json")
    write_named(tmp_path, "good")
    summary, _ = run_import(tmp_path)
    reasons = {f.path.name: f.reason for f in summary.failures}
    assert reasons == {
        "folder.txt": "metadata folder.json cannot be read: a folder, not a file",
        "dangling.txt": "metadata dangling.json is a link to nothing",
    }
    assert summary.count("imported") == 1


def make_odd_bodies(folder):
    """Files that are not wire stories, each for its own reason; their expected reasons."""
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "nuls.txt").write_bytes(wire().encode().replace(b" ", b"\x00"))
    (folder / "huge.txt").write_bytes(b"x" * (files.MAX_FILE_BYTES + 1))
    (folder / "loop.txt").symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(folder / "loop.txt")
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    (folder / "device.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.txt")
    (folder / "folder.txt").mkdir()
    write_named(folder / "folder.txt", "inside")  # a folder named *.txt is still walked
    return {
        "binary.txt": "binary file",
        "nuls.txt": "binary file",
        "huge.txt": "larger than 2048 KiB",
        "loop.txt": "cannot read: Too many levels of symbolic links",
        "loop2.txt": "cannot read: Too many levels of symbolic links",
        "dangling.txt": "cannot read: No such file or directory",
        "device.txt": "not a regular file",
        "pipe.txt": "not a regular file",
        "folder.txt": "a folder, not a file",
    }


@pytest.mark.django_db
def test_odd_bodies_links_pipes_and_folders_named_txt_each_fail_alone(tmp_path):
    expected = make_odd_bodies(tmp_path)
    write_named(tmp_path, "good")

    out, err = run_incomplete(str(tmp_path))

    assert f"Import finished: 2 imported, 0 updated, 0 unchanged, {len(expected)} failed." in out
    reasons = dict(line.split(": failed: ", 1) for line in err.splitlines())
    assert set(reasons) == {str(tmp_path / name) for name in expected}
    for name, reason in expected.items():
        assert reason in reasons[str(tmp_path / name)], name
    assert set(Article.objects.values_list("import_key", flat=True)) == {
        "good",
        "folder.txt/inside",
    }


@pytest.mark.django_db
def test_a_file_gone_or_unreadable_after_listing_fails_alone(tmp_path, monkeypatch):
    for name in ("a_gone", "b_unreadable", "c_good"):
        write_named(tmp_path, name)
    listing = list(iter_wire_files([tmp_path]))
    (tmp_path / "a_gone.txt").unlink()
    real_open = os.open

    def unreadable(path, *args, **kwargs):  # as chmod 000 is to anyone but root
        if os.fspath(path).endswith("b_unreadable.txt"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", unreadable)
    summary = import_paths(listing)
    monkeypatch.undo()

    assert {f.path.name: f.reason for f in summary.failures} == {
        "a_gone.txt": "cannot read: No such file or directory",
        "b_unreadable.txt": "cannot read: Permission denied",
    }
    assert summary.count("imported") == 1


@pytest.mark.django_db
def test_whatever_one_file_meets_fails_that_file_and_the_run_goes_on(tmp_path, monkeypatch):
    write_named(tmp_path, "a_good")
    write_named(tmp_path, "b_cursed", data=wire(headline="Cursed\nline").encode())
    write_named(tmp_path, "c_good")
    real_parse = run.parse_wire_copy

    def parse(text):
        if "Cursed" in text:
            raise RecursionError("maximum recursion depth exceeded\nImport finished: forged")
        return real_parse(text)

    monkeypatch.setattr(run, "parse_wire_copy", parse)
    out, err = run_incomplete(str(tmp_path))
    assert "Import finished: 2 imported, 0 updated, 0 unchanged, 1 failed." in out
    assert err.strip() == (
        f"{tmp_path / 'b_cursed.txt'}: failed: could not be imported: RecursionError: "
        "maximum recursion depth exceeded\\nImport finished: forged"
    )


@pytest.mark.django_db
def test_a_rerun_imports_the_rest_and_ends_complete_once_the_bad_files_are_gone(tmp_path):
    write_named(tmp_path, b"bad-\xff")
    write_named(tmp_path, "good", sidecar=b"[" * 100_000)
    write_named(tmp_path, "also-good")
    run_incomplete(str(tmp_path))
    assert list(Article.objects.values_list("import_key", flat=True)) == ["also-good"]

    os.unlink(os.path.join(os.fsencode(tmp_path), b"bad-\xff.txt"))
    (tmp_path / "good.json").write_text('{"published_at": "2020-03-09"}', encoding="utf-8")
    out, err = run_command(str(tmp_path))
    assert out.strip() == "Import finished: 1 imported, 0 updated, 1 unchanged, 0 failed."
    assert err == ""


@pytest.mark.parametrize(
    "name, shown",
    [
        ("plain.txt", "plain.txt"),
        ("هەولێر/گوندی\u200cنوێ.txt", "هەولێر/گوندی\u200cنوێ.txt"),
        (os.fsdecode(b"caf\xe9.txt"), "caf\\xe9.txt"),
        (b"caf\xe9.txt", "caf\\xe9.txt"),
        (Path("a\nb.txt"), "a\\nb.txt"),
        ("back\\slash\\n.txt", "back\\\\slash\\\\n.txt"),
        ("\x1b]0;title\x07.txt", "\\x1b]0;title\\x07.txt"),
        ("\u202egnp.exe", "\\u202egnp.exe"),
        ("\u200f\u00a0\ud800", "\\u200f\\xa0\\ud800"),
        ("\U000e0041", "\\U000e0041"),
    ],
)
def test_printable_name_shows_every_name_on_one_line_as_it_is(name, shown):
    assert printable_name(name) == shown


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_with_workers_each_bad_file_fails_alone_and_no_share_is_lost(tmp_path, capfd):
    write_numbered_docs(tmp_path, 6)
    bad = {
        b"batch0/caf\xe9": "batch0/caf\\xe9.txt",
        ("batch1/story" + FORGED).encode(): "batch1/story\\nImport finished: 999",
        b"batch1/\x1b[2Kgone": "batch1/\\x1b[2Kgone.txt",
    }
    for raw in bad:
        write_named(tmp_path, raw)
    write_named(tmp_path / "batch0", "deep", sidecar=b"[" * 30_000 + b"]" * 30_000)
    write_named(tmp_path / "batch1", "binary", data=b"\x00\xff" * 100)

    with pytest.raises(CommandError, match="Import incomplete: 5 files failed") as incomplete:
        call_command("import_seeds", str(tmp_path), "--workers", "2")
    assert incomplete.value.returncode == 1
    out, err = capfd.readouterr()

    assert "Import finished: 6 imported, 0 updated, 0 unchanged, 5 failed." in out
    assert_report_lines_are_ours(out, err, tmp_path)
    failures = [line for line in err.splitlines() if ": failed: " in line]
    assert len(failures) == 5
    for shown in [*bad.values(), "batch0/deep.txt", "batch1/binary.txt"]:
        assert any(line.startswith(f"{tmp_path}/{shown}") for line in failures), shown
    assert Article.objects.count() == 6

    with pytest.raises(CommandError, match="Import incomplete: 5 files failed"):
        call_command("import_seeds", str(tmp_path), "--workers", "2")
    out, _ = capfd.readouterr()
    assert "Import finished: 0 imported, 0 updated, 6 unchanged, 5 failed." in out


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_workers_share_one_listing_so_a_file_gone_meanwhile_fails_alone(tmp_path, monkeypatch):
    write_numbered_docs(tmp_path, 6)
    real_import_paths = run.import_paths

    def first_share_sees_a_file_go(paths, on_result=None, shard=None, source="", **options):
        if shard == (0, 2):  # the listing the parent made still has it
            (tmp_path / "batch0" / "story0.txt").unlink()
        return real_import_paths(paths, on_result, shard, **options)

    monkeypatch.setattr(run, "import_paths", first_share_sees_a_file_go)
    summary = import_paths_side_by_side([tmp_path], 2)
    assert str(summary) == "5 imported, 0 updated, 0 unchanged, 1 failed"
    assert summary.failures[0].path == tmp_path / "batch0" / "story0.txt"
    assert summary.failures[0].reason == "cannot read: No such file or directory"


# --- Characters XML 1.0 forbids (issue 12, fault 1) --------------------------------------


def test_a_form_feed_is_accepted_and_removed():
    document = parse_wire_copy(
        wire(
            headline="Page\x0c break",
            summary="A summary\x0c of it.",
            lead="A summary\x0c of it.",
            body=("First page.\n\x0c\nSecond page.",),
        )
    )
    assert document.headline == "Page break"
    assert document.summary == "A summary of it."
    assert document.body == "First page.\n\nSecond page."
    assert "\x0c" not in repr(document)


def test_noncharacters_xml_forbids_are_removed_from_wire_copy():
    document = parse_wire_copy(wire(headline="Byte\ufffe order\uffff", body=("Body\ufffe.",)))
    assert document.headline == "Byte order"
    assert document.body_paragraphs[-1] == "Body."


@pytest.mark.django_db
def test_an_imported_article_and_its_names_hold_no_forbidden_character(tmp_path):
    metadata = {
        "published_at": "2020-03-09",
        "tags": ["Oil\x0b", "\x1fGas", "Oil"],
        "bylines": ["Sangar\x0c Ali\uffff"],
    }
    text = wire(headline="Oil\x0c talks", body=("Talks went on.\x0c",))
    write_doc(tmp_path, "odd", text, metadata=metadata)
    summary, results = run_import(tmp_path)
    assert results["odd.txt"].outcome == "imported", results["odd.txt"].reason
    article = Article.objects.get()
    assert article.headline == "Oil talks"
    assert "\x0c" not in article.body
    assert sorted(t.name for t in article.tags.all()) == ["Gas", "Oil"]
    assert Tag.objects.count() == 2  # "Oil\x0b" is "Oil", not a second tag
    assert [b.name for b in article.ordered_bylines] == ["Sangar Ali", "Kurdistan 24"]


def test_a_sidecar_name_of_forbidden_characters_only_is_no_name(tmp_path, db):
    path = write_doc(tmp_path, "blank", wire(), metadata={"tags": ["\x01\x02"]})
    summary, _ = run_import(path)
    assert summary.failures[0].reason == "metadata 'tags' must be a list of names"


# --- datelines and sources in every house style (issue 14) ------------------------------------

HOUSE_STYLES = [
    # (file, dateline paragraph start, sidecar, dateline slug, source)
    ("ap", "DUHOK, Iraq (AP) — ", None, "duhok-city", "AP"),
    ("xinhua", "KIRKUK, March 9 (Xinhua) -- ", None, "kirkuk-city", "Xinhua"),
    ("afp", "Basra (AFP) – ", None, "basra-city", "AFP"),
    ("un", "Baghdad, 3 August 2014 - ", {"source": "UNAMI"}, "baghdad-city", "UNAMI"),
    ("bare", "SULAIMANI — ", None, "sulaimani-city", "Wire Desk"),
    ("region", "ERBIL, Kurdistan Region - ", None, "erbil-city", "Wire Desk"),
    ("colon", "ZAKHO, Iraq: ", {"source": "Zakho Press"}, "zakho", "Zakho Press"),
    ("slash", "ARBIL / IraqiNews.com: ", None, "erbil-city", "IraqiNews.com"),
    ("nodash", "Najaf (IraqiNews.com) ", None, "najaf-city", "IraqiNews.com"),
    ("line", "MOSUL, Iraq\n", None, "mosul", "Wire Desk"),
]


@pytest.mark.django_db
def test_stories_in_ten_house_styles_import_with_their_place_and_source(tmp_path):
    for name, dateline, metadata, _, _ in HOUSE_STYLES:
        write_doc(tmp_path, name, wire(headline=f"Story {name}", dateline=dateline), metadata)
    results = {}
    summary = import_paths(
        [tmp_path], on_result=lambda r: results.__setitem__(r.path.stem, r), source="Wire Desk"
    )
    assert summary.count("imported") == 10, summary.failures
    for name, _, _, slug, source in HOUSE_STYLES:
        article = Article.objects.get(import_key=name)
        assert (article.dateline.slug, article.source) == (slug, source), name
        assert article.ordered_bylines[0].name == source
        assert article.body.startswith("The Peshmerga opened a checkpoint on Sunday.") or (
            article.summary == "The Peshmerga opened a checkpoint on Sunday."
        )
        assert results[name].warnings == []


@pytest.mark.django_db
def test_a_folder_ingest_json_gives_the_source_the_text_does_not(tmp_path):
    (tmp_path / "ingest.json").write_text('{"source": "Shafaq News"}', encoding="utf-8")
    write_doc(tmp_path, "bare", wire(dateline="SULAIMANI — "))
    write_doc(tmp_path, "named", wire(dateline="ERBIL (Rudaw) – "))
    run_import(tmp_path)
    assert Article.objects.get(import_key="bare").source == "Shafaq News"
    assert Article.objects.get(import_key="named").source == "Rudaw"


@pytest.mark.django_db
def test_a_source_alone_before_a_slash_is_the_source_with_no_place(tmp_path):
    write_doc(tmp_path, "shafaq", wire(dateline="Shafaq News/ "), {"dateline": "Basra"})
    run_import(tmp_path)
    article = Article.objects.get()
    assert (article.source, article.dateline.slug) == ("Shafaq News", "basra-city")


@pytest.mark.django_db
def test_a_dateline_abroad_is_no_iraqi_place(tmp_path):
    # Duhok is in the gazetteer, but "DUHOK, Turkey" would not be it: the country decides.
    write_doc(tmp_path, "abroad", wire(dateline="HASANKEYF, Turkey (AFP) - "))
    write_doc(tmp_path, "namesake", wire(dateline="DUHOK, Turkey (AFP) - "))
    _, results = run_import(tmp_path)
    assert Article.objects.get(import_key="namesake").dateline is None
    assert results["abroad.txt"].warnings == [
        "dateline 'HASANKEYF, Turkey' is not in the gazetteer"
    ]


@pytest.mark.django_db
def test_a_story_with_no_dateline_imports_as_a_draft_flagged_for_an_editor(tmp_path):
    published = {"published_at": "2020-03-09T13:00:00+03:00", "source": "KRG"}
    write_doc(tmp_path, "feature", wire(dateline=""), published)
    summary, results = run_import(tmp_path)
    assert summary.count("imported") == 1
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert (article.dateline, article.source) == (None, "KRG")
    assert results["feature.txt"].warnings == [
        "no dateline: left as a draft for an editor to check place and source"
    ]


@pytest.mark.django_db
def test_the_source_option_of_the_command_is_the_feeds(tmp_path):
    write_doc(tmp_path, "bare", wire(dateline="SULAIMANI — "))
    call_command("import_seeds", str(tmp_path), "--source", "NINA", stdout=io.StringIO())
    assert Article.objects.get().source == "NINA"


# --- credits, trailers and the lead (articles.wire.credits) ----------------------------

AGENCY_STORY = """Bridge over the Greater Zab reopens

By JANE ROE Associated Press

ERBIL (Associated Press) – A road bridge reopened on Tuesday after repairs.

Drivers said the crossing saved them an hour (each way).

The ministry said more repairs would follow. (aa/bb)

Reporting by Hêmin Îbrahîm and Ahmed al-Hassan; Editing by Sam Poe

/End/
"""


@pytest.mark.django_db
def test_agency_credits_become_bylines_and_editors_and_leave_the_body(tmp_path):
    path = write_doc(tmp_path, "agency", AGENCY_STORY, metadata={"published_at": "2024-05-07"})
    summary, results = run_import(path)
    assert summary.count("imported") == 1, results["agency.txt"].reason
    article = Article.objects.get()
    assert [(b.name, b.kind) for b in article.ordered_bylines] == [
        ("Jane Roe", Byline.Kind.PERSON),
        ("Hêmin Îbrahîm", Byline.Kind.PERSON),
        ("Ahmed al-Hassan", Byline.Kind.PERSON),
        ("AP", Byline.Kind.AGENCY),  # one agency, one byline: articles.wire.agencies
    ]
    assert [e.name for e in article.editors.all()] == ["Sam Poe"]
    assert article.summary == "A road bridge reopened on Tuesday after repairs."
    assert article.body.split("\n\n") == [
        "A road bridge reopened on Tuesday after repairs.",
        "Drivers said the crossing saved them an hour (each way).",
        "The ministry said more repairs would follow.",
    ]


def test_a_byline_line_is_never_taken_for_the_summary():
    document = parse_wire_copy(
        wire(summary="By Jane Roe", lead="A checkpoint opened.", editing=None)
    )
    assert document.bylines == ["Jane Roe"]
    assert document.summary == "A checkpoint opened."
    assert "Jane Roe" not in document.body


def test_a_byline_line_after_the_summary_is_taken_before_the_dateline():
    text = wire(dateline="By KAWA EZIDI, Rudaw\n\nDUHOK (Rudaw) – ", editing=None)
    document = parse_wire_copy(text)
    assert (document.bylines, document.agency) == (["Kawa Ezidi"], "Rudaw")
    assert document.summary == "The Peshmerga opened a checkpoint on Sunday."
    assert document.body_paragraphs == ["Officials said it would stay open."]


@pytest.mark.parametrize(
    "closing",
    ["Enditem", "(END)", "ma/lh", "(Kurdistan 24 Digital Media)", "/End/\n\n(aa/bb)"],
)
def test_trailers_leave_the_last_paragraph(closing):
    document = parse_wire_copy(wire(body=(f"Officials said it would stay open. {closing}",)))
    assert document.body_paragraphs == ["Officials said it would stay open."]
    assert document.editors == ["Laurie Mylroie"]


def test_a_closing_bracket_in_a_sentence_stays():
    last = "Officials said it would stay open (for now)"
    assert parse_wire_copy(wire(body=(last,))).body_paragraphs == [last]


def test_the_seed_parses_exactly_as_before_credits_were_read():
    document = parse_wire_copy(seed_text())
    assert document.editors == ["Laurie Mylroie"]
    assert document.bylines == []
    assert len(document.body_paragraphs) == 12
    body_sha256 = hashlib.sha256(document.body.encode()).hexdigest()
    assert body_sha256 == "b1f2b918a9c45bf974b6e6ba0e8d4479f6be218c980a58a0dd19fa135b0db5c8"


def standfirst_and_body(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    header, body = html.split('<div class="body">')
    return header.count('class="standfirst"'), body


@pytest.mark.django_db
def test_a_story_without_a_standfirst_shows_its_lead_once(client, tmp_path):
    text = wire(summary=None, lead="The Peshmerga opened a checkpoint near Makhmour.")
    write_doc(tmp_path, "nolead", text, metadata={"published_at": "2024-05-07"})
    run_import(tmp_path)
    article = Article.objects.get()
    standfirsts, body = standfirst_and_body(client, article)
    assert standfirsts == 0
    assert body.count("The Peshmerga opened a checkpoint near Makhmour.") == 1


@pytest.mark.django_db
def test_a_hand_written_summary_equal_to_the_first_paragraph_is_shown_once(client):
    article = Article.objects.create(
        headline="Checkpoint opens", summary="A checkpoint  opened.",
        body="A checkpoint opened.\n\nIt will stay open.",
        status=Article.Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    standfirsts, body = standfirst_and_body(client, article)
    assert standfirsts == 0
    assert body.count("A checkpoint opened.") == 1


@pytest.mark.django_db
def test_a_standfirst_different_from_the_lead_is_shown(client, seed_article):
    standfirsts, body = standfirst_and_body(client, seed_article)
    assert standfirsts == 1


# --- other formats: one writer for every Story (issue 14) --------------------------------


def ninjs_story(name, data):
    """What articles.wire.formats.parse_delivery gives for an AFP ninjs document."""
    assert name == "afp-3928.json" and b"urn:newsml:afp.com" in data
    return Story(
        headline="Turkish strikes hit PKK positions near Duhok",
        summary="Turkish warplanes struck positions near the Iraqi Kurdish city of Duhok.",
        dateline_city="Duhok",
        dateline_text="DUHOK, Iraq",
        source="Agence France-Presse",
        body_paragraphs=[
            "Turkish warplanes struck positions near the Iraqi Kurdish city of Duhok.",
            "There was no immediate word on casualties, officials in Zakho said.",
        ],
        bylines=["Shwan Mohammed"],
        key="urn:newsml:afp.com:20240507:3928",
        published_at=datetime.datetime(2024, 5, 7, 9, 30, tzinfo=datetime.UTC),
        language="en-GB",
        tags=["Turkey", "PKK"],
    )


@pytest.mark.django_db
def test_a_ninjs_delivery_is_stored_by_the_one_writer_under_its_own_key(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "parse_delivery", ninjs_story)
    (tmp_path / "afp-3928.json").write_text(
        json.dumps({"uri": "urn:newsml:afp.com:20240507:3928", "type": "text"})
    )
    write_doc(tmp_path, "erbil", wire(), {"published_at": "2024-05-07"})
    summary, results = run_import(tmp_path)
    assert str(summary) == "2 imported, 0 updated, 0 unchanged, 0 failed"
    article = Article.objects.get(import_key="urn:newsml:afp.com:20240507:3928")
    assert (article.status, article.language, article.source) == ("published", "en", "AFP")
    assert article.dateline.name == "Duhok"
    assert [b.name for b in article.ordered_bylines] == ["Shwan Mohammed", "AFP"]
    assert sorted(t.name for t in article.tags.all()) == ["PKK", "Turkey"]
    assert slugs(article.regions.all()) >= {region("zakho").slug}
    assert Version.objects.get_for_object(article).count() == 1


@pytest.mark.django_db
def test_a_delivery_its_parser_refuses_fails_that_file_with_the_reason(tmp_path):
    (tmp_path / "reuters-17.xml").write_text("<nitf><head/></nitf>")
    write_doc(tmp_path, "erbil", wire(), {"published_at": "2024-05-07"})
    summary, results = run_import(tmp_path)
    assert str(summary) == "1 imported, 0 updated, 0 unchanged, 1 failed"
    assert results["reuters-17.xml"].reason


# --- a long run: progress and the failures' reasons counted ------------------------------


def test_progress_prints_a_line_every_five_seconds_with_rate_and_time_left():
    out, files = io.StringIO(), [0]
    progress = Progress(total=10_000, stream=out, clock=lambda: 100 + files[0] / 250)
    for _ in range(1249):  # 250 files a second: 4.996 s
        files[0] += 1
        progress.add()
    assert out.getvalue() == ""
    files[0] += 1
    progress.add()
    assert out.getvalue() == "1,250 of 10,000 files (12%), 250 a second, about 35 s left\n"


@pytest.mark.django_db
def test_the_summary_counts_failures_by_reason_and_the_command_exits_non_zero(tmp_path):
    for number in range(3):
        write_doc(tmp_path, f"bad-date-{number}", wire(), {"published_at": f"9 March 20{number}"})
    write_doc(tmp_path, "bad-status", wire(), {"status": "archived"})
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 reopens in Erbil\n\nIt did.".encode("latin-1"))
    write_doc(tmp_path, "good", wire(), {"published_at": "2020-03-09"})
    out, err = run_incomplete(tmp_path, "--no-progress", whole=True)
    assert "Import finished: 1 imported, 0 updated, 0 unchanged, 5 failed." in out
    counted = err[err.index("Failures by reason:\n") :].splitlines()[1:]
    assert counted == [
        "       3  published_at '…' is not an ISO 8601 date or time",
        "       1  metadata status '…' is not one of draft, review, published, withdrawn",
        "       1  not UTF-8 text (byte N at offset N)",
    ]


@pytest.mark.django_db
def test_the_command_prints_progress_to_stderr_on_a_long_run(tmp_path, monkeypatch):
    write_numbered_docs(tmp_path, 3)
    ticks = iter(range(0, 1000, 5))  # five seconds a file
    monkeypatch.setattr(run.time, "monotonic", lambda: next(ticks))
    out, err = run_command(str(tmp_path))
    assert "Import finished: 3 imported" in out
    assert re.findall(r"^\d of 3 files .*$", err, re.M) == [
        "1 of 3 files (33%), 0.2 a second, about 10 s left",
        "2 of 3 files (67%), 0.2 a second, about 5 s left",
        "3 of 3 files (100%), 0.2 a second, about 0 s left",
    ]


@pytest.mark.django_db
def test_the_command_reports_the_places_it_could_not_match_with_counts(tmp_path):
    for number, body in enumerate([
        "Shelling hit villages near Kesta, officials said.",
        "Families returned to their homes in Kesta and in Shiladze this week.",
        "Farmers near Kesta lost their crops.",
    ]):  # fmt: skip
        write_doc(tmp_path, f"story-{number}", wire(
            headline=f"Shelling in the border villages {number}", body=(body,)
        ), {"published_at": "2024-05-01T09:00:00+03:00"})  # fmt: skip
    out, _ = run_command(str(tmp_path))
    assert (
        out.splitlines()[-1]
        == "Places not in the gazetteer (stories naming each): Kesta (3), Shiladze (1)."
    )
    # Places the gazetteer holds are never reported.
    assert "Erbil" not in out.splitlines()[-1]
