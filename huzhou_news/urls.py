from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from articles.api import api, unknown_endpoint

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/(?P<path>.*)$", unknown_endpoint),
    path("", include("articles.urls")),
]

handler400 = "articles.views.bad_request"
handler403 = "articles.views.permission_denied"
handler404 = "articles.views.page_not_found"
handler500 = "articles.outage.server_error"
