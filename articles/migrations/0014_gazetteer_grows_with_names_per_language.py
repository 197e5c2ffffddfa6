"""The grown gazetteer: every governorate's districts, the towns, subdistricts,
crossings, landmarks, areas and rivers the wire names, each with its names in Sorani,
Kurmanji and Arabic (articles.gazetteer). Places already stored keep their rows and
slugs, so articles stay linked to them; a place the gazetteer moves (the Tigris, now
top-level) takes the places inside it along."""

from django.db import migrations

from articles.gazetteer import load_gazetteer


def load_places(apps, schema_editor):
    load_gazetteer(apps.get_model("articles", "Region"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_languages_translations_dateline_text")]

    operations = [migrations.RunPython(load_places, migrations.RunPython.noop)]
