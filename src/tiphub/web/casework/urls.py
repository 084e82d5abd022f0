"""Casework pages under /casework/ (each view checks the policy itself)."""

from django.urls import path

from tiphub.web.casework import record_views, views

app_name = "casework"

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/transition/", views.transition, name="transition"),
    path("cases/<int:pk>/consent/", views.consent, name="consent"),
    path("cases/<int:pk>/refer/", views.refer, name="refer"),
    path("cases/<int:pk>/child/", views.child_view, name="child"),
    path("cases/<int:pk>/guardian/", record_views.guardian, name="guardian"),
    path("cases/<int:pk>/bia/", record_views.best_interests, name="bia"),
    path("cases/<int:pk>/bid/", record_views.determination, name="bid"),
    path("cases/<int:pk>/tracing/", record_views.tracing, name="tracing"),
    path(
        "cases/<int:pk>/tracing/<int:tracing_pk>/",
        record_views.tracing_request,
        name="tracing-request",
    ),
    path(
        "cases/<int:pk>/tracing/<int:tracing_pk>/messages/<int:message_pk>/",
        record_views.tracing_message,
        name="tracing-message",
    ),
    path("cases/<int:pk>/return/risk/", record_views.risk_assessment, name="risk"),
    path("cases/<int:pk>/return/plan/", record_views.return_plan, name="return_plan"),
    path("cases/<int:pk>/return/follow-up/", record_views.follow_up, name="follow_up"),
    path("cases/<int:pk>/permits/", record_views.permits, name="permits"),
    path("referrals/", views.referral_inbox, name="referrals"),
    path("referrals/<int:pk>/respond/", views.referral_respond, name="respond"),
]
