"""Casework pages under /casework/ (each view checks the policy itself)."""

from django.urls import path

from tiphub.web.casework import views

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
    path("referrals/", views.referral_inbox, name="referrals"),
    path("referrals/<int:pk>/respond/", views.referral_respond, name="respond"),
]
