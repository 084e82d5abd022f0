"""The screening page."""

from django.urls import URLPattern, path

from tiphub.web.screening import views

app_name = "screening"

urlpatterns: list[URLPattern] = [
    path("screening/", views.screen, name="screen"),
    path("screening/open-case/", views.open_case, name="open_case"),
    path("submissions/screening/", views.import_export, name="import"),
]
