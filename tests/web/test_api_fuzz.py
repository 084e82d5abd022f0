"""schemathesis against the OpenAPI schema: no generated request may end in a server error.

The schema is built in-process by drf-spectacular (the same document `/api/schema/` serves) and
every operation is called through Django's WSGI application, with a supervisor's token (records,
submissions, export, statistics) and a data-protection officer's (audit log), so both the allowed
and the refused paths are exercised.

Cost (grows with the number of operations; 38 at the time of writing): schemathesis runs two
phases per operation. The coverage phase is deterministic: the schema's boundary values, each
optional property, wrong types, malformed and unsupported content types, unlisted HTTP methods
(about 2,300 cases, so 4,600 requests with the two tokens). It is most of the work and is kept
whole. The random phase adds `max_examples` cases per operation: 10 (was 25; 760 requests instead
of 1,900; about a tenth of the CPU time) since the coverage phase already covers each
parameter's edges. Each request is real work (token check, policy, an audit event per refusal).
Serially the test takes about 2 minutes on SQLite and 2 to 3 minutes on PostgreSQL on a busy
two-core machine; under `pytest -n 2` it shares the run with the rest of the suite.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from tiphub.web.wsgi import application


def _schema_document() -> dict[str, Any]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))  # type: ignore[no-any-return]


schema = schemathesis.openapi.from_dict(_schema_document())
schema.app = application


def test_schema_lists_the_contract_endpoints() -> None:
    paths = set(_schema_document()["paths"])
    assert {
        "/api/v1/records/",
        "/api/v1/records/{id}/",
        "/api/v1/submissions/",
        "/api/v1/agencies/",
        "/api/v1/statistics/",
    } <= paths


def _configured_vendor() -> str:
    url = os.environ.get("TIPHUB_DATABASE_URL", "sqlite:")
    return "postgresql" if url.startswith(("postgres:", "postgresql:")) else "sqlite"


@pytest.fixture
def tokens(role_users: dict[str, Any], stored: dict[str, Any]) -> Iterator[list[str]]:
    """API tokens, with Django's per-request connection closing held off (as its test client
    does): the WSGI calls must not close the test transaction's connection.

    The fuzzing runs on the configured database: on PostgreSQL in `.ci/run`'s `pytest -m db`
    pass (this test is db-marked through its fixtures), where a NUL once gave a 500."""
    assert connection.vendor == _configured_vendor()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield [Token.objects.create(user=role_users[r]).key for r in ("supervisor", "dpo")]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_generated_request_causes_a_server_error(case: Any, tokens: list[str]) -> None:
    for key in tokens:
        case.call_and_validate(
            headers={"Authorization": f"Token {key}"}, checks=[not_a_server_error]
        )
