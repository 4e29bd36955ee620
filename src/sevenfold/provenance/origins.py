"""Origin groups: reports joined by any origin rule form one independent evidence unit.

The links of every rule (rules.py, textdup.py) are edges of an undirected graph over the case's
reports; its connected components are the origins. Components are computed with SciPy's sparse
``connected_components`` (linear time); :func:`origin_graph` gives the same graph as a networkx
multigraph for inspection and drawing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from sevenfold.model import Case, Report, synthesised
from sevenfold.model.results import OriginResult
from sevenfold.provenance.rules import (
    RULES,
    Link,
    OriginRules,
    copy_links,
    derived_links,
    document_links,
    normalise_copy_pairs,
    read_in_notes,
    via_links,
)
from sevenfold.provenance.textdup import near_duplicate_pairs

#: At most this many reasons are listed per origin; the rest are counted.
MAX_WHY = 25


def visible_reports(case: Case) -> list[Report]:
    """Reports known at ``case.as_of`` (those not surely dated after it), in case order."""
    return case.visible_reports()


def _document_aliases(case: Case) -> dict[str, str]:
    alias = {}
    ids = {d.id for d in case.documents}
    for d in case.documents:
        target = d.extra.get("resolves_to")
        if isinstance(target, str) and target in ids and target != d.id:
            alias[d.id] = target
    return alias


def origin_links(case: Case, copy_pairs: Iterable[Any] | None = None, rules: OriginRules | None = None,
                 reports: Sequence[Report] | None = None) -> list[Link]:
    """Every link of every enabled rule, in rule order then case order."""
    rules = rules or OriginRules()
    reports = visible_reports(case) if reports is None else reports
    index = {r.id: i for i, r in enumerate(reports)}
    links: list[Link] = []
    if rules.derived_from:
        links += derived_links(reports, index)
    if rules.via:
        links += via_links(reports)
    if rules.document:
        links += document_links(reports, _document_aliases(case), {d.id: d for d in case.documents})
    if rules.copying and copy_pairs is not None:
        links += copy_links(reports, normalise_copy_pairs(copy_pairs), rules.copy_threshold)
    if rules.text:
        for i, j, score in near_duplicate_pairs([r.text for r in reports], rules):
            links.append(Link("text", (i, j), f"{reports[i].id} and {reports[j].id} have near-identical "
                                               f"text (token-set ratio {score:.0f})"))
    return links


@dataclass(frozen=True)
class OriginPartition:
    """Origins of a case: ``labels[i]`` is the origin number (0-based) of ``reports[i]``."""

    reports: list[Report]
    labels: np.ndarray
    links: list[Link]
    origins: list[OriginResult]
    #: reports only read together (a compilation, a later edition, ``cited_in``): kept apart, and why
    read_in: list[str] = field(default_factory=list)

    def origin_of(self) -> dict[str, str]:
        return {rid: o.id for o in self.origins for rid in o.reports}

    def merges(self) -> list[dict[str, Any]]:
        """Every link that joined reports into an origin: ``{origin, rule, reports, why}``, rule order
        then case order. Rules: derived_from, via (custody), document (a shared original document),
        copying (detected copy), text (near-duplicate text)."""
        order = {rule: k for k, rule in enumerate(RULES)}
        out = []
        for link in sorted(self.links, key=lambda lk: order[lk.rule]):
            out.append({"origin": self.origins[int(self.labels[link.members[0]])].id, "rule": link.rule,
                        "reports": [self.reports[m].id for m in link.members], "why": link.why})
        return out


def partition(case: Case, copy_pairs: Iterable[Any] | None = None, rules: OriginRules | None = None,
              reports: Sequence[Report] | None = None) -> OriginPartition:
    """Compute origins and keep the links behind them (used by alerts and burns)."""
    reports = list(visible_reports(case) if reports is None else reports)
    links = origin_links(case, copy_pairs, rules, reports)
    n = len(reports)
    read_in = read_in_notes(reports, {d.id: d for d in case.documents})
    if n == 0:
        return OriginPartition(reports, np.zeros(0, dtype=np.int64), links, [], read_in)
    heads, tails = [], []
    for link in links:
        first = link.members[0]
        for m in link.members[1:]:
            heads.append(first)
            tails.append(m)
    graph = coo_matrix((np.ones(len(heads), dtype=np.int8), (np.array(heads, dtype=np.int64),
                        np.array(tails, dtype=np.int64))), shape=(n, n))
    _, raw = connected_components(graph, directed=False)
    # number origins by their first report in case order: o1 holds the case's first report
    _, first_pos, inverse = np.unique(raw, return_index=True, return_inverse=True)
    rank = np.empty_like(first_pos)
    rank[np.argsort(first_pos, kind="stable")] = np.arange(first_pos.size)
    labels = rank[inverse]
    members: list[list[str]] = [[] for _ in range(first_pos.size)]
    for i, label in enumerate(labels.tolist()):
        members[label].append(reports[i].id)
    whys: list[list[str]] = [[] for _ in range(first_pos.size)]
    counts = [0] * first_pos.size
    order = {rule: k for k, rule in enumerate(RULES)}
    for link in sorted(links, key=lambda lk: order[lk.rule]):  # stable: case order within a rule
        label = int(labels[link.members[0]])
        counts[label] += 1
        if len(whys[label]) < MAX_WHY:
            whys[label].append(link.why)
    for label, count in enumerate(counts):
        if count > MAX_WHY:
            whys[label].append(f"… and {count - MAX_WHY} more links")
    for i, r in enumerate(reports):
        if inputs := synthesised(r):
            whys[int(labels[i])].append(f"{r.id} is a synthesis of {', '.join(inputs)}: it adds no weight "
                                        "of its own, and its inputs keep their own origins")
    origins = [OriginResult(id=f"o{k + 1}", reports=members[k], why=whys[k] or ["no other report shares its origin"])
               for k in range(len(members))]
    return OriginPartition(reports, labels, links, origins, read_in)


def origin_groups(case: Case, copy_pairs: Iterable[Any] | None = None,
                  rules: OriginRules | None = None) -> list[OriginResult]:
    """Independent evidence units of a case: ``o1, o2, …`` numbered by their first report in case order.

    Every report known at ``case.as_of`` is in exactly one origin; ``why`` gives the links that joined
    its reports. ``copy_pairs`` is fusion's copy detection, ``(copier_source, original_source, probability)``.
    """
    return partition(case, copy_pairs, rules).origins


def origin_graph(case: Case, copy_pairs: Iterable[Any] | None = None,
                 rules: OriginRules | None = None) -> nx.MultiGraph:
    """The origin graph as a networkx multigraph: nodes are report ids (attributes ``source``,
    ``origin``), one edge per link member with attributes ``rule`` and ``why``. A rule that joins many
    reports (one sub-source, one document) is drawn as a star from its first report."""
    part = partition(case, copy_pairs, rules)
    g = nx.MultiGraph()
    origin_of = part.origin_of()
    for r in part.reports:
        g.add_node(r.id, source=r.source, origin=origin_of[r.id])
    for link in part.links:
        head = part.reports[link.members[0]].id
        for m in link.members[1:]:
            g.add_edge(head, part.reports[m].id, rule=link.rule, why=link.why)
    return g


def derived_cycles(case: Case) -> list[list[str]]:
    """Cycles in ``derived_from`` (r1 derives from r2 which derives from r1), one per strongly
    connected group, each as report ids in derivation order. Reported, never followed round."""
    index = {r.id: i for i, r in enumerate(case.reports)}
    heads = [i for i, r in enumerate(case.reports) for d in r.derived_from if d in index]
    tails = [index[d] for r in case.reports for d in r.derived_from if d in index]
    if not heads:
        return []
    n = len(case.reports)
    graph = coo_matrix((np.ones(len(heads), dtype=np.int8), (heads, tails)), shape=(n, n))
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels)
    out = []
    for label in np.flatnonzero(sizes > 1):
        members = np.flatnonzero(labels == label)
        sub = nx.DiGraph()
        for i in members.tolist():
            r = case.reports[i]
            sub.add_edges_from((r.id, d) for d in r.derived_from if d in index and labels[index[d]] == label)
        cycle = nx.find_cycle(sub, source=case.reports[int(members[0])].id)
        out.append([u for u, _ in cycle])
    return sorted(out, key=lambda c: index[c[0]])
