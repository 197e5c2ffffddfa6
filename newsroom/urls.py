from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from articles.urls import root_urlpatterns

admin.site.site_header = "Newsroom editors"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Archive"

# The admin, robots.txt and the sitemaps at the root; every reader's page in each
# language: English unprefixed (/articles/...), the others under their code (/ckb/articles/...).
urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    *root_urlpatterns,
    *i18n_patterns(path("", include("articles.urls")), prefix_default_language=False),
]
# Error pages (articles/errors.py): a plain page in the site's layout, no exception text,
# rendered without the request or the database, never cached.
handler400 = "articles.errors.bad_request"
handler403 = "articles.errors.permission_denied"
handler404 = "articles.errors.page_not_found"
handler500 = "articles.errors.server_error"
