from django.db import migrations, models

from articles.archive_cache import install_version_triggers


def install(apps, schema_editor):
    install_version_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_correction_permissions")]

    operations = [
        migrations.CreateModel(
            name="ArchiveState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        # Dropped with the table on the way back; the PostgreSQL function stays, harmless.
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
