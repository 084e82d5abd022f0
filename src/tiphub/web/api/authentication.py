"""API tokens that expire: a token is good for `TIPHUB_TOKEN_MAX_AGE_SECONDS` after it was issued.

DRF's own tokens never expire, so a token copied into a script or left in a shell history would
open victims' records for ever. Here a token lives as long as a session may (the absolute
session lifetime, 8 hours, unless set otherwise); after that the API answers 401 with a message
that says when it expired and how to get a new one (`tiphub users token NAME`, which prints the
expiry too). Issuing a new token replaces the old one; disabling an account deletes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def max_age() -> timedelta:
    """How long a token is good for after it was issued."""
    return timedelta(seconds=int(settings.TIPHUB_TOKEN_MAX_AGE_SECONDS))


def expires_at(token: Any) -> datetime:
    """When `token` (a `rest_framework.authtoken` Token) stops working."""
    created: datetime = token.created
    return created + max_age()


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused with 401 once the token is older than its max age."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        expiry = expires_at(token)
        if timezone.now() >= expiry:
            raise AuthenticationFailed(
                f"This API token expired at {expiry.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC (tokens "
                f"last {int(max_age().total_seconds())} seconds). Ask an administrator for a new "
                "one: tiphub users token NAME."
            )
        return user, token
