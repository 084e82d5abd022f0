"""Casework routes of the REST API (mounted under /api/v1/ next to tiphub.web.api.urls)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from tiphub.web.casework import api, record_api

app_name = "casework_api"

urlpatterns = [
    path("cases/", login_not_required(api.CaseList.as_view()), name="case-list"),
    path("cases/<int:pk>/", login_not_required(api.CaseDetail.as_view()), name="case-detail"),
    path(
        "cases/<int:pk>/transitions/",
        login_not_required(api.CaseTransition.as_view()),
        name="case-transition",
    ),
    *(
        path(f"cases/<int:pk>/{route}/", login_not_required(view.as_view()), name=name)
        for route, view, name in (
            ("guardian", record_api.CaseGuardian, "case-guardian"),
            ("best-interests", record_api.CaseBestInterests, "case-best-interests"),
            ("risk-assessments", record_api.CaseRiskAssessments, "case-risk-assessments"),
            ("return-plan", record_api.CaseReturnPlan, "case-return-plan"),
            ("permits", record_api.CasePermits, "case-permits"),
            ("follow-ups", record_api.CaseFollowUps, "case-follow-ups"),
            ("tracing", record_api.CaseTracing, "case-tracing"),
        )
    ),
    path(
        "cases/<int:pk>/tracing/<int:tracing_pk>/",
        login_not_required(record_api.TracingDetail.as_view()),
        name="case-tracing-detail",
    ),
    path(
        "cases/<int:pk>/tracing/<int:tracing_pk>/messages/",
        login_not_required(record_api.TracingMessages.as_view()),
        name="case-tracing-messages",
    ),
    path("casework/tasks/", login_not_required(api.MyTasks.as_view()), name="tasks"),
    path("referrals/", login_not_required(api.ReferralList.as_view()), name="referral-list"),
    path(
        "referrals/<int:pk>/",
        login_not_required(api.ReferralDetail.as_view()),
        name="referral-detail",
    ),
]
