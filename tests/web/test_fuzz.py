"""Schema-driven fuzz of the OpenAPI (schemathesis): no input gives a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import NOW, WebProject


@pytest.fixture(scope="module")
def api_schema(web_project: WebProject) -> object:
    from ikkan.web.app import create_app

    app = create_app(web_project.root, clock=NOW, watch=False)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def viewer_token(web_project: WebProject) -> str:
    """The API calls carry a viewer's token (reads are open to every role)."""
    from ikkan.auth.audit import Origin
    from ikkan.auth.project import open_identity
    from ikkan.auth.tokens import create_token

    engine = open_identity(web_project.root)
    _, raw = create_token(engine, "yui", "fuzz", actor="tests", origin=Origin.cli(), clock=NOW)
    engine.dispose()
    return raw


def test_openapi_fuzz_finds_no_server_error(api_schema: object, viewer_token: str) -> None:
    schema = api_schema
    operations = list(schema.get_all_operations())  # type: ignore[attr-defined]
    assert len(operations) >= 9
    failures: list[str] = []
    statuses: list[int] = []
    for result in operations:
        operation = result.ok()

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def run(case: object) -> None:
            response = case.call(  # type: ignore[attr-defined]
                headers={"Authorization": f"Bearer {viewer_token}"}
            )
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query}: "  # type: ignore[attr-defined]
                    f"{response.status_code} {response.text[:200]}"
                )

        run()
    assert not failures, failures
    assert len(statuses) >= 5 * len(operations)
    assert {200, 400} <= set(statuses)  # both good and bad input were exercised
