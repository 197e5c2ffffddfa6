from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import feeds, views
from .sitemaps import SITEMAPS


def without_last_modified(view):
    """Sitemaps: revalidate by ETag only (see LatestArticlesFeed.__call__)."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.has_header("Last-Modified"):
            del response["Last-Modified"]
        return response

    wrapped.query_parameters = ("p",)  # a section's page: the page cache keys by it
    return wrapped


def sitemap_index(request, **kwargs):
    return sitemap_views.index(request, **kwargs)


sitemap_index.query_parameters = ()


class FourDigits:
    """A year from 1900 to 2999 as four digits, kept as text: the date views parse it,
    one date has one URL (no /articles/02020/), and no date arithmetic overflows."""

    regex = "(?:19|2[0-9])[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class TwoDigits(FourDigits):
    regex = "[0-9]{2}"


class UnicodeSlug:
    """A slug as articles.slugs makes them: letters of any script, digits, `_` and `-`
    (Django's validate_unicode_slug). The built-in `slug` matches ASCII only. The path
    arrives decoded; reverse() percent-encodes what it gives."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FourDigits, "yyyy")
register_converter(TwoDigits, "mm")
register_converter(TwoDigits, "dd")
register_converter(UnicodeSlug, "uslug")

# Each language's edition: under its prefix (/ckb/, /kmr/, /ar/), English unprefixed
# (newsroom/urls.py puts these in i18n_patterns).
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("regions/<uslug:slug>/feed/", feeds.RegionFeed(), name="region-feed"),
    path("regions/<uslug:slug>/feed/atom/", feeds.RegionAtomFeed(), name="region-feed-atom"),
    path("tags/<uslug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tags/<uslug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("bylines/<uslug:slug>/feed/", feeds.BylineFeed(), name="byline-feed"),
    path("bylines/<uslug:slug>/feed/atom/", feeds.BylineAtomFeed(), name="byline-feed-atom"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/export.csv", views.ArticleExportView.as_view(fmt="csv"), name="export-csv"),
    path("articles/export.json", views.ArticleExportView.as_view(fmt="json"), name="export-json"),
    path(
        "articles/<yyyy:year>/",
        views.ArticleYearArchiveView.as_view(),
        name="article-year",
    ),
    path(
        "articles/<yyyy:year>/<mm:month>/",
        views.ArticleMonthArchiveView.as_view(),
        name="article-month",
    ),
    path(
        "articles/<yyyy:year>/<mm:month>/<dd:day>/",
        views.ArticleDayArchiveView.as_view(),
        name="article-day",
    ),
    path(
        "articles/<yyyy:year>/<mm:month>/<dd:day>/<uslug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article-detail",
    ),
    path("articles/preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article-preview"),
    path("regions/", views.RegionIndexView.as_view(), name="region-index"),
    path("regions/<uslug:slug>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("tags/", views.TagIndexView.as_view(), name="tag-index"),
    path("tags/<uslug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("bylines/", views.BylineIndexView.as_view(), name="byline-index"),
    path("bylines/<uslug:slug>/", views.BylineDetailView.as_view(), name="byline-detail"),
]

# For the whole site, whatever the language: at the root only (the sitemaps list every
# language's articles).
root_urlpatterns = [
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        without_last_modified(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
