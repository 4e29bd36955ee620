"""View models: what the case page shows, built from the Case and its Assessment only.

Nothing here invents a number: a field the assessment leaves ``None`` stays ``None`` and the
templates print it as "—".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sevenfold.ach.heuer import INCONSISTENCY_WEIGHT, visible_report_ids
from sevenfold.errors import SevenfoldError
from sevenfold.figures import Figure, Timeline, provenance_figure, timeline_figure
from sevenfold.model import Case, date_start
from sevenfold.model.results import Assessment
from sevenfold.model.vocab import CONSISTENCY_CODES
from sevenfold.model.vocab import CONSISTENCY_SCORE as VOCAB_SCORE

CONSISTENCY_CHOICES = CONSISTENCY_CODES
# a signed score per rating for colouring and disagreement: + supports, - contradicts (NA counts as neutral)
CONSISTENCY_SCORE = {**VOCAB_SCORE, "NA": 0.0}
FACE_VALUE = "case file"  # label for ratings without an analyst (the case file's own)
UNNAMED = "(unnamed)"  # the assessment's label for them


@dataclass
class Cell:
    report: str
    hypothesis: str
    mine: str | None = None  # the logged-in analyst's consistency rating
    others: list[tuple[str, str]] = field(default_factory=list)  # (analyst, consistency)
    tone: str = "none"  # css class: the mean rating's sign and strength
    disagreement: bool = False
    spread: float | None = None
    hidden: int = 0  # other analysts' ratings kept from view (blind rating)


@dataclass
class Row:
    report_id: str
    source: str
    date: str | None
    modality: str
    text: str
    origin: str | None
    credibility: int | None
    diagnosticity: float | None
    cells: list[Cell]
    result: Any = None  # the report's ReportResult (weight, reason, why), None when not assessed


def clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary within ``limit`` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + "…"


def _tone(scores: list[float]) -> str:
    if not scores:
        return "none"
    mean = sum(scores) / len(scores)
    if mean >= 1.5:
        return "cc"
    if mean >= 0.5:
        return "c"
    if mean > -0.5:
        return "n"
    if mean > -1.5:
        return "i"
    return "ii"


def shuffled_hypotheses(case: Case) -> bool:
    return bool(case.case.extra.get("shuffle_hypotheses"))


def hypothesis_order(case: Case, me: str) -> list[str]:
    """The matrix's column order: the case's, or (shuffle_hypotheses) an order of this analyst's own —
    fixed per analyst and case, different between analysts, so no hypothesis is always read first."""
    ids = [h.id for h in case.hypotheses]
    if not shuffled_hypotheses(case):
        return ids
    import hashlib

    return sorted(ids, key=lambda h: hashlib.sha256(f"{case.id}\0{me}\0{h}".encode()).hexdigest())


def matrix(case: Case, assessment: Assessment, me: str, limit: int | None = None, *,
           role: str | None = None) -> list[Row]:
    """The ACH matrix as rows of cells; every analyst's ratings, disagreement flagged.

    Under blind rating, a report's row shows only your own ratings until you have rated it under every
    hypothesis: the others' chips, the mean colour and the disagreement mark are kept back (counted).
    ``role`` is yours on the case: a reader, who does not rate, is kept from nothing.
    """
    from sevenfold.workspace import Viewer, blind_reports

    visible = visible_report_ids(case)
    kept_back = blind_reports(case, Viewer(me, role))  # the library's rule, as in the JSON API
    order = hypothesis_order(case, me)
    by_cell: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for rt in case.ratings:
        if rt.consistency is not None:
            by_cell[(rt.report, rt.hypothesis)].append((rt.analyst or FACE_VALUE, rt.consistency))
    results = {r.id: r for r in assessment.reports}
    rows: list[Row] = []
    for rep in case.reports:
        if rep.id not in visible:
            continue
        cells: list[Cell] = []
        for h_id in order:
            ratings = by_cell.get((rep.id, h_id), [])
            hidden = 0
            if rep.id in kept_back:
                hidden = sum(1 for a, _ in ratings if a != me)
                ratings = [(a, c) for a, c in ratings if a == me]
            scores = [CONSISTENCY_SCORE[c] for _, c in ratings]
            spread = (max(scores) - min(scores)) if len(scores) > 1 else None
            cells.append(Cell(rep.id, h_id,
                              mine=next((c for a, c in ratings if a == me), None),
                              others=[(a, c) for a, c in ratings if a != me],
                              tone=_tone(scores), disagreement=spread is not None and spread >= 2.0,
                              spread=spread, hidden=hidden))
        res = results.get(rep.id)
        rows.append(Row(rep.id, rep.source, rep.date, rep.modality, rep.text,
                        res.origin if res else None, res.credibility if res else None,
                        res.diagnosticity if res else None, cells, res))
        if limit is not None and len(rows) >= limit:
            break
    return rows


def hypothesis_bars(assessment: Assessment) -> list[dict[str, Any]]:
    """One bar per hypothesis: posterior when the engine gives one, else Heuer inconsistency."""
    worst = max((h.inconsistency or 0.0 for h in assessment.hypotheses), default=0.0) or 1.0
    out = []
    for h in assessment.hypotheses:
        out.append({
            "id": h.id, "statement": h.statement, "posterior": h.posterior, "estimative": h.estimative,
            "inconsistency": h.inconsistency, "deception_by": h.deception_by, "prior": h.prior,
            "posterior_pct": None if h.posterior is None else round(100 * h.posterior, 1),
            "inconsistency_pct": None if h.inconsistency is None else round(100 * h.inconsistency / worst, 1),
            "top": h.id == assessment.top, "per_analyst": h.per_analyst or {}, "why": h.why,
        })
    return out


def sources_table(case: Case, assessment: Assessment) -> list[dict[str, Any]]:
    """One row per source; ``originated`` counts the reports whose custody chain starts with it, ``relayed``
    those it passed on (as their ``source`` after an ``origin``, or on their ``via``)."""
    from sevenfold.model.custody import originating_source, relayers

    results = {s.id: s for s in assessment.sources}
    burned = {b.source for b in case.burns}
    originated: dict[str, int] = defaultdict(int)
    relayed: dict[str, int] = defaultdict(int)
    for r in case.reports:
        first = originating_source(r)
        originated[first] += 1
        for sid in set(relayers(r)) - {first}:
            relayed[sid] += 1
    rows = []
    for s in case.sources:
        res = results.get(s.id)
        tr = s.track_record
        rows.append({
            "id": s.id, "name": s.name, "kind": s.kind, "access": s.access,
            "controlled_by": s.controlled_by, "compromised_since": s.compromised_since,
            "originated": originated[s.id], "relayed": relayed[s.id],
            "track": f"{tr.confirmed} confirmed / {tr.refuted} refuted" if tr else None,
            "reliability": res.reliability if res else None, "admiralty": res.admiralty if res else None,
            "reason": res.reason if res else None, "fusion_trust": res.fusion_trust if res else None,
            "burned": bool(res and res.burned) or s.id in burned,
        })
    return rows


def verdict_context(case: Case, assessment: Assessment, me: str, *, role: str | None = None) -> dict[str, Any]:
    """What the case page shows of an assessment. ``assessment`` is the one ``me`` may see
    (:func:`sevenfold.workspace.assess_seen_by`): under blind rating it was computed without the ratings
    kept from them, and has no per-analyst part while any is kept. ``role`` is ``me``'s on the case."""
    from sevenfold.ach.language import deception_budget_line
    from sevenfold.model.custody import origin_names
    from sevenfold.workspace import Viewer, blind_reports

    names = origin_names(case.reports, assessment.origins or [])
    budget_line = deception_budget_line(assessment, case)
    raters = {rt.analyst for rt in case.ratings}
    return {
        "rows": matrix(case, assessment, me, role=role), "bars": hypothesis_bars(assessment),
        "sources": sources_table(case, assessment), "timeline": timeline(case),
        "graph": graph_figure(case, assessment), "timeline_fig": timeline_view(case),
        "alerts": [{"kind": al.kind, "message": alert_text(al.message), "reports": al.reports}
                   for al in assessment.alerts],
        "analysts": assessment.analysts.analysts if assessment.analysts else [],
        "origin_names": names, "budget_line": budget_line,
        # blind rating keeps each analyst's own posterior from you until you have rated every report
        "analysts_kept": len(raters) > 1 and bool(blind_reports(case, Viewer(me, role))),
    }


def timeline(case: Case) -> list[dict[str, Any]]:
    """Reports, outcomes and burns by date (undated last), with the as-of line."""
    items: list[dict[str, Any]] = []
    for r in case.reports:
        items.append({"date": r.date, "kind": "report", "id": r.id, "label": f"{r.source}: {clip(r.text, 220)}"})
    for i, o in enumerate(case.outcomes):
        target = o.report or o.hypothesis or (f"{o.claim.object}.{o.claim.attribute}" if o.claim else "")
        items.append({"date": o.date, "kind": f"outcome {o.verdict}", "id": f"outcome #{i}",
                      "label": f"{target}: {clip(o.note, 220)}"})
    for b in case.burns:
        items.append({"date": b.since, "kind": "burn", "id": b.id, "label": f"{b.source} burned. {clip(b.note, 160)}"})
    if case.case.as_of:
        items.append({"date": case.case.as_of, "kind": "as-of", "id": "as_of",
                      "label": "decision point: later items are ignored by the assessment"})

    def key(item: dict[str, Any]) -> tuple[int, str]:
        d = item["date"]
        if not d:
            return (1, "")
        try:
            return (0, date_start(d).isoformat())
        except Exception:
            return (1, str(d))

    return sorted(items, key=key)


def graph_figure(case: Case, assessment: Assessment | None) -> Figure:
    """The provenance graph's coordinates (:func:`sevenfold.figures.provenance_figure`), with the copies
    and near-identical texts that joined origins (:func:`sevenfold.api.origins`)."""
    from sevenfold import api

    try:
        links = api.origins(case, detect_copies=True).merges
    except SevenfoldError:
        links = []
    return provenance_figure(case, assessment, links=links)


def timeline_view(case: Case) -> Timeline:
    """The timeline's coordinates (:func:`sevenfold.figures.timeline_figure`)."""
    return timeline_figure(case)


def my_weight(consistency: str | None) -> float | None:
    return None if consistency is None else INCONSISTENCY_WEIGHT[consistency]


# ---- entry forms: which fields each kind's form shows, and how form text maps to an entry dict ---------
@dataclass(frozen=True)
class FormField:
    name: str  # the entry's field; "a.b" for a nested one (track_record.confirmed)
    label: str
    widget: str = "text"  # text | textarea | select | ids | lines | claims | number | int | check
    options: tuple[str, ...] = ()  # fixed choices (select)
    ref: str | None = None  # choices from the case: "sources", "actors", "documents", "reports", "hypotheses"
    hint: str = ""
    required: bool = False


MODALITIES = ("observation", "hearsay", "document", "confession", "coerced_confession", "official_statement",
              "intercept", "assessment")

ENTRY_FORMS: dict[str, tuple[FormField, ...]] = {
    "actors": (
        FormField("id", "Id", required=True, hint="a short slug, e.g. german-intelligence"),
        FormField("name", "Name"),
        FormField("aliases", "Aliases", "lines", hint="one per line"),
        FormField("note", "Note", "textarea"),
    ),
    "sources": (
        FormField("id", "Id", required=True),
        FormField("name", "Name"),
        FormField("kind", "Kind", "select", ("human", "document", "official", "intercept", "open", "technical")),
        FormField("access", "Access", "select", ("unknown", "direct", "indirect")),
        FormField("track_record.confirmed", "Confirmed reports", "int", hint="track record"),
        FormField("track_record.refuted", "Refuted reports", "int"),
        FormField("controlled_by", "Controlled by", "select", ref="actors"),
        FormField("compromised_since", "Compromised since", hint="a date: 1936, 1936-09 or 1936-09-14"),
        FormField("suspected_control.by", "Suspected control by", "select", ref="actors",
                  hint="the actor that may run the source"),
        FormField("suspected_control.p", "Suspected control probability", "number",
                  hint="0–1: how likely that actor runs it"),
        FormField("suspected_control.since", "Suspected control since", hint="optional date: 1936, 1936-09 …"),
        FormField("aliases", "Aliases", "lines", hint="one per line"),
        FormField("interests", "Interests", "lines", hint="one per line"),
        FormField("note", "Note", "textarea"),
    ),
    "documents": (
        FormField("id", "Id", required=True),
        FormField("kind", "Kind", "select", ("original", "edition", "compilation", "study", "press", "post-mortem")),
        FormField("citation", "Citation", "textarea"),
        FormField("title", "Title"),
        FormField("date", "Date", hint="1936, 1936-09 or 1936-09-14"),
        FormField("language", "Language", hint="en, ru, de …"),
        FormField("footnote", "Footnote", "int"),
        FormField("resolves_to", "Resolves to (Ibid.)", "select", ref="documents"),
        FormField("note", "Note", "textarea"),
    ),
    "reports": (
        FormField("id", "Id", required=True),
        FormField("source", "Source", "select", ref="sources", required=True, hint="who made the report"),
        FormField("origin", "Origin", "select", ref="sources",
                  hint="where it started, when the source only relayed it"),
        FormField("via", "Via", "ids", ref="sources",
                  hint="sources it passed through, in travel order, comma-separated"),
        FormField("date", "Date", hint="1937, 1937-03 or 1937-03-12"),
        FormField("modality", "Modality", "select", MODALITIES),
        FormField("document", "Document", "select", ref="documents"),
        FormField("cited_in", "Cited in", "select", ref="documents"),
        FormField("footnote", "Footnote", "int"),
        FormField("derived_from", "Derived from", "ids", ref="reports", hint="reports it rests on, comma-separated"),
        FormField("synthesis_of", "Synthesis of", "ids", ref="reports", hint="reports it summarises, comma-separated"),
        FormField("against_interest", "Against the source's interest", "check"),
        FormField("text", "Text", "textarea"),
        FormField("quote", "Quote", "textarea"),
        FormField("claims", "Claims", "claims",
                  hint="one per line: object | attribute | value (true, false, a number or text)"),
        FormField("date_note", "Date note", "textarea"),
        FormField("note", "Note", "textarea"),
    ),
    "hypotheses": (
        FormField("id", "Id", required=True),
        FormField("statement", "Statement", "textarea"),
        FormField("prior", "Prior", "number", hint="0–1; empty: uniform"),
        FormField("deception_by", "Deception by", "select", ref="actors",
                  hint="the actor who would have fed the evidence"),
        FormField("mimics", "Mimics", "ids", ref="hypotheses",
                  hint="a deception's cover story: the hypotheses it is made to look like, comma-separated"),
        FormField("reach", "Reach", "number",
                  hint="0–1: the chance a deception fools a channel nobody suspects; empty: 0.5"),
        FormField("raised_by", "Raised by", "ids", ref="reports", hint="reports that raised it, comma-separated"),
        FormField("note", "Note", "textarea"),
    ),
    "outcomes": (
        FormField("verdict", "Verdict", "select", ("confirmed", "refuted", "unresolved"), required=True),
        FormField("report", "Report", "select", ref="reports"),
        FormField("hypothesis", "Hypothesis", "select", ref="hypotheses"),
        FormField("claim.object", "Claim object"),
        FormField("claim.attribute", "Claim attribute"),
        FormField("claim.value", "Claim value", hint="true, false, a number or text"),
        FormField("date", "Date"),
        FormField("document", "Document", "select", ref="documents"),
        FormField("footnote", "Footnote(s)", "ints", hint="comma-separated numbers"),
        FormField("note", "Note", "textarea"),
    ),
}
ENTRY_LABELS = {"actors": "actor", "sources": "source", "documents": "document", "reports": "report",
                "hypotheses": "hypothesis", "outcomes": "outcome"}


def parse_value(text: str) -> Any:
    """A claim value typed in a form: true/false, an integer, a number, else the text."""
    t = text.strip()
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    for cast in (int, float):
        try:
            return cast(t)
        except ValueError:
            pass
    return t


def _claims(text: str) -> list[Any]:
    out: list[Any] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3:
            out.append({"object": parts[0], "attribute": parts[1], "value": parse_value(parts[2])})
        else:  # kept as typed: the library's validation names the line
            out.append({"object": line.strip(), "attribute": "", "value": None})
    return out


def form_to_entry(kind: str, form: dict[str, str], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The entry dict the JSON API takes, from a submitted form (empty fields left out).

    ``base`` is the stored entry when editing: fields the form does not show are kept as they are.
    """
    data: dict[str, Any] = dict(base or {})
    for f in ENTRY_FORMS[kind]:
        raw = form.get(f.name, "")
        raw = raw if isinstance(raw, str) else ""
        value: Any
        if f.widget == "check":
            value = True if raw else None
        elif not raw.strip():
            value = None
        elif f.widget == "ids":
            value = [p.strip() for p in raw.replace("\n", ",").split(",") if p.strip()]
        elif f.widget == "lines":
            value = [p.strip() for p in raw.splitlines() if p.strip()]
        elif f.widget == "claims":
            value = _claims(raw)
        elif f.widget in ("int", "number"):
            value = _number(raw.strip(), int if f.widget == "int" else float)
        elif f.widget == "ints":
            items = [_number(p.strip(), int) for p in raw.split(",") if p.strip()]
            value = items[0] if len(items) == 1 else items
        elif f.name == "claim.value":
            value = parse_value(raw)
        else:
            value = raw.strip()
        head, _, tail = f.name.partition(".")
        if tail:
            sub = dict(data.get(head) or {})
            if value is None:
                sub.pop(tail, None)
            else:
                sub[tail] = value
            if sub:
                data[head] = sub
            else:
                data.pop(head, None)
        elif value is None:
            data.pop(head, None)
        else:
            data[head] = value
    return data


def _number(text: str, cast: type) -> Any:
    """A number typed in a form; text that is not one is passed on for the model to refuse by name."""
    try:
        return cast(text)
    except ValueError:
        return text


def entry_to_form(kind: str, entry: dict[str, Any]) -> dict[str, str]:
    """Form values showing a stored entry (the inverse of :func:`form_to_entry`)."""
    out: dict[str, str] = {}
    for f in ENTRY_FORMS[kind]:
        head, _, tail = f.name.partition(".")
        value = entry.get(head)
        if tail:
            value = value.get(tail) if isinstance(value, dict) else None
        if value is None:
            out[f.name] = ""
        elif f.widget in ("ids", "ints"):
            out[f.name] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        elif f.widget == "lines":
            out[f.name] = "\n".join(map(str, value))
        elif f.widget == "claims":
            out[f.name] = "\n".join(f"{c.get('object', '')} | {c.get('attribute', '')} | {_show(c.get('value'))}"
                                    for c in value)
        elif f.widget == "check":
            out[f.name] = "1" if value else ""
        else:
            out[f.name] = _show(value)
    return out


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def field_errors(kind: str, entry_id: str | None, problems: list[Any]) -> tuple[dict[str, str], list[str]]:
    """(messages by form field, messages that belong to no field of this form) from validation problems."""
    import re

    names = {f.name for f in ENTRY_FORMS[kind]}
    by_field: dict[str, str] = {}
    general: list[str] = []
    for p in problems:
        field_name = re.sub(r"\[\d+\]", "", str(getattr(p, "field", "") or ""))  # mimics[0] -> mimics
        mine = getattr(p, "kind", kind) == kind and (entry_id is None or getattr(p, "entry", "") in ("", entry_id))
        if mine and not field_name:  # an entry-level rule that names its field first ("reach is the reach of …")
            first = str(getattr(p, "message", "")).removeprefix("Value error, ").split(" ", 1)[0]
            field_name = first if first in names else ""
        target = None
        if mine and field_name:
            parts = field_name.split(".")
            for n in (".".join(parts[:2]), parts[0]):
                if n in names:
                    target = n
                    break
        if target is not None:
            msg = str(getattr(p, "message", p)).removeprefix("Value error, ")
            by_field[target] = f"{by_field[target]}; {msg}" if target in by_field else msg
        else:
            general.append(str(p) if getattr(p, "file", "") != "<form>" else f"{field_name}: {p.message}")
    return by_field, general


def entry_summary(kind: str, entry: Any) -> str:
    """One line naming an entry in the entry lists."""
    if kind == "reports":
        return f"{entry.source} · {entry.date or 'undated'} · {clip(entry.text, 100)}"
    if kind == "sources":
        return f"{entry.name or ''} ({entry.kind}, {entry.access})"
    if kind == "hypotheses":
        return clip(entry.statement, 120)
    if kind == "outcomes":
        target = entry.report or entry.hypothesis or (f"{entry.claim.object}.{entry.claim.attribute}"
                                                      if entry.claim else "")
        return f"{entry.verdict}: {target} {clip(entry.note, 90)}"
    if kind == "documents":
        return f"{entry.kind} · {clip(entry.citation, 100)}"
    return str(getattr(entry, "name", "") or "")


def missing_parts(case: Case) -> list[str]:
    """What a case still needs before it can be assessed, in a user's words."""
    out = []
    if not case.hypotheses:
        out.append("hypotheses: add at least two explanations to weigh against each other")
    elif len(case.hypotheses) < 2:
        out.append("a second hypothesis: ACH weighs explanations against each other")
    if not case.sources:
        out.append("sources: a report needs the source that made it")
    if not case.reports:
        out.append("reports: the evidence to rate")
    return out


def alert_text(message: str) -> str:
    """An alert message for people: Python reprs of dicts/None turned into plain words."""
    import ast
    import re

    def plain(match: re.Match[str]) -> str:
        try:
            value = ast.literal_eval(match.group(0))
        except (ValueError, SyntaxError):
            return match.group(0)
        if isinstance(value, dict):
            return ", ".join(f"{k}: {'no top hypothesis' if v is None else v}" for k, v in value.items())
        return match.group(0)

    return re.sub(r"\{[^{}]*\}", plain, message).replace(UNNAMED, FACE_VALUE)


def find_entry(case: Case, kind: str, entry_id: str) -> Any:
    """One entry by id (outcomes by position); NotFound naming it."""
    from sevenfold.errors import NotFound

    entries = getattr(case, kind)
    if kind == "outcomes":
        try:
            return entries[int(entry_id.lstrip("#"))]
        except (ValueError, IndexError):
            raise NotFound(f"case {case.id!r}: no outcome {entry_id!r}") from None
    for e in entries:
        if e.id == entry_id:
            return e
    raise NotFound(f"case {case.id!r}: no {ENTRY_LABELS.get(kind, kind)} {entry_id!r}")


def why_unmoved(case: Case, analyst: str, report_id: str, before: dict[str, float | None] | None,
                after: dict[str, float | None] | None, reason: str | None = None, *, why: Any = None,
                hypothesis: str | None = None) -> str | None:
    """When a rating edit left every posterior where it was, the library's reason in a user's words (else
    None): ``why`` is the report's ``ReportWhy`` after the edit (sevenfold.ach.explain.edit_unmoved_reason)."""
    from sevenfold.ach.explain import edit_unmoved_reason, posteriors_unmoved

    if before is None or after is None or not posteriors_unmoved(before, after):
        return None
    text = edit_unmoved_reason(case, report_id, why, analyst=None if analyst == FACE_VALUE else analyst,
                               hypothesis=hypothesis)
    if text is None and reason:
        text = reason
    return f"nothing moved: {text}" if text else None
