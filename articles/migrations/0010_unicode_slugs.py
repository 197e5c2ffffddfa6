"""Unicode slugs (articles.slugs), and meaningful slugs for the rows that had none.

Before this, a name in Arabic script (Sorani, Arabic) made an empty ASCII slug: the
importer gave tags, bylines and editors `unnamed` (so two such names became one thing)
and articles `article`, `article-2` ... This gives every such row (slug `unnamed`,
`unnamed-N`, `article`, `article-N` or empty, whose name has letters that the ASCII
slug dropped) the Unicode slug of its name; a published article whose address changes
keeps its old one working through an ArticleRedirect. Names the old rule merged cannot
be told apart again here: the second name was never stored.

The slug rule is copied, not imported, so that this migration does tomorrow what it
does today.
"""

import itertools
import re
from urllib.parse import unquote

from django.db import migrations, models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

MEANINGLESS = {
    "Article": re.compile(r"(?:article(?:-\d+)?)?"),
    "Tag": re.compile(r"(?:unnamed(?:-\d+)?)?"),
    "Byline": re.compile(r"(?:unnamed(?:-\d+)?)?"),
    "Editor": re.compile(r"(?:unnamed(?:-\d+)?)?"),
    "Region": re.compile(r"(?:unnamed(?:-\d+)?)?"),
}


def name_of(row):
    return row.headline if hasattr(row, "headline") else row.name


def unicode_slug_for(model, row):
    """The slug `row` should have, or None if its slug is not one of the meaningless
    ones, or its name has no letter the ASCII slug dropped."""
    name = name_of(row)
    if not MEANINGLESS[model.__name__].fullmatch(row.slug) or slugify(name):
        return None
    max_length = model._meta.get_field("slug").max_length
    base = slugify(name, allow_unicode=True)[:max_length].strip("-")
    if not base:
        return None
    others = model._default_manager.exclude(pk=row.pk)
    for n in itertools.count(1):
        suffix = f"-{n}" if n > 1 else ""
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if not others.filter(slug=candidate).exists():
            return candidate


def meaningless_rows(model):
    prefix = "article" if model.__name__ == "Article" else "unnamed"
    return model._default_manager.filter(
        models.Q(slug="") | models.Q(slug=prefix) | models.Q(slug__startswith=f"{prefix}-")
    ).order_by("pk")


def article_path(article, slug):
    """The decoded path an article had or has, as Article.get_absolute_url and
    ArticleRedirect keep it; None unless it is published (it had no public address)."""
    if article.status != "published" or article.published_at is None or not slug:
        return None
    local = timezone.localtime(article.published_at)
    kwargs = {"year": f"{local:%Y}", "month": f"{local:%m}", "day": f"{local:%d}", "slug": slug}
    return unquote(reverse("article-detail", kwargs=kwargs))


def give_unicode_slugs(apps, schema_editor):
    ArticleRedirect = apps.get_model("articles", "ArticleRedirect")
    for model_name in ("Tag", "Byline", "Editor", "Region", "Article"):
        model = apps.get_model("articles", model_name)
        for row in list(meaningless_rows(model)):
            new_slug = unicode_slug_for(model, row)
            if new_slug is None:
                continue
            model._default_manager.filter(pk=row.pk).update(slug=new_slug)
            if model_name == "Region":
                move_region_paths(model, row, new_slug)
            if model_name == "Article":
                old_path, new_path = article_path(row, row.slug), article_path(row, new_slug)
                if new_path:
                    ArticleRedirect.objects.filter(old_path=new_path).delete()
                if old_path:
                    ArticleRedirect.objects.update_or_create(
                        old_path=old_path, defaults={"article_id": row.pk}
                    )


def move_region_paths(Region, region, new_slug):
    """Region.save's path rule (parent's path, slug, "/"), for it and the places in it."""
    old_path = region.path
    parent_path = old_path[: len(old_path) - len(region.slug) - 1]
    new_path = f"{parent_path}{new_slug}/"
    for place in Region.objects.filter(path__startswith=old_path):
        Region.objects.filter(pk=place.pk).update(path=new_path + place.path[len(old_path) :])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_editors_view_accounts"),
    ]

    # allow_unicode is validation only: the columns stay as they are. As a schema change,
    # SQLite would rebuild the article table (every row) and break the triggers on it.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model_name,
                    name="slug",
                    field=models.SlugField(allow_unicode=True, max_length=length, unique=True),
                )
                for model_name, length in (
                    ("article", 300),
                    ("byline", 200),
                    ("editor", 200),
                    ("region", 200),
                    ("tag", 100),
                )
            ]
        ),
        migrations.RunPython(give_unicode_slugs, migrations.RunPython.noop, elidable=True),
    ]
