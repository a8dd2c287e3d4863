"""Property-based API testing: schemathesis generates requests from the OpenAPI document,
valid and invalid, for every operation, and the server must never answer with a 5xx.

Driven through Hypothesis directly (schemathesis' pytest plugin does not run under this
pytest), with a bounded number of examples per operation and mode.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import BASE_URL

pytestmark = pytest.mark.slow
EXAMPLES = 30
HOST = {"host": "127.0.0.1"}


# Hypothesis warns when the `random` module's state changes while a strategy draws. The live server
# answers the previous request in its own thread meanwhile, and anything there that touches `random`
# trips the check by timing (a flaky failure seen once in the PostgreSQL run): not a fault of the API.
@pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")
def test_api_never_fails(app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, headers=HOST)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    tried: set[str] = set()
    for operation in operations:
        for mode in schemathesis.GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                database=None,
            )  # fmt: skip
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(
                    base_url=BASE_URL,
                    headers=HOST,
                    checks=[
                        not_a_server_error,
                        status_code_conformance,
                        content_type_conformance,
                        response_schema_conformance,
                    ],
                )

            try:
                run()
            except Unsatisfiable:
                assert mode is schemathesis.GenerationMode.NEGATIVE  # nothing to get wrong (no parameters)
                continue
            tried.add(f"{mode.value} {operation.method.upper()} {operation.path}")
    assert {"positive POST /api/v1/assessments", "negative POST /api/v1/assessments"} <= tried
