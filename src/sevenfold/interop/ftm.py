"""FollowTheMoney entities (JSON lines, as Aleph and the ``ftm`` tool read them), both directions.

Export (see docs/interop.md): sources → ``Person`` (human), ``PublicBody`` (official), ``Document``-
family ``PlainText`` (document sources) or ``Organization`` (other kinds); actors → ``Organization``;
documents → ``PlainText`` (title, citation as description, date, language); reports → ``PlainText``
(``bodyText`` = text, ``proof`` = the document it is recorded in) plus a ``Documentation`` link to
the reporting source (role ``reported by``) and to each ``via`` source (role ``via``);
``controlled_by`` → ``UnknownLink`` (actor → source, role ``suspected controller``). Hypotheses,
ratings, claims and the assessment have no FtM schema and are not exported.

Every entity is checked with FtM's own schema model (``Schema.validate`` plus required properties)
before anything is written. Import reads sources and documents back; an unknown schema or an
invalid property is refused with the line number, and nothing is imported.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sevenfold import safe_json
from sevenfold.errors import CaseValidationError, InputError
from sevenfold.interop._io import require_extra, slug, unique_id
from sevenfold.model import Case, case_from_data, case_to_data, read_text

KIND_TO_SCHEMA = {"human": "Person", "official": "PublicBody", "document": "PlainText",
                  "intercept": "Organization", "open": "Organization", "technical": "Organization"}
SOURCE_SCHEMATA = {"Person": "human", "PublicBody": "official", "Organization": "open", "Company": "open",
                   "LegalEntity": "open"}
MAX_PROBLEMS_SHOWN = 20


def _model() -> Any:
    return require_extra("followthemoney", "FollowTheMoney export", extra="ftm").model


def _language(code: str | None) -> str | None:
    """FtM languages are ISO 639-2/3 codes ('rus'); case files usually hold ISO 639-1 ('ru')."""
    if not code:
        return None
    from followthemoney.types import registry

    return registry.language.clean(code)


def entity_problems(data: dict[str, Any]) -> list[str]:
    """What FtM's schema model finds wrong with one entity dict ([] when valid)."""
    from followthemoney.exc import InvalidData

    model = _model()
    schema = model.get(data.get("schema") or "")
    if schema is None:
        return [f"unknown FtM schema {data.get('schema')!r}"]
    if schema.abstract:
        return [f"FtM schema {schema.name!r} is abstract; entities need a concrete schema"]
    problems = []
    props = data.get("properties")
    if not isinstance(props, dict):
        return ["'properties' must be an object of property -> list of values"]
    for name in props:
        if name not in schema.properties:
            problems.append(f"unknown property {name!r} of schema {schema.name}")
    if problems:
        return problems
    try:
        schema.validate(data)
    except InvalidData as exc:
        errors = (getattr(exc, "errors", None) or {}).get("properties", {})
        problems += [f"{k}: {v}" for k, v in errors.items()] or [str(exc)]
    for req in schema.required:
        if not props.get(req):
            problems.append(f"required property {req!r} of schema {schema.name} is missing")
    if not data.get("id"):
        problems.append("entity has no 'id'")
    return problems


def case_to_ftm(case: Case) -> list[dict[str, Any]]:
    """FtM entity dicts for the case, each validated against the FtM schema model."""
    model = _model()
    out: list[dict[str, Any]] = []
    ids: dict[tuple[str, str], str] = {}

    def make(schema: str, kind: str, key: str, props: dict[str, Any]) -> str:
        entity = model.make_entity(schema)
        entity.make_id("sevenfold", case.id, kind, key)
        clean = {k: [str(x) for x in (v if isinstance(v, list) else [v]) if x not in (None, "")]
                 for k, v in props.items()}
        data = {"id": entity.id, "schema": schema, "properties": {k: v for k, v in clean.items() if v}}
        problems = entity_problems(data)
        if problems:
            raise InputError(f"case {case.id}: {kind} {key!r} cannot be written as FtM {schema}: {'; '.join(problems)}")
        out.append(model.get_proxy(data).to_dict())
        ids[(kind, key)] = entity.id
        return entity.id

    for a in case.actors:
        make("Organization", "actors", a.id, {"name": a.name or a.id, "alias": a.aliases,
                                             "notes": f"sevenfold actor {a.id}"})
    for s in case.sources:
        schema = KIND_TO_SCHEMA[s.kind]
        props: dict[str, Any] = {"notes": [f"sevenfold source {s.id} ({s.kind}, access {s.access})",
                                           *[f"interest: {i}" for i in s.interests]]}
        if schema == "PlainText":
            props["title"] = s.name or s.id
        else:
            props.update({"name": s.name or s.id, "alias": s.aliases})
        make(schema, "sources", s.id, props)
        if s.controlled_by:
            make("UnknownLink", "controlled_by", s.id, {
                "subject": ids[("actors", s.controlled_by)], "object": ids[("sources", s.id)],
                "role": "suspected controller",
                "startDate": s.compromised_since})
    for d in case.documents:
        make("PlainText", "documents", d.id, {"title": d.title or d.citation or d.id, "description": d.citation,
                                              "date": d.date, "language": _language(d.language),
                                              "notes": f"sevenfold document {d.id}"})
    for r in case.reports:
        src = case.source(r.source)
        rid = make("PlainText", "reports", r.id, {
            "title": f"{r.id}: {r.text[:80]}" if r.text else r.id, "bodyText": r.text, "date": r.date,
            "author": src.name or src.id, "summary": f"{r.modality} by {src.name or src.id}",
            "proof": ids.get(("documents", r.document)) if r.document else None,
            "notes": f"sevenfold report {r.id}"})
        make("Documentation", "reported_by", r.id, {"document": rid, "entity": ids[("sources", r.source)],
                                                     "role": "reported by", "date": r.date})
        for i, v in enumerate(r.via):
            make("Documentation", "via", f"{r.id}/{i}", {"document": rid, "entity": ids[("sources", v)],
                                                          "role": f"via (step {i + 1} of the chain of custody)"})
    return out


def dumps_ftm(entities: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entities)


# ---- import ------------------------------------------------------------------------------------------

@dataclass
class FtmImport:
    case: Case
    sources_added: list[str] = field(default_factory=list)
    documents_added: list[str] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)


def import_ftm(path: str | os.PathLike[str], case: Case) -> FtmImport:
    """Add the people, organisations and documents of an FtM JSON-lines file to ``case`` as sources
    and documents. Entities of other (valid) schemata are kept in ``case.extra['ftm_unmapped']``."""
    model = _model()
    text = read_text(Path(path))
    safe_json.check_depth(text, str(path))  # before json.loads recurses into a line
    entities: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}: line {n}: not JSON: {exc.msg}")
            continue
        except ValueError:  # an integer longer than Python converts
            from sevenfold.model.io import _long_number

            problems.append(f"{path}: line {n}: {_long_number(line).replace(' (line 1)', '')}")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path}: line {n}: not a JSON object")
            continue
        problems += [f"{path}: line {n} ({data.get('id', '?')}): {p}" for p in entity_problems(data)]
        entities.append((n, data))
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        raise InputError("invalid FollowTheMoney entities; nothing was imported:\n" + "\n".join(shown)
                         + (f"\n... and {more} more" if more else ""))
    data_case = case_to_data(case)
    sources_taken = {s["id"] for s in data_case.get("sources", [])}
    docs_taken = {d["id"] for d in data_case.get("documents", [])}
    result = FtmImport(case=case)
    unmapped: list[dict[str, Any]] = []
    for _, e in entities:
        proxy = model.get_proxy(e)
        schema = proxy.schema
        name = proxy.caption or proxy.id
        if schema.name in SOURCE_SCHEMATA:
            sid = unique_id(slug(name, "source"), sources_taken)
            data_case.setdefault("sources", []).append({
                "id": sid, "name": proxy.first("name") or name, "aliases": proxy.get("alias"),
                "kind": SOURCE_SCHEMATA[schema.name], "ftm_id": proxy.id})
            result.sources_added.append(sid)
        elif schema.is_a("Document"):
            did = unique_id(slug(name, "document"), docs_taken)
            doc = {"id": did, "title": proxy.first("title") or "", "ftm_id": proxy.id, "ftm_schema": schema.name,
                   "citation": proxy.first("description") or proxy.first("title") or name}
            date = (proxy.first("date") or proxy.first("publishedAt") or "")[:10]
            if date:
                doc["date"] = date
            data_case.setdefault("documents", []).append(doc)
            result.documents_added.append(did)
        else:
            unmapped.append(e)
    if unmapped:
        data_case["case"]["ftm_unmapped"] = data_case["case"].get("ftm_unmapped", []) + unmapped
        result.unmapped = dict(Counter(e["schema"] for e in unmapped))
    try:
        result.case = case_from_data(data_case, str(path))
    except CaseValidationError as exc:
        raise CaseValidationError(exc.problems) from None
    return result
