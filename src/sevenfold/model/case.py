"""The ``Case``: a whole ``sevenfold/1`` file, with cross-reference checks."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sevenfold.errors import Problem
from sevenfold.model.custody import custody_warnings, synthesis_cycles
from sevenfold.model.entries import (
    FORMAT,
    Actor,
    AliasEntry,
    Burn,
    CaseMeta,
    Document,
    Hypothesis,
    Outcome,
    Rating,
    Report,
    Source,
)
from sevenfold.model.keys import KeyWarning, key_warnings

# Kinds with ids, in file order; used for duplicate checks and error locations.
ID_KINDS = ("actors", "sources", "documents", "reports", "hypotheses", "burns")


class Case(BaseModel):
    """A case: the question, who reports, what they report, the hypotheses and the ACH matrix."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["sevenfold/1"] = FORMAT
    case: CaseMeta
    actors: list[Actor] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    reports: list[Report] = Field(default_factory=list)
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    ratings: list[Rating] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    burns: list[Burn] = Field(default_factory=list)
    aliases: list[AliasEntry] = Field(default_factory=list)

    # ---- lookups -------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.case.id

    def source(self, source_id: str) -> Source:
        return _by_id(self.sources, source_id, "source")

    def report(self, report_id: str) -> Report:
        return _by_id(self.reports, report_id, "report")

    def hypothesis(self, hypothesis_id: str) -> Hypothesis:
        return _by_id(self.hypotheses, hypothesis_id, "hypothesis")

    def actor(self, actor_id: str) -> Actor:
        return _by_id(self.actors, actor_id, "actor")

    def visible_reports(self) -> list[Report]:
        """Reports known at ``case.as_of`` — all but those surely dated after it (no hindsight), in order."""
        from sevenfold.model.dates import surely_after

        as_of = self.case.as_of
        return [r for r in self.reports if not surely_after(r.date, as_of)]

    def known_outcomes(self) -> list[Outcome]:
        """Resolved outcomes known at ``case.as_of``: not ``unresolved``, not surely dated after it."""
        from sevenfold.model.dates import surely_after

        as_of = self.case.as_of
        return [o for o in self.outcomes if o.verdict != "unresolved" and not surely_after(o.date, as_of)]

    def reference_problems(self, file: str = "<case>") -> list[Problem]:
        """Every duplicate id and dangling reference, one :class:`Problem` each."""
        return check_references(self, file)

    def date_problems(self, file: str = "<case>") -> list[Problem]:
        """Every date that cannot be used (a year 0 kept from an older store), one :class:`Problem` each."""
        from sevenfold.model.dates import unusable_date

        dated: list[tuple[str, str, str, Any]] = [("case", self.id, "as_of", self.case.as_of)]
        for s in self.sources:
            dated.append(("sources", s.id, "compromised_since", s.compromised_since))
            if s.suspected_control is not None:
                dated.append(("sources", s.id, "suspected_control.since", s.suspected_control.since))
        dated += [("documents", d.id, "date", d.date) for d in self.documents]
        dated += [("reports", r.id, "date", r.date) for r in self.reports]
        dated += [("outcomes", f"#{i}", "date", o.date) for i, o in enumerate(self.outcomes)]
        dated += [("burns", b.id, "since", b.since) for b in self.burns]
        out: list[Problem] = []
        for kind, entry, field, value in dated:
            why = None if value is None else unusable_date(value)
            if why:
                out.append(Problem(file, kind, entry, field, why))
        return out

    def warnings(self) -> list[str]:
        """Non-fatal remarks (priors not summing to 1, ...), shown by validate/import."""
        out: list[str] = []
        priors = [h.prior for h in self.hypotheses]
        given = [p for p in priors if p is not None]
        if not self.hypotheses:
            out.append("no hypotheses yet: the case can be stored, but `assess` needs at least one")
        elif given and len(given) == len(priors) and sum(given) == 0:
            out.append("every hypothesis has prior 0: the case can be stored, but `assess` refuses it")
        if given and len(given) == len(priors) and abs(sum(given) - 1.0) > 1e-6 and sum(given) > 0:
            out.append(f"hypothesis priors sum to {sum(given):.4g}, not 1; they are normalised")
        if given and len(given) < len(priors) and sum(given) > 1.0 + 1e-9:
            out.append(f"given priors already sum to {sum(given):.4g} > 1; unset priors get nothing")
        for o in self.outcomes:
            if o.claim is not None and o.claim.value is None:
                out.append(f"outcome on claim {o.claim.object}/{o.claim.attribute} has no value: it can neither "
                           "confirm nor refute a claim, and is ignored (give the value that was checked)")
        out += [w.message for w in self.key_warnings()]
        out += custody_warnings(self)
        out += [w for kind in ID_KINDS for e in getattr(self, kind) if (w := id_space_warning(kind, e.id))]
        return out

    def key_warnings(self) -> list[KeyWarning]:
        """Unknown keys that look like a misspelt field (:func:`sevenfold.model.keys.key_warnings`)."""
        return key_warnings(self)


def _by_id(entries: list[Any], entry_id: str, kind: str) -> Any:
    for e in entries:
        if e.id == entry_id:
            return e
    from sevenfold.errors import NotFound

    raise NotFound(f"no {kind} {entry_id!r}")


def id_space_warning(kind: str, entry_id: str) -> str | None:
    """A warning for an entry id holding whitespace (allowed, but it must be quoted on a command line and
    is easy to mistype in a comma-separated list), suggesting the id with hyphens; None for other ids and
    for kinds without ids (outcomes are numbered)."""
    if kind not in ID_KINDS or not any(c.isspace() for c in entry_id):
        return None
    return (f"{kind}[{entry_id}].id: the id {entry_id!r} holds spaces; it must be quoted on command lines and "
            f"is easily mistyped in lists — consider {'-'.join(entry_id.split())!r}")


def same_id_ignoring_case(existing: Any, new_id: str) -> str | None:
    """The id among ``existing`` that ``new_id`` equals ignoring letter case (``Curveball`` beside
    ``curveball``), or None; an identical id is not reported here (that is a plain duplicate)."""
    key = new_id.casefold()
    return next((e for e in existing if e != new_id and e.casefold() == key), None)


def id_case_problems(case: Case, file: str = "<case>") -> list[Problem]:
    """Ids of one kind that differ only in letter case, one :class:`Problem` for each later one, naming
    the first. New input only: a store's older cases still open (:func:`sevenfold.model.case_from_data`)."""
    problems = []
    for kind in ID_KINDS:
        first: dict[str, str] = {}
        for e in getattr(case, kind):
            seen = first.setdefault(e.id.casefold(), e.id)
            if seen != e.id:
                problems.append(Problem(file, kind, e.id, "id", f"id {e.id!r} differs from {seen!r} only in letter "
                                        f"case; use {seen!r}, or an id that differs in more than case"))
    return problems


def check_references(case: Case, file: str = "<case>") -> list[Problem]:
    problems: list[Problem] = []

    def add(kind: str, entry: str, field: str, message: str) -> None:
        problems.append(Problem(file, kind, entry, field, message))

    for kind in ID_KINDS:
        counts = Counter(e.id for e in getattr(case, kind))
        for entry_id, n in counts.items():
            if n > 1:
                add(kind, entry_id, "id", f"duplicate id {entry_id!r} ({n} entries)")

    actors = {a.id for a in case.actors}
    sources = {s.id for s in case.sources}
    documents = {d.id for d in case.documents}
    reports = {r.id for r in case.reports}
    hypotheses = {h.id for h in case.hypotheses}

    for s in case.sources:
        if s.controlled_by is not None and s.controlled_by not in actors:
            add("sources", s.id, "controlled_by", f"unknown actor {s.controlled_by!r}")
        if s.suspected_control is not None and s.suspected_control.by not in actors:
            add("sources", s.id, "suspected_control.by", f"unknown actor {s.suspected_control.by!r}")
    for r in case.reports:
        if r.source not in sources:
            add("reports", r.id, "source", f"unknown source {r.source!r}")
        if r.origin is not None and r.origin not in sources:
            add("reports", r.id, "origin", f"unknown source {r.origin!r}")
        if r.document is not None and r.document not in documents:
            add("reports", r.id, "document", f"unknown document {r.document!r}")
        if r.cited_in is not None and r.cited_in not in documents:
            add("reports", r.id, "cited_in", f"unknown document {r.cited_in!r}")
        for i, d in enumerate(r.synthesis_of):
            if d == r.id:
                add("reports", r.id, f"synthesis_of[{i}]", "a report cannot be a synthesis of itself")
            elif d not in reports:
                add("reports", r.id, f"synthesis_of[{i}]", f"unknown report {d!r}")
        for i, v in enumerate(r.via):
            if v not in sources:
                add("reports", r.id, f"via[{i}]", f"unknown source {v!r}")
        for i, d in enumerate(r.derived_from):
            if d == r.id:
                add("reports", r.id, f"derived_from[{i}]", "a report cannot derive from itself")
            elif d not in reports:
                add("reports", r.id, f"derived_from[{i}]", f"unknown report {d!r}")
    for cycle in synthesis_cycles(case.reports):
        if len(cycle) > 1:
            loop = " → ".join([*cycle, cycle[0]])
            add("reports", cycle[0], "synthesis_of", f"synthesis_of runs in a circle ({loop}): a synthesis "
                "cannot be among its own inputs")
    for h in case.hypotheses:
        if h.deception_by is not None and h.deception_by not in actors:
            add("hypotheses", h.id, "deception_by", f"unknown actor {h.deception_by!r}")
        for i, m in enumerate(h.mimics):
            if m not in hypotheses or m == h.id:
                add("hypotheses", h.id, f"mimics[{i}]", f"{m!r} is not another hypothesis")
        if h.mimics and h.deception_by is None:
            add("hypotheses", h.id, "mimics", "only a deception hypothesis (deception_by) can mimic another")
    seen: set[tuple[str, str, str | None]] = set()
    for rt in case.ratings:
        label = f"{rt.report}/{rt.hypothesis}" + (f"/{rt.analyst}" if rt.analyst else "")
        if rt.report not in reports:
            add("ratings", label, "report", f"unknown report {rt.report!r}")
        if rt.hypothesis not in hypotheses:
            add("ratings", label, "hypothesis", f"unknown hypothesis {rt.hypothesis!r}")
        key = (rt.report, rt.hypothesis, rt.analyst)
        if key in seen:
            add("ratings", label, "report", "duplicate rating of this report/hypothesis by this analyst")
        seen.add(key)
    for i, o in enumerate(case.outcomes):
        label = f"#{i}"
        if o.report is not None and o.report not in reports:
            add("outcomes", label, "report", f"unknown report {o.report!r}")
        if o.hypothesis is not None and o.hypothesis not in hypotheses:
            add("outcomes", label, "hypothesis", f"unknown hypothesis {o.hypothesis!r}")
    for b in case.burns:
        if b.source not in sources:
            add("burns", b.id, "source", f"unknown source {b.source!r}")
        if b.actor is not None and b.actor not in actors:
            add("burns", b.id, "actor", f"unknown actor {b.actor!r}")
    return problems
