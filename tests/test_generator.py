import pytest
from django.core.management import CommandError, call_command
from django.db import connection

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


def test_reused_texts_need_postgresql_and_the_database():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("generate_archive", "--articles", "3", "--texts", "0")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="copies search vectors in SQL")
def test_reused_texts_copy_text_and_search_vectors_and_leave_the_triggers_on():
    from articles.archive_cache import archive_version
    from articles.search import search_articles

    before = archive_version()
    generate(12, seed=4, texts=5)
    articles = list(
        Article.objects.order_by("pk").values(
            "pk", "headline", "body", "slug", "search_vector", "search_vector_simple"
        )
    )
    assert len(articles) == 12 and archive_version() != before
    for n, article in enumerate(articles[5:], start=5):
        source = articles[n % 5]
        assert article["headline"] == source["headline"] and article["body"] == source["body"]
        assert article["search_vector"] == source["search_vector"] is not None
        assert article["search_vector_simple"] == source["search_vector_simple"] is not None
        assert article["slug"].endswith(f"-g{n}") and article["slug"] != source["slug"]
    copy = Article.objects.get(pk=articles[7]["pk"])
    assert copy.regions.exists() and copy.ordered_bylines
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'articles_article'::regclass "
            "AND NOT tgisinternal AND tgenabled = 'D'"
        )
        assert cursor.fetchall() == []
    # A copy is found by its words like any article, and an edit parses its own text.
    word = max(articles[7]["headline"].split(), key=len)
    found = search_articles(Article.objects.all(), word)
    assert copy.pk in set(found.values_list("pk", flat=True))
    copy.headline = "Saffron harvest in Halabja"
    copy.save()
    copy.refresh_from_db()
    assert copy.search_vector != articles[7]["search_vector"]
