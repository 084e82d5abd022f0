"""`/api/v1/` routes. Every view is closed unless `policy.can(user, view.policy_action)`."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from tiphub.web.api import views

app_name = "api"

# The API authenticates per request (session or token) and answers 401/403 itself, so Django's
# LoginRequiredMiddleware (which would redirect a token client to the login page) stands aside.
urlpatterns = [
    path("records/", login_not_required(views.RecordList.as_view()), name="record-list"),
    path(
        "records/export/",
        login_not_required(views.RecordExport.as_view()),
        name="record-export",
    ),
    path(
        "records/<int:pk>/",
        login_not_required(views.RecordDetail.as_view()),
        name="record-detail",
    ),
    path(
        "submissions/",
        login_not_required(views.SubmissionList.as_view()),
        name="submission-list",
    ),
    path(
        "submissions/<int:pk>/",
        login_not_required(views.SubmissionDetail.as_view()),
        name="submission-detail",
    ),
    path("agencies/", login_not_required(views.AgencyList.as_view()), name="agency-list"),
    path("statistics/", login_not_required(views.Statistics.as_view()), name="statistics"),
    path(
        "audit/events/",
        login_not_required(views.AuditEventList.as_view()),
        name="audit-event-list",
    ),
    path("me/", login_not_required(views.Me.as_view()), name="me"),
]
