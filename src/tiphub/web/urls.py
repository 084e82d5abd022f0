"""URL map of the web app: pages, accounts, REST API (`/api/v1/`) and its OpenAPI schema."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.csp import csp_override
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tiphub.web.api.docs import SWAGGER_CSP

urlpatterns = [
    path("", include("tiphub.web.pages.urls")),
    path("casework/", include("tiphub.web.casework.urls")),
    path("accounts/", include("tiphub.web.accounts.urls")),
    path("indicators/", include("tiphub.web.monitoring.urls")),
    path("linkage/", include("tiphub.web.analysis.linkage_urls")),
    path("estimation/", include("tiphub.web.analysis.estimation_urls")),
    path("", include("tiphub.web.screening.urls")),
    path("api/v1/", include("tiphub.web.api.urls")),
    path("api/v1/", include("tiphub.web.casework.api_urls")),
    # The schema answers 401/403 itself (session or token), like the rest of the API.
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        csp_override(SWAGGER_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
