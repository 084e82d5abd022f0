"""Django settings for tiphub, driven by environment variables (see tiphub.web.config).

Security defaults are strict; the demo differs from production only in what `TIPHUB_PRODUCTION`
switches on (secure cookies, HSTS, enforced two-factor) because the demo runs on plain HTTP.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tiphub.web import config

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = config.var_dir()
PRODUCTION = config.production()
FIELD_KEY_FILE = config.key_file()


def _secret_key() -> str:
    """Django's signing key: `TIPHUB_SECRET_KEY`, else a file generated once under `var/`."""
    if value := os.environ.get("TIPHUB_SECRET_KEY"):
        return value
    path = Path(os.environ.get("TIPHUB_SECRET_KEY_FILE", VAR_DIR / "secret_key"))
    if not path.exists():
        if PRODUCTION:
            raise RuntimeError(
                f"TIPHUB_SECRET_KEY or a key file at {path} is required in production"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("TIPHUB_DEBUG", "").lower() in {"1", "true", "yes"} and not PRODUCTION
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TIPHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TIPHUB_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tiphub.web.audit",
    "tiphub.web.registry",
    "tiphub.web.accounts",
    "tiphub.web.pages",
    "tiphub.web.casework",
    "tiphub.web.monitoring",
    "tiphub.web.screening",
    "tiphub.web.analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the collected static files (`tiphub serve` collects them): no CDN, no nginx needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # 400 for a NUL (or other unstorable character) anywhere in a request, and for an identity
    # in a query string; before the session middleware, which looks the session cookie up.
    "tiphub.web.request_checks.RequestChecksMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tiphub.web.accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tiphub.web.accounts.middleware.TwoFactorMiddleware",
    # The whole site needs a login; public views opt out with @login_not_required.
    "tiphub.web.accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tiphub.web.accounts.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "tiphub.web.urls"
WSGI_APPLICATION = "tiphub.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(config.database_url(), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; a busy timeout instead of "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file as well (not Django's shared-cache memory database, which has no busy
    # timeout), so they lock exactly as production does; each test session has its own var/.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["tiphub.web.accounts.lockout.LockoutModelBackend"]
# Lockout (tiphub.web.accounts.lockout): this many failures within the window lock the user name
# for the window.
TIPHUB_LOCKOUT_THRESHOLD = int(os.environ.get("TIPHUB_LOCKOUT_THRESHOLD", 5))
TIPHUB_LOCKOUT_SECONDS = int(os.environ.get("TIPHUB_LOCKOUT_SECONDS", 15 * 60))
OTP_TOTP_ISSUER = "tiphub"
# Smallest count shown to aggregate-only roles (privacy-requirements B1.1).
TIPHUB_MIN_CELL = int(os.environ.get("TIPHUB_MIN_CELL", 11))
# The country's plan for the indicator pages (targets, action plan, programmes; see
# docs/indicators.md); the demo country's built-in plan when unset.
TIPHUB_PLAN_FILE = os.environ.get("TIPHUB_PLAN_FILE") or None
TIPHUB_UPLOAD_MAX_BYTES = int(os.environ.get("TIPHUB_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sessions: idle timeout and absolute lifetime, both enforced by tiphub.web.accounts.sessions
# (the session is re-saved, refreshing the idle clock, at most once a minute rather than on every
# request: one database write less per page). Values in seconds.
SESSION_COOKIE_AGE = int(os.environ.get("TIPHUB_SESSION_IDLE_SECONDS", 15 * 60))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
TIPHUB_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("TIPHUB_SESSION_ABSOLUTE_SECONDS", 8 * 3600))
# API tokens (tiphub.web.api.authentication) expire this long after `tiphub users token` issued
# them; by default as long as a session may last.
TIPHUB_TOKEN_MAX_AGE_SECONDS = int(
    os.environ.get("TIPHUB_TOKEN_MAX_AGE_SECONDS", TIPHUB_SESSION_ABSOLUTE_SECONDS)
)
if TIPHUB_TOKEN_MAX_AGE_SECONDS < 1:
    raise ImproperlyConfigured("TIPHUB_TOKEN_MAX_AGE_SECONDS must be a positive number of seconds")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
TIPHUB_REQUIRE_2FA = PRODUCTION or os.environ.get("TIPHUB_REQUIRE_2FA", "") == "1"

# Transport security: on in production, where a TLS proxy sits in front of gunicorn.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("TIPHUB_SSL_REDIRECT", "1") == "1"

# Content Security Policy: everything self-hosted (field offices work offline; no CDN).
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Files served at the site's root by WhiteNoise: /favicon.ico (asked for by browsers and by
# pages without the layout's icon link, such as API answers opened in a tab).
WHITENOISE_ROOT = BASE_DIR / "pages" / "root"

REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate: Token` makes an unauthenticated request (or an expired
    # token) a 401, not a 403. Tokens expire (TIPHUB_TOKEN_MAX_AGE_SECONDS).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tiphub.web.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: a view is open only to users for whom policy.can(user, view.policy_action).
    "DEFAULT_PERMISSION_CLASSES": ["tiphub.web.api.permissions.PolicyPermission"],
    # JSON only: the browsable API's inline scripts would break the strict CSP (docs: /api/docs/).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Parsers that refuse NUL and unpaired surrogates in any key or value (request_checks).
    "DEFAULT_PARSER_CLASSES": [
        "tiphub.web.api.parsers.JSONParser",
        "tiphub.web.api.parsers.FormParser",
        "tiphub.web.api.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tiphub API",
    "DESCRIPTION": "Victim records, submissions and statistics; agency-scoped and audited.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Logging never carries identifying data: records are referred to by internal id only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TIPHUB_LOG_LEVEL", "INFO")},
    # Libraries' chatter (matplotlib's font and unit notes) is not the operator's business.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "matplotlib": {"level": "WARNING"}},
}
