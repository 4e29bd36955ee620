"""The browser UI: server-rendered Jinja pages with htmx fragments (no inline script or style).

Every template is autoescaped and none applies ``|safe`` to user data; JSON for the graph goes
through ``|tojson`` inside ``<script type="application/json">``. Case routes take their access from
``sevenfold.web.access`` like the API.
"""

from __future__ import annotations

import contextlib
import hmac
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from sevenfold.errors import CaseValidationError, SevenfoldError
from sevenfold.model import Hypothesis, Report
from sevenfold.store import accounts
from sevenfold.web import views
from sevenfold.web.access import Analyst, CaseContext, Reader
from sevenfold.web.api import (
    BurnIn,
    RatingIn,
    _edit,
    burn,
    clear_rating,
    create_case_from_text,
    end_session,
    login_user,
    read_upload,
    remove_burn,
    set_rating,
)
from sevenfold.web.auth import PRELOGIN_COOKIE, SESSION_COOKIE, Principal, authenticate_request, current_principal
from sevenfold.web.service import burn_what_if

router = APIRouter(include_in_schema=False)
Me = Annotated[Principal, Depends(current_principal)]

_env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                   autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                   lstrip_blocks=True)


def _dash(value: Any, fmt: str | None = None) -> str:
    """None -> an em dash; numbers formatted. Never invents a value."""
    if value is None or value == "":
        return "—"
    if fmt and isinstance(value, (int, float)):
        return format(value, fmt)
    return str(value)


_env.filters["dash"] = _dash


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    principal: Principal | None = getattr(request.state, "principal", None)
    csrf = request.app.state.sessions.csrf_token(principal.nonce) if principal and principal.nonce else ""
    html = _env.get_template(template).render(request=request, me=principal.user if principal else None,
                                              csrf_token=csrf, **context)
    return HTMLResponse(html, status_code=status)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


def render_flash(request: Request, message: str, status: int = 400,
                 problems: list[str] | None = None) -> HTMLResponse:
    return render(request, "_flash.html", status=status, message=message, problems=problems or [])


# ---- login -------------------------------------------------------------------------------------
@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    token = request.app.state.sessions.prelogin_token()
    response = render(request, "login.html", prelogin=token, error=None)
    response.set_cookie(PRELOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=request.app.state.secure_cookies, path="/login")
    return response


@router.post("/login")
async def login_submit(request: Request, name: Annotated[str, Form(max_length=200)],
                       password: Annotated[str, Form(max_length=1024)],
                       prelogin: Annotated[str, Form(max_length=200)] = "") -> Response:
    # login CSRF: the form's token must equal the cookie set with the form (double submit)
    cookie = request.cookies.get(PRELOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, prelogin):
        return render(request, "login.html", status=403, prelogin=prelogin,
                      error="the login form expired; please try again")
    response = RedirectResponse("/", status_code=303)
    try:
        await login_user(request, response, name, password)
    except HTTPException as exc:
        token = request.app.state.sessions.prelogin_token()
        page = render(request, "login.html", status=exc.status_code, prelogin=token, error=str(exc.detail))
        page.set_cookie(PRELOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=request.app.state.secure_cookies, path="/login")
        if exc.headers and "Retry-After" in exc.headers:
            page.headers["Retry-After"] = exc.headers["Retry-After"]
        return page
    response.delete_cookie(PRELOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, me: Me, everywhere: Annotated[str, Form(max_length=10)] = "") -> Response:
    # this session ends for good (a saved cookie is refused); "everywhere" ends all of the user's sessions
    if everywhere:
        accounts.end_sessions(request.app.state.store, me.user.name, actor=me.actor)
    else:
        end_session(request, me)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- case list ---------------------------------------------------------------------------------
@router.get("/")
async def home(request: Request) -> Response:
    principal = await authenticate_request(request)
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    request.state.principal = principal
    return _case_list(request, principal)


def _case_list(request: Request, principal: Principal, status: int = 200, error: str | None = None,
               problems: list[str] | None = None) -> HTMLResponse:
    store = request.app.state.store
    granted = accounts.grants_of_user(store, principal.user.pk)
    cases = [{"id": s.case_id, "title": s.title, "revision": s.revision, "role": granted[s.case_id],
              "counts": s.counts} for s in store.list_cases() if s.case_id in granted]
    return render(request, "cases.html", status=status, cases=cases, error=error, problems=problems or [])


@router.post("/cases")
async def upload_case(request: Request, me: Me, file: Annotated[UploadFile, File()]) -> Response:
    try:
        text, name = await read_upload(file)
        case = create_case_from_text(request, me, text, name)
    except CaseValidationError as exc:
        return _case_list(request, me, 422, f"{len(exc.problems)} problem(s) in the case file; nothing was imported",
                          [str(p) for p in exc.problems])
    except SevenfoldError as exc:
        from sevenfold.web.app import _status_for

        return _case_list(request, me, _status_for(exc), str(exc))
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


# ---- the case page -----------------------------------------------------------------------------
def _workspace_context(request: Request, ctx: CaseContext, **extra: Any) -> dict[str, Any]:
    case, revision, assessment = request.app.state.assessments.get(request.app.state.store, ctx.case_id)
    return {"ctx": ctx, "case": case, "revision": revision, "a": assessment,
            "can_edit": ctx.can("analyst"), "is_owner": ctx.can("owner"),
            "rows": views.matrix(case, assessment, ctx.user.name),
            "bars": views.hypothesis_bars(assessment), "sources": views.sources_table(case, assessment),
            "timeline": views.timeline(case), "elements": views.graph_elements(case, assessment),
            "choices": views.CONSISTENCY_CHOICES, "face_value": views.FACE_VALUE, **extra}


@router.get("/cases/{case_id}")
def case_page(request: Request, ctx: Reader) -> HTMLResponse:
    return render(request, "case.html", **_workspace_context(request, ctx))


def _workspace(request: Request, ctx: CaseContext, **extra: Any) -> HTMLResponse:
    return render(request, "_workspace.html", **_workspace_context(request, ctx, **extra))


@router.post("/cases/{case_id}/ui/rate")
def ui_rate(request: Request, ctx: Analyst, report: Annotated[str, Form(max_length=200)],
            hypothesis: Annotated[str, Form(max_length=200)],
            consistency: Annotated[str, Form(max_length=4)] = "") -> HTMLResponse:
    if consistency == "":
        with contextlib.suppress(SevenfoldError):  # nothing to clear
            clear_rating(request, ctx, report, hypothesis, None, None)
    else:
        if consistency not in views.CONSISTENCY_CHOICES:
            return render_flash(request, f"consistency {consistency!r}: use one of CC, C, N, I, II, NA", 422)
        set_rating(request, ctx, report, hypothesis, RatingIn(consistency=consistency), None)  # type: ignore[arg-type]
    return _workspace(request, ctx, flash=f"rated {report} against {hypothesis}: {consistency or 'cleared'}")


@router.get("/cases/{case_id}/ui/burn-preview")
def ui_burn_preview(request: Request, ctx: Reader, source: Annotated[str, Query(max_length=200)],
                    since: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    case, _ = request.app.state.assessments.load(request.app.state.store, ctx.case_id)
    body = BurnIn(source=source, since=since or "0001")  # a bad date: 422 flash (the app's handler)
    result = burn_what_if(case, body.source, since or None)
    return render(request, "_burn_result.html", result=result, preview=True, can_edit=ctx.can("analyst"), ctx=ctx)


@router.post("/cases/{case_id}/ui/burn")
def ui_burn(request: Request, ctx: Analyst, source: Annotated[str, Form(max_length=200)],
            since: Annotated[str, Form(max_length=20)],
            note: Annotated[str, Form(max_length=10_000)] = "") -> HTMLResponse:
    body = BurnIn(source=source, since=since, note=note)
    _, _, result = burn(request, ctx, body, None)
    return _workspace(request, ctx, burn_result=result, flash=f"burned {source} from {since}")


@router.post("/cases/{case_id}/ui/unburn")
def ui_unburn(request: Request, ctx: Analyst, burn_id: Annotated[str, Form(max_length=200)]) -> HTMLResponse:
    _edit(request, ctx, remove_burn(ctx.case_id, burn_id), "unburn", None, commutative=True)
    return _workspace(request, ctx, flash=f"unburned {burn_id}")


@router.post("/cases/{case_id}/ui/reports")
def ui_add_report(request: Request, ctx: Analyst, id: Annotated[str, Form(max_length=200)],
                  source: Annotated[str, Form(max_length=200)], text: Annotated[str, Form(max_length=100_000)] = "",
                  date: Annotated[str, Form(max_length=20)] = "",
                  modality: Annotated[str, Form(max_length=40)] = "observation") -> HTMLResponse:
    data: dict[str, Any] = {"id": id, "source": source, "text": text, "modality": modality}
    if date:
        data["date"] = date
    return _add_entry(request, ctx, Report, "report", "reports", data)


@router.post("/cases/{case_id}/ui/hypotheses")
def ui_add_hypothesis(request: Request, ctx: Analyst, id: Annotated[str, Form(max_length=200)],
                      statement: Annotated[str, Form(max_length=100_000)] = "",
                      deception_by: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    data: dict[str, Any] = {"id": id, "statement": statement}
    if deception_by:
        data["deception_by"] = deception_by
    return _add_entry(request, ctx, Hypothesis, "hypothesis", "hypotheses", data)


def _add_entry(request: Request, ctx: Any, model: Any, label: str, kind: str, data: dict[str, Any]) -> HTMLResponse:
    """Validate one new entry from a form, append it to the case (refusing a duplicate id), re-render."""
    try:
        entry = model.model_validate(data)
    except Exception as exc:
        return render_flash(request, "; ".join(f"{label}.{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                               for e in exc.errors()), 422)  # type: ignore[attr-defined]

    def change(case):  # type: ignore[no-untyped-def]
        entries = getattr(case, kind)
        if any(e.id == entry.id for e in entries):
            raise CaseValidationError([])
        entries.append(entry)

    try:
        _edit(request, ctx, change, f"{label}.add", None, commutative=True)
    except CaseValidationError as exc:
        msg = "; ".join(str(p) for p in exc.problems) or f"{label} {entry.id!r} already exists"
        return render_flash(request, msg, 422)
    return _workspace(request, ctx, flash=f"added {label} {entry.id}")
