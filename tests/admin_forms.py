"""POST data for the article admin form, as a browser sends it."""

from django.urls import reverse
from django.utils import timezone

from articles.models import Article


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def management_form(prefix, initial=0, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_post_data(article=None, *, new_bylines=(), **overrides):
    """What a browser posts for the add form (article=None) or an article's change form:
    every field as it stands, its existing bylines as inline rows, plus new byline rows."""
    data = {
        "headline": "A new story",
        "slug": "a-new-story",
        "summary": "What happened.",
        "body": "The body.",
        "dateline": "",
        "source": "",
        "regions": [],
        "tags": [],
        "editors": [],
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "lock_version": "0",
    }
    rows = []
    if article is not None:
        article = Article.objects.get(pk=article.pk)  # what the form would load now
        data.update(
            headline=article.headline,
            slug=article.slug,
            summary=article.summary,
            body=article.body,
            dateline=article.dateline_id or "",
            source=article.source,
            regions=[str(r.pk) for r in article.regions.all()],
            tags=[str(t.pk) for t in article.tags.all()],
            editors=[str(e.pk) for e in article.editors.all()],
            status=article.status,
            lock_version=str(article.lock_version),
        )
        if article.published_at:
            local = timezone.localtime(article.published_at)
            data["published_at_0"] = local.strftime("%Y-%m-%d")
            data["published_at_1"] = local.strftime("%H:%M:%S")
        rows = [
            {"id": ab.pk, "article": article.pk, "byline": ab.byline_id, "position": ab.position}
            for ab in article.article_bylines.order_by("position")
        ]
    initial = len(rows)
    start = len(rows)
    rows += [
        {"id": "", "article": article.pk if article else "", "byline": b.pk, "position": start + i}
        for i, b in enumerate(new_bylines)
    ]
    data.update(management_form("article_bylines", initial=initial, total=len(rows)))
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"article_bylines-{i}-{name}"] = str(value)
    # The corrections inline is only shown to those with Correction permissions; its
    # management form is harmless when it is not.
    data.update(management_form("corrections"))
    data.update(overrides)
    return data
