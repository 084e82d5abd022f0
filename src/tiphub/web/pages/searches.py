"""Identity searches kept server-side, bound to the session, so results paginate by a token.

An identity search is POSTed (names and dates of birth never travel in a web address,
privacy-requirements A6.6); its result pages are then plain links such as
`/records/?search=<token>&page=2`. The token is random, names one entry of *this* session's
store (another session, or another user, finds nothing under it) and lives
`SEARCH_LIFETIME_SECONDS` after its last use (and never longer than the session). What is
stored is an `access.PreparedSearch`: the clear filters and the registry's blind-index tokens
(keyed HMAC values that the records table already holds), never a typed name, date or number,
so the session row in the database holds no identity either.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.http import HttpRequest

from tiphub.web.accounts.access import PreparedSearch

SESSION_KEY = "tiphub_record_searches"
#: How long a search stays reachable by its token after its last use (the idle timeout's length).
SEARCH_LIFETIME_SECONDS = 15 * 60
#: Searches kept per session (the oldest is forgotten first).
MAX_SEARCHES = 10


def now() -> float:
    """Seconds since the epoch (a function, so tests can move the clock)."""
    return time.time()


def _live(store: dict[str, Any]) -> dict[str, Any]:
    cutoff = now() - SEARCH_LIFETIME_SECONDS
    return {token: entry for token, entry in store.items() if entry.get("at", 0) >= cutoff}


def remember(request: HttpRequest, search: PreparedSearch) -> str:
    """Keep the search in the session; returns its token."""
    store = _live(dict(request.session.get(SESSION_KEY) or {}))
    token = secrets.token_urlsafe(12)
    store[token] = {"at": now(), "search": search.to_data()}
    newest = sorted(store.items(), key=lambda item: item[1]["at"])[-MAX_SEARCHES:]
    request.session[SESSION_KEY] = dict(newest)
    return token


def recall(request: HttpRequest, token: str) -> PreparedSearch | None:
    """The search kept under `token` in this session, or None (unknown, expired, foreign).

    Using a search keeps it alive: its lifetime runs from its last use, like the session's.
    """
    store = _live(dict(request.session.get(SESSION_KEY) or {}))
    entry = store.get(token)
    if entry is None:
        return None
    if now() - entry["at"] >= 60:  # at most one session write a minute, as for the idle clock
        store[token] = {**entry, "at": now()}
        request.session[SESSION_KEY] = store
    return PreparedSearch.from_data(entry["search"])
