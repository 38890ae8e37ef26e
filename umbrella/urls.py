from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Umbrella-review evidence database"
admin.site.site_title = "Evidence database admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/tokens/", include("api.token_urls")),  # personal API tokens (issue 19)
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("api.urls")),  # the read API (docs/api.md)
    path("", include("reviews.urls")),
    path("", include("synthesis.urls")),
    path("", include("appraisal.urls")),
    path("", include("dataio.urls")),  # workbook import/export (issue 8)
    path("", include("releases.urls")),  # living releases (issue 20)
]
