import pytest
from django.core.management import CommandError, call_command

from articles.generator import generate
from articles.models import Article, Region
from articles.wire.run import import_paths

pytestmark = pytest.mark.django_db


def test_generator_writes_articles_with_credits_and_a_few_unpublished():
    generate(300, seed=7)
    assert Article.objects.count() == 300
    published = Article.objects.published().count()
    assert 250 < published < 300
    sample = Article.objects.published().with_credits().first()
    assert sample.ordered_bylines and sample.regions.all()
    assert sample.body_html.startswith("<p>")
    assert 300 <= len(sample.body.split()) <= 1500


def test_generator_is_deterministic_for_a_seed():
    generate(20, seed=3)
    first = list(Article.objects.order_by("pk").values_list("headline", flat=True))
    Article.objects.all().delete()
    generate(20, seed=3)
    assert list(Article.objects.order_by("pk").values_list("headline", flat=True)) == first


def test_generated_wire_files_import(tmp_path):
    generate(40, seed=5, wire_folder=tmp_path)
    summary = import_paths([tmp_path])
    assert summary.count("imported") == 40
    assert summary.count("failed") == 0


def test_generator_keeps_no_log_of_its_statements_with_debug_on(settings, monkeypatch):
    from django.db import connection

    from articles import generator

    settings.DEBUG = True
    monkeypatch.setattr(generator, "BATCH_SIZE", 5)
    generate(20, seed=9)
    assert Article.objects.count() == 20
    # The last batch's statements at most: four bulk inserts of links and one of articles.
    assert len(connection.queries) < 10, len(connection.queries)


def test_importer_keeps_no_log_of_its_statements_with_debug_on(settings, tmp_path):
    from django.db import connection

    settings.DEBUG = True
    generate(10, seed=5, wire_folder=tmp_path)
    import_paths([tmp_path])
    assert Article.objects.count() == 10
    assert len(connection.queries) < 30, len(connection.queries)


def test_generating_without_a_gazetteer_says_to_migrate():
    Region.objects.update(kind=Region.Kind.COUNTRY)  # no place to file a story under
    with pytest.raises(CommandError, match="run `manage.py migrate`"):
        call_command("generate_archive", "--articles", "3")
    assert not Article.objects.exists()
