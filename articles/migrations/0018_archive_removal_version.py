from django.db import migrations, models

from articles.bookkeeping import install_version_triggers


def drop_sqlite_triggers(apps, schema_editor):
    """SQLite rebuilds the state table to add or drop a column; the triggers that write
    to it would stop the rename. They come back after."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND (name LIKE '%\\_archive\\_version\\_%' ESCAPE '\\' "
            "OR name LIKE '%\\_archive\\_removal\\_%' ESCAPE '\\')"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def install(apps, schema_editor):
    install_version_triggers(schema_editor.connection, with_removal=True)


def install_without_removal(apps, schema_editor):
    install_version_triggers(schema_editor.connection, with_removal=False)


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_search_words_per_statement")]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, install_without_removal),
        migrations.AddField(
            model_name="archivestate",
            name="removal_version",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(install, drop_sqlite_triggers),
    ]
