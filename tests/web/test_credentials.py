"""How credentials end, and how hard they are to guess: review findings (session 7), each failing without its fix.

1. Logout ended nothing on the server: a saved session cookie stayed valid for 12 hours, writes included.
2. API tokens could not be revoked and survived a password change.
3. The login rate limit could be raced (checked before the slow argon2 verification, counted after),
   and parallel verifications were unbounded (64 MiB each).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sevenfold.store import Store, accounts
from sevenfold.store.audit import records, verify_chain
from sevenfold.web.auth import SESSION_COOKIE, SESSION_ENDED, LoginThrottle
from tests.web.conftest import PASSWORD, World, make_world, session_client

CASE = "/api/v1/cases/tiny"


def _with_cookie(app: Any, cookie: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.cookies.set(SESSION_COOKIE, cookie)
    return c


# ---- 1. logout ends the session on the server ---------------------------------------------------
def test_api_logout_ends_the_session_for_a_saved_cookie(fresh: World) -> None:
    c, csrf = session_client(fresh, "bob")
    saved = c.cookies[SESSION_COOKIE]
    r = c.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["session_ended"] is True
    # an attacker (or the same browser) replaying the saved cookie: read and write are refused
    thief = _with_cookie(fresh.app, saved)
    r = thief.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["detail"] == SESSION_ENDED
    before = fresh.store.revision("tiny")
    r = thief.put(CASE + "/ratings/r1/h2", json={"consistency": "N"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 401
    assert fresh.store.revision("tiny") == before
    # logging out twice is harmless, and a new login is a new session that works
    assert thief.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 401
    c2, _ = session_client(fresh, "bob")
    assert c2.get("/api/v1/me").status_code == 200


def test_ui_logout_ends_the_session_for_a_saved_cookie(fresh: World) -> None:
    c = fresh.client()
    page = c.get("/login")
    token = page.text.split('name="prelogin" value="')[1].split('"')[0]
    assert c.post("/login", data={"name": "bob", "password": PASSWORD, "prelogin": token},
                  follow_redirects=False).status_code == 303
    saved = c.cookies[SESSION_COOKIE]
    home = c.get("/")
    csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    thief = _with_cookie(fresh.app, saved)
    assert thief.get("/", follow_redirects=False).headers["location"] == "/login"
    r = thief.post("/cases/tiny/ui/rate", data={"report": "r1", "hypothesis": "h2", "consistency": "I",
                                                "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code in (303, 401)
    assert thief.get("/api/v1/me").status_code == 401


def test_logout_in_one_server_process_ends_the_session_in_the_others(store_url: str) -> None:
    """Two apps over two connections to one store stand for two `--workers` processes."""
    from sevenfold.web import create_app

    world = make_world(store_url)
    other = Store(store_url)
    try:
        second = create_app(other)
        c, csrf = session_client(world, "bob")
        saved = c.cookies[SESSION_COOKIE]
        assert _with_cookie(second, saved).get("/api/v1/me").status_code == 200
        assert _with_cookie(second, saved).delete("/api/v1/session",
                                                  headers={"X-CSRF-Token": csrf}).status_code == 200
        assert _with_cookie(world.app, saved).get("/api/v1/me").status_code == 401
        assert _with_cookie(second, saved).get("/api/v1/me").status_code == 401
    finally:
        other.close()
        world.store.close()


def test_a_user_can_end_all_of_their_sessions(fresh: World) -> None:
    accounts.create_user(fresh.store, "gina", PASSWORD, actor="t")
    laptop, csrf = session_client(fresh, "gina")
    phone, _ = session_client(fresh, "gina")
    token = accounts.create_token(fresh.store, "gina", "ci", actor="t")
    bob, _ = session_client(fresh, "bob")
    r = laptop.delete("/api/v1/sessions", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["sessions_ended"] is True
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 401
    assert bob.get("/api/v1/me").status_code == 200  # nobody else's
    api = fresh.client(token=token)
    assert api.get("/api/v1/me").status_code == 200  # tokens are revoked separately
    # the UI's "End all sessions" button does the same
    tablet, _ = session_client(fresh, "gina")
    desk, _ = session_client(fresh, "gina")
    csrf = tablet.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]
    r = tablet.post("/logout", data={"csrf_token": csrf, "everywhere": "1"}, follow_redirects=False)
    assert r.status_code == 303
    assert desk.get("/api/v1/me").status_code == 401
    ends = [r for r in records(fresh.store) if r.action == "user.sessions_end"]
    assert [(r.who, r.after) for r in ends] == [("web:gina", {"user": "gina"})] * 2
    assert verify_chain(fresh.store) == []


# ---- 2. API tokens can be listed and revoked, and a password change revokes them ------------------
def test_tokens_are_listed_without_secrets_and_revoked_by_their_owner_only(fresh: World) -> None:
    accounts.create_user(fresh.store, "hugo", PASSWORD, actor="t")
    first = accounts.create_token(fresh.store, "hugo", "laptop", actor="t")
    hugo = fresh.client(token=first)
    second = hugo.post("/api/v1/tokens", json={"label": "ci"}).json()["token"]
    listed = hugo.get("/api/v1/tokens")
    assert listed.status_code == 200
    rows = listed.json()
    assert [(t["label"], t["current"]) for t in rows] == [("laptop", True), ("ci", False)]
    assert set(rows[0]) == {"id", "label", "created_at", "current"}
    assert first not in listed.text and second not in listed.text
    ci_id = rows[1]["id"]
    # another user sees only their own tokens, and cannot revoke hugo's (404, like a missing one)
    carol = fresh.client("carol")
    assert ci_id not in [t["id"] for t in carol.get("/api/v1/tokens").json()]
    assert carol.delete(f"/api/v1/tokens/{ci_id}").status_code == 404
    user2 = fresh.client(token=second)
    assert user2.get("/api/v1/me").status_code == 200
    # the owner revokes it: refused at once, with a message that says what to do
    r = hugo.delete(f"/api/v1/tokens/{ci_id}")
    assert r.status_code == 200 and r.json()["revoked"] is True and r.json()["label"] == "ci"
    r = user2.get("/api/v1/me")
    assert r.status_code == 401 and "revoked" in r.json()["detail"] and "/api/v1/tokens" in r.json()["detail"]
    assert hugo.delete(f"/api/v1/tokens/{ci_id}").status_code == 404
    assert [t["label"] for t in hugo.get("/api/v1/tokens").json()] == ["laptop"]
    assert hugo.delete("/api/v1/tokens/0").status_code == 422
    rec = [r for r in records(fresh.store) if r.action == "token.revoke"][-1]
    assert rec.who == "api:hugo" and rec.before == {"user": "hugo", "token": ci_id, "label": "ci"}
    assert verify_chain(fresh.store) == []


def test_password_change_revokes_api_tokens(fresh: World) -> None:
    accounts.create_user(fresh.store, "ivan", PASSWORD, actor="t")
    token = accounts.create_token(fresh.store, "ivan", "ci", actor="t")
    api = fresh.client(token=token)
    assert api.get("/api/v1/me").status_code == 200
    assert accounts.set_password(fresh.store, "ivan", "a new password", actor="t") == 1
    assert api.get("/api/v1/me").status_code == 401
    # a routine change may keep them
    kept = accounts.create_token(fresh.store, "ivan", "ci", actor="t")
    assert accounts.set_password(fresh.store, "ivan", "a newer password", actor="t", revoke_tokens=False) == 0
    assert accounts.user_for_token(fresh.store, kept) is not None


# ---- 3. the login limit cannot be raced, and verifications are capped -----------------------------
class SlowVerifier:
    """Wraps accounts.authenticate: slow (like real argon2id) and counting how many run at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.running = 0
        self.most = 0
        self.calls = 0
        self._lock = threading.Lock()
        self._real: Callable[..., Any] = accounts.authenticate

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.seconds)
            return self._real(*args, **kwargs)
        finally:
            with self._lock:
                self.running -= 1


def _parallel_logins(world: World, logins: list[tuple[str, str]]) -> list[Any]:
    barrier = threading.Barrier(len(logins))
    out: list[Any] = [None] * len(logins)

    def one(i: int, name: str, password: str) -> None:
        client = world.client()
        barrier.wait()
        out[i] = client.post("/api/v1/session", json={"name": name, "password": password})

    threads = [threading.Thread(target=one, args=(i, n, p)) for i, (n, p) in enumerate(logins)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def test_parallel_wrong_passwords_get_at_most_the_limit_of_tries(fresh: World,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    slow = SlowVerifier(0.3)
    monkeypatch.setattr(accounts, "authenticate", slow)
    fresh.app.state.throttle = LoginThrottle(max_concurrent=4)
    responses = _parallel_logins(fresh, [("carol", f"wrong guess {i}") for i in range(16)])
    codes = sorted(r.status_code for r in responses)
    assert codes.count(401) == 5 and codes.count(429) == 11, codes
    assert all(int(r.headers["retry-after"]) > 0 for r in responses if r.status_code == 429)
    assert slow.calls == 5  # refused attempts cost no verification
    # the right password is refused too until the window passes
    assert fresh.client().post("/api/v1/session", json={"name": "carol", "password": PASSWORD}).status_code == 429


def test_concurrent_password_verifications_are_capped(fresh: World, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = SlowVerifier(0.15)
    monkeypatch.setattr(accounts, "authenticate", slow)
    fresh.app.state.throttle = LoginThrottle(max_concurrent=2)
    responses = _parallel_logins(fresh, [(n, PASSWORD) for n in ("alice", "bob", "carol", "dave") * 2])
    assert [r.status_code for r in responses] == [200] * 8  # they wait their turn, all get in
    assert slow.most <= 2 and slow.calls == 8


def test_a_login_that_cannot_get_a_verification_slot_gets_503_and_is_not_counted(
        fresh: World, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = SlowVerifier(1.0)
    monkeypatch.setattr(accounts, "authenticate", slow)
    throttle = LoginThrottle(max_concurrent=1, verify_wait=0.2)
    fresh.app.state.throttle = throttle
    responses = _parallel_logins(fresh, [("bob", f"wrong guess {i}") for i in range(3)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [401, 503, 503], codes
    assert all(r.headers["retry-after"] == "1" for r in responses if r.status_code == 503)
    assert slow.most == 1
    # only the verified attempt counts: four more tries remain for bob
    for _ in range(4):
        attempt, wait = throttle.reserve("bob", "testclient")
        assert attempt is not None and wait == 0
    assert throttle.reserve("bob", "testclient")[0] is None


def test_a_success_clears_its_reservation() -> None:
    throttle = LoginThrottle(per_account=2, per_ip=3)
    for _ in range(5):
        attempt, _ = throttle.reserve("zoe", "10.0.0.1")
        assert attempt is not None
        throttle.succeeded(attempt)
    assert throttle.retry_after("zoe", "10.0.0.1") == 0
    a1, _ = throttle.reserve("zoe", "10.0.0.1")
    a2, _ = throttle.reserve("zoe", "10.0.0.1")
    refused, wait = throttle.reserve("zoe", "10.0.0.1")
    assert a1 and a2 and refused is None and 0 < wait <= 61


def test_logins_waiting_for_a_slot_do_not_count_against_their_address(fresh: World,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Second-review finding (session 6): every attempt still waiting for a verification slot counted
    against the per-address limit (20), so 26 people logging in together behind one proxy got six 429s."""
    slow = SlowVerifier(0.05)
    monkeypatch.setattr(accounts, "authenticate", slow)
    fresh.app.state.throttle = LoginThrottle(max_concurrent=2)
    responses = _parallel_logins(fresh, [(n, PASSWORD) for n in ("alice", "bob", "carol", "dave") * 7][:26])
    assert [r.status_code for r in responses] == [200] * 26
