"""Who is asking: session cookies, API tokens, CSRF tokens and login rate limiting.

Sessions are signed cookies (itsdangerous) holding the user's pk, a per-session nonce and the user's
``session_epoch`` (bumped by ``sevenfold user passwd`` and ``DELETE /api/v1/sessions``, which end every
session of the user). Logging out records the nonce in the store's ``revoked_sessions`` table, which
every server process checks, so a saved copy of the cookie is refused afterwards. The CSRF token is
an HMAC of the nonce (synchronizer token): forms carry it in ``csrf_token``, htmx and fetch calls in
the ``X-CSRF-Token`` header. Requests authenticated with ``Authorization: Bearer sf_...`` carry no
ambient credential and need no CSRF token.

Login attempts are throttled by :class:`LoginThrottle` per (account, client address) with growing
delays and per address: an attempt is counted (reserved) *before* its password is verified, so
parallel guesses cannot all slip past the limit, and at most a few verifications (argon2id, 64 MiB
each) run at once per process. The client address is the TCP peer's; ``X-Forwarded-For`` counts only
from the proxies named by ``sevenfold serve --forwarded-allow-ips``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio
from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from itsdangerous import BadSignature, URLSafeTimedSerializer

from sevenfold.store import Store
from sevenfold.store.accounts import User, session_user, token_owner

T = TypeVar("T")

SESSION_COOKIE = "sf_session"
PRELOGIN_COOKIE = "sf_prelogin"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = 12 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: the user, and how they proved it (``session`` or ``token``)."""

    user: User
    via: str
    nonce: str = ""
    #: a session's cookie expires by itself at this time (UTC); None for tokens
    session_expires: dt.datetime | None = None
    #: the id of the API token used (``GET /api/v1/tokens`` marks it ``current``); None for sessions
    token_id: int | None = None

    @property
    def actor(self) -> str:
        """The audit-log actor: ``web:<name>`` (browser session) or ``api:<name>`` (token)."""
        return f"{'web' if self.via == 'session' else 'api'}:{self.user.name}"


class Sessions:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode("utf-8")
        self._serializer = URLSafeTimedSerializer(secret, salt="sevenfold-session")

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"u": user.pk, "e": user.session_epoch, "n": secrets.token_urlsafe(16)})

    def read(self, cookie: str) -> dict | None:
        """The cookie's data ``{u, e, n}`` plus ``expires`` (UTC datetime), or None if bad or expired."""
        try:
            data, signed_at = self._serializer.loads(cookie, max_age=SESSION_MAX_AGE, return_timestamp=True)
        except BadSignature:
            return None
        if not (isinstance(data, dict) and {"u", "e", "n"} <= data.keys()):
            return None
        return {**data, "expires": signed_at + dt.timedelta(seconds=SESSION_MAX_AGE)}

    def csrf_token(self, nonce: str) -> str:
        return hmac.new(self._secret, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()

    def prelogin_token(self) -> str:
        return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Attempt:
    """A login attempt counted before its password is checked (see :meth:`LoginThrottle.reserve`)."""

    account_key: str
    ip_key: str
    at: float


class LoginThrottle:
    """Failed logins per (account, client address) with growing delays, failed logins per client
    address in a sliding window, and a cap on concurrent password verifications.

    Per (account, address): after ``per_account`` failures in a row the next attempt from that
    address waits ``window`` seconds after the last failure, and each further failure doubles the
    wait (up to ``max_delay``); a success, or a day without failures, starts again. Wrong passwords
    from one address never lock the account's owner out at another address. Per address: at most
    ``per_ip`` failures (any accounts) in ``window`` seconds, against guessing across accounts.

    An attempt first waits for a verification :meth:`slot`; holding it, the attempt is reserved,
    atomically with the limit check, as a provisional failure *before* the slow argon2 verification,
    and a success then clears it (attempts still queueing count for nothing). So N parallel wrong
    passwords get at most ``per_account`` answers of 401 and the rest 429. At most ``max_concurrent``
    verifications run at once in this process (each argon2id verification takes 64 MiB); an attempt
    that cannot start one within ``verify_wait`` seconds gets 503 with ``Retry-After`` and is not
    counted. Waiting holds no worker thread.
    """

    FORGET_AFTER = 24 * 3600.0

    def __init__(self, per_account: int | None = None, per_ip: int | None = None, window: float = 60.0,
                 max_concurrent: int | None = None, verify_wait: float | None = None,
                 max_delay: float | None = None) -> None:
        self.per_account = per_account or int(os.environ.get("SEVENFOLD_LOGIN_FAILURES_PER_ACCOUNT", "5"))
        self.per_ip = per_ip or int(os.environ.get("SEVENFOLD_LOGIN_FAILURES_PER_IP", "20"))
        self.window = window
        self.max_delay = max_delay if max_delay is not None else 3600.0
        self.max_concurrent = max(1, max_concurrent or int(os.environ.get("SEVENFOLD_LOGIN_CONCURRENCY", "2")))
        self.verify_wait = verify_wait if verify_wait is not None else 10.0
        self._failures: dict[str, deque[float]] = {}  # per address: failure times in the window
        self._streaks: dict[str, tuple[int, float]] = {}  # per (account, address): failures in a row, last
        self._lock = threading.Lock()
        self._verifiers = threading.BoundedSemaphore(self.max_concurrent)

    @staticmethod
    def _keys(account: str, ip: str) -> tuple[str, str]:
        return f"u:{account.lower()}\x00{ip}", f"ip:{ip}"

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def _streak_wait(self, key: str, now: float) -> float:
        n, last = self._streaks.get(key, (0, 0.0))
        if n and now - last > self.FORGET_AFTER:
            self._streaks.pop(key, None)
            return 0.0
        if n < self.per_account:
            return 0.0
        delay = min(self.max_delay, self.window * 2.0 ** (n - self.per_account))
        return max(0.0, delay - (now - last))

    def _wait(self, akey: str, ikey: str, now: float) -> int:
        waits = [self._streak_wait(akey, now)]
        q = self._recent(ikey, now)
        if len(q) >= self.per_ip:
            waits.append(self.window - (now - q[0]))
        wait = max(waits)
        return int(wait) + 1 if wait > 0 else 0

    def retry_after(self, account: str, ip: str) -> int:
        """Seconds to wait before another attempt is allowed (0 = go ahead). Reserves nothing."""
        now = time.monotonic()
        with self._lock:
            return self._wait(*self._keys(account, ip), now)

    def reserve(self, account: str, ip: str) -> tuple[Attempt | None, int]:
        """Check the limits and, if allowed, count the attempt as a failure in the same step.

        Returns ``(attempt, 0)``, or ``(None, seconds to wait)`` when a limit is reached. Follow with
        :meth:`succeeded` (clears it); a failure needs nothing more. Reserve while holding a :meth:`slot`, so
        that only attempts being verified count, not those still queueing.
        """
        now = time.monotonic()
        akey, ikey = self._keys(account, ip)
        with self._lock:
            wait = self._wait(akey, ikey, now)
            if wait:
                return None, wait
            n, _ = self._streaks.get(akey, (0, 0.0))
            self._streaks[akey] = (n + 1, now)
            self._recent(ikey, now).append(now)
            if len(self._failures) + len(self._streaks) > 100_000:  # bounded memory under a spray attack
                self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] <= self.window}
                self._streaks = {k: v for k, v in self._streaks.items()
                                 if v[0] >= self.per_account and now - v[1] <= self.max_delay}
            return Attempt(akey, ikey, now), 0

    def _drop(self, key: str, at: float) -> None:
        q = self._failures.get(key)
        if q is not None:
            with contextlib.suppress(ValueError):  # already out of the window
                q.remove(at)

    def succeeded(self, attempt: Attempt) -> None:
        """A right password: the failures of this account at this address are forgotten, and this
        attempt is not one."""
        with self._lock:
            self._streaks.pop(attempt.account_key, None)
            self._drop(attempt.ip_key, attempt.at)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the ``max_concurrent`` verification slots. Raises :class:`TimeoutError` after
        ``verify_wait`` seconds without one.

        The slot is a thread semaphore polled from the event loop, so waiting holds no worker thread
        and works whatever event loop serves the request.
        """
        deadline = time.monotonic() + self.verify_wait
        delay = 0.005
        while not self._verifiers.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise TimeoutError("password verification slots busy")
            await anyio.sleep(delay)
            delay = min(delay * 2, 0.05)
        try:
            yield
        finally:
            self._verifiers.release()

    async def verify(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (a password verification) in a worker thread inside a :meth:`slot`."""
        async with self.slot():
            return await run_in_threadpool(fn)


def client_ip(request: Request) -> str:
    """The client's address: the TCP peer, or what a trusted proxy forwarded (uvicorn applies
    ``X-Forwarded-For`` only for the addresses given to ``serve --forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


LOGIN_FIRST = "log in first (session cookie or Authorization: Bearer token)"
SESSION_ENDED = "your session has ended (logged out, expired or password changed): log in again"
BAD_TOKEN = ("unknown or revoked API token (list yours with GET /api/v1/tokens; "
             "create one with POST /api/v1/tokens or `sevenfold user token`)")


def _unauthorised(detail: str = LOGIN_FIRST) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


async def _csrf_ok(request: Request, sessions: Sessions, nonce: str) -> bool:
    expected = sessions.csrf_token(nonce)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/x-www-form-urlencoded") or ctype.startswith("multipart/form-data"):
            form = await request.form()  # starlette caches the parsed form for the endpoint
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    return sent is not None and hmac.compare_digest(sent, expected)


async def authenticate_request(request: Request) -> Principal | None:
    """The caller, or None when anonymous. Raises 401/403 for bad credentials or a missing CSRF token.

    A session cookie counts only while its signature, age, the user's ``session_epoch`` and the
    store's ``revoked_sessions`` (logouts, seen by every server process) all say it is live; a dead
    one makes the caller anonymous, and the 401 then says the session ended.
    """
    state = request.app.state
    store: Store = state.store
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        found = token_owner(store, auth[7:].strip())
        if found is None:
            raise _unauthorised(BAD_TOKEN)
        return Principal(found[0], "token", token_id=found[1])
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    data = state.sessions.read(cookie)
    user = None
    if data is not None and isinstance(data["u"], int) and isinstance(data["n"], str):
        user = session_user(store, data["u"], data["n"])
    if user is None or data is None or user.session_epoch != data["e"]:
        request.state.auth_problem = SESSION_ENDED
        return None
    if request.method not in SAFE_METHODS and not await _csrf_ok(request, state.sessions, str(data["n"])):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token (reload the page)")
    return Principal(user, "session", str(data["n"]), session_expires=data["expires"])


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the authenticated caller, else 401."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = await authenticate_request(request)
    if principal is None:
        raise _unauthorised(getattr(request.state, "auth_problem", None) or LOGIN_FIRST)
    request.state.principal = principal
    return principal
