"""Accounts on SQLite and (with SEVENFOLD_TEST_PG_URL) PostgreSQL: passwords, tokens, grants, migration."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from sevenfold.errors import InputError, NotFound
from sevenfold.store import SCHEMA_HEAD, Store, accounts
from sevenfold.store.audit import records, verify_chain
from sevenfold.store.tables import api_tokens, users
from tests.web.conftest import tiny_case


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    with Store(store_url) as s:
        yield s


def test_store_is_migrated_to_the_schema_head(store: Store) -> None:
    # accounts and audit arrived in 0002; every later revision keeps them
    assert SCHEMA_HEAD >= "0002"
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD


def test_passwords_are_argon2_and_checked(store: Store) -> None:
    accounts.create_user(store, "alice", "first password", actor="t")
    with store.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "first password" not in stored
    assert accounts.authenticate(store, "alice", "first password") is not None
    assert accounts.authenticate(store, "alice", "wrong password") is None
    assert accounts.authenticate(store, "nobody", "first password") is None
    with pytest.raises(InputError, match="already exists"):
        accounts.create_user(store, "alice", "another password", actor="t")
    with pytest.raises(InputError, match="at least"):
        accounts.create_user(store, "bob", "short", actor="t")
    with pytest.raises(InputError, match="user name"):
        accounts.create_user(store, "<script>", "long enough pw", actor="t")


def test_passwd_changes_password_and_ends_sessions(store: Store) -> None:
    before = accounts.create_user(store, "alice", "first password", actor="t")
    accounts.set_password(store, "alice", "second password", actor="t")
    after = accounts.get_user(store, "alice")
    assert after.session_epoch == before.session_epoch + 1
    assert accounts.authenticate(store, "alice", "first password") is None
    assert accounts.authenticate(store, "alice", "second password") is not None
    with pytest.raises(NotFound):
        accounts.set_password(store, "nobody", "second password", actor="t")


def test_tokens_are_hashed_at_rest(store: Store) -> None:
    accounts.create_user(store, "alice", "first password", actor="t")
    token = accounts.create_token(store, "alice", "ci", actor="t")
    with store.engine.connect() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash)).scalar_one()
    assert token not in stored and len(stored) == 64
    assert accounts.user_for_token(store, token).name == "alice"  # type: ignore[union-attr]
    assert accounts.user_for_token(store, token + "x") is None
    assert accounts.user_for_token(store, "not-a-token") is None


def test_grants_roles_and_case_deletion(store: Store) -> None:
    store.import_case(tiny_case(), actor="t")
    accounts.create_user(store, "alice", "first password", actor="t")
    alice = accounts.get_user(store, "alice")
    assert accounts.role_of(store, alice.pk, "tiny") is None
    accounts.grant(store, "tiny", "alice", "reader", actor="t")
    accounts.grant(store, "tiny", "alice", "owner", actor="t")
    assert accounts.role_of(store, alice.pk, "tiny") == "owner"
    assert accounts.grants_of_user(store, alice.pk) == {"tiny": "owner"}
    with pytest.raises(InputError, match="role"):
        accounts.grant(store, "tiny", "alice", "superuser", actor="t")
    with pytest.raises(NotFound):
        accounts.grant(store, "no-such-case", "alice", "reader", actor="t")
    # a deleted case takes its grants with it: a new case with the same id starts unshared
    store.delete_case("tiny", actor="t")
    store.import_case(tiny_case(), actor="t")
    assert accounts.role_of(store, alice.pk, "tiny") is None
    accounts.grant(store, "tiny", "alice", "analyst", actor="t")
    accounts.revoke(store, "tiny", "alice", actor="t")
    assert accounts.grants_on_case(store, "tiny") == {}
    with pytest.raises(NotFound):
        accounts.revoke(store, "tiny", "alice", actor="t")
    actions = [r.action for r in records(store)]
    assert actions.count("grant") == 3 and actions.count("revoke") == 1 and "user.add" in actions
    assert verify_chain(store) == []


def test_secret_key_is_stable(store: Store) -> None:
    assert accounts.secret_key(store) == accounts.secret_key(store)
    assert len(accounts.secret_key(store)) > 40


def test_cli_user_commands(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import io

    from sevenfold.cli import main

    db = str(tmp_path / "cli.db")
    with Store(db) as store:
        store.import_case(tiny_case())
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["user", "add", "alice", "--admin", "--password-stdin", "--db", db]) == 0
    assert main(["user", "grant", "alice", "tiny", "owner", "--db", db]) == 0
    assert main(["user", "grant", "alice", "tiny", "boss", "--db", db]) == 2
    capsys.readouterr()
    assert main(["user", "token", "alice", "--db", db]) == 0
    token = capsys.readouterr().out.strip()
    monkeypatch.setattr("sys.stdin", io.StringIO("another password\n"))
    assert main(["user", "passwd", "alice", "--password-stdin", "--db", db]) == 0
    assert main(["user", "revoke", "alice", "tiny", "--db", db]) == 0
    with Store(db) as store:
        assert accounts.user_for_token(store, token).name == "alice"  # type: ignore[union-attr]
        assert accounts.authenticate(store, "alice", "another password") is not None
        recs = records(store)
        assert all(r.who.startswith("cli:") for r in recs)
        assert [r.action for r in recs] == ["user.add", "grant", "token.add", "user.passwd", "revoke"]
    assert main(["audit", "verify", "--db", db]) == 0
