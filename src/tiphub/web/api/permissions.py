"""API permission: every view names the policy action it needs; a view that names none is closed."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tiphub.web.accounts import policy
from tiphub.web.accounts.middleware import two_factor_required


class PolicyPermission(BasePermission):
    """Allow a request only when `policy.can(user, view.policy_action)` (deny by default).

    `policy_action` may be a string or a mapping from HTTP method to action. With
    TIPHUB_REQUIRE_2FA, a role that needs a second factor cannot use a bare API token (a token is
    one factor) and must come through a verified session.
    """

    message = "You do not have permission for this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        action = self._action(request, view)
        user = request.user
        if action is None or not user or not user.is_authenticated:
            return False
        if two_factor_required(user):
            if isinstance(request.successful_authenticator, TokenAuthentication):
                self.message = "This role needs two-factor verification: use a verified session."
                return False
            if not getattr(user, "is_verified", lambda: False)():
                self.message = "Two-factor verification is required for this account."
                return False
        if policy.can(user, action):
            return True
        policy.audit_denial(user, action, purpose="api")
        return False

    @staticmethod
    def _action(request: Request, view: Any) -> str | None:
        action = getattr(view, "policy_action", None)
        if isinstance(action, dict):
            return action.get(request.method or "GET")
        return action if isinstance(action, str) else None
