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


STORY_HEADLINE = "Two bridges reopen in Erbil after the floods"


def make_story(
    headline=STORY_HEADLINE,
    *,
    status=Article.Status.PUBLISHED,
    published_at=None,
    arabic=False,
    created_by=None,
    **fields,
):
    """An article as the newsroom publishes it: two ordered bylines (a reporter, then
    the agency), an editor's credit, two tags, several places, a dateline, a source and
    a correction; with `arabic`, its names and text in Arabic script (Sorani). Saved in
    one revision, as the importer saves wire copy, so it has a history."""
    import reversion

    with reversion.create_revision():
        reversion.set_comment("Imported from wire copy")
        return _make_story(headline, status, published_at, arabic, created_by, fields)


def _make_story(headline, status, published_at, arabic, created_by, fields):
    from articles.models import Correction

    if arabic:
        headline = (
            headline if headline != STORY_HEADLINE else ("دوو پرد لە هەولێر دوای لافاوەکە کرانەوە")
        )
        bylines = [make_byline("ڕێبین فەتاح"), make_byline("کوردستان ٢٤", Byline.Kind.AGENCY)]
        tags = [make_tag("لافاو"), make_tag("ژێرخان")]
        editor = make_editor("هێمن عەلی")
        summary = "دوو پرد لە هەولێر دوای دوو هەفتە کرانەوە."
        body = "هەولێر (کوردستان ٢٤) – دوو پرد کرانەوە.\n\nهاتوچۆ ئاسایی بووەوە."
        correction = "ناوی پردەکە بە هەڵە نووسرابوو."
    else:
        bylines = [make_byline("Rebin Fatah"), make_byline("Kurdistan 24", Byline.Kind.AGENCY)]
        tags = [make_tag("Floods"), make_tag("Infrastructure")]
        editor = make_editor("Hemin Ali")
        summary = "Two bridges across the Greater Zab reopened after two weeks."
        body = (
            "ERBIL (Kurdistan 24) – Two bridges reopened on Tuesday.\n\n"
            "Traffic returned to normal, the governor's office said."
        )
        correction = "An earlier version gave the wrong name for the Khabat bridge."
    article = make_article(
        headline,
        status=status,
        published_at=published_at,
        regions=["erbil-city", "duhok", "nineveh"],
        tags=tags,
        bylines=bylines,
        editors=[editor],
        summary=fields.pop("summary", summary),
        body=fields.pop("body", body),
        dateline=fields.pop("dateline", region("erbil-city")),
        source=fields.pop("source", "Kurdistan 24"),
        created_by=created_by,
        **fields,
    )
    Correction.objects.create(
        article=article,
        text=correction,
        noted_at=min(
            timezone.now(), (article.published_at or timezone.now()) + datetime.timedelta(hours=2)
        ),
    )
    return article
