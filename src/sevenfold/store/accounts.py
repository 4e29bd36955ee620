"""Accounts: users (argon2 password hashes), API tokens (hashed at rest), per-case grants, ended sessions.

Roles per case: ``reader`` reads; ``analyst`` also edits ratings, reports, hypotheses, outcomes and
burns; ``owner`` also grants, revokes and deletes. Admins may create users, see every case listed,
and are owners of every case that has no owner (one imported with the CLI), so that they can open it
and share it; a case with an owner is theirs only through a grant (:func:`case_role`). Every change
here is appended to the audit log in the same transaction (a single logout,
like a login, is not: it only ends one session).

Credentials and how they end: a browser session ends at logout (its nonce goes into
``revoked_sessions`` until the cookie would have expired), and every session of a user ends when
``session_epoch`` is bumped (:func:`end_sessions`, :func:`set_password`). An API token ends when it
is revoked (:func:`revoke_token`) and, unless told otherwise, when the password changes.

>>> store = open_store("cases.db")                        # doctest: +SKIP
>>> alice = create_user(store, "alice", "s3cret-pass", admin=True, actor="cli:root")  # doctest: +SKIP
>>> grant(store, "zarubin-1937", "alice", "owner", actor="cli:root")                  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sevenfold.errors import Conflict, InputError, NotFound, StoreError
from sevenfold.store import audit as _audit
from sevenfold.store.tables import api_tokens, case_grants, revoked_sessions, settings, users

if TYPE_CHECKING:
    from sevenfold.store.repository import Store

Role = Literal["reader", "analyst", "owner"]
ROLES: tuple[Role, ...] = ("reader", "analyst", "owner")
ROLE_RANK = {r: i for i, r in enumerate(ROLES)}
MIN_PASSWORD_CHARS = 8
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
TOKEN_PREFIX = "sf_"


@dataclass(frozen=True)
class User:
    pk: int
    name: str
    is_admin: bool
    session_epoch: int


@dataclass(frozen=True)
class TokenInfo:
    """An API token as its owner may see it: never the secret (only its hash is stored anyway)."""

    id: int
    label: str
    created_at: dt.datetime

    def to_json_dict(self) -> dict[str, object]:
        created = self.created_at if self.created_at.tzinfo else self.created_at.replace(tzinfo=dt.UTC)
        return {"id": self.id, "label": self.label, "created_at": created.isoformat()}


@lru_cache(maxsize=1)
def _hasher():  # type: ignore[no-untyped-def]
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - the web extra is not installed
        raise StoreError("accounts need argon2-cffi: pip install 'sevenfold[web]'") from None
    import os

    if os.environ.get("SEVENFOLD_ARGON2_FAST") == "1":
        # tests only: cheap parameters (hashes stay argon2id; real logins rehash to the defaults)
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2-cffi defaults: argon2id, t=3, m=64 MiB, p=4 (RFC 9106 low-memory)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _user(row) -> User:  # type: ignore[no-untyped-def]
    return User(int(row.pk), str(row.name), bool(row.is_admin), int(row.session_epoch))


def check_name(name: str) -> str:
    if not _NAME_RE.match(name or ""):
        raise InputError(f"user name {name!r}: use 1-100 letters, digits, '.', '_', '@' or '-', "
                         "starting with a letter or digit")
    return name


MIN_DISTINCT_CHARS = 5


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lowercased; see sevenfold/data/passwords/README.md)."""
    import gzip
    from importlib.resources import files

    blob = files("sevenfold.data").joinpath("passwords/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(blob).decode("utf-8").splitlines() if line.strip())


def _is_sequence(password: str) -> bool:
    """Every step between neighbouring characters the same (aaaa, abcdefgh, 98765432, 13579bdf)."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(password)}
    return len(steps) <= 1


def check_password(password: str, name: str | None = None) -> str:
    """Refuse a weak password, with a message that says why: shorter than 8 characters, one of the
    common passwords shipped with sevenfold (any case), fewer than 5 different characters, a plain
    sequence (``abcdefgh``, ``98765432``), or the user's own name."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"password: at least {MIN_PASSWORD_CHARS} characters, please")
    if len(password) > 1024:
        raise InputError("password: at most 1024 characters")
    folded = password.strip().lower()
    if folded in common_passwords():
        raise InputError("password: refused, it is one of the most common passwords (tried first by "
                         "anyone guessing); choose another, e.g. a few unrelated words")
    if len(set(folded)) < MIN_DISTINCT_CHARS:
        raise InputError(f"password: refused, it uses fewer than {MIN_DISTINCT_CHARS} different characters; "
                         "choose another, e.g. a few unrelated words")
    if _is_sequence(folded):
        raise InputError("password: refused, it is a plain sequence of characters; choose another, "
                         "e.g. a few unrelated words")
    if name and folded in (name.lower(), name.lower()[::-1]):
        raise InputError("password: refused, it is the user name; choose another")
    return password


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise InputError(f"role {role!r}: use one of {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


# ---- users -------------------------------------------------------------------------------------
def create_user(store: Store, name: str, password: str, *, admin: bool = False,
                actor: str | None = None) -> User:
    check_name(name)
    digest = _hasher().hash(check_password(password, name))

    def run(conn: Connection) -> User:
        if conn.execute(select(users.c.pk).where(users.c.name == name)).first() is not None:
            raise InputError(f"user {name!r} already exists")
        pk = conn.execute(insert(users).values(name=name, password_hash=digest, is_admin=admin,
                                               session_epoch=0, created_at=_now())
                          .returning(users.c.pk)).scalar_one()
        _audit.append(conn, actor or _audit.cli_actor(), "user.add", None, None,
                      {"user": name, "admin": admin}, accounts=True)
        return User(int(pk), name, admin, 0)

    try:
        return store._retrying(run)
    except IntegrityError:
        raise InputError(f"user {name!r} already exists") from None


def get_user(store: Store, name: str) -> User:
    with store.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        raise NotFound(f"no user {name!r} (add one with `sevenfold user add {name}`)")
    return _user(row)


def list_users(store: Store) -> list[User]:
    with store.engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(users).order_by(users.c.name))]


def has_users(store: Store) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(select(users.c.pk).limit(1)).first() is not None


def set_password(store: Store, name: str, password: str, *, actor: str | None = None,
                 revoke_tokens: bool = True) -> int:
    """Change a password: every session of the user ends and, unless ``revoke_tokens`` is False, every
    API token of theirs is revoked too (a password change ends every credential). Returns the number
    of tokens revoked."""
    digest = _hasher().hash(check_password(password, name))

    def run(conn: Connection) -> int:
        pk = conn.execute(select(users.c.pk).where(users.c.name == name)).scalar()
        if pk is None:
            raise NotFound(f"no user {name!r}")
        conn.execute(update(users).where(users.c.pk == pk)
                     .values(password_hash=digest, session_epoch=users.c.session_epoch + 1))
        revoked = conn.execute(delete(api_tokens).where(api_tokens.c.user_pk == pk)).rowcount if revoke_tokens else 0
        _audit.append(conn, actor or _audit.cli_actor(), "user.passwd", None, None,
                      {"user": name, "tokens_revoked": revoked}, accounts=True)
        return int(revoked)

    return int(store._retrying(run))


def end_sessions(store: Store, name: str, *, actor: str | None = None) -> User:
    """End every browser session of ``name`` (bumps ``session_epoch``); API tokens are not touched."""

    def run(conn: Connection) -> User:
        n = conn.execute(update(users).where(users.c.name == name)
                         .values(session_epoch=users.c.session_epoch + 1)).rowcount
        if not n:
            raise NotFound(f"no user {name!r}")
        _audit.append(conn, actor or _audit.cli_actor(), "user.sessions_end", None, None, {"user": name},
                      accounts=True)
        return _user(conn.execute(select(users).where(users.c.name == name)).one())

    return store._retrying(run)


# ---- ended sessions ----------------------------------------------------------------------------
MAX_NONCE_CHARS = 64


def session_user(store: Store, pk: int, nonce: str) -> User | None:
    """The user of a session cookie, or None when the user is gone or that session was logged out.

    One query: the user row, and whether the nonce is in ``revoked_sessions``.
    """
    if not nonce or len(nonce) > MAX_NONCE_CHARS:
        return None
    ended = select(revoked_sessions.c.nonce).where(revoked_sessions.c.nonce == nonce).exists()
    with store.engine.connect() as conn:
        row = conn.execute(select(users, ended.label("ended")).where(users.c.pk == pk)).first()
    if row is None or row.ended:
        return None
    return _user(row)


def revoke_session(store: Store, nonce: str, user_pk: int, expires_at: dt.datetime) -> None:
    """End one session (logout) in every server process: its nonce is refused until ``expires_at``,
    when the cookie expires by itself. Expired rows are pruned on the way."""
    if not nonce or len(nonce) > MAX_NONCE_CHARS:
        return

    def run(conn: Connection) -> None:
        conn.execute(delete(revoked_sessions).where(revoked_sessions.c.expires_at < _now()))
        if conn.execute(select(revoked_sessions.c.nonce).where(revoked_sessions.c.nonce == nonce)).first() is None:
            conn.execute(insert(revoked_sessions).values(nonce=nonce, user_pk=user_pk, expires_at=expires_at))

    with contextlib.suppress(IntegrityError):  # the same session logged out twice at once: ended either way
        store._retrying(run)


# a hash to verify against when the user does not exist, so timing does not reveal user names
_DUMMY_HASH: list[str] = []


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user if ``password`` is right, else None (same work either way)."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    ph = _hasher()
    with store.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(ph.hash(secrets.token_urlsafe(16)))
        with contextlib.suppress(VerificationError, InvalidHashError):
            ph.verify(_DUMMY_HASH[0], password)
        return None
    try:
        ph.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if ph.check_needs_rehash(row.password_hash):
        fresh = ph.hash(password)

        def rehash(conn: Connection) -> None:  # audited: the accounts digest covers password hashes
            conn.execute(update(users).where(users.c.pk == row.pk).values(password_hash=fresh))
            _audit.append(conn, f"login:{name}", "user.rehash", None, None, {"user": name}, accounts=True)

        store._retrying(rehash)
    return _user(row)


# ---- API tokens --------------------------------------------------------------------------------
def _token_digest(token: str) -> str:
    # tokens are 256-bit random: a plain SHA-256 is enough (no dictionary to attack)
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str, label: str = "", *, actor: str | None = None) -> str:
    """A new API token for ``name``; the plain token is returned once and only its hash is kept."""
    user = get_user(store, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)

    def run(conn: Connection) -> None:
        pk = conn.execute(insert(api_tokens).values(user_pk=user.pk, token_hash=_token_digest(token),
                                                    label=label[:200], created_at=_now())
                          .returning(api_tokens.c.pk)).scalar_one()
        _audit.append(conn, actor or _audit.cli_actor(), "token.add", None, None,
                      {"user": name, "label": label[:200], "token": int(pk)}, accounts=True)

    store._retrying(run)
    return token


def token_owner(store: Store, token: str) -> tuple[User, int] | None:
    """(user, token id) for a live API token, else None (unknown or revoked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(select(users, api_tokens.c.pk.label("token_pk"))
                           .join(api_tokens, api_tokens.c.user_pk == users.c.pk)
                           .where(api_tokens.c.token_hash == _token_digest(token))).first()
    return (_user(row), int(row.token_pk)) if row else None


def user_for_token(store: Store, token: str) -> User | None:
    found = token_owner(store, token)
    return found[0] if found else None


def list_tokens(store: Store, name: str) -> list[TokenInfo]:
    """``name``'s API tokens (id, label, creation time; never the secret), oldest first."""
    user = get_user(store, name)
    with store.engine.connect() as conn:
        rows = conn.execute(select(api_tokens.c.pk, api_tokens.c.label, api_tokens.c.created_at)
                            .where(api_tokens.c.user_pk == user.pk).order_by(api_tokens.c.pk)).all()
    return [TokenInfo(int(r.pk), str(r.label), r.created_at) for r in rows]


def revoke_token(store: Store, name: str, token_id: int, *, actor: str | None = None) -> TokenInfo:
    """Revoke ``name``'s token ``token_id`` (at once, in every server process). A token of another user
    is :class:`NotFound`, exactly like a token that does not exist."""
    user = get_user(store, name)

    def run(conn: Connection) -> TokenInfo:
        row = conn.execute(select(api_tokens.c.pk, api_tokens.c.label, api_tokens.c.created_at)
                           .where(api_tokens.c.pk == token_id, api_tokens.c.user_pk == user.pk)).first()
        if row is None:
            raise NotFound(f"user {name!r} has no API token {token_id}")
        conn.execute(delete(api_tokens).where(api_tokens.c.pk == row.pk))
        _audit.append(conn, actor or _audit.cli_actor(), "token.revoke", None,
                      {"user": name, "token": int(row.pk), "label": row.label}, None, accounts=True)
        return TokenInfo(int(row.pk), str(row.label), row.created_at)

    return store._retrying(run)


# ---- grants ------------------------------------------------------------------------------------
def _check_an_owner_stays(conn: Connection, case_id: str, user_pk: int, old: str | None, new: str | None) -> None:
    """Refuse (Conflict) a change of ``user_pk``'s role from ``old`` to ``new`` that leaves no owner."""
    if old != "owner" or new == "owner":
        return
    others = conn.execute(select(func.count()).select_from(case_grants).where(
        case_grants.c.case_id == case_id, case_grants.c.role == "owner", case_grants.c.user_pk != user_pk)).scalar()
    if not others:
        raise Conflict(f"case {case_id!r}: a case keeps at least one owner; make someone else owner first")


def grant(store: Store, case_id: str, name: str, role: str, *, actor: str | None = None,
          require_case: bool = True, keep_an_owner: bool = False) -> None:
    """Give ``name`` ``role`` on ``case_id`` (replacing any earlier role).

    ``keep_an_owner`` (the workbench) refuses, with :class:`Conflict`, to demote the case's last owner,
    checked in the same transaction as the change. The CLI is the administrator's and may.
    """
    check_role(role)
    user = get_user(store, name)
    if require_case and not store.has_case(case_id):
        raise NotFound(f"no case {case_id!r}")

    def run(conn: Connection) -> None:
        old = conn.execute(select(case_grants.c.role).where(case_grants.c.case_id == case_id,
                                                             case_grants.c.user_pk == user.pk)).scalar()
        if keep_an_owner:
            _check_an_owner_stays(conn, case_id, user.pk, old, role)
        if old is not None:
            conn.execute(update(case_grants).where(case_grants.c.case_id == case_id,
                                                   case_grants.c.user_pk == user.pk).values(role=role))
        else:
            conn.execute(insert(case_grants).values(case_id=case_id, user_pk=user.pk, role=role))
        _audit.append(conn, actor or _audit.cli_actor(), "grant", case_id,
                      {"user": name, "role": old} if old else None, {"user": name, "role": role},
                      accounts=True)

    store._retrying(run)


def revoke(store: Store, case_id: str, name: str, *, actor: str | None = None, keep_an_owner: bool = False) -> None:
    """Take ``name``'s grant on ``case_id`` away (``keep_an_owner``: as in :func:`grant`)."""
    user = get_user(store, name)

    def run(conn: Connection) -> None:
        old = conn.execute(select(case_grants.c.role).where(case_grants.c.case_id == case_id,
                                                             case_grants.c.user_pk == user.pk)).scalar()
        if old is None:
            raise NotFound(f"user {name!r} has no grant on case {case_id!r}")
        if keep_an_owner:
            _check_an_owner_stays(conn, case_id, user.pk, old, None)
        conn.execute(delete(case_grants).where(case_grants.c.case_id == case_id,
                                               case_grants.c.user_pk == user.pk))
        _audit.append(conn, actor or _audit.cli_actor(), "revoke", case_id, {"user": name, "role": old}, None,
                      accounts=True)

    store._retrying(run)


def role_of(store: Store, user_pk: int, case_id: str) -> Role | None:
    with store.engine.connect() as conn:
        return conn.execute(select(case_grants.c.role).where(case_grants.c.case_id == case_id,
                                                              case_grants.c.user_pk == user_pk)).scalar()


def grants_of_user(store: Store, user_pk: int) -> dict[str, Role]:
    """case id -> role for every case granted to the user."""
    with store.engine.connect() as conn:
        return {r.case_id: r.role for r in conn.execute(
            select(case_grants.c.case_id, case_grants.c.role).where(case_grants.c.user_pk == user_pk))}


def grants_on_case(store: Store, case_id: str) -> dict[str, Role]:
    """user name -> role on one case."""
    with store.engine.connect() as conn:
        return {r.name: r.role for r in conn.execute(
            select(users.c.name, case_grants.c.role).join(users, users.c.pk == case_grants.c.user_pk)
            .where(case_grants.c.case_id == case_id).order_by(users.c.name))}


# ---- what a user may open: grants, and admins on cases without an owner ------------------------
@dataclass(frozen=True)
class CaseAccess:
    """One case as a user may see it listed: ``role`` is what they may do (None: listed for an admin,
    but not theirs to open), ``owners`` the users who own it (empty: nobody, e.g. imported with the CLI)."""

    case_id: str
    role: Role | None
    owners: tuple[str, ...]

    @property
    def no_owner(self) -> bool:
        return not self.owners


def _admin_role(granted: Role | None, has_owner: bool) -> Role | None:
    """An admin's role on a case: their grant, and owner of a case that has no owner (so that they can
    open it and share it, e.g. one imported with `sevenfold import`); a case with an owner is theirs
    only through a grant."""
    return granted if has_owner else "owner"


def case_role(store: Store, user: User, case_id: str) -> Role | None:
    """What ``user`` may do on ``case_id`` (None: nothing, and the case is not disclosed). Everyone has
    the role granted to them; an admin is also owner of every existing case that has no owner."""
    granted = role_of(store, user.pk, case_id)
    if not user.is_admin or granted == "owner":
        return granted
    with store.engine.connect() as conn:
        has_owner = conn.execute(select(case_grants.c.user_pk).where(
            case_grants.c.case_id == case_id, case_grants.c.role == "owner").limit(1)).first() is not None
    if not has_owner and not store.has_case(case_id):
        return granted
    return _admin_role(granted, has_owner)


def visible_cases(store: Store, user: User, case_ids: list[str]) -> list[CaseAccess]:
    """The cases of ``case_ids`` (the store's, in order) that ``user`` sees listed: a user the cases
    granted to them; an admin every case, with the role of :func:`case_role` (None where the case has
    owners and no grant for the admin) and its owners, so a case with no owner stands out."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(case_grants.c.case_id, case_grants.c.role, users.c.name, users.c.pk)
                            .join(users, users.c.pk == case_grants.c.user_pk)
                            .order_by(case_grants.c.case_id, users.c.name)).all()
    owners: dict[str, list[str]] = {}
    mine: dict[str, Role] = {}
    for r in rows:
        if r.role == "owner":
            owners.setdefault(r.case_id, []).append(r.name)
        if r.pk == user.pk:
            mine[r.case_id] = r.role
    out = []
    for case_id in case_ids:
        who = tuple(owners.get(case_id, ()))
        role = _admin_role(mine.get(case_id), bool(who)) if user.is_admin else mine.get(case_id)
        if role is not None or user.is_admin:
            out.append(CaseAccess(case_id, role, who))
    return out


# ---- settings ----------------------------------------------------------------------------------
def secret_key(store: Store) -> str:
    """The store's session-signing key, created on first use and shared by every server process."""
    with store.engine.connect() as conn:
        value = conn.execute(select(settings.c.value).where(settings.c.key == "session_secret")).scalar()
    if value:
        return str(value)
    fresh = secrets.token_urlsafe(48)
    try:
        with store.write() as conn:
            if conn.execute(select(settings.c.value).where(settings.c.key == "session_secret")).scalar() is None:
                conn.execute(insert(settings).values(key="session_secret", value=fresh))
    except IntegrityError:  # another process won the race: use its key
        pass
    with store.engine.connect() as conn:
        return str(conn.execute(select(settings.c.value).where(settings.c.key == "session_secret")).scalar())
