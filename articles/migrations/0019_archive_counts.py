from django.db import migrations, models

from articles import summaries


def install(apps, schema_editor):
    summaries.install(schema_editor.connection, fill=True)


def uninstall(apps, schema_editor):
    summaries.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_archive_removal_version")]

    operations = [
        migrations.CreateModel(
            name="ArchiveCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language", models.CharField(max_length=12)),
                ("month", models.DateField()),
                ("kind", models.CharField(max_length=5)),
                ("subject", models.BigIntegerField(default=0)),
                ("total", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "subject", "language", "month"),
                        name="archive_count_unique",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
