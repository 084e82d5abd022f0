"""Account pages: `/accounts/login/`, `/accounts/logout/`, `/accounts/two-factor/`."""

from django.urls import path

from tiphub.web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
]
