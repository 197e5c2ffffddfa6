"""Waiting translations' keys, and the common agencies' other names (one agency, one byline).

Agencies are credited under several names (`AP` and `Associated Press`, `Kurdistan 24`
and `Kurdistan24`). Each gets one byline holding the others in `alternative_names`; bylines
already present under two of its names are merged into one (the oldest of those under the
first name exactly, else written otherwise, else the oldest), their articles' credits moved
to it.
"""

from django.db import migrations, models

# As articles.wire.agencies.AGENCIES had them: (the name, the other names it is credited by)
AGENCIES = [
    ("AP", ["Associated Press", "The Associated Press"]),
    ("AFP", ["Agence France-Presse", "Agence France Presse"]),
    ("Reuters", ["Thomson Reuters"]),
    ("Xinhua", ["Xinhua News Agency"]),
    ("Kurdistan 24", ["Kurdistan24", "K24"]),
    ("Rudaw", ["Rudaw Media Network"]),
    ("Shafaq News", ["Shafaq"]),
    ("IraqiNews.com", ["Iraqi News", "IraqiNews"]),
    ("NINA", ["National Iraqi News Agency"]),
    ("INA", ["Iraqi News Agency"]),
    ("UNAMI", ["United Nations Assistance Mission for Iraq"]),
    ("dpa", ["Deutsche Presse-Agentur"]),
    ("Anadolu Agency", ["Anadolu"]),
    ("UPI", ["United Press International"]),
]


def squashed(name):
    """What makes two agency names one: letters and digits, without case."""
    return "".join(char for char in name.casefold() if char.isalnum())


def give_agencies_their_aliases(apps, schema_editor):
    Byline = apps.get_model("articles", "Byline")
    ArticleByline = apps.get_model("articles", "ArticleByline")
    for name, aliases in AGENCIES:
        keys = {squashed(each) for each in (name, *aliases)}
        found = [
            byline
            for byline in Byline.objects.order_by("pk")
            if keys & {squashed(each) for each in (byline.name, *byline.alternative_names)}
        ]
        if not found:
            continue  # made with its aliases when copy first credits it (articles.wire.agencies)
        keeper = next(
            (b for b in found if b.name == name),
            next((b for b in found if squashed(b.name) == squashed(name)), found[0]),
        )
        others = [b for b in found if b.pk != keeper.pk]
        known = [*keeper.alternative_names]
        for other in others:
            for link in ArticleByline.objects.filter(byline=other):
                if ArticleByline.objects.filter(article_id=link.article_id, byline=keeper).exists():
                    link.delete()
                else:
                    link.byline = keeper
                    link.save(update_fields=["byline"])
            known += [other.name, *other.alternative_names]
            keeper.names = {**(other.names or {}), **(keeper.names or {})}
            keeper.bio = keeper.bio or other.bio
            other.delete()
        known += [name, *aliases]
        keeper.alternative_names = list(
            dict.fromkeys(each for each in known if squashed(each) != squashed(keeper.name))
        )
        keeper.kind = "agency"
        keeper.save()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_search_in_every_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="translation_of_key",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=200, null=True
            ),
        ),
        migrations.RunPython(give_agencies_their_aliases, migrations.RunPython.noop),
    ]
