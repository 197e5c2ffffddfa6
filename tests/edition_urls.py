"""The URLs as issue 13 lays them out: English unprefixed, each other language under its
prefix (/ckb/, /kmr/, /ar/). For tests of what the sitemaps list per language, whatever
newsroom/urls.py holds (`@pytest.mark.urls("tests.edition_urls")`, with LANGUAGE_CODE
"en": an unprefixed main language)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

urlpatterns = i18n_patterns(path("", include("articles.urls")), prefix_default_language=False)
