"""Provenance alerts: where the evidence is thinner, more relayed or more interested than it looks.

Kinds raised here (each documented in docs/provenance.md): ``single_origin``, ``common_origin``,
``hearsay_depth``, ``coerced_only``, ``interested_only``, ``controlled_source``, ``burned_source``,
``derived_cycle``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sevenfold.model import (
    Case,
    Report,
    Source,
    chain_sources,
    custody_chain,
    directional_interests,
    hop_count,
    interested_in,
    may_be_on_or_after,
    relayers,
    surely_after,
    synthesised,
)
from sevenfold.model.custody import origin_name
from sevenfold.model.results import Alert, OriginResult
from sevenfold.model.vocab import CONSISTENCY_SCORE
from sevenfold.provenance.origins import derived_cycles, visible_reports
from sevenfold.provenance.rules import _id_list

#: Heuer consistency as a signed score; a report *supports* a hypothesis when its analysts'
#: mean score is positive (C / CC outweigh I / II). NA and likelihood-only ratings are not counted.
# (sevenfold.model.vocab.CONSISTENCY_SCORE)

#: A custody chain of this many hops or more (hand-overs after the originator) raises ``hearsay_depth``.
HEARSAY_DEPTH = 2


def supporting_reports(case: Case, reports: Sequence[Report]) -> dict[str, list[str]]:
    """Hypothesis id → ids of visible reports rated consistent with it (C/CC), in case order.
    A synthesis (``synthesis_of``) is not support of its own: its inputs are counted instead. A
    non-diagnostic report (rated under every hypothesis, with the same mean score under each) supports
    none of them."""
    visible = {r.id for r in reports if not synthesised(r)}
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rt in case.ratings:
        if rt.report in visible and rt.consistency in CONSISTENCY_SCORE:
            scores[(rt.hypothesis, rt.report)].append(CONSISTENCY_SCORE[rt.consistency])
    out: dict[str, list[str]] = {h.id: [] for h in case.hypotheses}
    for r in reports:
        means = {h.id: sum(cell) / len(cell) for h in case.hypotheses if (cell := scores.get((h.id, r.id)))}
        if len(case.hypotheses) > 1 and len(means) == len(case.hypotheses) and len(set(means.values())) == 1:
            continue  # rated alike under every hypothesis: it tells them apart no better than silence
        for hid, mean in means.items():
            if mean > 0:
                out[hid].append(r.id)
    return out


def compromise_dates(case: Case) -> dict[str, list[tuple[str, str]]]:
    """Source id → ``(since, how)`` for each known compromise in force at ``as_of``: the source's own
    ``compromised_since`` and every recorded burn (burns dated after ``as_of`` are ignored)."""
    as_of = case.case.as_of
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s in case.sources:
        if s.compromised_since is not None and not surely_after(s.compromised_since, as_of):
            out[s.id].append((s.compromised_since, "compromised_since"))
    for b in case.burns:
        if not surely_after(b.since, as_of):
            who = f" by {b.actor}" if b.actor else ""
            out[b.source].append((b.since, f"burn {b.id}{who}"))
    return out


def interest_reasons(report: Report, sources: dict[str, Source], hypothesis: str | None = None,
                     hypothesis_ids: Collection[str] = ()) -> list[str]:
    """Why a report may be shaded by interest (towards ``hypothesis`` when given): empty when it is not.

    Stated interests count along the whole custody chain; an interest naming hypotheses counts only
    towards them (model.interests); a report marked ``against_interest`` and a source whose ``kind``
    is official but who states no interest are not interested by that alone.
    """
    if report.against_interest:
        return []
    why = []
    for sid in chain_sources(report):
        src = sources[sid]
        if not src.interests:
            continue
        if hypothesis is not None and not interested_in(report, src, hypothesis, hypothesis_ids):
            continue
        role = "has stated interests" if sid == report.source else "has interests and the report came through it"
        if hypothesis is not None and hypothesis in directional_interests(src, hypothesis_ids):
            role = f"wants {hypothesis!r} believed"
        why.append(f"{sid} {role}")
    if report.modality == "official_statement":
        why.append("it is an official statement")
    return why


def provenance_alerts(case: Case, origins: list[OriginResult]) -> list[Alert]:
    """All provenance alerts for a case, given its origin groups (:func:`origin_groups`)."""
    reports = visible_reports(case)
    by_id = {r.id: r for r in reports}
    sources = {s.id: s for s in case.sources}
    origin_of = {rid: o.id for o in origins for rid in o.reports}
    members_of = {o.id: [by_id[rid] for rid in o.reports if rid in by_id] for o in origins}

    def named(oid: str) -> str:  # "o1 — curveball, relayed by bnd": after whom its reports started with
        return origin_name(oid, members_of.get(oid) or ([by_id[oid]] if oid in by_id else []))
    support = supporting_reports(case, reports)
    hyp_ids = {h.id for h in case.hypotheses}
    alerts: list[Alert] = []

    for h in case.hypotheses:
        backing = [rid for rid in support[h.id] if rid in by_id]
        if not backing:
            continue
        srcs = sorted({by_id[rid].source for rid in backing})
        used = sorted({origin_of.get(rid, rid) for rid in backing})
        if len(used) == 1:
            n = len(backing)
            lead = (f"The only report supporting hypothesis {h.id!r}, {backing[0]}," if n == 1 else
                    f"All {n} reports supporting hypothesis {h.id!r} ({_id_list(backing)})")
            alerts.append(Alert(
                kind="single_origin", hypothesis=h.id, reports=backing, sources=srcs,
                message=f"{lead} {'rests' if n == 1 else 'rest'} on one origin, {named(used[0])}. That is one "
                        "piece of evidence; seek a report with an independent origin before relying on it."))
        if all(by_id[rid].modality == "coerced_confession" for rid in backing):
            alerts.append(Alert(
                kind="coerced_only", hypothesis=h.id, reports=backing, sources=srcs,
                message=f"Every report supporting hypothesis {h.id!r} ({_id_list(backing)}) is a coerced "
                        "confession. Confessions obtained under threat or torture carry almost no evidential "
                        "weight; the hypothesis has no other support."))
        why = {rid: interest_reasons(by_id[rid], sources, h.id, hyp_ids) for rid in backing}
        if all(why.values()):
            detail = "; ".join(f"{rid}: {', '.join(w)}" for rid, w in list(why.items())[:6])
            if len(why) > 6:
                detail += f"; and {len(why) - 6} more"
            interested = sorted({s for rid in backing for s in chain_sources(by_id[rid])
                                 if sources[s].interests})
            stated = " ".join(f"{s}: {'; '.join(sources[s].interests)}." for s in interested)
            alerts.append(Alert(
                kind="interested_only", hypothesis=h.id, reports=backing, sources=srcs,
                message=f"Support for hypothesis {h.id!r} comes only from interested or official sources "
                        f"({detail}). There is no credible evidence for it apart from statements by parties "
                        "who gain from it; look for a disinterested source."
                        + (f" Interests: {stated}" if stated else "")))

    for o in origins:
        members = [rid for rid in o.reports if rid in by_id]
        srcs = sorted({by_id[rid].source for rid in members})
        if len(srcs) < 2:
            continue
        listed = _id_list([f"{rid} ({by_id[rid].source})" for rid in members])
        alerts.append(Alert(
            kind="common_origin", reports=members, sources=srcs,
            message=f"Reports {listed} come from {len(srcs)} different sources but share one origin, "
                    f"{origin_name(o.id, [by_id[rid] for rid in members])}: "
                    f"{'; '.join(o.why[:3])}{' …' if len(o.why) > 3 else ''}. Count them once, not "
                    f"{len(members)} times."))

    for r in reports:
        hops = hop_count(r)
        if hops >= HEARSAY_DEPTH:
            chain = custody_chain(r)
            alerts.append(Alert(
                kind="hearsay_depth", reports=[r.id], sources=chain_sources(r),
                message=f"Report {r.id} ({' → '.join(chain)}) reached us through {hops} hand-overs after "
                        f"its originator {chain[0]}. Each hop can lose, add or bend detail; trace it nearer "
                        "its origin."))

    deceivers: dict[str, list[str]] = defaultdict(list)
    for h in case.hypotheses:
        if h.deception_by:
            deceivers[h.deception_by].append(h.id)
    for s in case.sources:
        if s.controlled_by is None:
            continue
        own = [r.id for r in reports if custody_chain(r)[0] == s.id]
        relayed = [r.id for r in reports if custody_chain(r)[0] != s.id and s.id in relayers(r)]
        if not own and not relayed:
            continue
        text = f"Source {s.id} is suspected to be run by {s.controlled_by}"
        if own:
            text += f"; its reports {_id_list(own)} may be fed by that actor"
        if relayed:
            text += f"; reports it relayed ({_id_list(relayed)}) may have been altered"
        if deceivers.get(s.controlled_by):
            text += (f". Hypotheses {', '.join(deceivers[s.controlled_by])} name {s.controlled_by} as the "
                     "deceiver: these reports are what that deception would produce")
        alerts.append(Alert(kind="controlled_source", reports=own + relayed, sources=[s.id],
                            message=text + ". Weigh them as possible deception, not as independent support."))

    for source_id, compromises in compromise_dates(case).items():
        since, how = min(compromises, key=lambda c: c[0])
        fallen = [r.id for r in reports if source_id in chain_sources(r) and may_be_on_or_after(r.date, since)]
        if not fallen:
            continue
        fallen_origins = {origin_of.get(rid) for rid in fallen}
        tainted = [rid for rid in by_id if rid not in fallen and origin_of.get(rid) in fallen_origins]
        undated = [rid for rid in fallen if by_id[rid].date is None]
        text = (f"Source {source_id} is compromised since {since} ({how}): reports {_id_list(fallen)} "
                "may be adversary-fed")
        if undated:
            text += f" (undated, so possibly after: {_id_list(undated)})"
        if tainted:
            text += f"; {_id_list(tainted)} share their origin and fall with them"
        alerts.append(Alert(kind="burned_source", reports=fallen + tainted, sources=[source_id],
                            message=text + ". Re-assess without them (`sevenfold burn` shows the impact)."))

    for cycle in derived_cycles(case):
        loop = " → ".join([*cycle, cycle[0]])
        alerts.append(Alert(kind="derived_cycle", reports=cycle,
                            message=f"derived_from runs in a circle ({loop}): each report claims to rest on the "
                                    "other. They are treated as one origin; fix the case file."))
    return alerts
