from django.db import migrations, models


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
        # The triggers and the state row are installed after every migrate, by
        # articles.apps (from the code as it is then), and by migration 0007.
    ]
