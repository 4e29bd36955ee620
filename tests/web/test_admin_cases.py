"""Admins and cases imported with the command line (no owner): admins see every case listed, open and
share a case without an owner, and reach a case with owners only through a grant; everyone else sees
only the cases granted to them."""

from __future__ import annotations

import re

import pytest

from sevenfold.store import accounts
from tests.web.conftest import TINY, World, session_client


def _cli_import(world: World, case_id: str) -> None:
    """What `sevenfold import FILE` (no --owner) stores: the case, and no grant."""
    from sevenfold.model import case_from_data

    data = {**TINY, "case": {**TINY["case"], "id": case_id, "title": f"Imported {case_id}"}}
    world.store.import_case(case_from_data(data, f"{case_id}.yaml"), replace=True, actor="cli:op")
    for user, _ in accounts.grants_on_case(world.store, case_id).items():
        accounts.revoke(world.store, case_id, user, actor="test:setup")


def _listed(world: World, user: str) -> dict[str, dict[str, object]]:
    r = world.client(user).get("/api/v1/cases")
    assert r.status_code == 200, r.text
    return {c["id"]: c for c in r.json()}


def test_admin_sees_a_cli_imported_case_marked_no_owner(world: World) -> None:
    _cli_import(world, "cli-one")
    alice = _listed(world, "alice")  # alice is an admin (tests/web/conftest.py)
    assert alice["cli-one"]["no_owner"] is True and alice["cli-one"]["owners"] == []
    assert alice["cli-one"]["role"] == "owner"
    assert alice["tiny"]["no_owner"] is False and alice["tiny"]["owners"] == ["alice"]
    for user in ("bob", "carol", "dave"):  # not admins: only what is granted to them, no owner details
        listed = _listed(world, user)
        assert "cli-one" not in listed
        assert all("owners" not in c for c in listed.values())
        assert world.client(user).get("/api/v1/cases/cli-one").status_code == 404


def test_admin_grants_a_cli_imported_case_then_needs_a_grant(world: World) -> None:
    _cli_import(world, "cli-two")
    admin = world.client("alice")
    assert admin.get("/api/v1/cases/cli-two").status_code == 200
    assert admin.get("/api/v1/cases/cli-two/grants").json() == {}
    r = admin.put("/api/v1/cases/cli-two/grants/dave", json={"role": "owner"})
    assert r.status_code == 200, r.text
    assert "cli-two" in _listed(world, "dave")
    assert world.client("dave").get("/api/v1/cases/cli-two/grants").json() == {"dave": "owner"}
    # the case has an owner now: the admin still sees it listed, but opens it only through a grant
    row = _listed(world, "alice")["cli-two"]
    assert row["role"] is None and row["owners"] == ["dave"] and row["no_owner"] is False
    assert admin.get("/api/v1/cases/cli-two").status_code == 404
    assert admin.put("/api/v1/cases/cli-two/grants/bob", json={"role": "reader"}).status_code == 404
    # the grant is audited under the admin's name
    records = world.client("dave").get("/api/v1/cases/cli-two/audit").json()
    grants = [r for r in records if r["action"] == "grant"]
    assert grants and "alice" in grants[-1]["who"]


def test_a_reader_grant_leaves_the_case_without_owner_for_the_admin(world: World) -> None:
    _cli_import(world, "cli-three")
    accounts.grant(world.store, "cli-three", "carol", "reader", actor="cli:op")  # `sevenfold user grant`
    assert _listed(world, "carol")["cli-three"]["role"] == "reader"
    assert world.client("carol").get("/api/v1/cases/cli-three/grants").status_code == 403
    row = _listed(world, "alice")["cli-three"]
    assert row["no_owner"] is True and row["role"] == "owner"
    assert world.client("alice").put("/api/v1/cases/cli-three/grants/carol",
                                     json={"role": "owner"}).status_code == 200


def test_non_admin_case_list_is_unchanged(world: World) -> None:
    world.reset_case()
    _cli_import(world, "cli-four")
    for user in ("bob", "carol", "dave"):
        pk = accounts.get_user(world.store, user).pk
        assert set(_listed(world, user)) == set(accounts.grants_of_user(world.store, pk))
        assert "cli-four" not in _listed(world, user)


@pytest.mark.parametrize("user", ["alice"])
def test_workbench_marks_no_owner_and_offers_sharing(world: World, user: str) -> None:
    _cli_import(world, "cli-five")
    client, csrf = session_client(world, user)
    page = client.get("/").text
    row = re.search(r"<tr>\s*<td><a href=\"/cases/cli-five\">.*?</tr>", page, re.S)
    assert row is not None and 'data-testid="no-owner"' in row.group(0)
    case_page = client.get("/cases/cli-five").text
    assert 'data-testid="no-owner-note"' in case_page and 'data-testid="form-grant"' in case_page
    r = client.post("/cases/cli-five/ui/grants", data={"user": "bob", "role": "owner", "csrf_token": csrf})
    assert r.status_code == 200, r.text
    assert accounts.grants_on_case(world.store, "cli-five") == {"bob": "owner"}
    # listed without a link once someone else owns it
    page = client.get("/").text
    assert 'href="/cases/cli-five"' not in page and "owned by bob" in page


def test_non_admin_page_lists_only_their_cases(world: World) -> None:
    world.reset_case()
    _cli_import(world, "cli-six")
    client, _ = session_client(world, "bob")
    page = client.get("/").text
    assert "cli-six" not in page and 'href="/cases/tiny"' in page
