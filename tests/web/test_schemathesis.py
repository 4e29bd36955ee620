"""Property-based fuzzing of the whole OpenAPI spec with schemathesis: no request may cause a 500.

Every generated request is sent with a valid API token of the case's owner (so it reaches the
handlers, not just the access check) against a store holding the tiny case.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from sevenfold.store import accounts  # noqa: E402
from tests.web.conftest import make_world  # noqa: E402

_world = None


def _app():  # type: ignore[no-untyped-def]
    global _world
    import tempfile

    if _world is None:
        _world = make_world(f"sqlite:///{tempfile.mkdtemp()}/fuzz.db")
    return _world.app


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case) -> None:  # type: ignore[no-untyped-def]
    assert _world is not None
    if "{case_id}" in case.path and case.path_parameters is not None:
        case.path_parameters["case_id"] = "tiny"  # mostly hit the real case, not only 404s
    response = case.call(headers={"Authorization": f"Bearer {_world.tokens['alice']}"})
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    if not _world.store.has_case("tiny"):  # a fuzzed DELETE removed it: put it back for the next cases
        _world.reset_case()
    if accounts.user_for_token(_world.store, _world.tokens["alice"]) is None:
        # a fuzzed DELETE /tokens/{id} revoked the token in use: make another for the next cases
        _world.tokens["alice"] = accounts.create_token(_world.store, "alice", "fuzz", actor="test:setup")
