"""Burning a source: record that it is compromised from a date, and show what falls with it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from typing import Any

from sevenfold.errors import InputError, NotFound
from sevenfold.model import Burn, Case, custody_chain, may_be_on_or_after
from sevenfold.model.dates import parse_hist_date
from sevenfold.model.results import BurnImpact, FallenReport, HypothesisShift
from sevenfold.provenance.origins import derived_cycles, origin_groups, partition
from sevenfold.provenance.rules import OriginRules, normalise_copy_pairs

#: A hypothesis is listed in a burn's impact when its posterior moves by more than this.
POSTERIOR_SHIFT = 0.05


def _check_since(since: str) -> str:
    try:
        return parse_hist_date(since)
    except ValueError as exc:
        raise InputError(f"--since: {exc}") from None


def next_burn_id(case: Case) -> str:
    taken = {b.id for b in case.burns}
    n = len(case.burns) + 1
    while f"burn-{n}" in taken:
        n += 1
    return f"burn-{n}"


def make_burn(case: Case, source_id: str, since: str, actor: str | None = None, note: str = "",
              recorded_at: str | None = None) -> Burn:
    """A validated :class:`Burn` entry for ``case`` (the source and actor must exist)."""
    case.source(source_id)  # NotFound names the missing source
    if actor is not None and actor not in {a.id for a in case.actors}:
        known = ", ".join(a.id for a in case.actors) or "none"
        raise NotFound(f"case {case.id}: no actor {actor!r} (known actors: {known})")
    stamp = recorded_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return Burn(id=next_burn_id(case), source=source_id, since=_check_since(since), actor=actor, note=note,
                recorded_at=stamp)


def _inputs(r: Any) -> list[str]:
    """What a synthesis rests on (``synthesis_of``, or two or more ``derived_from``); [] for a copy."""
    return [*r.synthesis_of, *(r.derived_from if len(r.derived_from) >= 2 else [])]


def resting_on(reports: Iterable[Any], fallen: Iterable[str]) -> list[FallenReport]:
    """Every report resting on the ``fallen`` ones, transitively: a copy (``derived_from`` one report)
    of a fallen report falls, and so does a synthesis (``synthesis_of``, or ``derived_from`` two or more)
    with a fallen input. A synthesis some of whose inputs still stand falls too; its ``why`` says it rests
    partly on fallen reports and names the fallen and the standing inputs. Followed breadth-first, each
    report once (so cycles end); the order is the order they are reached."""
    reports = list(reports)
    by_id = {r.id: r for r in reports}
    children: dict[str, list[str]] = defaultdict(list)
    for r in reports:
        for parent in dict.fromkeys([*r.derived_from, *r.synthesis_of]):
            children[parent].append(r.id)
    start = [f for f in dict.fromkeys(fallen)]
    seen = set(start)
    reached: list[tuple[str, str]] = []  # (report, the fallen parent it was reached from)
    queue = deque(start)
    while queue:
        parent = queue.popleft()
        for child in children.get(parent, []):
            if child in seen or child not in by_id:
                continue
            seen.add(child)
            queue.append(child)
            reached.append((child, parent))
    return [FallenReport(id=rid, source=by_id[rid].source, date=by_id[rid].date,
                         why=_synthesis_why(by_id[rid], seen) or f"derives from {parent}")
            for rid, parent in reached]


def _synthesis_why(r: Any, fallen: set[str]) -> str | None:
    """Why synthesis ``r`` falls, given every fallen report; None when ``r`` is not a synthesis."""
    inputs = list(dict.fromkeys(_inputs(r)))
    if not inputs:
        return None
    down = [i for i in inputs if i in fallen]
    up = [i for i in inputs if i not in fallen]
    if not up:
        return f"synthesis of {', '.join(down)}, all of which fall"
    return (f"synthesis resting partly on fallen reports: {', '.join(down)} {'falls' if len(down) == 1 else 'fall'}; "
            f"{', '.join(up)} still {'stands' if len(up) == 1 else 'stand'}")


def fallen_reports(case: Case, burn: Burn, copy_pairs: Iterable[Any] | None = None,
                   rules: OriginRules | None = None) -> tuple[list[FallenReport], list[FallenReport]]:
    """The burned source's reports on/after ``since`` (undated ones count as possibly after; reports
    it relayed count too), then every report resting on them: what :func:`resting_on` finds (copies and
    syntheses, transitively) and the rest of the fallen reports' origin groups."""
    part = partition(case, copy_pairs, rules)
    reports = part.reports
    direct: list[FallenReport] = []
    for r in reports:
        chain = custody_chain(r)
        if burn.source in chain and may_be_on_or_after(r.date, burn.since):
            role = ("originated with" if chain[0] == burn.source and r.source != burn.source else
                    "reported by" if r.source == burn.source else "relayed by")
            when = f"dated {r.date}" if r.date else "undated, so possibly after"
            direct.append(FallenReport(id=r.id, source=r.source, date=r.date,
                                       why=f"{role} {burn.source}, {when} (burned since {burn.since})"))
    by_id = {r.id: r for r in reports}
    origin_of = part.origin_of()
    fallen_origin: dict[str, str] = {}
    for f in direct:
        fallen_origin.setdefault(origin_of[f.id], f.id)
    derived: list[FallenReport] = []
    seen = {f.id for f in direct}
    grew = True
    while grew:  # copies and syntheses of fallen reports, then the rest of the fallen origins, until stable
        more = [f for f in resting_on(reports, seen) if f.id not in seen]
        derived += more
        seen |= {f.id for f in more}
        for f in more:
            fallen_origin.setdefault(origin_of[f.id], f.id)
        grew = False
        for r in reports:
            o = origin_of[r.id]
            if r.id not in seen and o in fallen_origin:
                seen.add(r.id)
                grew = True
                derived.append(FallenReport(id=r.id, source=r.source, date=r.date,
                                            why=f"shares origin {o} with {fallen_origin[o]}"))
    derived = [f.model_copy(update={"why": w}) if (w := _synthesis_why(by_id[f.id], seen)) else f for f in derived]
    return direct, derived


def _posteriors(case: Case, copy_pairs: list[tuple[str, str, float]] | None,
                rules: OriginRules | None) -> dict[str, float | None]:
    """Posterior per hypothesis from the assessment, given this case's origins (None if it has none)."""
    from sevenfold.ach import assess_case

    origins = origin_groups(case, copy_pairs, rules)
    result = assess_case(case, origins=origins, copy_pairs=copy_pairs, detail=False)
    return {h.id: h.posterior for h in result.hypotheses}


def burn_source(case: Case, source_id: str, since: str, actor: str | None = None, note: str = "", *,
                copy_pairs: Iterable[Any] | None = None, rules: OriginRules | None = None,
                recorded_at: str | None = None,
                posteriors: tuple[Mapping[str, float | None], Mapping[str, float | None]] | None = None,
                ) -> tuple[Case, BurnImpact]:
    """Burn ``source_id`` from ``since``: the case with a new :class:`Burn` entry, and its impact.

    The impact lists the fallen reports, the reports resting on them, and each hypothesis whose
    posterior (``sevenfold.ach.assess_case`` before vs after, given the same origin groups and
    copy pairs; or ``posteriors``, before and after, when the caller has assessed them) moves by more
    than 0.05. The input case is not changed.
    """
    burn = make_burn(case, source_id, since, actor, note, recorded_at)
    pairs = normalise_copy_pairs(copy_pairs) if copy_pairs is not None else None
    new_case = case.model_copy(update={"burns": [*case.burns, burn]})
    direct, derived = fallen_reports(new_case, burn, pairs, rules)
    impact = BurnImpact(case=case.id, burn=burn, reports=direct, derived=derived, cycles=derived_cycles(case))
    before, after = posteriors or (_posteriors(case, pairs, rules), _posteriors(new_case, pairs, rules))
    missing = [h for h in before if before[h] is None or after.get(h) is None]
    if missing:
        impact.notes.append("the assessment gives no posterior for " + ", ".join(missing)
                            + "; their shifts are not computed")
    shifts = []
    for hid, b in before.items():
        a = after.get(hid)
        if b is not None and a is not None:
            shifts.append(HypothesisShift(id=hid, before=b, after=a, change=a - b))
    impact.hypotheses = [h for h in shifts if abs(h.change or 0.0) > POSTERIOR_SHIFT]
    if shifts and not impact.hypotheses:
        top = max(shifts, key=lambda h: abs(h.change or 0.0))
        impact.notes.append(f"no posterior moves by more than {POSTERIOR_SHIFT}; the largest change is "
                            f"{top.id}: {top.before:.3f} → {top.after:.3f}")
    if impact.cycles:
        impact.notes.append("derived_from has cycles (" + "; ".join(" → ".join(c) for c in impact.cycles)
                            + "); each report was followed once")
    if not direct:
        impact.notes.append(f"{source_id} has no report dated on or after {burn.since}")
    return new_case, impact


def unburn(case: Case, burn_or_source: str) -> tuple[Case, list[Burn]]:
    """Undo burns: the one with this id, else every burn of the source with this id."""
    removed = [b for b in case.burns if b.id == burn_or_source]
    if not removed:
        removed = [b for b in case.burns if b.source == burn_or_source]
    if not removed:
        known = ", ".join(f"{b.id} ({b.source})" for b in case.burns) or "none"
        raise NotFound(f"case {case.id}: no burn or burned source {burn_or_source!r} (burns: {known})")
    gone = {id(b) for b in removed}
    return case.model_copy(update={"burns": [b for b in case.burns if id(b) not in gone]}), removed
