"""The API documentation page (Swagger UI, self-hosted by drf-spectacular-sidecar).

Swagger UI's own script is served from 'self' (the split view), but it styles its widgets with
inline styles, so this one page allows 'unsafe-inline' for styles only; scripts stay 'self'.
"""

from collections.abc import Collection

from django.utils.csp import CSP

SWAGGER_CSP: dict[str, Collection[str] | str] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
