"""URL map of the web app: pages, accounts, REST API (`/api/v1/`) and its OpenAPI schema."""

from django.urls import include, path

urlpatterns = [
    path("", include("tiphub.web.pages.urls")),
]
