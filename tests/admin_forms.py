"""POST data for the article admin form, as a browser would send it."""

from django.urls import reverse


def article_form_data(article=None, **overrides):
    data = {
        "headline": article.headline if article else "A new story",
        "slug": article.slug if article else "a-new-story",
        "summary": article.summary if article else "What happened.",
        "body": article.body if article else "The body.",
        "dateline": "",
        "source": article.source if article else "",
        "status": article.status if article else "draft",
        "published_at_0": "",
        "published_at_1": "",
        "lock_version": article.lock_version if article else 0,
        "article_bylines-TOTAL_FORMS": "0",
        "article_bylines-INITIAL_FORMS": "0",
        "article_bylines-MIN_NUM_FORMS": "0",
        "article_bylines-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    if article and article.published_at:
        from django.utils import timezone

        local = timezone.localtime(article.published_at)
        data["published_at_0"] = local.strftime("%Y-%m-%d")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    data.update(overrides)
    return data


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])
