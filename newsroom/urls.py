from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Newsroom editors"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Archive"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("articles.urls")),
]
# Error pages (articles/errors.py): a plain page in the site's layout, no exception text,
# rendered without the request or the database, never cached.
handler400 = "articles.errors.bad_request"
handler403 = "articles.errors.permission_denied"
handler404 = "articles.errors.page_not_found"
handler500 = "articles.errors.server_error"
