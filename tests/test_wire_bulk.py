"""Writing in batches (articles.wire.bulk) leaves what one by one leaves."""

import json

import pytest
from django.db import connection, transaction
from reversion.models import Revision, Version

from articles.generator import generate
from articles.models import Article, ArticleRedirect, Byline, Editor, Region, Tag
from articles.wire import bulk
from articles.wire.run import import_paths, import_paths_side_by_side
from tests.factories import make_article, region
from tests.test_wire_store import ARABIC, SORANI
from tests.wire_copy import copy_seed, wire, write_doc

PUBLISHED = {"published_at": "2021-06-01T09:00:00+03:00"}


def mixed_delivery(folder):
    """A morning's folders: generated copy of every status, and the awkward cases."""
    generate(60, seed=11, wire_folder=folder / "generated")
    odd = folder / "odd"
    odd.mkdir()
    copy_seed(odd)
    # The same headline three times: slugs -2 and -3, in listing order.
    for letter in "abc":
        write_doc(odd, f"same-{letter}", wire(headline="Checkpoint reopens in Erbil"), PUBLISHED)
    # A translation before its original, one after it, and an unknown language.
    write_doc(odd, "a-translation", ARABIC, {**PUBLISHED, "translation_of": "z-original"})
    write_doc(odd, "z-original", wire(headline="Checkpoint near Makhmour"), PUBLISHED)
    write_doc(odd, "zz-translation", SORANI, {**PUBLISHED, "translation_of": "z-original"})
    write_doc(odd, "french", wire(headline="Poste frontalier"), {"language": "fr"})
    # Aliases of one agency, a byline line, a story without a dateline, a bad date.
    write_doc(odd, "k24", wire(headline="Duhok dam", dateline="DUHOK (Kurdistan24) – "), PUBLISHED)
    write_doc(odd, "ap", (
        "Iraqi forces retake a Mosul district\n\nBy JANE ROE Associated Press\nMOSUL, Iraq\n\n"
        "Iraqi forces retook the al-Zuhur district of eastern Mosul on Tuesday.\n"
    ), PUBLISHED)  # fmt: skip
    write_doc(odd, "no-dateline", wire(dateline="", headline="A statement"), {"tags": ["ISIS"]})
    write_doc(odd, "bad-date", wire(headline="Bad date"), {"published_at": "yesterday"})
    # One key twice (a sidecar's key), and a story stored already, changed since.
    write_doc(odd, "twice-1", wire(headline="Version one"), {**PUBLISHED, "key": "twice"})
    write_doc(odd, "twice-2", wire(headline="Version two"), {**PUBLISHED, "key": "twice"})
    write_doc(odd, "stored", wire(headline="Corrected headline"), PUBLISHED)


def names_of(related):
    return sorted(str(each) for each in related)


def version_data(version):
    """A version's stored object, with the keys and names of what it links to for ids."""
    [stored] = json.loads(version.serialized_data)
    fields = dict(stored["fields"])
    fields.pop("created_at", None)
    if stored["model"] == "articles.article":
        if fields["updated_at"] != fields["published_at"]:  # the time of the run
            fields.pop("updated_at")
        for name in ("translation_of", "dateline"):
            fields[name] = fields[name] is not None
        # The links as stored, in their order: slugs and names for ids made in the run.
        for name, model, attribute in (
            ("regions", Region, "slug"), ("tags", Tag, "name"), ("editors", Editor, "name"),
        ):  # fmt: skip
            by_pk = dict(model.objects.filter(pk__in=fields[name]).values_list("pk", attribute))
            fields[name] = [by_pk[pk] for pk in fields[name]]
    if "article" in fields:
        fields["article"] = Article.objects.get(pk=fields["article"]).import_key
    if "byline" in fields:
        fields["byline"] = Byline.objects.get(pk=fields["byline"]).name
    return stored["model"], fields


def snapshot():
    """Everything an import leaves, without ids or the times it ran at."""
    articles = {}
    for article in Article.objects.order_by("import_key"):
        fields = {
            field.attname: getattr(article, field.attname)
            for field in Article._meta.concrete_fields
            if field.attname not in ("id", "created_at", "dateline_id", "translation_of_id")
        }
        if article.updated_at != article.published_at:  # the time of the run
            fields.pop("updated_at")
        versions = Version.objects.get_for_object(article).select_related("revision")
        articles[article.import_key] = {
            **fields,
            "dateline": str(article.dateline),
            "translation_of": article.translation_of and article.translation_of.import_key,
            "regions": [r.slug for r in article.regions.all()],
            "tags": [t.name for t in article.tags.all()],
            "editors": [e.name for e in article.editors.all()],
            "bylines": [(b.name, b.kind) for b in article.ordered_bylines],
            "history": [
                (
                    v.revision.comment,
                    sorted(
                        (version_data(each) for each in v.revision.version_set.all()),
                        key=lambda data: json.dumps(data, sort_keys=True, default=str),
                    ),
                )
                for v in versions
            ],
        }
    return {
        "articles": articles,
        "bylines": sorted(Byline.objects.values_list("name", "slug", "kind", "alternative_names")),
        "tags": sorted(Tag.objects.values_list("name", "slug")),
        "editors": sorted(Editor.objects.values_list("name", "slug")),
        "redirects": sorted(ArticleRedirect.objects.values_list("old_path", "article__import_key")),
    }


def imported(folder, **options):
    """What importing `folder` leaves, and its summary; undone after."""
    results = []
    with transaction.atomic():
        summary = import_paths([folder], on_result=lambda r: results.append(r.outcome), **options)
        left = snapshot()
        transaction.set_rollback(True)
    return str(summary), results, left


@pytest.mark.django_db(transaction=False)
def test_a_bulk_import_leaves_what_one_by_one_leaves(tmp_path, monkeypatch):
    mixed_delivery(tmp_path)
    stored = make_article(headline="Old headline", bylines=[])
    Article.objects.filter(pk=stored.pk).update(import_key="odd/stored")
    monkeypatch.setattr(bulk, "BATCH_SIZE", 16)  # several batches, and runs between

    one_by_one = imported(tmp_path)
    batched = imported(tmp_path, bulk=True)

    assert one_by_one[0] == "71 imported, 2 updated, 0 unchanged, 2 failed"
    assert batched[0] == one_by_one[0]
    assert sorted(batched[1]) == sorted(one_by_one[1])
    assert batched[2]["articles"].keys() == one_by_one[2]["articles"].keys()
    for key, article in one_by_one[2]["articles"].items():
        assert batched[2]["articles"][key] == article, key
    assert batched[2] == one_by_one[2]


@pytest.mark.django_db
def test_a_bulk_import_takes_far_fewer_statements_a_story(tmp_path, django_assert_max_num_queries):
    generate(200, seed=5, wire_folder=tmp_path)
    import_paths([tmp_path], bulk=True)  # every name met: the next import is all batches
    Article.objects.all().delete()
    with django_assert_max_num_queries(200 // 2):
        summary = import_paths([tmp_path], bulk=True)
    assert summary.count("imported") == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_processes_writing_in_batches_leave_what_one_by_one_leaves(tmp_path, monkeypatch):
    region("erbil")  # the gazetteer back, if an earlier transactional test's flush emptied it
    generate(90, seed=13, wire_folder=tmp_path)
    monkeypatch.setattr(bulk, "BATCH_SIZE", 8)  # several batches a process, names met in each
    names_before = {model: set(model.objects.values_list("pk", flat=True)) for model in NAMED}

    summary = import_paths([tmp_path])
    one_by_one = snapshot()
    undo_import(names_before)
    side_by_side = import_paths_side_by_side([tmp_path], 2, bulk=True)
    both = snapshot()

    assert str(side_by_side) == str(summary) == "90 imported, 0 updated, 0 unchanged, 0 failed"
    assert both["articles"].keys() == one_by_one["articles"].keys()
    for key, article in one_by_one["articles"].items():
        assert both["articles"][key] == article, key
    assert both == one_by_one


NAMED = (Tag, Editor, Byline)


def undo_import(names_before):
    """Remove what an import made: its articles, their history, and the names it added."""
    Article.objects.all().delete()
    Version.objects.all().delete()
    Revision.objects.all().delete()
    for model, before in names_before.items():
        model.objects.exclude(pk__in=before).delete()
