"""Sitemaps for search engines: articles, places, tags and bylines, and a Google News
sitemap of the last two days. Articles come from Article.objects.published() only.

Their text can hold no character XML 1.0 forbids (articles.text): the sections hold only
URLs, which reverse() percent-encodes, and dates; the news sitemap's titles and keywords
go through the `xml_text` filter (articles/templatetags/xml_text.py)."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from .models import Article, Byline, Region, Tag

NEWS_SITEMAP_WINDOW = datetime.timedelta(days=2)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.modified_at  # never before publication (Article.modified_at)

    def get_latest_lastmod(self):
        # Django would walk every item for this (a million rows) and send it as
        # Last-Modified, which goes backwards when the newest article is unpublished.
        return None


class RegionSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Region.objects.all()


class TagSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Tag.objects.in_use()


class BylineSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Byline.objects.in_use()


class PageSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["home", "article-list", "region-index", "tag-index", "byline-index"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "regions": RegionSitemap,
    "tags": TagSitemap,
    "bylines": BylineSitemap,
}


def news_sitemap_articles():
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    return (
        Article.objects.published()
        .filter(published_at__gte=since)
        .prefetch_related("tags")
        .order_by("-published_at")[:1000]
    )
