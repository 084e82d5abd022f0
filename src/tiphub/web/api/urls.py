"""`/api/v1/` routes. Every view is closed unless `policy.can(user, view.policy_action)`."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path

from tiphub.web.api import views

app_name = "api"


def api_path(route: str, view: Any, name: str) -> URLPattern:
    """A route whose view authenticates itself (session or token) and answers 401/403 itself,
    so Django's LoginRequiredMiddleware (which would send a token client to the login page)
    stands aside."""
    return path(route, login_not_required(view.as_view()), name=name)


urlpatterns = [
    api_path("records/", views.RecordList, "record-list"),
    api_path("records/search/", views.RecordSearch, "record-search"),
    api_path("records/export/", views.RecordExport, "record-export"),
    api_path("records/<int:pk>/", views.RecordDetail, "record-detail"),
    api_path("submissions/", views.SubmissionList, "submission-list"),
    api_path("submissions/<int:pk>/", views.SubmissionDetail, "submission-detail"),
    api_path("agencies/", views.AgencyList, "agency-list"),
    api_path("statistics/", views.Statistics, "statistics"),
    api_path("audit/events/", views.AuditEventList, "audit-event-list"),
    api_path("me/", views.Me, "me"),
]
