"""Chain of custody, where a report was read, and syntheses: the one convention every stage follows.

A report's custody chain runs in travel order, from the person or record it started with to the one
nearest the reader::

    custody_chain(report) == [origin, source, *via]      # origin left out when absent or == source

* ``origin`` — the originating sub-source when ``source`` only relayed the report (default: ``source``);
* ``source`` — who the report is attributed to (who made it, or who passed it on);
* ``via``    — intermediaries after the source: ``via[0]`` received it from the source, ``via[-1]`` is
  nearest the reader.

The originator (first entry) is whose track record weighs the report and who absorbs a refutation;
every later entry is a hop. ``document`` is the record the report *is*; ``cited_in`` is where it was
*read*. Only an ``original`` document that does not postdate the report is a common origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from sevenfold.model.dates import date_end, date_start
from sevenfold.model.entries import Document, Report, Source

if TYPE_CHECKING:
    from sevenfold.model.case import Case

#: Source kinds that are publications or records: they belong near the reader's end of a chain.
RECORD_KINDS = frozenset({"document", "open"})
#: Source kinds that are people or offices, who pass things on by telling.
PERSON_KINDS = frozenset({"human", "official"})


def custody_chain(report: Report) -> list[str]:
    """``[origin, source, *via]`` in travel order (originator first, nearest the reader last)."""
    chain = [report.origin] if report.origin is not None and report.origin != report.source else []
    chain.append(report.source)
    chain.extend(report.via)
    return chain


def originating_source(report: Report) -> str:
    """The source a report started with: its ``origin``, else its ``source``."""
    return report.origin if report.origin is not None else report.source


def relayers(report: Report) -> list[str]:
    """Every source that passed the report on after its originator (travel order)."""
    return custody_chain(report)[1:]


def origin_name(origin_id: str, reports: Iterable[Report]) -> str:
    """An origin named after the sources its reports started with (their custody chains' first member)
    and those that passed them on: ``"o1 — curveball, relayed by bnd"``, ``"o3 — harith"``. At most
    three of each are named (then "…"); without reports, the id alone."""

    def some(ids: list[str]) -> str:
        return ", ".join(ids[:3]) + (" …" if len(ids) > 3 else "")

    chains = [custody_chain(r) for r in reports]
    first = list(dict.fromkeys(c[0] for c in chains))
    passed = [s for s in dict.fromkeys(s for c in chains for s in c[1:]) if s not in first]
    if not first:
        return origin_id
    return f"{origin_id} — {some(first)}" + (f", relayed by {some(passed)}" if passed else "")


def origin_names(reports: Iterable[Report], origins: Iterable[object]) -> dict[str, str]:
    """Origin id -> :func:`origin_name`, for origin groups with ``id`` and ``reports`` (report ids)."""
    by_id = {r.id: r for r in reports}
    out: dict[str, str] = {}
    for o in origins:
        oid, members = str(getattr(o, "id")), list(getattr(o, "reports"))  # noqa: B009
        out[oid] = origin_name(oid, [by_id[rid] for rid in members if rid in by_id])
    return out


def hop_count(report: Report) -> int:
    """Hand-overs between the originator and the reader's record: ``len(custody_chain) - 1``."""
    return len(custody_chain(report)) - 1


def is_relayed(report: Report) -> bool:
    return hop_count(report) > 0


def chain_sources(report: Report) -> list[str]:
    """Every source on the chain once, originator first (for taint: a burned relay taints the report)."""
    return list(dict.fromkeys(custody_chain(report)))


# ---- documents: where a report came from vs where it was read ------------------------------------

def document_postdates(document: Document, report: Report) -> bool:
    """True when the document is surely dated after the report (so it is where the report was read)."""
    if document.date is None or report.date is None:
        return False
    return date_start(document.date) > date_end(report.date)


def origin_document(report: Report, documents: Mapping[str, Document]) -> tuple[str | None, str]:
    """The document through which ``report`` may share an origin with others, and why (or why not).

    Returns ``(document_id, reason)``; ``document_id`` is None when the report's document is only
    where it was read: a non-``original`` kind, or a document dated after the report.
    ``cited_in`` never makes an origin.
    """
    if report.document is None:
        return None, "no document"
    doc = documents.get(report.document)
    if doc is None:
        return report.document, "document not described"
    if doc.kind != "original":
        return None, f"{doc.id} is a {doc.kind}: where {report.id} was read, not its origin"
    if document_postdates(doc, report):
        return None, (f"{doc.id} (dated {doc.date}) postdates {report.id} ({report.date}): where it was read, "
                      "not its origin")
    return doc.id, f"{doc.id} is an original record"


# ---- syntheses ------------------------------------------------------------------------------------

def synthesised(report: Report) -> list[str]:
    """The reports ``report`` combines, when it is a synthesis: its ``synthesis_of``, or its
    ``derived_from`` when that names two or more reports. A report that restates several others carries
    nothing they do not: it adds no weight of its own and must not make them one origin (a copier of
    one report shares that report's origin; a compiler of two does not fuse the two)."""
    if report.synthesis_of:
        return list(report.synthesis_of)
    return list(report.derived_from) if len(report.derived_from) > 1 else []


def derived_parents(report: Report) -> list[str]:
    """The report(s) whose origin ``report`` shares: its ``derived_from`` when it names exactly one
    report and the report is no synthesis (see :func:`synthesised`)."""
    return [] if report.synthesis_of or len(report.derived_from) != 1 else list(report.derived_from)


def synthesis_inputs(reports: Iterable[Report]) -> dict[str, list[str]]:
    """Report id → the reports it synthesises (:func:`synthesised`), for the syntheses among ``reports``."""
    return {r.id: inputs for r in reports if (inputs := synthesised(r))}


def synthesis_cycles(reports: Sequence[Report]) -> list[list[str]]:
    """Cycles in ``synthesis_of`` (s1 synthesises s2 which synthesises s1), each in edge order."""
    if not any(r.synthesis_of for r in reports):
        return []
    import networkx as nx  # loaded only for cases with syntheses: the CLI's start-up stays light

    order = {r.id: k for k, r in enumerate(reports)}
    g = nx.DiGraph()
    g.add_edges_from((r.id, i) for r in reports for i in r.synthesis_of if i in order)
    out = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) > 1 or any(g.has_edge(n, n) for n in comp):
            start = min(comp, key=order.__getitem__)
            cycle = nx.find_cycle(g.subgraph(comp), source=start)
            out.append([u for u, _ in cycle])
    return sorted(out, key=lambda c: order[c[0]])


# ---- validation: chains that look reversed --------------------------------------------------------

def _member_dates(case: Case) -> dict[str, str]:
    """A date for a chain member when the case gives one: a document with the same id, or a source's
    own ``date`` / ``published`` extra field (a book's year)."""
    out = {d.id: d.date for d in case.documents if d.date is not None}
    for s in case.sources:
        for key in ("date", "published"):
            value = s.extra.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                out.setdefault(s.id, str(value))
    return out


def custody_warnings(case: Case) -> list[str]:
    """Warnings for custody chains that look listed the wrong way round (or malformed).

    * a publication/record source (kind ``document`` or ``open``) on the chain *before* a person
      (kind ``human`` or ``official``) after the source: records sit at the reader's end;
    * chain members whose known dates fall as the chain goes on (a later hand dated earlier);
    * a source listed twice on one chain.
    """
    sources: dict[str, Source] = {s.id: s for s in case.sources}
    dates = _member_dates(case)
    out: list[str] = []
    for r in case.reports:
        chain = custody_chain(r)
        where = f"reports[{r.id}].via"
        dup = [s for s in dict.fromkeys(chain) if chain.count(s) > 1]
        if dup:
            out.append(f"{where}: {', '.join(dup)} appears twice on the custody chain {' → '.join(chain)}")
        # positions after the originator: a record there must not hand on to a person
        for i in range(1, len(chain)):
            s = sources.get(chain[i])
            if s is None or s.kind not in RECORD_KINDS:
                continue
            later = [c for c in chain[i + 1:] if c in sources and sources[c].kind in PERSON_KINDS]
            if later:
                out.append(f"{where}: the custody chain {' → '.join(chain)} looks reversed: {chain[i]} "
                           f"(kind {s.kind}) comes before {', '.join(later)} (a person). `via` runs in travel "
                           "order: first who received it from the source, last the record nearest the reader")
                break
        dated = [(c, dates[c]) for c in chain if c in dates]
        for (a, da), (b, db) in pairwise(dated):
            if date_end(db) < date_start(da):
                out.append(f"{where}: the custody chain {' → '.join(chain)} looks reversed: {b} ({db}) is dated "
                           f"before {a} ({da}), which handed the report on to it")
                break
    return out
