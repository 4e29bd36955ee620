"""Accounts and writes under attack: the login throttle per (account, address), forwarded headers
only from named proxies, common passwords refused, If-Match honoured by rating writes, and
downloads of cases with non-Latin ids."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from sevenfold.errors import InputError
from sevenfold.store import accounts
from sevenfold.web.auth import LoginThrottle
from tests.web.conftest import PASSWORD, TINY, World

CASE = "/api/v1/cases/tiny"


def _login(world: World, name: str, password: str, address: str) -> int:
    from fastapi.testclient import TestClient

    c = TestClient(world.app, raise_server_exceptions=False, client=(address, 40000))  # type: ignore[arg-type]
    return c.post("/api/v1/session", json={"name": name, "password": password}).status_code


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(fresh: World) -> None:
    attacker, owner = "203.0.113.9", "198.51.100.4"
    assert [_login(fresh, "carol", f"guess {i}", attacker) for i in range(5)] == [401] * 5
    assert _login(fresh, "carol", PASSWORD, attacker) == 429  # the attacker's address waits
    assert _login(fresh, "carol", PASSWORD, owner) == 200  # carol, elsewhere, gets in


def test_delays_grow_with_each_further_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    throttle = LoginThrottle(per_account=3, per_ip=1000, window=60)
    waits = []
    for _ in range(4):
        while (attempt := throttle.reserve("zoe", "10.0.0.1"))[0] is not None:
            now[0] += 1  # a wrong password each second until refused
        waits.append(attempt[1])
        now[0] += attempt[1]  # wait exactly as told, then fail once more
    assert waits[0] == 60 and waits[1] > waits[0] and waits[2] > waits[1] and waits[3] > waits[2], waits
    assert throttle.retry_after("zoe", "10.0.0.2") == 0  # another address is not slowed
    ok, _ = throttle.reserve("zoe", "10.0.0.1")
    assert ok is not None
    throttle.succeeded(ok)  # the right password resets the delay
    assert throttle.retry_after("zoe", "10.0.0.1") == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _served(world: World, forwarded_allow_ips: str | None) -> Iterator[str]:
    import uvicorn

    from sevenfold.commands.web import proxy_options

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning",  # type: ignore[arg-type]
                                           **proxy_options(forwarded_allow_ips)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _spray(base: str, n: int) -> list[int]:
    """One wrong password for each of ``n`` accounts, each claiming another X-Forwarded-For address."""
    codes = []
    with httpx.Client(base_url=base, timeout=20) as c:
        for i in range(n):
            r = c.post("/api/v1/session", json={"name": f"ghost{i}", "password": f"guess {i}"},
                       headers={"X-Forwarded-For": f"192.0.2.{i + 1}"})
            codes.append(r.status_code)
    return codes


def test_forwarded_headers_count_only_from_named_proxies(fresh: World) -> None:
    limit = LoginThrottle().per_ip
    with _served(fresh, None) as base:  # a local client cannot rotate made-up addresses past the limit
        assert _spray(base, limit + 2) == [401] * limit + [429] * 2
    fresh.app.state.throttle = LoginThrottle()
    with _served(fresh, "127.0.0.1") as base:  # behind a named proxy, each forwarded address counts
        assert _spray(base, limit + 2) == [401] * (limit + 2)


def test_proxy_options() -> None:
    from sevenfold.commands.web import proxy_options

    assert proxy_options(None) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    assert proxy_options("127.0.0.1, 10.0.0.2") == {"proxy_headers": True,
                                                     "forwarded_allow_ips": ["127.0.0.1", "10.0.0.2"]}


@pytest.mark.parametrize("weak", ["password", "12345678", "aaaaaaaa", "Password", "abcdefgh", "98765432",
                                  "abababab", "qwertyuiop"])
def test_weak_passwords_are_refused_with_a_reason(weak: str) -> None:
    with pytest.raises(InputError, match="password: refused"):
        accounts.check_password(weak)


def test_the_shipped_list_and_a_good_password() -> None:
    assert len(accounts.common_passwords()) >= 10_000
    assert accounts.check_password(PASSWORD) == PASSWORD
    with pytest.raises(InputError, match="user name"):
        accounts.check_password("zebulon-quart", "Zebulon-Quart")


def test_weak_password_through_the_api(fresh: World) -> None:
    r = fresh.client("alice").post("/api/v1/users", json={"name": "erin", "password": "12345678"})
    assert r.status_code in (400, 422) and "common" in r.text


def test_if_match_is_honoured_for_ratings(fresh: World) -> None:
    alice, bob = fresh.client("alice"), fresh.client("bob")
    etag = alice.get(CASE).headers["etag"]
    # the owner writes bob's cell with a fresh If-Match; bob, with the same now-stale one, is refused
    r = alice.put(CASE + "/ratings/r1/h1", json={"consistency": "II", "analyst": "bob"}, headers={"If-Match": etag})
    assert r.status_code == 200
    r = bob.put(CASE + "/ratings/r1/h1", json={"consistency": "CC"}, headers={"If-Match": etag})
    assert r.status_code == 412 and r.headers["etag"] == alice.get(CASE).headers["etag"]
    assert '"consistency": "II"' in r.json()["detail"]
    r = bob.put(CASE + "/ratings/r1/h1", json={"consistency": "CC"}, headers={"If-Match": '"99999"'})
    assert r.status_code == 412
    r = bob.delete(CASE + "/ratings/r1/h1", headers={"If-Match": '"99999"'})
    assert r.status_code == 412
    rating = {(rt.report, rt.hypothesis, rt.analyst): rt.consistency for rt in fresh.store.load_case("tiny").ratings}
    assert rating[("r1", "h1", "bob")] == "II"
    # without If-Match the cell edit commutes and is applied
    assert bob.put(CASE + "/ratings/r1/h1", json={"consistency": "CC"}).status_code == 200


def test_export_of_a_non_latin_case_id(fresh: World) -> None:
    data: dict[str, Any] = {**TINY, "case": {**TINY["case"], "id": "дело-1937"}}
    from sevenfold.model import case_from_data

    fresh.store.import_case(case_from_data(data, "t.yaml"), replace=True, actor="test:setup")
    accounts.grant(fresh.store, "дело-1937", "alice", "owner", actor="test:setup")
    r = fresh.client("alice").get("/api/v1/cases/дело-1937/export")
    assert r.status_code == 200
    assert "filename*=UTF-8''%D0%B4%D0%B5%D0%BB%D0%BE-1937.yaml" in r.headers["content-disposition"]
    assert r.headers["content-disposition"].isascii()
