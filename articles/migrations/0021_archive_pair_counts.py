from django.db import migrations, models

from articles import summaries


def install(apps, schema_editor):
    summaries.uninstall(schema_editor.connection)
    summaries.install(schema_editor.connection, fill=True)


def uninstall(apps, schema_editor):
    summaries.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    """The pairs (place and place, place and tag, tag and place, tag and tag) the facets
    of a place's or a tag's list read: a column `other`, and the table filled again."""

    dependencies = [("articles", "0020_search_rum_indexes")]

    operations = [
        migrations.RunPython(uninstall, migrations.RunPython.noop),
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
                fields=("kind", "subject", "month", "language", "other"),
                name="archive_count_unique",
            ),
        ),
        migrations.AddIndex(
            model_name="archivecount",
            index=models.Index(fields=["kind", "month"], name="archive_count_kind_month"),
        ),
        migrations.RunPython(install, uninstall),
    ]
