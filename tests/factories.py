"""Small factories: each makes one valid object and takes overrides."""

import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.models import Article, ArticleByline, Byline, Editor, Region, Tag
from articles.slugs import base_slug, get_or_create_by_name

_sequence = itertools.count(1)


def region(slug):
    return Region.objects.get(slug=slug)


def make_tag(name="Security"):
    return get_or_create_by_name(Tag, name)[0]


def make_byline(name="Jane Reporter", kind=Byline.Kind.PERSON):
    return get_or_create_by_name(Byline, name, kind=kind)[0]


def make_editor(name="Laurie Mylroie"):
    return get_or_create_by_name(Editor, name)[0]


def make_article(
    headline=None,
    *,
    status=Article.Status.PUBLISHED,
    published_at=None,
    regions=(),
    tags=(),
    bylines=(),
    editors=(),
    **fields,
):
    n = next(_sequence)
    headline = headline or f"Article number {n}"
    if published_at is None and status == Article.Status.PUBLISHED:
        published_at = timezone.now() - datetime.timedelta(hours=n)
    article = Article.objects.create(
        headline=headline,
        slug=fields.pop("slug", f"{base_slug(headline, 280, 'article')}-{n}"),
        summary=fields.pop("summary", f"Summary of {headline}."),
        body=fields.pop("body", f"Body of {headline}."),
        status=status,
        published_at=published_at,
        **fields,
    )
    article.regions.set([region(r) if isinstance(r, str) else r for r in regions])
    article.tags.set([make_tag(t) if isinstance(t, str) else t for t in tags])
    article.editors.set([make_editor(e) if isinstance(e, str) else e for e in editors])
    for position, byline in enumerate(bylines):
        byline = make_byline(byline) if isinstance(byline, str) else byline
        ArticleByline.objects.create(article=article, byline=byline, position=position)
    return article


def at(text):
    """An aware datetime in the newsroom's zone from 'YYYY-MM-DD HH:MM'."""
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def make_staff(username, role):
    user = User.objects.create_user(username, password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user
