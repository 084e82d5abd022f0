"""URLs of the indicator pages (`/indicators/...`), included from `tiphub.web.urls`.

Each download has its own named URL (not a format parameter), so that the permission-matrix
test, which walks the URL resolver, requests every file a user can fetch.
"""

from django.urls import URLPattern, path

from tiphub.web.monitoring import views

app_name = "monitoring"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("trends/", views.trends, name="trends"),
    path("targets/", views.targets, name="targets"),
    path("plan/", views.plan, name="plan"),
    path("downloads/", views.downloads, name="downloads"),
    path("inputs/", views.inputs, name="inputs"),
    path("inputs/population/", views.upload_population, name="population"),
    path("inputs/estimate/", views.upload_estimate, name="estimate"),
    path("inputs/estimate/retire/", views.retire_estimate, name="estimate-retire"),
    path("releases/new/", views.new_release, name="release-new"),
    *(
        path(f"downloads/{file}", views.download, {"fmt": fmt}, name=f"download-{fmt}")
        for fmt, file in (
            ("sdmx-v2", "sdmx-v2.csv"),
            ("sdmx-v1", "sdmx-v1.csv"),
            ("dhis2", "dhis2.json"),
            ("glotip", "glotip.xlsx"),
            ("report-pdf", "report.pdf"),
            ("report-html", "report.html"),
            ("release-report", "release-report.json"),
        )
    ),
]
