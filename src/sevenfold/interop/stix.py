"""STIX 2.1 bundles, both directions, with the ``stix2`` library (see docs/interop.md for the table).

Export: the case is a ``grouping``; sources are ``identity``, actors ``threat-actor``, reports
``report`` (``created_by_ref`` = the reporting source), ``derived_from`` and ``controlled_by`` are
``relationship``s, hypotheses are ``note``s, ratings ``opinion``s (Heuer code → opinion) and the
assessment one ``note`` whose ``confidence`` comes from :mod:`sevenfold.interop.confidence`.
Every object also carries ``x_sevenfold_entry`` (the case entry verbatim) so our own bundles
round-trip exactly; other tools ignore it.

A platform that drops custom properties keeps the case anyway: every object names its entry in a
standard ``external_references`` item (``source_name: "sevenfold"``, ``external_id: "<kind>/<id>"``,
``description`` = the entry as JSON, so the case comes back exactly) and carries what the assessment
needs as standard ``labels`` in a ``sevenfold:`` namespace, for platforms that drop descriptions too
(``sevenfold:hypothesis``, ``sevenfold:consistency=CC``, ``sevenfold:likelihood=0.8``,
``sevenfold:source-kind=human``, ``sevenfold:date=1937-01``, ``sevenfold:as-of=...``,
``sevenfold:assessment``, ``sevenfold:top=H1``), so such a bundle still imports with its hypotheses,
ratings and verdict and can be assessed (docs/interop.md).

Import: our own bundles come back exactly; other tools' bundles are mapped from standard fields.
Objects of types we do not map are kept (``case.extra['stix_unmapped']``, written back on export)
and counted in the result, never silently dropped. A malformed bundle raises :class:`InputError`
listing every bad object; nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sevenfold import safe_json
from sevenfold.errors import CaseValidationError, InputError
from sevenfold.interop._io import read_json_file, require_extra, slug, unique_id
from sevenfold.interop.confidence import (
    confidence_to_stix,
    credibility_to_stix,
    posterior_to_stix,
)
from sevenfold.model import Case, case_from_data, case_to_data
from sevenfold.model.results import Assessment

_NS = uuid.UUID("6f2b7c1e-6a57-4bd4-9b1e-7e8c1f0d5a11")  # sevenfold's UUIDv5 namespace for STIX ids

KIND_TO_IDENTITY_CLASS = {"human": "individual", "official": "organization", "intercept": "system",
                          "technical": "system", "document": "unknown", "open": "unknown"}
IDENTITY_CLASS_TO_KIND = {"individual": "human", "group": "official", "organization": "official",
                          "system": "technical", "class": "open", "unknown": "open"}
CONSISTENCY_TO_OPINION = {"CC": "strongly-agree", "C": "agree", "N": "neutral", "NA": "neutral",
                          "I": "disagree", "II": "strongly-disagree"}
OPINION_TO_CONSISTENCY = {"strongly-agree": "CC", "agree": "C", "neutral": "N", "disagree": "I",
                          "strongly-disagree": "II"}
MAPPED_TYPES = ("grouping", "identity", "threat-actor", "intrusion-set", "report", "note", "opinion",
                "relationship")
MAX_PROBLEMS_SHOWN = 20
OUR_SOURCE_NAME = "sevenfold"  # external_references[].source_name naming a sevenfold entry
LABEL = "sevenfold:"  # prefix of the labels that carry the case in standard properties


def _our_ref(kind: str, entry_id: str, entry: Any = None) -> dict[str, str]:
    """The standard reference naming a sevenfold entry; ``entry`` (the entry as in the case file) goes in its
    ``description`` as JSON, so a platform that drops custom properties still carries it whole."""
    ref = {"source_name": OUR_SOURCE_NAME, "external_id": f"{kind}/{entry_id}"}
    if entry is not None:
        ref["description"] = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return ref


def _entry_in_ref(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The entry JSON in the ``description`` of the object's ``sevenfold`` reference, if any."""
    for ref in obj.get("external_references", []) or []:
        if (isinstance(ref, dict) and ref.get("source_name") == OUR_SOURCE_NAME
                and str(ref.get("external_id", "")).startswith(kind + "/")
                and isinstance(ref.get("description"), str) and ref["description"].startswith("{")):
            try:
                entry = safe_json.loads(ref["description"], f"STIX {kind} reference")
            except ValueError:
                return None
            return entry if isinstance(entry, dict) else None
    return None


def _label(key: str, value: object = None) -> str:
    return f"{LABEL}{key}" if value is None else f"{LABEL}{key}={value}"


def _labels_of(obj: dict[str, Any]) -> dict[str, str]:
    """The ``sevenfold:`` labels of an object as ``{key: value}`` (``""`` for a bare label)."""
    out: dict[str, str] = {}
    for lab in obj.get("labels", []) or []:
        if isinstance(lab, str) and lab.startswith(LABEL):
            key, _, value = lab[len(LABEL):].partition("=")
            out[key] = value
    return out


def _entry_id_of(obj: dict[str, Any], kind: str) -> str | None:
    """The entry id a standard ``external_references`` item names (``sevenfold``, ``<kind>/<id>``)."""
    for ref in obj.get("external_references", []) or []:
        if isinstance(ref, dict) and ref.get("source_name") == OUR_SOURCE_NAME:
            ext = str(ref.get("external_id", ""))
            if ext.startswith(kind + "/") and len(ext) > len(kind) + 1:
                return ext[len(kind) + 1:]
    return None


def _stix_id(case_id: str, kind: str, entry_id: str, stix_type: str) -> str:
    return f"{stix_type}--{uuid.uuid5(_NS, f'{case_id}/{kind}/{entry_id}')}"


def _timestamp(date: str | None) -> str | None:
    """A (possibly partial) ISO date as a STIX timestamp: the first instant it may denote."""
    if not date:
        return None
    parts = date.split("-")
    y, m, d = parts[0], parts[1] if len(parts) > 1 else "01", parts[2] if len(parts) > 2 else "01"
    return f"{y}-{m}-{d}T00:00:00Z"


def _likelihood_opinion(p: float) -> str:
    if p >= 0.8:
        return "strongly-agree"
    if p >= 0.6:
        return "agree"
    if p > 0.4:
        return "neutral"
    if p > 0.2:
        return "disagree"
    return "strongly-disagree"


# ---- export ------------------------------------------------------------------------------------------

def case_to_stix(case: Case, assessment: Assessment | None = None, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The case (and its assessment, if given) as a STIX 2.1 bundle (plain JSON data)."""
    v21 = require_extra("stix2.v21", "STIX export", extra="stix")
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    common = {"created": stamp, "modified": stamp, "allow_custom": True}
    cid = case.id
    data = case_to_data(case)

    def sid(kind: str, entry: Any, stix_type: str) -> str:
        given = entry.extra.get("stix_id") if hasattr(entry, "extra") else None
        if isinstance(given, str) and given.startswith(stix_type + "--"):
            return given
        return _stix_id(cid, kind, entry.id, stix_type)

    objs: list[Any] = []
    grouping_id = case.case.extra.get("stix_id") or _stix_id(cid, "case", cid, "grouping")
    actor_ids = {a.id: sid("actors", a, "threat-actor") for a in case.actors}
    source_ids = {s.id: sid("sources", s, "identity") for s in case.sources}
    report_ids = {r.id: sid("reports", r, "report") for r in case.reports}
    hyp_ids = {h.id: sid("hypotheses", h, "note") for h in case.hypotheses}
    entry_kinds = ("actors", "sources", "reports", "hypotheses")
    entries: dict[str, dict[str, Any]] = {kind: {str(e.get("id")): e for e in data.get(kind, [])}
                                          for kind in entry_kinds}
    for a in case.actors:
        kw: dict[str, Any] = {"aliases": a.aliases} if a.aliases else {}
        objs.append(v21.ThreatActor(id=actor_ids[a.id], name=a.name or a.id, **kw,
                                    external_references=[_our_ref("actors", a.id, entries["actors"][a.id])],
                                    x_sevenfold_entry=entries["actors"][a.id], **common))
    for s in case.sources:
        objs.append(v21.Identity(id=source_ids[s.id], name=s.name or s.id,
                                 identity_class=KIND_TO_IDENTITY_CLASS[s.kind],
                                 external_references=[_our_ref("sources", s.id, entries["sources"][s.id])],
                                 labels=[_label("source-kind", s.kind)],
                                 x_sevenfold_entry=entries["sources"][s.id], **common))
        if s.controlled_by:
            objs.append(v21.Relationship(
                id=_stix_id(cid, "controlled_by", s.id, "relationship"), relationship_type="controlled-by",
                source_ref=source_ids[s.id], target_ref=actor_ids[s.controlled_by], **common))
    docs = {d.id: d for d in case.documents}
    credibility = {r.id: r.credibility for r in assessment.reports} if assessment else {}
    posterior = {h.id: h.posterior for h in assessment.hypotheses} if assessment else {}
    for r in case.reports:
        kw = {}
        ext_refs = [_our_ref("reports", r.id, entries["reports"][r.id])]
        if r.document:
            doc = docs[r.document]
            ext_refs.insert(0, {"source_name": "sevenfold-document", "external_id": doc.id,
                                "description": doc.citation or doc.title or doc.id})
        kw["external_references"] = ext_refs
        labels = [_label("modality", r.modality)] + ([_label("date", r.date)] if r.date else [])
        if r.against_interest:
            labels.append(_label("against-interest"))
        kw["labels"] = labels
        conf = credibility_to_stix(credibility.get(r.id))
        if conf is not None:
            kw["confidence"] = conf
        name = (r.text.splitlines()[0][:120] if r.text.strip() else r.id) or r.id
        refs = [source_ids[r.source]] + [source_ids[v] for v in r.via if source_ids[v] != source_ids[r.source]]
        published = _timestamp(r.date) or _timestamp(case.case.as_of) or stamp
        objs.append(v21.Report(id=report_ids[r.id], name=name, description=r.text or None,
                               published=published, report_types=[r.modality],
                               created_by_ref=source_ids[r.source], object_refs=list(dict.fromkeys(refs)),
                               x_sevenfold_entry=entries["reports"][r.id], **kw, **common))
        for original in r.derived_from:
            objs.append(v21.Relationship(
                id=_stix_id(cid, "derived_from", f"{r.id}->{original}", "relationship"),
                relationship_type="derived-from", source_ref=report_ids[r.id], target_ref=report_ids[original],
                **common))
    for h in case.hypotheses:
        kw = {}
        conf = posterior_to_stix(posterior.get(h.id))
        if conf is not None:
            kw["confidence"] = conf
        labels = [_label("hypothesis")] + ([_label("prior", h.prior)] if h.prior is not None else [])
        objs.append(v21.Note(id=hyp_ids[h.id], abstract=f"Hypothesis {h.id}", content=h.statement or h.id,
                             labels=labels,
                             external_references=[_our_ref("hypotheses", h.id, entries["hypotheses"][h.id])],
                             object_refs=[grouping_id], x_sevenfold_kind="hypothesis",
                             x_sevenfold_entry=entries["hypotheses"][h.id], **kw, **common))
    for i, rt in enumerate(case.ratings):
        opinion = (CONSISTENCY_TO_OPINION[rt.consistency] if rt.consistency else
                   _likelihood_opinion(rt.likelihood or 0.5))
        kw = {"authors": [rt.analyst]} if rt.analyst else {}
        kw["external_references"] = [_our_ref("ratings", f"{rt.report}/{rt.hypothesis}/{rt.analyst or ''}",
                                              data["ratings"][i])]
        kw["labels"] = [_label("rating")] + (
            [_label("consistency", rt.consistency)] if rt.consistency else []) + (
            [_label("likelihood", rt.likelihood)] if rt.likelihood is not None else [])
        note = rt.extra.get("note")
        if isinstance(note, str) and note:
            kw["explanation"] = note
        objs.append(v21.Opinion(
            id=_stix_id(cid, "ratings", f"{rt.report}/{rt.hypothesis}/{rt.analyst or ''}", "opinion"),
            opinion=opinion, object_refs=[report_ids[rt.report], hyp_ids[rt.hypothesis]],
            x_sevenfold_kind="rating", x_sevenfold_entry=data["ratings"][i], **kw, **common))
    if assessment is not None:
        from sevenfold.report.view import bottom_line

        kw = {}
        conf = confidence_to_stix(assessment.confidence)
        if conf is not None:
            kw["confidence"] = conf
        refs = [grouping_id] + ([hyp_ids[assessment.top]] if assessment.top in hyp_ids else [])
        text = bottom_line(case, assessment)
        if assessment.confidence:
            text += f" Confidence: {assessment.confidence}."
        labels = [_label("assessment"), _label("method", assessment.method)]
        if assessment.top:
            labels.append(_label("top", assessment.top))
        if assessment.confidence:
            labels.append(_label("confidence", assessment.confidence))
        objs.append(v21.Note(id=_stix_id(cid, "assessment", assessment.method, "note"),
                             abstract=f"Assessment of {cid} ({assessment.method})", content=text,
                             object_refs=refs, x_sevenfold_kind="assessment", labels=labels,
                             x_sevenfold_assessment=assessment.to_json_dict(), **kw, **common))
    unmapped = [dict(o) for o in case.case.extra.get("stix_unmapped", []) if isinstance(o, dict)]
    meta = {k: v for k, v in data["case"].items() if k not in ("stix_unmapped", "stix_id")}
    rest: dict[str, Any] = {k: data[k] for k in ("documents", "outcomes", "burns", "aliases") if k in data}
    group_refs = [o.id for o in objs] + [o["id"] for o in unmapped if "id" in o]
    g_labels = [_label("as-of", case.case.as_of)] if case.case.as_of else []
    case_data = {"format": case.format, "case": meta, **rest}
    grouping = v21.Grouping(id=grouping_id, name=case.case.title or cid, description=case.case.question or None,
                            context="unspecified", object_refs=group_refs or [grouping_id],
                            external_references=[_our_ref("case", cid, case_data)],
                            **({"labels": g_labels} if g_labels else {}), x_sevenfold_case=case_data, **common)
    bundle = v21.Bundle(objects=[grouping, *objs], allow_custom=True,
                        id=f"bundle--{uuid.uuid5(_NS, 'bundle/' + cid + '/' + stamp)}")
    out = json.loads(bundle.serialize())
    out["objects"].extend(unmapped)
    return out


# ---- import ------------------------------------------------------------------------------------------

@dataclass
class StixImport:
    """A bundle read as a case: what was mapped, what was kept unmapped, and warnings."""

    case: Case
    mapped: dict[str, int] = field(default_factory=dict)
    unmapped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _validate_bundle(bundle: Any, file: str) -> list[dict[str, Any]]:
    """Every object parsed by stix2; all problems collected, then refused at once."""
    stix2 = require_extra("stix2", "STIX import", extra="stix")
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise InputError(f"{file}: not a STIX bundle (expected a JSON object with \"type\": \"bundle\")")
    objects = bundle.get("objects", [])
    if not isinstance(objects, list):
        raise InputError(f"{file}: bundle 'objects' must be a list")
    problems: list[str] = []
    seen: Counter[str] = Counter()
    for i, obj in enumerate(objects):
        where = f"{file}: objects[{i}]"
        if not isinstance(obj, dict):
            problems.append(f"{where}: not a JSON object")
            continue
        oid = obj.get("id")
        if not isinstance(obj.get("type"), str) or not isinstance(oid, str):
            problems.append(f"{where}: missing 'type' or 'id'")
            continue
        where += f" ({oid})"
        seen[oid] += 1
        if obj["type"] in MAPPED_TYPES and obj.get("spec_version", "2.1") != "2.1":
            problems.append(f"{where}: spec_version {obj.get('spec_version')!r}; only STIX 2.1 is read")
            continue
        try:
            stix2.parse(dict(obj, spec_version=obj.get("spec_version", "2.1")) if obj["type"] in MAPPED_TYPES
                        else obj, allow_custom=True, version="2.1")
        except Exception as exc:  # stix2 raises many exception types for invalid objects
            problems.append(f"{where}: {str(exc).splitlines()[0]}")
    for oid, n in seen.items():
        if n > 1:
            problems.append(f"{file}: id {oid} appears {n} times")
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        raise InputError("invalid STIX bundle; nothing was imported:\n" + "\n".join(shown)
                         + (f"\n... and {more} more" if more else ""))
    return objects


def stix_to_case(bundle: Any, *, case_id: str | None = None, file: str = "<bundle>") -> StixImport:
    """Read a STIX 2.1 bundle (parsed JSON) as a case. Raises InputError / CaseValidationError."""
    objects = _validate_bundle(bundle, file)
    by_id = {o["id"]: o for o in objects}
    mapped: Counter[str] = Counter()
    unmapped: list[dict[str, Any]] = []
    warnings: list[str] = []
    def case_of(o: dict[str, Any]) -> dict[str, Any] | None:
        if o["type"] != "grouping":
            return None
        return o["x_sevenfold_case"] if isinstance(o.get("x_sevenfold_case"), dict) else _entry_in_ref(o, "case")

    ours = [o for o in objects if case_of(o) is not None]
    if len(ours) > 1:
        raise InputError(f"{file}: the bundle holds {len(ours)} sevenfold cases; import them one at a time")
    if ours:
        data: dict[str, Any] = json.loads(json.dumps(case_of(ours[0])))
        data.setdefault("format", "sevenfold/1")
        data.setdefault("case", {})
        if case_id:
            data["case"]["id"] = case_id
        mapped["grouping"] += 1
    else:
        bid = str(bundle.get("id", "bundle--unknown")).split("--")[-1][:8]
        groupings = [o for o in objects if o["type"] == "grouping"]
        title = groupings[0].get("name", "") if len(groupings) == 1 else ""
        named = _entry_id_of(groupings[0], "case") if len(groupings) == 1 else None
        data = {"format": "sevenfold/1", "case": {"id": case_id or named or f"stix-{bid}", "title": title or
                                                  f"Imported STIX bundle {bundle.get('id', '')}"}}
        if len(groupings) == 1:
            if groupings[0].get("description"):
                data["case"]["question"] = groupings[0]["description"]
            as_of = _labels_of(groupings[0]).get("as-of")
            if as_of:
                data["case"]["as_of"] = as_of
            data["case"]["stix_id"] = groupings[0]["id"]
            mapped["grouping"] += 1
    for kind in ("actors", "sources", "reports", "hypotheses", "ratings"):
        data[kind] = []
    taken: dict[str, set[str]] = {k: set() for k in ("actors", "sources", "reports", "hypotheses")}
    entry_of: dict[str, tuple[str, dict[str, Any]]] = {}  # stix id -> (kind, entry)

    kind_of_type = {"threat-actor": "actors", "intrusion-set": "actors", "identity": "sources",
                    "report": "reports", "note": "hypotheses", "opinion": "ratings"}

    def ours_entry(obj: dict[str, Any]) -> dict[str, Any] | None:
        """Our entry: ``x_sevenfold_entry``, or (custom properties dropped) the JSON of our reference."""
        e = obj.get("x_sevenfold_entry")
        if not isinstance(e, dict) and obj.get("type") in kind_of_type:
            e = _entry_in_ref(obj, kind_of_type[obj["type"]])
        return json.loads(json.dumps(e)) if isinstance(e, dict) else None

    def add(kind: str, obj: dict[str, Any], entry: dict[str, Any], fallback: str) -> None:
        whole = ours_entry(obj) is not None
        if "id" not in entry and not whole:
            named = _entry_id_of(obj, kind)  # a sevenfold bundle that lost its custom properties
            if named is not None:
                entry["id"] = named
        if "id" not in entry or entry["id"] in taken[kind]:
            entry["id"] = unique_id(slug(str(entry.get("id") or fallback), kind[:-1]), taken[kind])
        else:
            taken[kind].add(entry["id"])
        if not whole:
            entry["stix_id"] = obj["id"]
        data[kind].append(entry)
        entry_of[obj["id"]] = (kind, entry)
        mapped[obj["type"]] += 1

    relationships: list[dict[str, Any]] = []
    opinions: list[dict[str, Any]] = []
    foreign_notes: list[dict[str, Any]] = []
    for o in objects:
        t = o["type"]
        if t == "grouping":
            if o not in ours and not (len([x for x in objects if x["type"] == "grouping"]) == 1 and not ours):
                unmapped.append(o)
        elif t in ("threat-actor", "intrusion-set"):
            e: dict[str, Any] = ours_entry(o) or {"name": o.get("name", ""),
                                                  **({"aliases": o["aliases"]} if o.get("aliases") else {})}
            add("actors", o, e, o.get("name", "actor"))
        elif t == "identity":
            src_kind = _labels_of(o).get("source-kind")
            e = ours_entry(o) or {"name": o.get("name", ""),
                                  "kind": src_kind if src_kind in KIND_TO_IDENTITY_CLASS else
                                  IDENTITY_CLASS_TO_KIND.get(o.get("identity_class", ""), "open")}
            add("sources", o, e, o.get("name", "source"))
        elif t == "relationship":
            relationships.append(o)
        elif t == "opinion":
            opinions.append(o)
        elif t == "note":
            labels = _labels_of(o)
            whole = ours_entry(o)
            if whole is not None and (o.get("x_sevenfold_kind") == "hypothesis" or "hypothesis" in labels):
                add("hypotheses", o, whole, "hypothesis")
            elif "hypothesis" in labels:  # our hypothesis, its custom properties dropped on the way
                h: dict[str, Any] = {"statement": o.get("content", "")}
                if labels.get("prior"):
                    h["prior"] = _number(labels["prior"], o, "prior")
                add("hypotheses", o, h, "hypothesis")
            elif o.get("x_sevenfold_kind") == "assessment" or "assessment" in labels:
                mapped["note (assessment, recomputed on import)"] += 1
                if ours:  # our own bundle: the case comes back exactly, the verdict is recomputed
                    continue
                verdict = {"text": o.get("content", ""), "stix_id": o["id"],
                           **{k: labels[k] for k in ("method", "top", "confidence") if labels.get(k)}}
                data["case"]["stix_assessment"] = verdict
            else:
                foreign_notes.append(o)
    unattributed: str | None = None

    def author_of(o: dict[str, Any]) -> str:
        nonlocal unattributed
        ref = o.get("created_by_ref")
        if ref in entry_of and entry_of[ref][0] == "sources":
            return entry_of[ref][1]["id"]
        if unattributed is None:
            unattributed = unique_id("unattributed", taken["sources"])
            data["sources"].append({"id": unattributed, "name": "Unattributed (STIX object without created_by_ref)",
                                    "kind": "open"})
            warnings.append(f"objects without a known created_by_ref are attributed to source {unattributed!r}")
        return unattributed

    data.setdefault("documents", [])
    doc_keys: dict[tuple[str, ...], str] = {}
    doc_taken = {d["id"] for d in data["documents"]}

    def document_for(ref: dict[str, Any]) -> str:
        """A document entry for a report's external reference (deduplicated)."""
        key = tuple(str(ref.get(k, "")) for k in ("source_name", "external_id", "url", "description"))
        if key not in doc_keys:
            did = unique_id(slug(str(ref.get("external_id") or ref.get("source_name") or "document"), "document"),
                            doc_taken)
            fallback = f"{ref.get('source_name')} {ref.get('external_id', '')}"
            citation = str(ref.get("description") or ref.get("url") or fallback).strip()
            doc: dict[str, Any] = {"id": did, "citation": citation}
            if ref.get("url"):
                doc["url"] = ref["url"]
            doc["stix_external_reference"] = ref
            data["documents"].append(doc)
            doc_keys[key] = did
            mapped["external reference → document"] += 1
        return doc_keys[key]

    for o in objects:
        if o["type"] != "report":
            continue
        mine = ours_entry(o)
        if mine is not None:
            add("reports", o, mine, o.get("name", "report"))
            continue
        e = {"source": author_of(o), "text": o.get("description") or o.get("name", "")}
        labels = _labels_of(o)
        if "modality" in labels:  # ours, custom properties dropped: the date is the label's (or none)
            if labels.get("date"):
                e["date"] = labels["date"]
            if "against-interest" in labels:
                e["against_interest"] = True
        elif o.get("published"):
            e["date"] = str(o["published"])[:10]
        types = [x for x in [labels.get("modality"), *o.get("report_types", [])] if x in _MODALITIES]
        if types:
            e["modality"] = types[0]
        other = [r for r in o.get("object_refs", []) if r not in entry_of]
        if other:
            e["stix_object_refs"] = other
        refs_ext = [x for x in o.get("external_references", []) if isinstance(x, dict)
                    and x.get("source_name") != OUR_SOURCE_NAME]
        if refs_ext:
            e["document"] = document_for(refs_ext[0])
            if len(refs_ext) > 1:
                e["stix_external_references"] = refs_ext[1:]
        add("reports", o, e, o.get("name", "report"))
    for o in foreign_notes:
        e = {"source": author_of(o), "modality": "assessment",
             "text": (o.get("abstract", "") + "\n" + o.get("content", "")).strip(),
             "date": str(o.get("created", ""))[:10] or None, "stix_object_refs": o.get("object_refs", [])}
        add("reports", o, {k: v for k, v in e.items() if v}, "note")
    report_by_stix = {sid: e for sid, (k, e) in entry_of.items() if k == "reports"}
    for o in relationships:
        src, tgt, rtype = o.get("source_ref"), o.get("target_ref"), o.get("relationship_type")
        if rtype == "derived-from" and src in report_by_stix and tgt in report_by_stix:
            rep = report_by_stix[src]
            if ours_entry(by_id.get(src, {})) is not None:
                pass  # our own reports carry derived_from in their entry already
            elif report_by_stix[tgt]["id"] not in rep.setdefault("derived_from", []):
                rep["derived_from"].append(report_by_stix[tgt]["id"])
            mapped["relationship"] += 1
        elif (rtype == "controlled-by" and src in entry_of and tgt in entry_of
              and entry_of[src][0] == "sources" and entry_of[tgt][0] == "actors"):
            entry_of[src][1]["controlled_by"] = entry_of[tgt][1]["id"]
            mapped["relationship"] += 1
        else:
            unmapped.append(o)
    for o in opinions:
        rating_entry = ours_entry(o)
        if rating_entry is not None:
            data["ratings"].append(rating_entry)
            mapped["opinion"] += 1
            continue
        refs = [entry_of.get(r) for r in o.get("object_refs", [])]
        reps = [x[1]["id"] for x in refs if x and x[0] == "reports"]
        hyps = [x[1]["id"] for x in refs if x and x[0] == "hypotheses"]
        if len(reps) == 1 and len(hyps) == 1:
            labels = _labels_of(o)
            rating: dict[str, Any] = {"report": reps[0], "hypothesis": hyps[0]}
            if labels.get("consistency"):
                rating["consistency"] = labels["consistency"]
            if labels.get("likelihood"):
                rating["likelihood"] = _number(labels["likelihood"], o, "likelihood")
            if not labels.get("consistency") and not labels.get("likelihood"):
                rating["consistency"] = OPINION_TO_CONSISTENCY[o["opinion"]]
            if o.get("authors"):
                rating["analyst"] = ", ".join(o["authors"])
            if o.get("explanation"):
                rating["note"] = o["explanation"]
            data["ratings"].append(rating)
            mapped["opinion"] += 1
        else:
            unmapped.append(o)
    for o in objects:
        if o["type"] not in MAPPED_TYPES:
            unmapped.append(o)
    if unmapped:
        data["case"]["stix_unmapped"] = unmapped
    counts = Counter(o["type"] for o in unmapped)
    if counts:
        warnings.append("kept unmapped (in case extra 'stix_unmapped', written back on STIX export): "
                        + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())))
    try:
        case = case_from_data(data, file)
    except CaseValidationError as exc:
        raise CaseValidationError(exc.problems) from None
    return StixImport(case=case, mapped=dict(mapped), unmapped=dict(counts), warnings=warnings)


def _number(text: str, obj: dict[str, Any], what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{obj.get('id')}: label {LABEL}{what}={text!r} is not a number") from None


_MODALITIES = {"observation", "hearsay", "document", "confession", "coerced_confession", "official_statement",
               "intercept", "assessment"}


def import_stix(path: str | os.PathLike[str], *, case_id: str | None = None) -> StixImport:
    """Read a STIX 2.1 bundle file as a case (not yet stored)."""
    return stix_to_case(read_json_file(path, "STIX bundle"), case_id=case_id, file=str(path))
