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
handler500 = "articles.errors.server_error"
