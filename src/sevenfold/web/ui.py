"""The browser UI: server-rendered Jinja pages with htmx fragments (no inline script or style).

Every template is autoescaped and none applies ``|safe`` to user data; JSON for the graph goes
through ``|tojson`` inside ``<script type="application/json">``. Case routes take their access from
``sevenfold.web.access`` like the API.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import urllib.parse
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from sevenfold.errors import AssessmentError, CaseValidationError, Conflict, NotFound, SevenfoldError
from sevenfold.figures import anchor_id
from sevenfold.model.case import id_space_warning
from sevenfold.store import accounts
from sevenfold.web import views
from sevenfold.web.access import Analyst, CaseContext, Owner, Reader
from sevenfold.web.api import (
    BurnIn,
    RatingIn,
    burn,
    clear_rating,
    create_case_from_text,
    end_session,
    login_user,
    read_upload,
    set_rating,
    unburn,
    workspace,
)
from sevenfold.web.auth import PRELOGIN_COOKIE, SESSION_COOKIE, Principal, authenticate_request, current_principal
from sevenfold.web.service import burn_what_if
from sevenfold.workspace import (
    EntryExists,
    StaleRevision,
    blocking_references,
    case_seen_by,
    custody_effects,
    originated_relays,
    references,
    seen_by,
)
from sevenfold.workspace import blind_rating as is_blind  # the form field of ui_meta is called blind_rating

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
_env.filters["seg"] = lambda value: urllib.parse.quote(str(value), safe="")  # one URL path segment
_env.filters["anchor"] = lambda value, kind: anchor_id(kind, str(value))  # an entry's id on the page


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
               problems: list[str] | None = None, new_values: dict[str, str] | None = None,
               new_errors: dict[str, str] | None = None) -> HTMLResponse:
    store = request.app.state.store
    summaries = store.list_cases()
    seen = {a.case_id: a for a in accounts.visible_cases(store, principal.user, [s.case_id for s in summaries])}
    cases = [{"id": s.case_id, "title": s.title, "revision": s.revision, "role": seen[s.case_id].role,
              "owners": seen[s.case_id].owners, "no_owner": seen[s.case_id].no_owner, "counts": s.counts}
             for s in summaries if s.case_id in seen]
    return render(request, "cases.html", status=status, cases=cases, error=error, problems=problems or [],
                  new_values=new_values or {}, new_errors=new_errors or {})


@router.post("/cases")
async def upload_case(request: Request, me: Me, file: Annotated[UploadFile, File()]) -> Response:
    try:
        text, name = await read_upload(file)
        case = await run_in_threadpool(create_case_from_text, request, me, text, name)  # off the event loop
    except CaseValidationError as exc:
        return _case_list(request, me, 422, f"{len(exc.problems)} problem(s) in the case file; nothing was imported",
                          [str(p) for p in exc.problems])
    except SevenfoldError as exc:
        from sevenfold.web.app import _status_for

        return _case_list(request, me, _status_for(exc), str(exc))
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


# ---- the case page -----------------------------------------------------------------------------
def _workspace_context(request: Request, ctx: CaseContext, **extra: Any) -> dict[str, Any]:
    store = request.app.state.store
    try:
        # blind rating: the assessment of the case as this analyst may see it (workspace.assess_seen_by)
        case, revision, assessment = request.app.state.assessments.get(store, ctx.case_id, ctx.viewer)
        not_assessed = None
    except AssessmentError as exc:  # e.g. no hypotheses yet: show what is missing and the forms to add it
        case, revision = store.load_case_with_revision(ctx.case_id)
        assessment, not_assessed = None, str(exc)
    out: dict[str, Any] = {
        "ctx": ctx, "case": case, "revision": revision, "a": assessment, "not_assessed": not_assessed,
        "missing": views.missing_parts(case),
        "can_edit": ctx.can("analyst"), "is_owner": ctx.can("owner"),
        "choices": views.CONSISTENCY_CHOICES, "face_value": views.FACE_VALUE,
        "key_warnings": [w.message for w in case.key_warnings()],
        "editor": _editor_context(case, revision), "open_kind": None,
        "grants": sorted(accounts.grants_on_case(store, ctx.case_id).items()) if ctx.can("owner") else [],
        "is_admin": ctx.user.is_admin,
        "analysts": [], "pdf_available": _pdf_available(), "blind": is_blind(case),
        "shuffled": views.shuffled_hypotheses(case), "hyp_order": views.hypothesis_order(case, ctx.user.name),
    }
    if assessment is not None:
        out.update(views.verdict_context(case, assessment, ctx.user.name, role=ctx.role))
    else:
        out.update(rows=[], bars=[], sources=[], timeline=views.timeline(case), graph=None,
                   timeline_fig=views.timeline_view(case), alerts=[])
    out.update(extra)
    return out


@functools.cache
def _pdf_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("weasyprint") is not None


def _editor_context(case: Any, revision: int) -> list[dict[str, Any]]:
    """One block per entry kind: its entries (id, summary) and an empty add form."""
    blocks = []
    for kind in views.ENTRY_FORMS:
        entries = getattr(case, kind)
        rows = [{"id": (str(i) if kind == "outcomes" else e.id), "label": (f"#{i}" if kind == "outcomes" else e.id),
                 "summary": views.entry_summary(kind, e)} for i, e in enumerate(entries)]
        blocks.append({"kind": kind, "label": views.ENTRY_LABELS[kind], "rows": rows,
                       "form": _form_context(case, kind, None, revision)})
    return blocks


def _form_context(case: Any, kind: str, entry_id: str | None, revision: int, values: dict[str, str] | None = None,
                  errors: dict[str, str] | None = None, general: list[str] | None = None,
                  notice: str | None = None, mine: dict[str, str] | None = None) -> dict[str, Any]:
    """What _entry_form.html shows. ``mine``: the values a refused (stale) submission typed; the fields
    where they differ from the values shown are listed as ``yours`` (label, name, typed value)."""
    if values is None:
        values = {}
        if entry_id is not None:
            entry = views.find_entry(case, kind, entry_id)
            values = views.entry_to_form(kind, entry.model_dump(mode="json", exclude_none=True))
    refs = {k: [e.id for e in getattr(case, k)] for k in ("sources", "actors", "documents", "reports", "hypotheses")}
    yours = [{"label": fld.label, "name": fld.name, "value": str(mine.get(fld.name, ""))}
             for fld in views.ENTRY_FORMS[kind] if not (entry_id is not None and fld.name == "id")
             if mine is not None and str(mine.get(fld.name, "")).strip() != str(values.get(fld.name, "")).strip()]
    return {"kind": kind, "label": views.ENTRY_LABELS[kind], "fields": views.ENTRY_FORMS[kind], "current": values,
            "errors": errors or {}, "general": general or [], "entry_id": entry_id, "revision": revision,
            "refs": refs, "notice": notice, "case_id": case.id, "yours": yours}


@router.get("/cases/{case_id}")
def case_page(request: Request, ctx: Reader) -> HTMLResponse:
    return render(request, "case.html", **_workspace_context(request, ctx))


def _workspace(request: Request, ctx: CaseContext, **extra: Any) -> HTMLResponse:
    return render(request, "_workspace.html", **_workspace_context(request, ctx, **extra))


@router.post("/cases/{case_id}/ui/rate")
def ui_rate(request: Request, ctx: Analyst, report: Annotated[str, Form(max_length=200)],
            hypothesis: Annotated[str, Form(max_length=200)],
            consistency: Annotated[str, Form(max_length=4)] = "") -> HTMLResponse:
    before = _posteriors(request, ctx)
    if consistency == "":
        with contextlib.suppress(SevenfoldError):  # nothing to clear
            clear_rating(request, ctx, report, hypothesis, None, None)
    else:
        if consistency not in views.CONSISTENCY_CHOICES:
            codes = ", ".join(views.CONSISTENCY_CHOICES)
            return render_flash(request, f"consistency {consistency!r}: use one of {codes}", 422)
        set_rating(request, ctx, report, hypothesis, RatingIn(consistency=consistency), None)  # type: ignore[arg-type]
    return _after_rating(request, ctx, report, hypothesis, consistency, before)


@router.get("/cases/{case_id}/ui/burn-preview")
def ui_burn_preview(request: Request, ctx: Reader, source: Annotated[str, Query(max_length=200)],
                    since: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    from pydantic import ValidationError

    case, _ = request.app.state.assessments.load(request.app.state.store, ctx.case_id)
    case = case_seen_by(case, ctx.viewer)  # blind rating: from the ratings this analyst may see
    try:
        body = BurnIn(source=source, since=since or "0001")
        result = burn_what_if(case, body.source, since or None)
    except ValidationError as exc:
        return _burn_error(request, exc)
    except SevenfoldError as exc:
        return _burn_error(request, exc)
    return render(request, "_burn_result.html", result=result, preview=True, can_edit=ctx.can("analyst"), ctx=ctx)


def _burn_error(request: Request, exc: Exception) -> HTMLResponse:
    """A burn's error, shown in the burn panel under its form (in place of any earlier result)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                            for e in exc.errors())
    else:
        message = str(exc)
    response = render(request, "_burn_error.html", status=422 if isinstance(exc, ValidationError) else 409,
                      message=message)
    response.headers["X-Sevenfold-Form"] = "1"
    response.headers["HX-Retarget"] = "#burn-result"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


@router.post("/cases/{case_id}/ui/burn")
def ui_burn(request: Request, ctx: Analyst, source: Annotated[str, Form(max_length=200)],
            since: Annotated[str, Form(max_length=20)] = "",
            note: Annotated[str, Form(max_length=10_000)] = "") -> HTMLResponse:
    from pydantic import ValidationError

    try:
        body = BurnIn(source=source, since=since, note=note)
        _, _, result = burn(request, ctx, body, None)
    except (ValidationError, SevenfoldError) as exc:
        return _burn_error(request, exc)
    return _workspace(request, ctx, burn_result=result, flash=f"burned {source} from {since}")


@router.post("/cases/{case_id}/ui/unburn")
def ui_unburn(request: Request, ctx: Analyst, burn_id: Annotated[str, Form(max_length=200)]) -> HTMLResponse:
    unburn(request, ctx, burn_id, None)
    return _workspace(request, ctx, flash=f"unburned {burn_id}")


def _case(request: Request, case_id: str) -> tuple[Any, int]:
    """The stored case and its revision (also for a case that cannot be assessed yet)."""
    return request.app.state.store.load_case_with_revision(case_id)


@router.post("/cases/{case_id}/ui/reports")
def ui_add_report(request: Request, ctx: Analyst, id: Annotated[str, Form(max_length=200)],
                  source: Annotated[str, Form(max_length=200)], text: Annotated[str, Form(max_length=100_000)] = "",
                  date: Annotated[str, Form(max_length=20)] = "",
                  modality: Annotated[str, Form(max_length=40)] = "observation") -> HTMLResponse:
    """Quick add of a report (the full form is ``ui/entries/reports``)."""
    data: dict[str, Any] = {"id": id, "source": source, "text": text, "modality": modality}
    if date:
        data["date"] = date
    return _add_entry(request, ctx, "report", "reports", data)


@router.post("/cases/{case_id}/ui/hypotheses")
def ui_add_hypothesis(request: Request, ctx: Analyst, id: Annotated[str, Form(max_length=200)],
                      statement: Annotated[str, Form(max_length=100_000)] = "",
                      deception_by: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    """Quick add of a hypothesis (the full form is ``ui/entries/hypotheses``)."""
    data: dict[str, Any] = {"id": id, "statement": statement}
    if deception_by:
        data["deception_by"] = deception_by
    return _add_entry(request, ctx, "hypothesis", "hypotheses", data)


def _add_entry(request: Request, ctx: CaseContext, label: str, kind: str, data: dict[str, Any]) -> HTMLResponse:
    """Add one entry through the library (which validates it and refuses a taken id), re-render."""
    try:
        workspace(request, ctx.who).add(ctx.case_id, kind, data)
    except CaseValidationError as exc:
        return render_flash(request, "; ".join(f"{label}.{p.field}: {p.message}" if p.file == "<form>" else str(p)
                                               for p in exc.problems), 422)
    except EntryExists as exc:
        return render_flash(request, str(exc), 422)
    return _workspace(request, ctx, flash=f"added {label} {data['id']}")


# ---- entry forms: add / edit / delete every entry kind ----------------------------------------------
def _form_fragment(request: Request, ctx: CaseContext, kind: str, entry_id: str | None, status: int = 200,
                   **form: Any) -> HTMLResponse:
    case, revision = _case(request, ctx.case_id)
    response = render(request, "_entry_form.html", status=status, f=_form_context(case, kind, entry_id, revision,
                                                                                  **form))
    response.headers["X-Sevenfold-Form"] = "1"  # app.js swaps it in place of the form, even on 4xx
    return response


def _to_workspace(request: Request, ctx: CaseContext, **extra: Any) -> HTMLResponse:
    """The whole workspace, swapped in for the form that posted (htmx response headers retarget it)."""
    response = _workspace(request, ctx, **extra)
    response.headers["HX-Retarget"] = "#workspace"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _kind(kind: str) -> str:
    if kind not in views.ENTRY_FORMS:
        raise NotFound(f"no entry kind {kind!r}; use one of {', '.join(views.ENTRY_FORMS)}")
    return kind


def _revision_of(form: Any) -> int | None:
    raw = str(form.get("revision", "") or "").strip()
    return int(raw) if raw.isdigit() else None


@router.get("/cases/{case_id}/ui/form/{kind}")
def ui_entry_form(request: Request, ctx: Analyst, kind: str,
                  entry: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    """The add form of a kind, or the edit form of one entry (filled with its stored values)."""
    return _form_fragment(request, ctx, _kind(kind), entry)


@router.post("/cases/{case_id}/ui/entries/{kind}")
async def ui_add_entry(request: Request, ctx: Analyst, kind: str) -> HTMLResponse:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await run_in_threadpool(_save_entry, request, ctx, _kind(kind), None, form)


@router.post("/cases/{case_id}/ui/entries/{kind}/{entry_id}")
async def ui_edit_entry(request: Request, ctx: Analyst, kind: str, entry_id: str) -> HTMLResponse:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await run_in_threadpool(_save_entry, request, ctx, _kind(kind), entry_id, form)


def _save_entry(request: Request, ctx: CaseContext, kind: str, entry_id: str | None,
                form: dict[str, str]) -> HTMLResponse:
    """Parse the form into the entry dict the JSON API takes and call the same library operation."""
    ws = workspace(request, ctx.who)
    expected = _revision_of(form) if entry_id is not None else None
    label = views.ENTRY_LABELS[kind]
    try:
        if entry_id is None:
            data = views.form_to_entry(kind, form)
            ws.add(ctx.case_id, kind, data)
            done = f"added {label} {data.get('id', '')}".strip()
            warning = id_space_warning(kind, str(data.get("id", "")))
            if warning:
                done += f" — warning: {warning}"
        else:
            case, _ = _case(request, ctx.case_id)
            base = views.find_entry(case, kind, entry_id).model_dump(mode="json", exclude_none=True)
            data = views.form_to_entry(kind, form, base)
            if kind != "outcomes":
                data["id"] = entry_id  # ids are not renamed by an edit
            ws.replace(ctx.case_id, kind, entry_id, data, expected_revision=expected)
            done = f"saved {label} {entry_id if kind != 'outcomes' else '#' + entry_id}"
    except CaseValidationError as exc:
        errors, general = views.field_errors(kind, data.get("id") if kind != "outcomes" else None, exc.problems)
        return _form_fragment(request, ctx, kind, entry_id, 422, values=form, errors=errors,
                              general=general or (["nothing was saved"] if not errors else []))
    except EntryExists as exc:
        return _form_fragment(request, ctx, kind, entry_id, 409, values=form, errors={"id": str(exc)})
    except StaleRevision as exc:
        # someone else changed the case: the form shows the stored values now, and beside it what was typed
        return _form_fragment(request, ctx, kind, entry_id, 412, mine=form,
                              notice=f"the case changed since you opened this form (revision {expected}, now "
                                     f"{exc.current}); these are the current values — your edit was not saved. "
                                     "Your own values are listed below the form: copy what you want to keep")
    except SevenfoldError as exc:
        return _form_fragment(request, ctx, kind, entry_id, 409 if isinstance(exc, Conflict) else 400,
                              values=form, general=[str(exc)])
    return _to_workspace(request, ctx, flash=done, open_kind=kind)


@router.post("/cases/{case_id}/ui/entries/{kind}/{entry_id}/delete")
def ui_delete_entry(request: Request, ctx: Analyst, kind: str, entry_id: str,
                    confirm: Annotated[str, Form(max_length=10)] = "",
                    revision: Annotated[str, Form(max_length=20)] = "",
                    reassign_origin: Annotated[str, Form(max_length=10)] = "") -> HTMLResponse:
    """Without ``confirm``: a confirmation naming what references the entry (and whose ratings go), and
    what a source's delete does to custody chains. With it: the library's delete (``force``; and
    ``reassign_origin`` only from the box's explicit button; a stale revision shows the confirmation again)."""
    kind = _kind(kind)
    case, current = _case(request, ctx.case_id)
    views.find_entry(case, kind, entry_id)  # NotFound when it is gone
    if confirm:
        expected = int(revision) if revision.isdigit() else current
        try:
            workspace(request, ctx.who).delete(ctx.case_id, kind, entry_id, force=True, analyst=ctx.user.name,
                                               expected_revision=expected, reassign_origin=bool(reassign_origin))
        except StaleRevision:
            case, current = _case(request, ctx.case_id)
            return _confirm_delete(request, ctx, case, kind, entry_id, current, 412,
                                   "the case changed since you asked; check what the delete takes with it now")
        except SevenfoldError as exc:
            return _confirm_delete(request, ctx, case, kind, entry_id, current, 409, str(exc))
        label = f"#{entry_id}" if kind == "outcomes" else entry_id
        return _to_workspace(request, ctx, flash=f"deleted {views.ENTRY_LABELS[kind]} {label}", open_kind=kind)
    return _confirm_delete(request, ctx, case, kind, entry_id, current)


def _confirm_delete(request: Request, ctx: CaseContext, case: Any, kind: str, entry_id: str, revision: int,
                    status: int = 200, notice: str | None = None) -> HTMLResponse:
    refs = references(case, kind, entry_id) if kind != "outcomes" else []
    _, never = blocking_references(refs, kind, ctx.user.name)
    ratings = [r for r in refs if r.kind == "ratings"]
    whose = sorted({r.analyst or views.FACE_VALUE for r in ratings})
    response = render(request, "_confirm_delete.html", status=status, case_id=ctx.case_id, kind=kind,
                      label=views.ENTRY_LABELS[kind], entry_id=entry_id, revision=revision,
                      others=[str(r) for r in refs if r.kind != "ratings"], ratings=len(ratings), whose=whose,
                      never=[str(r) for r in never], notice=notice,
                      effects=custody_effects(case, kind, entry_id),
                      relays=originated_relays(case, kind, entry_id))
    response.headers["X-Sevenfold-Form"] = "1"
    return response


# ---- ratings with a note, case details, deleting the case ------------------------------------------
@router.post("/cases/{case_id}/ui/rating")
def ui_rating(request: Request, ctx: Analyst, report: Annotated[str, Form(max_length=200)],
              hypothesis: Annotated[str, Form(max_length=200)],
              consistency: Annotated[str, Form(max_length=4)] = "",
              likelihood: Annotated[str, Form(max_length=40)] = "",
              note: Annotated[str, Form(max_length=10_000)] = "") -> HTMLResponse:
    from pydantic import ValidationError

    before = _posteriors(request, ctx)
    try:
        body = RatingIn.model_validate({"consistency": consistency or None, "likelihood": likelihood or None,
                                        "note": note})
        set_rating(request, ctx, report, hypothesis, body, None)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for e in exc.errors():
            name = str(e["loc"][0]) if e["loc"] else ""
            text = e["msg"].removeprefix("Value error, ")
            fields[name] = f"{fields[name]}; {text}" if name in fields else text
        msg = "; ".join(f"{name}: {text}" if name else text for name, text in fields.items())
        return _rating_form_error(request, ctx, msg, report, hypothesis, consistency, likelihood, note, fields)
    except CaseValidationError as exc:
        fields = {}
        for p in exc.problems:
            name = str(p.field).split(".")[0]
            fields[name] = f"{fields[name]}; {p.message}" if name in fields else p.message
        msg = "; ".join(f"{name}: {text}" if name else text for name, text in fields.items())
        return _rating_form_error(request, ctx, msg, report, hypothesis, consistency, likelihood, note, fields)
    except SevenfoldError as exc:
        return _rating_form_error(request, ctx, str(exc), report, hypothesis, consistency, likelihood, note)
    return _after_rating(request, ctx, report, hypothesis, consistency or likelihood, before, open_kind="ratings")


def _rating_form_error(request: Request, ctx: CaseContext, message: str, report: str, hypothesis: str,
                       consistency: str, likelihood: str, note: str,
                       fields: dict[str, str] | None = None) -> HTMLResponse:
    """The rating form again, with the typed values, the message (each part named by its field) and each
    field's own message under it."""
    case, _ = _case(request, ctx.case_id)
    response = render(request, "_rating_form.html", status=422, case=case, choices=views.CONSISTENCY_CHOICES,
                      error=message, errors=fields or {}, rv={"report": report, "hypothesis": hypothesis,
                                             "consistency": consistency, "likelihood": likelihood, "note": note})
    response.headers["X-Sevenfold-Form"] = "1"
    return response


def _posteriors(request: Request, ctx: CaseContext) -> dict[str, float | None] | None:
    try:
        _, _, a = request.app.state.assessments.get(request.app.state.store, ctx.case_id, ctx.viewer)
    except AssessmentError:
        return None
    return {h.id: h.posterior for h in a.hypotheses}


def _after_rating(request: Request, ctx: CaseContext, report: str, hypothesis: str, value: str,
                  before: dict[str, float | None] | None, **extra: Any) -> HTMLResponse:
    after = _posteriors(request, ctx)
    reason = report_why = None
    try:
        case, _, a = request.app.state.assessments.get(request.app.state.store, ctx.case_id, ctx.viewer)
        result = next((r for r in a.reports if r.id == report), None)
        reason, report_why = (result.reason, result.why) if result is not None else (None, None)
    except AssessmentError:
        case, _ = _case(request, ctx.case_id)
    why = views.why_unmoved(case_seen_by(case, ctx.viewer), ctx.user.name, report, before, after, reason,
                            why=report_why, hypothesis=hypothesis)
    flash = f"rated {report} against {hypothesis}: {value or 'cleared'}"
    return _to_workspace(request, ctx, flash=flash, why=why, **extra)


@router.post("/cases/{case_id}/ui/meta")
def ui_meta(request: Request, ctx: Analyst, title: Annotated[str, Form(max_length=10_000)] = "",
            question: Annotated[str, Form(max_length=10_000)] = "", as_of: Annotated[str, Form(max_length=20)] = "",
            note: Annotated[str, Form(max_length=100_000)] = "",
            blind_rating: Annotated[str, Form(max_length=10)] = "",
            shuffle_hypotheses: Annotated[str, Form(max_length=10)] = "",
            revision: Annotated[str, Form(max_length=20)] = "") -> HTMLResponse:
    from pydantic import ValidationError

    values = {"title": title, "question": question, "as_of": as_of, "note": note, "blind_rating": blind_rating,
              "shuffle_hypotheses": shuffle_hypotheses}
    try:
        workspace(request, ctx.who).edit_meta(ctx.case_id, title=title.strip(), question=question.strip(),
                                              as_of=as_of.strip() or None, note=note.strip(),
                                              blind_rating=True if blind_rating else None,
                                              shuffle_hypotheses=True if shuffle_hypotheses else None,
                                              expected_revision=int(revision) if revision.isdigit() else None)
    except CaseValidationError as exc:
        errors = {str(p.field).split(".")[-1]: p.message for p in exc.problems}
        return _meta_form(request, ctx, 422, values, errors, None)
    except ValidationError as exc:
        errors = {str(e["loc"][-1]) if e["loc"] else "title": e["msg"].removeprefix("Value error, ")
                  for e in exc.errors()}
        return _meta_form(request, ctx, 422, values, errors, None)
    except StaleRevision as exc:
        return _meta_form(request, ctx, 412, None, {}, f"the case changed since you opened this form (now revision "
                                                         f"{exc.current}); these are the current values — nothing "
                                                         "was saved")
    except SevenfoldError as exc:
        return _meta_form(request, ctx, 400, values, {"as_of": str(exc)}, None)
    return _to_workspace(request, ctx, flash="saved the case details")


def _meta_form(request: Request, ctx: CaseContext, status: int, values: dict[str, str] | None,
               errors: dict[str, str], notice: str | None) -> HTMLResponse:
    case, revision = _case(request, ctx.case_id)
    if values is None:
        values = {"title": case.case.title, "question": case.case.question, "as_of": case.case.as_of or "",
                  "note": case.case.note, "blind_rating": "1" if is_blind(case) else "",
                  "shuffle_hypotheses": "1" if views.shuffled_hypotheses(case) else ""}
    response = render(request, "_meta_form.html", status=status, case=case, revision=revision, values=values,
                      errors=errors, notice=notice)
    response.headers["X-Sevenfold-Form"] = "1"
    return response


@router.post("/cases/{case_id}/ui/delete-case")
def ui_delete_case(request: Request, ctx: Owner, confirm: Annotated[str, Form(max_length=200)] = "") -> Response:
    if confirm != ctx.case_id:
        return render_flash(request, f"type the case id ({ctx.case_id}) to confirm; nothing was deleted", 400)
    workspace(request, ctx.who).delete_case(ctx.case_id)
    response = Response(status_code=204)
    response.headers["HX-Redirect"] = "/"
    return response


# ---- grants -----------------------------------------------------------------------------------------
@router.post("/cases/{case_id}/ui/grants")
def ui_grant(request: Request, ctx: Owner, user: Annotated[str, Form(max_length=100)],
             role: Annotated[str, Form(max_length=20)]) -> HTMLResponse:
    try:
        workspace(request, ctx.who).grant(ctx.case_id, user.strip(), role, keep_an_owner=True)
    except SevenfoldError as exc:
        return _to_workspace(request, ctx, grant_error=str(exc), grant_values={"user": user, "role": role})
    return _to_workspace(request, ctx, flash=f"{user.strip()} is now {role} of this case")


@router.post("/cases/{case_id}/ui/grants/{user_name}/remove")
def ui_revoke(request: Request, ctx: Owner, user_name: str) -> HTMLResponse:
    try:
        workspace(request, ctx.who).revoke(ctx.case_id, user_name, keep_an_owner=True)
    except SevenfoldError as exc:
        return _to_workspace(request, ctx, grant_error=str(exc))
    return _to_workspace(request, ctx, flash=f"{user_name} no longer has access to this case")


# ---- downloads: the case report ---------------------------------------------------------------------
@router.get("/cases/{case_id}/report.{fmt}")
def ui_report(request: Request, ctx: Reader, fmt: str) -> Response:
    """The case report as HTML or PDF (what `sevenfold report` writes)."""
    import tempfile

    from sevenfold import api as library
    from sevenfold.web.api import attachment

    if fmt not in ("html", "pdf"):
        raise NotFound(f"no report format {fmt!r}; use html or pdf")
    case, revision, assessment = request.app.state.assessments.get(request.app.state.store, ctx.case_id)
    case, assessment = seen_by(case, assessment, ctx.viewer)  # blind rating: not the others' ratings yet
    headers = {"Content-Disposition": attachment(f"{ctx.case_id}-report.{fmt}"), "ETag": f'"{revision}"'}
    if fmt == "html":
        return Response(str(library.report(case, "html", assessment=assessment)), media_type="text/html",
                        headers=headers)
    with tempfile.TemporaryDirectory(prefix="sevenfold-report-") as tmp:
        path = Path(tmp) / "report.pdf"
        library.report(case, "pdf", path, assessment=assessment)
        return Response(path.read_bytes(), media_type="application/pdf", headers=headers)


# ---- your account -----------------------------------------------------------------------------------
@router.get("/account")
def account_page(request: Request, me: Me) -> HTMLResponse:
    return render(request, "account.html", errors={}, done=False)


@router.post("/account/password")
async def account_password(request: Request, me: Me, current: Annotated[str, Form(max_length=1024)],
                           new: Annotated[str, Form(max_length=1024)],
                           again: Annotated[str, Form(max_length=1024)]) -> Response:
    """Change your own password (the current one is checked first); every session and token of yours ends."""
    errors: dict[str, str] = {}
    if new != again:
        errors["again"] = "the two new passwords differ"
    else:
        try:
            accounts.check_password(new, me.user.name)
        except SevenfoldError as exc:
            errors["new"] = str(exc)
    if not errors:
        user = await run_in_threadpool(accounts.authenticate, request.app.state.store, me.user.name, current)
        if user is None:
            errors["current"] = "this is not your current password"
    if errors:
        return render(request, "account.html", status=422, errors=errors, done=False)
    await run_in_threadpool(accounts.set_password, request.app.state.store, me.user.name, new, actor=me.actor)
    response = render(request, "account.html", errors={}, done=True)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- a new case from a form -------------------------------------------------------------------------
@router.post("/cases/new")
def new_case(request: Request, me: Me, id: Annotated[str, Form(max_length=200)],
             title: Annotated[str, Form(max_length=10_000)] = "",
             question: Annotated[str, Form(max_length=10_000)] = "",
             as_of: Annotated[str, Form(max_length=20)] = "",
             hypotheses: Annotated[str, Form(max_length=100_000)] = "") -> Response:
    """Create a case from its id, title, question, as-of date and hypotheses ("id | statement" per line)."""
    values = {"id": id, "title": title, "question": question, "as_of": as_of, "hypotheses": hypotheses}
    hyps = []
    for line in hypotheses.splitlines():
        if line.strip():
            hid, _, statement = line.partition("|")
            hyps.append({"id": hid.strip(), "statement": statement.strip()})
    try:
        workspace(request, me.actor).create_case(id.strip(), title=title.strip(), question=question.strip(),
                                                 as_of=as_of.strip() or None, hypotheses=hyps, owner=me.user.name)
    except CaseValidationError as exc:
        errors: dict[str, str] = {}
        for p in exc.problems:
            key = "hypotheses" if p.kind == "hypotheses" else str(p.field).split(".")[-1]
            key = key if key in values else "id"
            errors[key] = f"{errors[key]}; {p.message}" if key in errors else (
                f"{p.entry}: {p.message}" if key == "hypotheses" and p.entry else p.message)
        return _case_list(request, me, 422, new_values=values, new_errors=errors)
    except EntryExists as exc:
        return _case_list(request, me, 409, new_values=values, new_errors={"id": str(exc)})
    except SevenfoldError as exc:
        return _case_list(request, me, 400, new_values=values, new_errors={"id": str(exc)})
    return RedirectResponse(f"/cases/{id.strip()}", status_code=303)
