"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``).

Every route with ``{case_id}`` takes its :class:`~sevenfold.web.access.CaseContext` from
``sevenfold.web.access`` (Reader / Analyst / Owner): that dependency is the only access check.
Writes accept ``If-Match: "<revision>"``; responses carry ``ETag: "<revision>"``.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.parse
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from fastapi import APIRouter, Body, Depends, File, Header, HTTPException, Path, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field

from sevenfold import limits as _limits
from sevenfold.decompress import safe_decompress
from sevenfold.errors import InputError, LimitExceeded, NotFound
from sevenfold.model import (
    Actor,
    Case,
    Document,
    HistDate,
    Hypothesis,
    Outcome,
    Report,
    Source,
    case_to_data,
    dump_case,
    loads_case,
)
from sevenfold.model.vocab import Consistency
from sevenfold.store import accounts
from sevenfold.store import audit as _audit
from sevenfold.web.access import Analyst, CaseContext, Owner, Reader
from sevenfold.web.auth import SESSION_COOKIE, SESSION_MAX_AGE, Principal, client_ip, current_principal
from sevenfold.web.service import burn_what_if, what_if_view
from sevenfold.workspace import (
    EntryExists,
    StaleRevision,
    Workspace,
    audit_seen_by,
    case_seen_by,
    ratings_seen_by,
    what_if_seen_by,
)

if TYPE_CHECKING:
    from sevenfold.model.results import BurnImpact
    from sevenfold.pipeline import WhatIf

router = APIRouter(prefix="/api/v1")
Me = Annotated[Principal, Depends(current_principal)]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='"<revision>" from the ETag you read')]


# ---- helpers -----------------------------------------------------------------------------------
def parse_if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None
    raw = value.strip().removeprefix("W/").strip('"')
    try:
        return int(raw)
    except ValueError:
        raise HTTPException(status_code=400, detail=f'If-Match {value!r}: expected "<revision>"') from None


def attachment(filename: str) -> str:
    """``Content-Disposition`` for a download: an ASCII ``filename`` and, for any other name, the
    exact one as RFC 5987 ``filename*=UTF-8''...`` (header values must be Latin-1)."""
    plain = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in filename)
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{urllib.parse.quote(filename, safe='')}"


def etag(revision: int) -> dict[str, str]:
    return {"ETag": f'"{revision}"'}


def workspace(request: Request, actor: str) -> Workspace:
    """The library's :class:`~sevenfold.workspace.Workspace` on the app's store; the audit log names ``actor``.

    Every write of the API and the UI goes through it: the rules (ids, references, cascades, burns,
    ratings) are the library's, and this module only parses requests and presents results.
    """
    return Workspace(request.app.state.store, actor=actor, cache=request.app.state.assessments)


@contextlib.contextmanager
def precondition() -> Iterator[None]:
    """A stale ``If-Match`` (:class:`StaleRevision`) as 412, with the current revision as ETag (re-read, retry)."""
    try:
        yield
    except StaleRevision as exc:
        raise HTTPException(status_code=412, detail=str(exc), headers=etag(exc.current)) from None


def _written(case: Case, revision: int, body: dict[str, Any] | None = None) -> JSONResponse:
    return JSONResponse({"case": case.id, "revision": revision, **(body or {})}, headers=etag(revision))


def _load(request: Request, case_id: str) -> tuple[Case, int]:
    return request.app.state.assessments.load(request.app.state.store, case_id)


def _load_seen(request: Request, ctx: CaseContext) -> tuple[Case, int]:
    """The case as the caller may see it: under blind rating, without the others' ratings of the reports the
    caller has not rated yet (:func:`sevenfold.workspace.case_seen_by`)."""
    case, revision = _load(request, ctx.case_id)
    return case_seen_by(case, ctx.viewer), revision


# ---- session, users, tokens --------------------------------------------------------------------
class LoginIn(BaseModel):
    name: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class UserIn(BaseModel):
    name: str = Field(max_length=100)
    password: str = Field(min_length=accounts.MIN_PASSWORD_CHARS, max_length=1024)
    admin: bool = False


class TokenIn(BaseModel):
    label: str = Field(default="", max_length=200)


async def login_user(request: Request, response: Response, name: str, password: str) -> accounts.User:
    """Check a password with rate limiting and set the session cookie (shared with the UI).

    The attempt waits for one of the throttle's few verification slots, and only then is counted (before
    the slow verification, cleared if it succeeds): parallel guesses cannot overrun the limit, and logins
    still waiting for a slot do not count against their address (26 users behind one proxy all get in).
    429 when rate limited, 503 when the slots stay busy; both with Retry-After.
    """
    state = request.app.state
    throttle = state.throttle
    ip = client_ip(request)

    def too_many(wait: int) -> HTTPException:
        return HTTPException(status_code=429, detail=f"too many failed logins; wait {wait} s",
                             headers={"Retry-After": str(wait)})

    wait = throttle.retry_after(name, ip)  # refuse early, without queueing for a slot
    if wait:
        raise too_many(wait)
    try:
        async with throttle.slot():
            attempt, wait = throttle.reserve(name, ip)
            if attempt is None:
                raise too_many(wait)
            user = await run_in_threadpool(accounts.authenticate, state.store, name, password)
    except TimeoutError:
        raise HTTPException(status_code=503, detail="too many logins at once; try again in a moment",
                            headers={"Retry-After": "1"}) from None
    if user is None:
        raise HTTPException(status_code=401, detail="wrong user name or password")  # the attempt stays counted
    throttle.succeeded(attempt)
    response.set_cookie(SESSION_COOKIE, state.sessions.issue(user), max_age=SESSION_MAX_AGE, httponly=True,
                        samesite="lax", secure=state.secure_cookies, path="/")
    return user


def end_session(request: Request, me: Principal) -> bool:
    """Log the caller's browser session out in every server process (True), or nothing for a token."""
    if me.via != "session" or me.session_expires is None:
        return False
    accounts.revoke_session(request.app.state.store, me.nonce, me.user.pk, me.session_expires)
    return True


@router.post("/session", tags=["session"], summary="Log in (sets an HttpOnly session cookie)")
async def api_login(request: Request, response: Response, body: LoginIn) -> dict[str, Any]:
    user = await login_user(request, response, body.name, body.password)
    nonce = request.app.state.sessions.read(_cookie_from(response))["n"]
    return {"user": user.name, "admin": user.is_admin, "csrf_token": request.app.state.sessions.csrf_token(nonce)}


def _cookie_from(response: Response) -> str:
    for key, value in response.raw_headers:
        if key == b"set-cookie" and value.startswith(SESSION_COOKIE.encode() + b"="):
            return value.split(b";", 1)[0].split(b"=", 1)[1].decode().strip('"')
    raise AssertionError("no session cookie set")


@router.delete("/session", tags=["session"],
               summary="Log out: this session ends for good (a saved copy of the cookie is refused)")
def api_logout(request: Request, response: Response, me: Me) -> dict[str, Any]:
    ended = end_session(request, me)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"user": me.user.name, "logged_out": True, "session_ended": ended}


@router.delete("/sessions", tags=["session"],
               summary="End every browser session of yours, everywhere (API tokens stay)")
def api_end_sessions(request: Request, response: Response, me: Me) -> dict[str, Any]:
    accounts.end_sessions(request.app.state.store, me.user.name, actor=me.actor)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"user": me.user.name, "sessions_ended": True}


@router.get("/me", tags=["session"], summary="Who am I, and which cases can I see")
def api_me(request: Request, me: Me) -> dict[str, Any]:
    out: dict[str, Any] = {"user": me.user.name, "admin": me.user.is_admin, "via": me.via,
                           "cases": accounts.grants_of_user(request.app.state.store, me.user.pk)}
    if me.via == "session":
        out["csrf_token"] = request.app.state.sessions.csrf_token(me.nonce)
    return out


@router.post("/tokens", tags=["session"], status_code=201,
             summary="Create an API token for yourself (shown once; only its hash is stored)")
def api_token(request: Request, me: Me, body: TokenIn) -> dict[str, Any]:
    token = accounts.create_token(request.app.state.store, me.user.name, body.label,
                                  actor=me.actor)
    return {"user": me.user.name, "token": token, "label": body.label}


@router.get("/tokens", tags=["session"], summary="Your API tokens: id, label, created (never the secret)")
def api_list_tokens(request: Request, me: Me) -> list[dict[str, Any]]:
    return [{**t.to_json_dict(), "current": t.id == me.token_id}
            for t in accounts.list_tokens(request.app.state.store, me.user.name)]


@router.delete("/tokens/{token_id}", tags=["session"],
               summary="Revoke one of your API tokens (at once, in every server process)")
def api_revoke_token(request: Request, me: Me,
                     token_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
    info = accounts.revoke_token(request.app.state.store, me.user.name, token_id, actor=me.actor)
    return {"user": me.user.name, **info.to_json_dict(), "revoked": True}


@router.post("/users", tags=["session"], status_code=201, summary="Create a user (admins only)")
def api_add_user(request: Request, me: Me, body: UserIn) -> dict[str, Any]:
    if not me.user.is_admin:
        raise HTTPException(status_code=403, detail="only admins may create users")
    user = accounts.create_user(request.app.state.store, body.name, body.password, admin=body.admin,
                                actor=me.actor)
    return {"user": user.name, "admin": user.is_admin}


# ---- cases -------------------------------------------------------------------------------------
@router.get("/cases", tags=["cases"],
            summary="Cases shared with you (admins: every case, with its owners; role null: not shared with you)")
def api_list_cases(request: Request, me: Me) -> list[dict[str, Any]]:
    store = request.app.state.store
    summaries = store.list_cases()
    seen = {a.case_id: a for a in accounts.visible_cases(store, me.user, [s.case_id for s in summaries])}
    return [{"id": s.case_id, "title": s.title, "revision": s.revision, "role": seen[s.case_id].role,
             "updated_at": s.updated_at.isoformat() if s.updated_at else None, "counts": s.counts,
             **({"owners": list(seen[s.case_id].owners), "no_owner": seen[s.case_id].no_owner}
                if me.user.is_admin else {})}
            for s in summaries if s.case_id in seen]


async def read_upload(upload: UploadFile) -> tuple[str, str]:
    """(text, file name) of an uploaded case file, refusing oversized or non-UTF-8 uploads.

    Compressed uploads (gzip, bzip2, xz, a one-file zip) are unpacked within the
    ``decompressed_bytes`` and ``decompressed_ratio`` limits, so a decompression bomb is refused
    before it costs memory; unpacking and decoding run in a worker thread, off the event loop.
    """
    limit = _limits.current().upload_bytes
    name = os.path.basename(upload.filename or "upload")[:200] or "upload"
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await upload.read(1 << 20)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise LimitExceeded("upload_bytes", f"more than {limit}", limit, name)
        chunks.append(chunk)
    raw = b"".join(chunks)
    chunks.clear()
    return await run_in_threadpool(_unpack_upload, raw, name), name


def _unpack_upload(raw: bytes, name: str) -> str:
    data = safe_decompress(raw, name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def create_case_from_text(request: Request, me: Principal, text: str, name: str) -> Case:
    case = loads_case(text, name)
    ws = workspace(request, me.actor)
    try:
        ws.import_case(case)
    except EntryExists as exc:  # case ids are unique in the store
        raise HTTPException(status_code=409, detail=str(exc)) from None
    ws.grant(case.id, me.user.name, "owner")
    return case


class NewCaseIn(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    title: str = Field(default="", max_length=10_000)
    question: str = Field(default="", max_length=10_000)
    as_of: HistDate | None = None
    hypotheses: list[Hypothesis] = Field(default_factory=list, max_length=1000)


@router.post("/cases/new", tags=["cases"], status_code=201,
             summary="Create a case from its title, question, as_of and hypotheses (you become its owner)")
def api_new_case(request: Request, me: Me, body: NewCaseIn) -> JSONResponse:
    try:
        case, revision = workspace(request, me.actor).create_case(
            body.id, title=body.title, question=body.question, as_of=body.as_of, hypotheses=body.hypotheses,
            owner=me.user.name)
    except EntryExists as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return JSONResponse({"case": case.id, "revision": revision, "role": "owner", "warnings": case.warnings()},
                        status_code=201, headers=etag(revision))


@router.post("/cases", tags=["cases"], status_code=201,
             summary="Create a case from an uploaded case file (YAML or JSON, format sevenfold/1)")
async def api_create_case(request: Request, me: Me, file: Annotated[UploadFile, File()]) -> JSONResponse:
    text, name = await read_upload(file)
    # parsing and validating a large file takes a while: in a worker thread, so other requests go on
    case = await run_in_threadpool(create_case_from_text, request, me, text, name)
    revision = request.app.state.store.revision(case.id)  # 1, or more for an id a deleted case had
    return JSONResponse({"case": case.id, "revision": revision, "role": "owner",
                         "warnings": case.warnings()}, status_code=201, headers=etag(revision))


@router.get("/cases/{case_id}", tags=["cases"], summary="The whole case and its revision")
def api_get_case(request: Request, ctx: Reader) -> JSONResponse:
    case, revision = _load_seen(request, ctx)
    return JSONResponse({"revision": revision, "role": ctx.role, "case": case_to_data(case)},
                        headers=etag(revision))


@router.delete("/cases/{case_id}", tags=["cases"], summary="Delete a case (owners)")
def api_delete_case(request: Request, ctx: Owner, if_match: IfMatch = None) -> dict[str, Any]:
    with precondition():
        workspace(request, ctx.who).delete_case(ctx.case_id, expected_revision=parse_if_match(if_match))
    return {"case": ctx.case_id, "deleted": True}


EXPORT_MEDIA = {"yaml": "application/yaml", "json": "application/json", "stix": "application/json",
                "csl": "application/json", "ftm": "application/x-ndjson"}


@router.get("/cases/{case_id}/export", tags=["cases"],
            summary="The case file (YAML or JSON), or STIX 2.1 / CSL-JSON / FollowTheMoney (`sevenfold export`)")
def api_export(request: Request, ctx: Reader,
               format: Annotated[Literal["yaml", "json", "stix", "csl", "ftm"], Query()] = "yaml") -> PlainTextResponse:
    from sevenfold import api as library

    case, revision = _load_seen(request, ctx)
    text = dump_case(case, format) if format in ("yaml", "json") else str(library.export(case, format))
    return PlainTextResponse(text, media_type=EXPORT_MEDIA[format],
                             headers={**etag(revision),
                                      "Content-Disposition": attachment(f"{ctx.case_id}.{format}")})


@router.get("/cases/{case_id}/origins", tags=["assessment"],
            summary="Origin groups and provenance alerts (same JSON as `sevenfold provenance --json`)")
def api_origins(request: Request, ctx: Reader) -> JSONResponse:
    from sevenfold import api as library

    case, revision = _load_seen(request, ctx)  # its support alerts come from the ratings the caller may see
    return JSONResponse(library.origins(case).to_json_dict(), headers=etag(revision))


@router.get("/cases/{case_id}/what-if", tags=["assessment"],
            summary="Before and after one hypothetical change, and why it moved (changes nothing; "
                    "`sevenfold assess --exclude --as-of` prints the after)")
def api_what_if(request: Request, ctx: Reader,
                exclude: Annotated[list[str] | None, Query(max_length=200)] = None,
                as_of: Annotated[HistDate | None, Query()] = None,
                source: Annotated[str | None, Query(max_length=200)] = None,
                since: Annotated[HistDate | None, Query()] = None,
                actor: Annotated[str | None, Query(max_length=200)] = None) -> JSONResponse:
    case, revision = _load(request, ctx.case_id)
    data = what_if_seen_by(case, ctx.viewer, source=source, since=since, actor=actor, exclude=exclude or (),
                           as_of=as_of)  # blind rating: as the caller may see it
    return JSONResponse(data, headers=etag(revision))


@router.get("/cases/{case_id}/fusion", tags=["assessment"],
            summary="Truth discovery over the case's claims (same JSON as `sevenfold fuse` on its claims table)")
def api_fusion(request: Request, ctx: Reader,
               method: Annotated[str | None, Query(max_length=40)] = None) -> JSONResponse:
    from sevenfold import api as library

    case, revision = _load(request, ctx.case_id)
    return JSONResponse(library.fuse(case, method=method).to_json(), headers=etag(revision))


@router.get("/cases/{case_id}/assessment", tags=["assessment"],
            summary="The Assessment (same JSON as `sevenfold assess --json`)")
async def api_assessment(request: Request, ctx: Reader) -> Response:
    # hot path: a cache hit is served on the event loop (no thread hop); a miss computes in a thread
    cache, store = request.app.state.assessments, request.app.state.store
    viewer = ctx.viewer  # under blind rating, computed from the ratings this analyst may see (assess_seen_by)
    hit = cache.peek_json(store, ctx.case_id, viewer)
    body, revision = (hit if hit is not None
                      else await run_in_threadpool(cache.json_bytes, store, ctx.case_id, viewer))
    if request.headers.get("if-none-match") == f'"{revision}"':
        return Response(status_code=304, headers=etag(revision))  # unchanged since the client's copy
    return Response(body, media_type="application/json", headers=etag(revision))


@router.get("/cases/{case_id}/audit", tags=["cases"], summary="The case's audit records, newest last")
def api_case_audit(request: Request, ctx: Reader,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
    found = [r.to_json_dict() for r in _audit.records(request.app.state.store, ctx.case_id, limit=limit,
                                                      current_case_only=True)]
    case, _ = _load(request, ctx.case_id)
    return audit_seen_by(found, case, ctx.viewer)


# ---- grants ------------------------------------------------------------------------------------
class GrantIn(BaseModel):
    role: accounts.Role


@router.get("/cases/{case_id}/grants", tags=["grants"], summary="Who may see this case (owners)")
def api_grants(request: Request, ctx: Owner) -> dict[str, str]:
    return workspace(request, ctx.who).grants(ctx.case_id)


@router.put("/cases/{case_id}/grants/{user_name}", tags=["grants"], summary="Grant a role (owners)")
def api_grant(request: Request, ctx: Owner, user_name: str, body: GrantIn) -> dict[str, Any]:
    workspace(request, ctx.who).grant(ctx.case_id, user_name, body.role, keep_an_owner=True)
    return {"case": ctx.case_id, "user": user_name, "role": body.role}


@router.delete("/cases/{case_id}/grants/{user_name}", tags=["grants"], summary="Revoke a grant (owners)")
def api_revoke(request: Request, ctx: Owner, user_name: str) -> dict[str, Any]:
    workspace(request, ctx.who).revoke(ctx.case_id, user_name, keep_an_owner=True)
    return {"case": ctx.case_id, "user": user_name, "revoked": True}


# ---- entries with ids: sources, documents, reports, hypotheses -------------------------------
def _register_entry_kind(kind: str, model: type[Any], singular: str) -> None:
    tag: list[str | Enum] = [kind]

    def list_entries(request: Request, ctx: Reader) -> JSONResponse:
        case, revision = _load(request, ctx.case_id)
        return JSONResponse([e.model_dump(mode="json", exclude_none=True) for e in getattr(case, kind)],
                            headers=etag(revision))

    def get_entry(request: Request, ctx: Reader, entry_id: str) -> JSONResponse:
        case, revision = _load(request, ctx.case_id)
        for e in getattr(case, kind):
            if e.id == entry_id:
                return JSONResponse(e.model_dump(mode="json", exclude_none=True), headers=etag(revision))
        raise NotFound(f"case {ctx.case_id!r}: no {singular} {entry_id!r}")

    def create_entry(request: Request, ctx: Analyst, body: Any, if_match: IfMatch = None) -> JSONResponse:
        with precondition():
            case, revision = workspace(request, ctx.who).add(ctx.case_id, kind, body,
                                                              expected_revision=parse_if_match(if_match))
        return JSONResponse({"case": case.id, "revision": revision, "id": body.id}, status_code=201,
                            headers=etag(revision))

    def replace_entry(request: Request, ctx: Analyst, entry_id: str, body: Any,
                      if_match: IfMatch = None) -> JSONResponse:
        with precondition():
            case, revision = workspace(request, ctx.who).replace(ctx.case_id, kind, entry_id, body,
                                                                  expected_revision=parse_if_match(if_match))
        return _written(case, revision, {"id": entry_id})

    def delete_entry(request: Request, ctx: Analyst, entry_id: str, if_match: IfMatch = None,
                     force: Annotated[bool, Query(description="confirm: delete what references it too")] = False,
                     reassign_origin: Annotated[bool, Query(description="confirm: a source that originated "
                                                            "relayed reports leaves them another origin")] = False,
                     ) -> JSONResponse:
        with precondition():
            case, revision = workspace(request, ctx.who).delete(ctx.case_id, kind, entry_id, force=force,
                                                                 analyst=ctx.user.name,
                                                                 reassign_origin=reassign_origin,
                                                                 expected_revision=parse_if_match(if_match))
        return _written(case, revision, {"id": entry_id, "deleted": True})

    def restore_entry(request: Request, ctx: Analyst, entry_id: str, if_match: IfMatch = None) -> JSONResponse:
        with precondition():
            case, revision = workspace(request, ctx.who).restore_entry(ctx.case_id, kind, entry_id,
                                                                       expected_revision=parse_if_match(if_match))
        return JSONResponse({"case": case.id, "revision": revision, "id": entry_id, "restored": True},
                            status_code=201, headers=etag(revision))

    # annotations are strings here (PEP 563): give FastAPI the real body type of this kind
    create_entry.__annotations__["body"] = Annotated[model, Body()]
    replace_entry.__annotations__["body"] = Annotated[model, Body()]
    base = f"/cases/{{case_id}}/{kind}"
    cascade = ("; refused, naming them, while other entries reference it unless ?force=true"
               if kind != "burns" else "")
    router.add_api_route(base, list_entries, methods=["GET"], tags=tag, summary=f"List {kind}")
    router.add_api_route(base, create_entry, methods=["POST"], tags=tag, status_code=201,
                         summary=f"Add a {singular} (analysts)")
    router.add_api_route(base + "/{entry_id}", get_entry, methods=["GET"], tags=tag, summary=f"One {singular}")
    router.add_api_route(base + "/{entry_id}", replace_entry, methods=["PUT"], tags=tag,
                         summary=f"Replace a {singular} (analysts; If-Match recommended)")
    router.add_api_route(base + "/{entry_id}", delete_entry, methods=["DELETE"], tags=tag,
                         summary=f"Delete a {singular} (analysts){cascade}")
    router.add_api_route(base + "/{entry_id}/restore", restore_entry, methods=["POST"], tags=tag, status_code=201,
                         summary=f"Restore a deleted {singular} from the audit log, with the ratings that went "
                                 "with it (analysts)")


_register_entry_kind("actors", Actor, "actor")
_register_entry_kind("sources", Source, "source")
_register_entry_kind("documents", Document, "document")
_register_entry_kind("reports", Report, "report")
_register_entry_kind("hypotheses", Hypothesis, "hypothesis")


# ---- ratings: the ACH matrix, one cell per (report, hypothesis, analyst) -------------------------
class RatingIn(BaseModel):
    consistency: Consistency | None = None
    likelihood: float | None = Field(default=None, gt=0.0, le=1.0)
    note: str = Field(default="", max_length=10_000)
    analyst: str | None = Field(default=None, max_length=200,
                                description="whose rating; default you (owners may set others')")
    # a rating without consistency and likelihood is refused by the library (sevenfold.model.Rating): 422,
    # the problem naming the field


def _analyst_for(ctx: CaseContext, requested: str | None) -> str:
    name = requested.strip() if requested and requested.strip() else ctx.user.name
    if name != ctx.user.name and not ctx.can("owner"):
        raise HTTPException(status_code=403, detail="only owners may change another analyst's ratings")
    return name


@contextlib.contextmanager
def _current_cell_on_412(request: Request, ctx: CaseContext, report_id: str, hypothesis_id: str,
                         analyst: str) -> Iterator[None]:
    """A 412 on a rating names the cell's current value (null: not rated), so the client can decide."""
    try:
        with precondition():
            yield
    except HTTPException as exc:
        if exc.status_code == 412:
            case, _ = _load(request, ctx.case_id)
            cell = Workspace.cell(case, report_id, hypothesis_id, analyst)
            exc.detail = f"{exc.detail}; the cell is now {json.dumps(cell, ensure_ascii=False)}"
        raise


def set_rating(request: Request, ctx: CaseContext, report_id: str, hypothesis_id: str, body: RatingIn,
               if_match: str | None) -> tuple[Any, int]:
    analyst = _analyst_for(ctx, body.analyst)
    # one analyst's cell commutes with every other edit: re-applied on a concurrent change, unless the
    # client sent If-Match (then a stale or unknown revision is 412, as for every write)
    with _current_cell_on_412(request, ctx, report_id, hypothesis_id, analyst):
        return workspace(request, ctx.who).rate(
            ctx.case_id, report_id, hypothesis_id, analyst=analyst, consistency=body.consistency,
            likelihood=body.likelihood, note=body.note, expected_revision=parse_if_match(if_match))


def clear_rating(request: Request, ctx: CaseContext, report_id: str, hypothesis_id: str,
                 analyst: str | None, if_match: str | None) -> tuple[Any, int]:
    who = _analyst_for(ctx, analyst)
    with _current_cell_on_412(request, ctx, report_id, hypothesis_id, who):
        return workspace(request, ctx.who).clear_rating(ctx.case_id, report_id, hypothesis_id, analyst=who,
                                                        expected_revision=parse_if_match(if_match))


@router.get("/cases/{case_id}/ratings", tags=["ratings"], summary="The ACH matrix: every analyst's ratings")
def api_ratings(request: Request, ctx: Reader,
                analyst: Annotated[str | None, Query(max_length=200)] = None) -> JSONResponse:
    case, revision = _load(request, ctx.case_id)
    rows = [rt.model_dump(mode="json", exclude_none=True) for rt in ratings_seen_by(case, ctx.viewer)
            if analyst is None or rt.analyst == analyst]
    return JSONResponse(rows, headers=etag(revision))


@router.put("/cases/{case_id}/ratings/{report_id}/{hypothesis_id}", tags=["ratings"],
            summary="Rate a report against a hypothesis (your rating unless `analyst` is given)")
def api_set_rating(request: Request, ctx: Analyst, report_id: str, hypothesis_id: str, body: RatingIn,
                   if_match: IfMatch = None) -> JSONResponse:
    _, revision = set_rating(request, ctx, report_id, hypothesis_id, body, if_match)
    return JSONResponse({"case": ctx.case_id, "revision": revision, "report": report_id,
                         "hypothesis": hypothesis_id, "analyst": body.analyst or ctx.user.name},
                        headers=etag(revision))


@router.delete("/cases/{case_id}/ratings/{report_id}/{hypothesis_id}", tags=["ratings"],
               summary="Remove your rating of a cell")
def api_clear_rating(request: Request, ctx: Analyst, report_id: str, hypothesis_id: str,
                     analyst: Annotated[str | None, Query(max_length=200)] = None,
                     if_match: IfMatch = None) -> JSONResponse:
    _, revision = clear_rating(request, ctx, report_id, hypothesis_id, analyst, if_match)
    return JSONResponse({"case": ctx.case_id, "revision": revision, "deleted": True}, headers=etag(revision))


# ---- outcomes (positional: no ids) -------------------------------------------------------------
@router.get("/cases/{case_id}/outcomes", tags=["outcomes"], summary="What was later learned")
def api_outcomes(request: Request, ctx: Reader) -> JSONResponse:
    case, revision = _load(request, ctx.case_id)
    return JSONResponse([dict(o.model_dump(mode="json", exclude_none=True), index=i)
                         for i, o in enumerate(case.outcomes)], headers=etag(revision))


@router.post("/cases/{case_id}/outcomes", tags=["outcomes"], status_code=201, summary="Record an outcome")
def api_add_outcome(request: Request, ctx: Analyst, body: Outcome, if_match: IfMatch = None) -> JSONResponse:
    with precondition():
        case, revision = workspace(request, ctx.who).add(ctx.case_id, "outcomes", body,
                                                          expected_revision=parse_if_match(if_match))
    return JSONResponse({"case": case.id, "revision": revision, "index": len(case.outcomes) - 1},
                        status_code=201, headers=etag(revision))


@router.delete("/cases/{case_id}/outcomes/{index}", tags=["outcomes"],
               summary="Remove an outcome by position (If-Match required: positions shift)")
def api_delete_outcome(request: Request, ctx: Analyst, index: int, if_match: IfMatch = None) -> JSONResponse:
    expected = parse_if_match(if_match)
    if expected is None:
        raise HTTPException(status_code=428, detail="If-Match is required: outcome positions change")
    with precondition():
        case, revision = workspace(request, ctx.who).delete(ctx.case_id, "outcomes", str(index),
                                                             expected_revision=expected)
    return _written(case, revision, {"deleted": index})


# ---- burns -------------------------------------------------------------------------------------
class BurnIn(BaseModel):
    source: str = Field(min_length=1, max_length=200)
    since: HistDate
    id: str | None = Field(default=None, max_length=200)
    actor: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=10_000)


@router.get("/cases/{case_id}/burns", tags=["burns"], summary="Recorded compromises of sources")
def api_burns(request: Request, ctx: Reader) -> JSONResponse:
    case, revision = _load(request, ctx.case_id)
    return JSONResponse([b.model_dump(mode="json", exclude_none=True) for b in case.burns], headers=etag(revision))


@router.get("/cases/{case_id}/burns/preview", tags=["burns"],
            summary="What-if: what falls if a source is burned (changes nothing)")
def api_burn_preview(request: Request, ctx: Reader, source: Annotated[str, Query(min_length=1, max_length=200)],
                     since: Annotated[HistDate | None, Query()] = None) -> dict[str, Any]:
    case, _ = _load_seen(request, ctx)  # blind rating: computed from the ratings the caller may see
    return burn_what_if(case, source, since)


def store_burn(request: Request, ctx: CaseContext, body: BurnIn,
               if_match: str | None) -> tuple[Case, int, BurnImpact, WhatIf]:
    """Burn through the library (:meth:`Workspace.burn_with_what_if`): what falls is assessed once."""
    with precondition():
        case, revision, impact, change = workspace(request, ctx.who).burn_with_what_if(
            ctx.case_id, body.source, body.since, burn_actor=body.actor, note=body.note, burn_id=body.id,
            expected_revision=parse_if_match(if_match), viewer=ctx.viewer)
    return case, revision, cast("BurnImpact", impact), cast("WhatIf", change)


def burn(request: Request, ctx: CaseContext, body: BurnIn, if_match: str | None) -> tuple[Case, int, dict[str, Any]]:
    """A burn, and what the page shows of it (:func:`~sevenfold.web.service.what_if_view`)."""
    case, revision, impact, change = store_burn(request, ctx, body, if_match)
    return case, revision, dict(what_if_view(change, body.source, body.since), id=impact.burn.id)


@router.post("/cases/{case_id}/burns", tags=["burns"], status_code=201,
             summary="Burn a source from a date; returns the burn answer of `sevenfold burn --json`: the burn, "
                     "what falls, the posteriors that move and the what-if they come from")
def api_burn(request: Request, ctx: Analyst, body: BurnIn, if_match: IfMatch = None) -> JSONResponse:
    _, revision, impact, _ = store_burn(request, ctx, body, if_match)
    return JSONResponse({**impact.to_json_dict(), "revision": revision}, status_code=201, headers=etag(revision))


def unburn(request: Request, ctx: CaseContext, burn_id: str, if_match: str | None) -> tuple[Case, int]:
    """Remove burn ``burn_id`` (or every burn of the source with that id); NotFound when there is none."""
    with precondition():
        case, revision, _ = workspace(request, ctx.who).unburn(ctx.case_id, burn_id,
                                                                expected_revision=parse_if_match(if_match))
    return case, revision


@router.delete("/cases/{case_id}/burns/{burn_id}", tags=["burns"], summary="Unburn: remove a recorded burn")
def api_unburn(request: Request, ctx: Analyst, burn_id: str, if_match: IfMatch = None) -> JSONResponse:
    case, revision = unburn(request, ctx, burn_id, if_match)
    return _written(case, revision, {"deleted": burn_id})
