from django.db import migrations, models

from articles.bookkeeping import install_version_triggers


def install(apps, schema_editor):
    install_version_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_archive_state")]

    operations = [
        migrations.AddField(
            model_name="archivestate",
            name="history_version",
            field=models.BigIntegerField(default=0),
        ),
        # Dropped with the table on the way back; the PostgreSQL functions stay, harmless.
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
