"""Sitemaps for search engines: articles, places, tags and bylines, and a Google News
sitemap of the last two days. Articles come from Article.objects.published() only.

Languages. Every published article is listed once, at its own address (in its own
language's edition). An article with published versions in other languages lists them
all, itself included, as `<xhtml:link rel="alternate" hreflang="ckb" href="..."/>`, and
the original as hreflang="x-default" (Google's "Tell Google about localized versions of
your page": each version lists every version, itself too, with fully-qualified URLs). A
version that is not published is never named. The hreflang values are the articles'
BCP 47 codes (en, ckb, kmr, ar). The news sitemap gives each article's
`<news:language>` as its ISO 639 code (two or three letters, which Google News
accepts: ckb for Sorani, kmr for Kurmanji; templates/news_sitemap.xml).

Places, tags, bylines and the fixed pages exist in every edition: each is listed at its
address in each language (under that language's prefix), with the others as alternates
and the main language's as x-default (Django's i18n sitemaps). A tag or byline is listed
in the languages it has published articles in; a place in every language.

Their text can hold no character XML 1.0 forbids (articles.text): the sections hold only
URLs, which reverse() percent-encodes, and dates; the news sitemap's titles and keywords
go through the `xml_text` filter (articles/templatetags/xml_text.py)."""

import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Article, ArticleByline, Byline, Region, Tag, default_article_language

NEWS_SITEMAP_WINDOW = datetime.timedelta(days=2)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at", "language", "translation_of_id")
            .order_by("-published_at", "-pk")
        )

    def get_urls(self, page=1, site=None, protocol=None):
        protocol, domain = self.get_protocol(protocol), self.get_domain(site)
        urls = self._urls(page, protocol, domain)
        versions = published_versions([url["item"] for url in urls])
        for url in urls:
            url["alternates"] = language_alternates(url["item"], versions, f"{protocol}://{domain}")
        return urls

    def lastmod(self, article):
        return article.modified_at  # never before publication (Article.modified_at)

    def get_latest_lastmod(self):
        # Django would walk every item for this (a million rows) and send it as
        # Last-Modified, which goes backwards when the newest article is unpublished.
        return None


class EditionsSitemap(Sitemap):
    """Pages every edition has: each listed once per language, with alternates."""

    i18n = True
    alternates = True

    def get_urls(self, page=1, site=None, protocol=None):
        urls, seen = [], set()
        for url in super().get_urls(page, site, protocol):
            # Every address once: where two languages' addresses are one (no prefix).
            if url["location"] in seen:
                continue
            seen.add(url["location"])
            # Django adds x-default only when LANGUAGE_CODE ("en-gb") is itself one of
            # LANGUAGES ("en"): the main language's address, here.
            main = default_article_language()
            default = [a for a in url["alternates"] if a["lang_code"] == main]
            if default and len(url["alternates"]) > 1:
                url["alternates"].append(
                    {"lang_code": "x-default", "location": default[0]["location"]}
                )
            urls.append(url)
        return urls


class InUseSitemap(EditionsSitemap):
    """Tags or bylines, each in the languages of the published articles that name it."""

    link_model = None  # the model linking articles to the item (a through table)
    link_field = ""  # its field naming the item

    def get_languages_for_item(self, item):
        if not hasattr(self, "_languages_by_item"):
            self._languages_by_item = {}
            links = (
                self.link_model.objects.filter(article__in=Article.objects.published())
                .values_list(self.link_field, "article__language")
                .order_by()
                .distinct()
            )
            for pk, language in links:
                self._languages_by_item.setdefault(pk, set()).add(language)
        used = self._languages_by_item.get(item.pk, set())
        return [code for code in self._languages() if code in used]


class RegionSitemap(EditionsSitemap):
    changefreq = "daily"

    def items(self):
        return Region.objects.all()


class TagSitemap(InUseSitemap):
    changefreq = "daily"
    link_model = Article.tags.through
    link_field = "tag_id"

    def items(self):
        return Tag.objects.in_use()


class BylineSitemap(InUseSitemap):
    changefreq = "daily"
    link_model = ArticleByline
    link_field = "byline_id"

    def items(self):
        return Byline.objects.in_use()


class PageSitemap(EditionsSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["home", "article-list", "region-index", "tag-index", "byline-index"]

    def location(self, name):
        return reverse(name)


def published_versions(articles):
    """{original's id: its published language versions, the original among them when it is
    published} for the stories of `articles`, in one query."""
    originals = {article.translation_of_id or article.pk for article in articles}
    if not originals:
        return {}
    versions = {}
    found = (
        Article.objects.published()
        .filter(Q(pk__in=originals) | Q(translation_of_id__in=originals))
        .only("slug", "published_at", "language", "translation_of_id")
    )
    for version in found:
        versions.setdefault(version.translation_of_id or version.pk, []).append(version)
    return versions


def language_order(article):
    codes = [code for code, _ in settings.LANGUAGES]
    return codes.index(article.language) if article.language in codes else len(codes)


def language_alternates(article, versions, base):
    """The hreflang alternates of `article` ([{"lang_code", "location"}], as Django's
    sitemap template writes them): every published version, itself included, in the
    order of settings.LANGUAGES, then the original as "x-default"; none when it has no
    published version in another language. `versions` is published_versions()'s."""
    original_id = article.translation_of_id or article.pk
    story = sorted(versions.get(original_id, []), key=language_order)
    if len(story) < 2:
        return []
    alternates = [
        {"lang_code": version.language, "location": f"{base}{version.get_absolute_url()}"}
        for version in story
    ]
    original = next((version for version in story if version.pk == original_id), None)
    if original is not None:
        alternates.append(
            {"lang_code": "x-default", "location": f"{base}{original.get_absolute_url()}"}
        )
    return alternates


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "regions": RegionSitemap,
    "tags": TagSitemap,
    "bylines": BylineSitemap,
}


def news_sitemap_articles():
    """The articles of the news sitemap (the last two days, at most 1,000, every
    language), each with `keywords`: its tags' names in its own language."""
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    articles = list(
        Article.objects.published()
        .filter(published_at__gte=since)
        .prefetch_related("tags")
        .order_by("-published_at")[:1000]
    )
    for article in articles:
        article.keywords = [tag.name_in(article.language) for tag in article.tags.all()]
    return articles
