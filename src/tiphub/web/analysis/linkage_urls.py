"""URLs of the linkage pages (`/linkage/...`), included from `tiphub.web.urls`."""

from django.urls import URLPattern, path

from tiphub.web.analysis.views import linkage as views

app_name = "linkage"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("rounds/new/", views.new_round, name="round-new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/upload/", views.upload, name="upload"),
    path("rounds/<int:pk>/run/", views.run_round, name="round-run"),
    path("plaintext/", views.run_plaintext, name="plaintext"),
    path("consent/", views.consent, name="consent"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/match-weights.png", views.picture, {"which": "weights"}, name="weights"),
    path("runs/<int:pk>/cluster-sizes.png", views.picture, {"which": "sizes"}, name="sizes"),
    path("runs/<int:pk>/histories.csv", views.histories, name="histories"),
]
