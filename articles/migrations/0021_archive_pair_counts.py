from django.db import migrations, models

from articles import summaries


def lock(apps, schema_editor):
    """Writes to the articles, their links and the places wait until the table is
    filled and its triggers replaced; reads go on (CREATE OR REPLACE, no DROP)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(summaries.FILL_LOCK)


def install(apps, schema_editor):
    summaries.install(schema_editor.connection, fill=True)


class Migration(migrations.Migration):
    """The pairs (place and place, place and tag, tag and place, tag and tag) the facets
    of a place's or a tag's list and a place-and-tag list read: a column `other`, and
    the table filled again. Not reversible: the triggers of 0019 count no pairs."""

    dependencies = [("articles", "0020_search_rum_indexes")]

    operations = [
        migrations.RunPython(lock),
        migrations.RemoveConstraint(model_name="archivecount", name="archive_count_unique"),
        migrations.AlterField(
            model_name="archivecount", name="kind", field=models.CharField(max_length=12)
        ),
        migrations.AddField(
            model_name="archivecount", name="other", field=models.BigIntegerField(default=0)
        ),
        migrations.AddConstraint(
            model_name="archivecount",
            constraint=models.UniqueConstraint(
                fields=("kind", "subject", "other", "month", "language"),
                name="archive_count_unique",
            ),
        ),
        migrations.AddIndex(
            model_name="archivecount",
            index=models.Index(fields=["kind", "subject", "month"], name="archive_count_facets"),
        ),
        migrations.RunPython(install),
    ]
