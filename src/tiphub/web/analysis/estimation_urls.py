"""URLs of the estimation pages (`/estimation/...`), included from `tiphub.web.urls`."""

from django.urls import URLPattern, path

from tiphub.web.analysis.views import estimation as views

app_name = "estimation"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sensitivity.svg", views.sensitivity, name="sensitivity"),
    path("<int:pk>/estimate.json", views.download, name="download"),
    path("<int:pk>/use/", views.use, name="use"),
]
