"""Server-rendered pages. Stage pages add their own URL modules and a menu entry (pages.nav)."""

from django.urls import URLPattern, path

from tiphub.web.pages.views import audit_log, dashboard, home, records, submissions

app_name = "pages"

urlpatterns: list[URLPattern] = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("records/", records.record_list, name="records"),
    path("records/search/", records.record_search, name="record-search"),
    path("records/<int:pk>/", records.record_detail, name="record"),
    path("submissions/", submissions.submission_list, name="submissions"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission"),
    path("audit/", audit_log.audit_log, name="audit"),
    path("audit/verify/", audit_log.audit_verify, name="audit-verify"),
]
