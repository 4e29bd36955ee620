"""Accounts on SQLite and (with SEVENFOLD_TEST_PG_URL) PostgreSQL: passwords, tokens, grants, migration."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from sevenfold.errors import InputError, NotFound
from sevenfold.store import SCHEMA_HEAD, Store, accounts
from sevenfold.store.audit import records, verify_chain
from sevenfold.store.tables import api_tokens, revoked_sessions, users
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


def test_tokens_are_listed_and_revoked_by_id(store: Store) -> None:
    accounts.create_user(store, "alice", "first password", actor="t")
    accounts.create_user(store, "bob", "first password", actor="t")
    laptop = accounts.create_token(store, "alice", "laptop", actor="t")
    ci = accounts.create_token(store, "alice", "ci", actor="t")
    bobs = accounts.create_token(store, "bob", "", actor="t")
    listed = accounts.list_tokens(store, "alice")
    assert [t.label for t in listed] == ["laptop", "ci"]
    assert accounts.token_owner(store, ci) == (accounts.get_user(store, "alice"), listed[1].id)
    bob_id = accounts.list_tokens(store, "bob")[0].id
    with pytest.raises(NotFound):  # alice cannot revoke bob's token
        accounts.revoke_token(store, "alice", bob_id, actor="t")
    assert accounts.revoke_token(store, "alice", listed[1].id, actor="t").label == "ci"
    assert accounts.user_for_token(store, ci) is None
    assert accounts.user_for_token(store, laptop) is not None and accounts.user_for_token(store, bobs) is not None
    with pytest.raises(NotFound):
        accounts.revoke_token(store, "alice", listed[1].id, actor="t")
    # a password change ends every credential: sessions (epoch) and tokens
    assert accounts.set_password(store, "alice", "second password", actor="t") == 1
    assert accounts.list_tokens(store, "alice") == [] and accounts.user_for_token(store, laptop) is None
    assert accounts.user_for_token(store, bobs) is not None
    recs = records(store)
    assert [r.action for r in recs][-2:] == ["token.revoke", "user.passwd"]
    assert recs[-2].before == {"user": "alice", "token": listed[1].id, "label": "ci"}
    assert recs[-1].after == {"user": "alice", "tokens_revoked": 1}
    assert verify_chain(store) == []


def test_revoked_sessions_are_refused_and_pruned_once_expired(store: Store) -> None:
    alice = accounts.create_user(store, "alice", "first password", actor="t")
    now = dt.datetime.now(dt.UTC)
    assert accounts.session_user(store, alice.pk, "nonce-a") == alice
    accounts.revoke_session(store, "nonce-a", alice.pk, now - dt.timedelta(seconds=1))  # cookie already expired
    assert accounts.session_user(store, alice.pk, "nonce-a") is None
    accounts.revoke_session(store, "nonce-b", alice.pk, now + dt.timedelta(hours=12))
    accounts.revoke_session(store, "nonce-b", alice.pk, now + dt.timedelta(hours=12))  # twice: harmless
    with store.engine.connect() as conn:
        kept = conn.execute(select(revoked_sessions.c.nonce)).scalars().all()
    assert kept == ["nonce-b"]  # nonce-a was pruned by the next logout
    assert accounts.session_user(store, alice.pk, "nonce-b") is None
    assert accounts.session_user(store, alice.pk, "nonce-c") == alice
    assert accounts.session_user(store, alice.pk, "x" * 65) is None
    assert accounts.session_user(store, alice.pk + 99, "nonce-c") is None
    # ending every session bumps the epoch (and is audited)
    assert accounts.end_sessions(store, "alice", actor="t").session_epoch == alice.session_epoch + 1
    assert records(store)[-1].action == "user.sessions_end"


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
    import json

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
    assert main(["user", "token", "alice", "--label", "spare", "--db", db]) == 0
    spare = capsys.readouterr().out.strip()
    assert main(["user", "tokens", "alice", "--json", "--db", db]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [t["label"] for t in listed] == ["", "spare"] and token not in json.dumps(listed)
    assert main(["user", "revoke-token", "alice", str(listed[1]["id"]), "--db", db]) == 0
    assert main(["user", "revoke-token", "alice", str(listed[1]["id"]), "--db", db]) == 2  # not found
    assert main(["user", "tokens", "alice", "--db", db]) == 0
    with Store(db) as store:
        assert accounts.user_for_token(store, spare) is None
        assert accounts.user_for_token(store, token).name == "alice"  # type: ignore[union-attr]
    monkeypatch.setattr("sys.stdin", io.StringIO("another password\n"))
    assert main(["user", "passwd", "alice", "--password-stdin", "--db", db]) == 0
    assert main(["user", "revoke", "alice", "tiny", "--db", db]) == 0
    with Store(db) as store:
        assert accounts.user_for_token(store, token) is None  # passwd ends every credential
        assert accounts.authenticate(store, "alice", "another password") is not None
        recs = records(store)
        assert all(r.who.startswith("cli:") for r in recs)
        assert [r.action for r in recs] == ["user.add", "grant", "token.add", "token.add", "token.revoke",
                                            "user.passwd", "revoke"]
    with Store(db) as store:
        kept = accounts.create_token(store, "alice", "kept", actor="t")
    monkeypatch.setattr("sys.stdin", io.StringIO("a third password\n"))
    assert main(["user", "passwd", "alice", "--password-stdin", "--keep-tokens", "--db", db]) == 0
    with Store(db) as store:
        assert accounts.user_for_token(store, kept) is not None
    assert main(["audit", "verify", "--db", db]) == 0
