"""Who is asking: session cookies, API tokens, CSRF tokens and login rate limiting.

Sessions are signed cookies (itsdangerous) holding the user's pk, a per-session nonce and the user's
``session_epoch`` (bumped by ``sevenfold user passwd``, which ends every session). The CSRF token is
an HMAC of the nonce (synchronizer token): forms carry it in ``csrf_token``, htmx and fetch calls in
the ``X-CSRF-Token`` header. Requests authenticated with ``Authorization: Bearer sf_...`` carry no
ambient credential and need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from sevenfold.store import Store
from sevenfold.store.accounts import User, get_user_by_pk, user_for_token

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
        try:
            data = self._serializer.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and {"u", "e", "n"} <= data.keys() else None

    def csrf_token(self, nonce: str) -> str:
        return hmac.new(self._secret, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()

    def prelogin_token(self) -> str:
        return secrets.token_urlsafe(24)


class LoginThrottle:
    """Failed logins per account and per client address in a sliding one-minute window."""

    def __init__(self, per_account: int | None = None, per_ip: int | None = None, window: float = 60.0) -> None:
        self.per_account = per_account or int(os.environ.get("SEVENFOLD_LOGIN_FAILURES_PER_ACCOUNT", "5"))
        self.per_ip = per_ip or int(os.environ.get("SEVENFOLD_LOGIN_FAILURES_PER_IP", "20"))
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def retry_after(self, account: str, ip: str) -> int:
        """Seconds to wait before another attempt is allowed (0 = go ahead)."""
        now = time.monotonic()
        with self._lock:
            waits = []
            for key, limit in ((f"u:{account.lower()}", self.per_account), (f"ip:{ip}", self.per_ip)):
                q = self._recent(key, now)
                if len(q) >= limit:
                    waits.append(int(self.window - (now - q[0])) + 1)
            return max(waits, default=0)

    def failed(self, account: str, ip: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (f"u:{account.lower()}", f"ip:{ip}"):
                self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # bounded memory under a spray attack
                self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] <= self.window}

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(f"u:{account.lower()}", None)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _unauthorised(detail: str = "log in first (session cookie or Authorization: Bearer token)") -> HTTPException:
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
    """The caller, or None when anonymous. Raises 401/403 for bad credentials or a missing CSRF token."""
    state = request.app.state
    store: Store = state.store
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = user_for_token(store, auth[7:].strip())
        if user is None:
            raise _unauthorised("unknown or revoked API token")
        return Principal(user, "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    data = state.sessions.read(cookie)
    if data is None:
        return None
    user = get_user_by_pk(store, int(data["u"]))
    if user is None or user.session_epoch != data["e"]:
        return None
    if request.method not in SAFE_METHODS and not await _csrf_ok(request, state.sessions, str(data["n"])):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token (reload the page)")
    return Principal(user, "session", str(data["n"]))


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the authenticated caller, else 401."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = await authenticate_request(request)
    if principal is None:
        raise _unauthorised()
    request.state.principal = principal
    return principal
