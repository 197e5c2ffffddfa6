from django.urls import path, register_converter

from . import views


class FourDigits:
    """Exactly four digits, kept as text: the date views parse them with their formats,
    and one date has one URL (no /articles/02020/)."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class TwoDigits(FourDigits):
    regex = "[0-9]{2}"


register_converter(FourDigits, "yyyy")
register_converter(TwoDigits, "mm")
register_converter(TwoDigits, "dd")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
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
        "articles/<yyyy:year>/<mm:month>/<dd:day>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article-detail",
    ),
    path("articles/preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article-preview"),
    path("regions/", views.RegionIndexView.as_view(), name="region-index"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("tags/", views.TagIndexView.as_view(), name="tag-index"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("bylines/", views.BylineIndexView.as_view(), name="byline-index"),
    path("bylines/<slug:slug>/", views.BylineDetailView.as_view(), name="byline-detail"),
]
