from django.db import migrations

from articles.roles import apply_roles


def update_roles(apps, schema_editor):
    # Leaves every role exactly as articles/roles.py lists it.
    apply_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_article_date_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
