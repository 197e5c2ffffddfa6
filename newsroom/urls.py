from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Newsroom editors"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Archive"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]
