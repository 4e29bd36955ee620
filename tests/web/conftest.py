"""Workbench fixtures: a store with users alice (owner), bob (analyst), carol (reader), dave (no grant)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

# cheap argon2 parameters for speed (the format is still argon2id; production uses the defaults)
os.environ.setdefault("SEVENFOLD_ARGON2_FAST", "1")

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

from fastapi.testclient import TestClient

from sevenfold.model import case_from_data
from sevenfold.store import Store, accounts

PASSWORD = "correct horse battery"
ROLES_OF = {"alice": "owner", "bob": "analyst", "carol": "reader"}  # dave: no grant

# a small case touching every entry kind (ids chosen to exercise the routes)
TINY = {
    "format": "sevenfold/1",
    "case": {"id": "tiny", "title": "Tiny case", "question": "Which one?", "as_of": "1937-03"},
    "actors": [{"id": "adversary", "name": "Adversary service"}],
    "sources": [
        {"id": "s1", "name": "Agent One", "kind": "human", "access": "direct",
         "track_record": {"confirmed": 6, "refuted": 1}},
        {"id": "s2", "name": "Agent Two", "kind": "human", "access": "indirect"},
        {"id": "s3", "name": "Burned source", "kind": "open"},
        {"id": "s4", "name": "Unused source", "kind": "open"},
    ],
    "documents": [{"id": "d1", "citation": "RGASPI f. 17, op. 163, d. 1217, l. 51", "title": "Memo"}],
    "reports": [
        {"id": "r1", "source": "s1", "date": "1936-12", "modality": "document", "document": "d1",
         "text": "The memorandum exists."},
        {"id": "r2", "source": "s2", "date": "1937-01-10", "modality": "hearsay", "text": "It is a plant."},
        {"id": "r3", "source": "s2", "date": "1937-02", "derived_from": ["r2"], "text": "Repeats r2."},
    ],
    "hypotheses": [
        {"id": "h1", "statement": "Genuine"},
        {"id": "h2", "statement": "Plant", "deception_by": "adversary"},
    ],
    "ratings": [
        {"report": "r1", "hypothesis": "h1", "consistency": "C"},
        {"report": "r1", "hypothesis": "h2", "consistency": "C"},
        {"report": "r2", "hypothesis": "h1", "consistency": "I"},
        {"report": "r2", "hypothesis": "h2", "consistency": "C"},
    ],
    "outcomes": [{"report": "r1", "verdict": "confirmed", "date": "1941"}],
    "burns": [{"id": "b1", "source": "s3", "since": "1936"}],
}


def tiny_case():  # type: ignore[no-untyped-def]
    return case_from_data(TINY, "tiny.yaml")


def tiny_yaml() -> bytes:
    return yaml.safe_dump(TINY, sort_keys=False, allow_unicode=True).encode()


@dataclass
class World:
    store: Store
    app: object
    tokens: dict[str, str]

    def client(self, user: str | None = None, *, token: str | None = None) -> TestClient:
        """A client authenticated as ``user`` (their standard token), or with ``token``, or anonymous."""
        c = TestClient(self.app, raise_server_exceptions=False)  # type: ignore[arg-type]
        token = self.tokens[user] if user is not None else token
        if token is not None:
            c.headers["Authorization"] = f"Bearer {token}"
        return c

    def reset_case(self) -> None:
        """A fresh copy of the tiny case with the standard grants."""
        self.store.import_case(tiny_case(), replace=True, actor="test:setup")
        for name, role in ROLES_OF.items():
            accounts.grant(self.store, "tiny", name, role, actor="test:setup")
        self.app.state.assessments = type(self.app.state.assessments)()  # type: ignore[attr-defined]


def make_world(url: str) -> World:
    from sevenfold.web import create_app

    store = Store(url)
    tokens = {}
    for name in ("alice", "bob", "carol", "dave"):
        accounts.create_user(store, name, PASSWORD, admin=(name == "alice"), actor="test:setup")
        tokens[name] = accounts.create_token(store, name, "tests", actor="test:setup")
    world = World(store, create_app(store), tokens)
    world.reset_case()
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One SQLite store per test module (argon2 hashing is deliberately slow); reset the case per test."""
    w = make_world(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}")
    yield w
    w.store.close()


@pytest.fixture
def fresh(world: World) -> World:
    world.reset_case()
    world.app.state.throttle = type(world.app.state.throttle)()  # type: ignore[attr-defined]
    return world


def session_client(world: World, name: str, password: str = PASSWORD) -> tuple[TestClient, str]:
    """A client logged in with a browser session; returns (client, csrf token)."""
    c = world.client()
    r = c.post("/api/v1/session", json={"name": name, "password": password})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf_token"]


DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"
