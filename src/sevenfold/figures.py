"""The case's pictures as coordinates: the provenance graph and the timeline, for every front end.

Nothing here draws: :func:`provenance_figure` and :func:`timeline_figure` return boxes, paths, lanes
and tick marks in pixels, and the web page (SVG in a Jinja template) or the HTML report turn them into
pictures. Everything is deterministic: the same case gives the same coordinates.

*Provenance* is a layered drawing, read left to right the way a report travels: the sources that
first had it, the sources that passed it on (``via``), the reports (grouped in a box per origin the
assessment found), the documents they were read in. Each column is placed at the mean height of what
it connects to and then pushed apart, so no two boxes overlap. Links between reports (``derived_from``,
``synthesis_of``, copies, near-identical text) are arcs beside the report column.

*Timeline*: dates of year or month precision cover their whole year or month (``1937`` is a bar from
1 January to 31 December 1937), day dates are points; marks that would touch are stacked in lanes.

Labels are wrapped at word boundaries (spaces, and after ``-``, ``_``, ``/`` and ``.`` inside ids) and,
when too long, end with an ellipsis after a whole word; the full text goes in each element's ``title``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from sevenfold.model import Case, custody_chain
from sevenfold.model.custody import origin_names
from sevenfold.model.dates import date_bounds
from sevenfold.model.results import Assessment

__all__ = ["EDGE_KINDS", "NODE_KINDS", "Edge", "Figure", "Mark", "Node", "Tick", "Timeline", "anchor_id",
           "provenance_figure", "text_width", "timeline_figure", "wrap_label"]

#: node kinds, in legend order, with what each one is
NODE_KINDS: dict[str, str] = {
    "origin": "origin: reports that share one origin (an independent evidence unit)",
    "source": "source: who had the report and passed it on",
    "report": "report",
    "document": "document: where a report was read",
}
#: edge kinds, in legend order
EDGE_KINDS: dict[str, str] = {
    "made": "made / handed on the report",
    "via": "passed on via (custody chain)",
    "derived_from": "derived from",
    "synthesis_of": "synthesis of",
    "copy": "copy (fusion finds the source copies)",
    "text": "near-identical text",
    "document": "read in its original document",
    "cited_in": "cited in (read in a later document)",
}

FONT_PX = 11.0
LINE_PX = 13.0
PAD = 4.0  # inside a box
GAP = 5.0  # between boxes of one column
MAX_BOX_W = 480.0  # a box grows to hold its longest word up to this width


# ---- text: widths and labels ---------------------------------------------------------------------------
_NARROW = set("iljtfrI.,;:'|!()[]{} ")
_WIDE = set("mwMW@%&")


def text_width(text: str, size: float = FONT_PX) -> float:
    """A generous estimate of ``text``'s width in pixels in a sans-serif face of ``size`` px.

    Generous on purpose: a box sized by it holds the text in the common faces (DejaVu Sans, Liberation
    Sans, Helvetica, Segoe UI); the browser test measures the rendered text against its box."""
    em = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            em += 1.05
        elif unicodedata.combining(ch):
            continue
        elif ch in _NARROW:
            em += 0.36
        elif ch in _WIDE:
            em += 1.0
        elif ch.isupper():
            em += 0.76
        else:
            em += 0.64
    return em * size


_CHUNK = re.compile(r"[^-_/.]*[-_/.]+|[^-_/.]+")


def _chunks(text: str) -> list[tuple[str, bool]]:
    """(piece, starts a new word) — words split after ``-``, ``_``, ``/`` and ``.`` so ids can wrap."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        for k, piece in enumerate(_CHUNK.findall(word)):
            out.append((piece, k == 0))
    return out


def longest_word(text: str, size: float = FONT_PX) -> float:
    return max((text_width(p, size) for p, _ in _chunks(text)), default=0.0)


def wrap_label(text: str, width: float, max_lines: int = 2, size: float = FONT_PX) -> list[str]:
    """``text`` in at most ``max_lines`` lines of at most ``width`` px, broken between words only.

    Text that does not fit ends with "…" after the last whole word that fits. A single word wider than
    ``width`` is the one case that is cut (with "…"): give the box :func:`longest_word`'s width first."""
    pieces = _chunks(text)
    lines: list[str] = []
    line = ""
    for i, (piece, new_word) in enumerate(pieces):
        candidate = (line + (" " if new_word and line else "") + piece) if line else piece
        if text_width(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        if len(lines) == max_lines:
            return _ellipsis(lines, width, size)
        line = piece
        if text_width(line, size) > width:  # one word wider than the box
            while line and text_width(line + "…", size) > width:
                line = line[:-1]
            lines.append(line + "…")
            return lines[:max_lines] if i == len(pieces) - 1 else _ellipsis(lines, width, size)
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        return _ellipsis(lines[:max_lines], width, size)
    return lines


def _ellipsis(lines: list[str], width: float, size: float) -> list[str]:
    """Mark the last line as cut: drop whole words (and, if need be, the whole last line) until " …"
    fits after what is left."""
    if lines[-1].endswith("…"):
        return lines
    last = lines[-1]
    while last and text_width(last + " …", size) > width:
        pieces = _chunks(last)
        if len(pieces) > 1:
            last = _join(pieces[:-1])
        elif len(lines) > 1:
            lines.pop()
            last = lines[-1]
        else:
            last = ""
    lines[-1] = (last.rstrip() + " …") if last else "…"
    return lines


def _join(pieces: Sequence[tuple[str, bool]]) -> str:
    out = ""
    for piece, new_word in pieces:
        out += (" " if new_word and out else "") + piece
    return out


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,80}$")


def anchor_id(kind: str, entry_id: str) -> str:
    """The page anchor (HTML ``id``) of an entry: ``report-r12``; ids with other characters are hashed
    (``report-h3f2a…``) so the anchor is always a plain URL fragment."""
    if _SAFE_ID.match(entry_id):
        return f"{kind}-{entry_id}"
    return f"{kind}-h{hashlib.sha1(entry_id.encode('utf-8')).hexdigest()[:16]}"


# ---- provenance ----------------------------------------------------------------------------------------
@dataclass
class Node:
    key: str  # unique in the figure: "report:r1", "source:s2", "document:d1", "origin:o3"
    kind: str  # origin | source | report | document
    entry: str  # the entry's id (the origin's id for an origin)
    x: float
    y: float
    w: float
    h: float
    lines: list[str]
    title: str  # the full text, for a tooltip
    anchor: str  # see anchor_id
    flags: list[str] = field(default_factory=list)  # burned, fallen, highlight, unused
    members: list[str] = field(default_factory=list)  # an origin's reports

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Node, margin: float = 0.0) -> bool:
        return (self.x < other.x + other.w + margin and other.x < self.x + self.w + margin
                and self.y < other.y + other.h + margin and other.y < self.y + self.h + margin)


@dataclass
class Edge:
    kind: str  # see EDGE_KINDS
    source: str  # node key
    target: str
    path: str  # SVG path data
    title: str
    arrow: bool = True


@dataclass
class Figure:
    width: float
    height: float
    nodes: list[Node]
    edges: list[Edge]
    notes: list[str] = field(default_factory=list)
    dots: list[tuple[float, float]] = field(default_factory=list)  # where a report's line leaves its trunk
    focus_x: float = 0.0  # where a narrow view starts: the sources that made the reports, and the reports

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)

    @property
    def legend_edges(self) -> dict[str, str]:
        return EDGE_KINDS

    def edge_kinds(self) -> list[str]:
        present = {e.kind for e in self.edges}
        return [k for k in EDGE_KINDS if k in present]


def _box(kind: str, entry: str, text: str, base_w: float, title: str, max_lines: int = 2,
         flags: Iterable[str] = ()) -> Node:
    w = min(max(base_w, longest_word(text) + 2 * PAD + 2), MAX_BOX_W)
    lines = wrap_label(text, w - 2 * PAD - 2, max_lines)
    return Node(key=f"{kind}:{entry}", kind=kind, entry=entry, x=0.0, y=0.0, w=w, h=2 * PAD + LINE_PX * len(lines),
                lines=lines, title=title, anchor=anchor_id(kind, entry), flags=list(flags))


def _spread(nodes: list[Node], wanted: Mapping[str, float], top: float) -> None:
    """Place ``nodes`` (one column) as near their wanted centre heights as they can be without two
    touching: sorted by the wanted height, pushed down where needed, then the column re-centred."""
    order = sorted(nodes, key=lambda n: (wanted.get(n.key, float("inf")), n.key))
    y = top
    for n in order:
        want = wanted.get(n.key)
        n.y = max(y, (want - n.h / 2) if want is not None else y)
        y = n.y + n.h + GAP
    # the pushes only went down: shift the column up as far as it can go, towards the wanted heights
    if order:
        wants = [wanted[n.key] - n.cy for n in order if n.key in wanted]
        shift = min(0.0, sum(wants) / len(wants)) if wants else 0.0
        shift = max(shift, top - order[0].y)
        for n in order:
            n.y += shift


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    mid = (x1 + x2) / 2
    return f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def _arc(x: float, y1: float, y2: float, bulge: float) -> str:
    return f"M{x:.1f},{y1:.1f} C{x + bulge:.1f},{y1:.1f} {x + bulge:.1f},{y2:.1f} {x:.1f},{y2:.1f}"


def _burned_falls(case: Case) -> set[str]:
    from sevenfold.pipeline import burned_reports

    out: set[str] = set()
    for b in case.burns:
        out.update(burned_reports(case, b.source, b.since))
    return out


def provenance_figure(case: Case, assessment: Assessment | None = None, *, links: Iterable[Mapping[str, Any]] = (),
                      highlight: Collection[str] = ()) -> Figure:
    """The provenance graph of ``case`` laid out in columns (see the module's text).

    ``assessment`` gives the origin groups and burned sources (without it every report is its own
    origin); ``links`` are the origin links of :func:`sevenfold.api.origins` (its ``merges``: dicts with
    ``rule`` and ``reports``), of which copies and near-identical texts are drawn; ``highlight`` are
    report ids to mark (a what-if's fallen reports). The reports that fall with a recorded burn
    (:func:`sevenfold.pipeline.burned_reports`: from or through the source since its date, and what
    derives from them) are flagged ``fallen``, burned sources ``burned``."""
    shown = {r.id for r in assessment.reports} if assessment is not None and assessment.reports else None
    reports = [r for r in case.reports if shown is None or r.id in shown]
    if shown is None:
        reports = case.visible_reports()
    ids = {r.id for r in reports}
    hidden = len(case.reports) - len(reports)
    by_id = {r.id: r for r in reports}
    case_order = {r.id: i for i, r in enumerate(case.reports)}
    sources = {s.id: s for s in case.sources}
    burned = {b.source for b in case.burns}
    if assessment is not None:
        burned |= {s.id for s in assessment.sources if s.burned}
    fallen = _burned_falls(case) if case.burns else set()
    highlight = set(highlight)

    # origin groups, in the assessment's order; reports without one stand alone
    groups: list[tuple[str | None, list[str]]] = []
    grouped: set[str] = set()
    for origin in (assessment.origins if assessment is not None and assessment.origins else []):
        members = [rid for rid in origin.reports if rid in ids and rid not in grouped]
        if members:
            groups.append((origin.id, members))
            grouped.update(members)
    groups += [(None, [r.id]) for r in reports if r.id not in grouped]
    # an origin is named after the sources it started with, as in alerts and on the page
    names = origin_names(case.reports, assessment.origins or []) if assessment is not None else {}

    # custody: a source's column counts hand-overs to the report (0: handed it to the record)
    depth: dict[str, int] = {}
    hops: dict[tuple[str, str], list[str]] = defaultdict(list)
    last_holder: dict[str, str] = {}
    for r in reports:
        chain = [sid for sid in custody_chain(r) if sid in sources]
        if not chain:
            continue
        last_holder[r.id] = chain[-1]
        for k, sid in enumerate(chain):
            hand_overs = min(len(chain) - 1 - k, 3)
            depth[sid] = min(depth.get(sid, hand_overs), hand_overs)
        for a, b in itertools.pairwise(chain):
            if a != b:
                hops[(a, b)].append(r.id)
    n_cols = max(depth.values(), default=0) + 1

    # report order: origin groups, then a few barycentre sweeps so that the reports a source made sit
    # near one another (short trunks); within a group, what is derived from comes first
    groups = [(oid, _derivation_order(members, by_id, case_order)) for oid, members in groups]

    def holder(rid: str) -> str:
        return last_holder.get(rid, by_id[rid].source)

    for _ in range(4):
        pos = {rid: k for k, (_, members) in enumerate(groups) for rid in members}
        made_by: dict[str, list[int]] = defaultdict(list)
        for rid, k in pos.items():
            made_by[holder(rid)].append(k)
        centre = {sid: sum(ks) / len(ks) for sid, ks in made_by.items()}
        groups.sort(key=lambda g: (sum(centre[holder(rid)] for rid in g[1]) / len(g[1]),
                                   min(case_order[rid] for rid in g[1])))
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []

    x0 = 12.0
    col_pitch: list[float] = []
    src_nodes: dict[str, Node] = {}
    for s in case.sources:
        s_flags = (["burned"] if s.id in burned else []) + ([] if s.id in depth else ["unused"])
        label = s.name or s.id
        title = (f"source {s.id}" + (f" — {s.name}" if s.name and s.name != s.id else "")
                 + f" ({s.kind}, access {s.access})")
        if s.id in burned:
            title += "; burned"
        src_nodes[s.id] = _box("source", s.id, label, 150.0, title, flags=s_flags)
    # the reports each source made or handed on fan out from one vertical trunk per source
    trunk_of: dict[str, int] = {}
    fan: dict[str, list[str]] = defaultdict(list)
    for rid in ids:
        if rid in last_holder:
            fan[last_holder[rid]].append(rid)
    order_pos = {rid: k for k, (_, members) in enumerate(groups) for rid in members}
    trunked = sorted((sid for sid, rids in fan.items() if len(rids) > 1),
                     key=lambda sid: (-(max(order_pos[r] for r in fan[sid]) - min(order_pos[r] for r in fan[sid])),
                                      sid))
    for k, sid in enumerate(trunked):
        trunk_of[sid] = k
    TRUNK = 7.0
    bus_w = 40.0 + TRUNK * len(trunked)
    for c in range(n_cols):
        widths = [n.w for sid, n in src_nodes.items() if depth.get(sid, 0) == c]
        col_pitch.append(max(widths, default=150.0) + (bus_w if c == 0 else 64.0))
    col_x = []
    x = x0
    for c in reversed(range(n_cols)):  # deepest column leftmost
        col_x.append((c, x))
        x += col_pitch[c]
    col_left = dict(col_x)
    col_gap = {c: (bus_w if c == 0 else 64.0) for c in range(n_cols)}
    report_x = x + 8.0  # the origin box's padding
    bus_left = report_x - 8.0 - bus_w + 16.0

    # the report column
    y = 12.0
    report_w = max([150.0] + [min(text_width(rid) + 2 * PAD + 2, 230.0) for rid in ids]
                   + [min(longest_word(rid) + 2 * PAD + 2, MAX_BOX_W) for rid in ids])
    origin_nodes: list[Node] = []
    for oid, members in groups:
        boxed = oid is not None and len(members) > 1
        top = y
        if boxed:
            y += 15.0
        for rid in members:
            r = by_id[rid]
            flags = (["fallen"] if rid in fallen else []) + (["highlight"] if rid in highlight else [])
            title = (f"report {rid} — {r.source}" + (f", {r.date}" if r.date else ", undated")
                     + (f" (origin {oid})" if oid else "") + (f": {' '.join(r.text.split())}" if r.text else ""))
            n = _box("report", rid, rid, report_w, title, flags=flags)
            n.w = report_w
            n.x, n.y = report_x, y
            nodes[n.key] = n
            y += n.h + GAP
        if boxed:
            y += PAD - GAP
            name = names.get(str(oid), str(oid))
            label = f"{name} · {len(members)} reports"  # shortened on a word boundary; whole in the title
            o = Node(key=f"origin:{oid}", kind="origin", entry=str(oid), x=report_x - 8.0, y=top, w=report_w + 16.0,
                     h=y - top, lines=wrap_label(label, report_w + 16.0 - 2 * PAD - 2, 1),
                     anchor=anchor_id("origin", str(oid)),
                     title=f"origin {name}: {len(members)} reports share it, so they count as one piece of evidence: "
                           + ", ".join(members), members=list(members))
            origin_nodes.append(o)
            y += 4.0
        y += GAP + 2.0
    height = y

    # sources, column by column from the reports outwards, each at the mean height of what it feeds
    feeds: dict[str, list[str]] = defaultdict(list)
    for rid, hold in last_holder.items():
        feeds[hold].append(f"report:{rid}")
    for (a, b) in hops:
        feeds[a].append(f"source:{b}")
    for c in range(n_cols):
        column = [n for sid, n in src_nodes.items() if depth.get(sid, 0) == c and sid in depth]
        wanted: dict[str, float] = {}
        for n in column:
            ys = [nodes[k].cy for k in feeds[n.entry] if k in nodes]  # reports and nearer columns, placed
            if ys:
                wanted[n.key] = sum(ys) / len(ys)
        _spread(column, wanted, 12.0)
        for n in column:
            n.x = col_left[c] + (col_pitch[c] - col_gap[c] - n.w)  # right-aligned in its column
            nodes[n.key] = n
    unused = [n for sid, n in src_nodes.items() if sid not in depth]
    y_unused = max((n.y + n.h for n in nodes.values()), default=12.0) + 3 * GAP
    for n in unused:
        n.x, n.y = col_left[0] + (col_pitch[0] - col_gap[0] - n.w), y_unused
        y_unused += n.h + GAP
        nodes[n.key] = n

    # documents, right of the arcs
    doc_links: list[tuple[str, str, str]] = []  # (kind, report, document)
    docs = {d.id: d for d in case.documents}
    for r in reports:
        if r.document in docs:
            doc_links.append(("document", r.id, r.document))
        if r.cited_in in docs and r.cited_in != r.document:
            doc_links.append(("cited_in", r.id, r.cited_in))
    arc_room = 140.0
    doc_x = report_x + report_w + 8.0 + arc_room
    doc_nodes: dict[str, Node] = {}
    doc_wanted: dict[str, list[float]] = defaultdict(list)
    for _, rid, did in doc_links:
        doc_wanted[f"document:{did}"].append(nodes[f"report:{rid}"].cy)
    for did in dict.fromkeys(d for _, _, d in doc_links):
        doc = docs[did]
        label = f"{did}: {doc.title}" if doc.title else did
        title = (f"document {did}" + (f" — {doc.title}" if doc.title else "")
                 + (f": {doc.citation}" if doc.citation else ""))
        n = _box("document", did, label, 160.0, title)
        n.x = doc_x
        doc_nodes[n.key] = n
    _spread(list(doc_nodes.values()), {k: sum(v) / len(v) for k, v in doc_wanted.items()}, 12.0)
    nodes.update(doc_nodes)
    width = max([doc_x + max((n.w for n in doc_nodes.values()), default=0.0)] if doc_nodes else
                [report_x + report_w + 8.0 + arc_room / 2]) + 12.0
    height = max([height] + [n.y + n.h + 12.0 for n in nodes.values()])

    # edges
    def right(n: Node) -> float:
        return n.x + n.w

    for (a, b), rids in hops.items():
        na, nb = nodes[f"source:{a}"], nodes[f"source:{b}"]
        if nb.x > right(na):
            path = _curve(right(na), na.cy, nb.x, nb.cy)
        else:  # a hand-over within a column, or back: an arc on the left of the column
            path = _arc(min(na.x, nb.x), na.cy, nb.cy, -(24.0 + min(abs(nb.cy - na.cy) * 0.2, 40.0)))
        edges.append(Edge("via", na.key, nb.key, path, f"{a} passed on to {b}: {', '.join(rids[:12])}"
                          + (f" and {len(rids) - 12} more" if len(rids) > 12 else "")))
    dots: list[tuple[float, float]] = []
    for rid, hold in last_holder.items():
        ns, nr = nodes[f"source:{hold}"], nodes[f"report:{rid}"]
        verb = "made" if hold == by_id[rid].source else "handed on"
        if hold in trunk_of:
            tx = bus_left + TRUNK * trunk_of[hold]
            path = f"M{right(ns):.1f},{ns.cy:.1f} H{tx:.1f} V{nr.cy:.1f} H{nr.x:.1f}"
            dots.append((tx, nr.cy))
        else:
            lead = report_x - 8.0
            path = _curve(right(ns), ns.cy, lead, nr.cy) + f" H{nr.x:.1f}"
        edges.append(Edge("made", ns.key, nr.key, path, f"{hold} {verb} {rid}"))
    arc_x = report_x + report_w + 8.0

    def arc(kind: str, a: str, b: str, title: str, arrow: bool = True) -> None:
        na, nb = nodes[f"report:{a}"], nodes[f"report:{b}"]
        bulge = 16.0 + min(abs(nb.cy - na.cy) * 0.3, arc_room - 30.0)
        edges.append(Edge(kind, na.key, nb.key, f"M{right(na):.1f},{na.cy:.1f} L{arc_x:.1f},{na.cy:.1f} "
                          + _arc(arc_x, na.cy, nb.cy, bulge)[len(f"M{arc_x:.1f},{na.cy:.1f} "):]
                          + f" L{right(nb):.1f},{nb.cy:.1f}", title, arrow))

    for r in reports:
        for d in r.derived_from:
            if d in ids and d != r.id and d not in r.synthesis_of:
                arc("derived_from", d, r.id, f"{r.id} is derived from {d}")
        for d in r.synthesis_of:
            if d in ids and d != r.id:
                arc("synthesis_of", d, r.id, f"{r.id} is a synthesis of {d} (among others)")
    seen_pairs: set[tuple[str, str]] = set()
    for link in links:
        rule = link.get("rule")
        members = [m for m in link.get("reports", []) if m in ids]
        if rule not in ("copying", "text") or len(members) < 2:
            continue
        kind = "copy" if rule == "copying" else "text"
        for m in members[1:]:
            pair = (members[0], m)
            if pair in seen_pairs or members[0] == m:
                continue
            seen_pairs.add(pair)
            arc(kind, members[0], m, str(link.get("why") or f"{kind}: {members[0]} and {m}"), arrow=kind == "copy")
    for kind, rid, did in doc_links:
        nr, nd = nodes[f"report:{rid}"], nodes[f"document:{did}"]
        edges.append(Edge(kind, nr.key, nd.key, _curve(right(nr), nr.cy, nd.x, nd.cy),
                          f"{rid} {'is read in its original document' if kind == 'document' else 'is cited in'} {did}",
                          arrow=False))

    notes = []
    if hidden:
        notes.append(f"{hidden} report{'s' if hidden != 1 else ''} dated after the as-of date "
                     f"{'are' if hidden != 1 else 'is'} not shown.")
    if unused:
        notes.append(f"{len(unused)} source{'s' if len(unused) != 1 else ''} without a report "
                     "stand at the bottom of the first column.")
    ordered = origin_nodes + [n for n in nodes.values() if n.kind == "source"] + \
        [n for n in nodes.values() if n.kind == "report"] + [n for n in nodes.values() if n.kind == "document"]
    return Figure(width=round(width, 1), height=round(height, 1), nodes=ordered, edges=edges, notes=notes,
                  dots=dots, focus_x=round(max(col_left[0] - 8.0, 0.0), 1))


def _derivation_order(members: list[str], by_id: Mapping[str, Any], case_order: Mapping[str, int]) -> list[str]:
    """An origin's reports with what they derive from first (case order otherwise; cycles kept)."""
    g = nx.DiGraph()
    g.add_nodes_from(members)
    inside = set(members)
    for rid in members:
        for d in list(by_id[rid].derived_from) + list(by_id[rid].synthesis_of):
            if d in inside and d != rid:
                g.add_edge(d, rid)
    try:
        return list(nx.lexicographical_topological_sort(g, key=lambda rid: case_order[rid]))
    except nx.NetworkXUnfeasible:
        return sorted(members, key=lambda rid: case_order[rid])


# ---- timeline ------------------------------------------------------------------------------------------
@dataclass
class Mark:
    kind: str  # report | outcome | burn
    entry: str  # entry id ("#0" for the first outcome)
    date: str
    precision: str  # year | month | day
    start: dt.date
    end: dt.date  # the last day the date may denote
    x0: float  # left edge of the span (a day: the point)
    x1: float  # right edge of the span (a day: the point)
    lane: int
    y: float  # the mark's centre line
    label: str
    title: str
    anchor: str | None
    label_x: float
    label_w: float
    flags: list[str] = field(default_factory=list)  # after-as-of, fallen, highlight, confirmed, refuted

    @property
    def is_span(self) -> bool:
        return self.precision != "day"


@dataclass
class Tick:
    x: float
    label: str
    major: bool = True
    align: str = "middle"  # the label's text-anchor: start at the left end, end at the right end


@dataclass
class Timeline:
    width: float
    height: float
    axis_y: float
    marks: list[Mark]
    ticks: list[Tick]
    start: dt.date | None
    end: dt.date | None
    as_of: str | None = None
    as_of_x0: float | None = None
    as_of_x1: float | None = None
    undated: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, entry, label)
    breaks: list[float] = field(default_factory=list)  # x of each cut in the axis (a long empty gap)


LANE_PX = 30.0
BREAK_PX = 34.0
LABEL_MAX_PX = 190.0
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _precision(value: str) -> str:
    return ("year", "month", "day")[value.count("-")]


def _add_months(d: dt.date, months: int) -> dt.date:
    k = d.year * 12 + d.month - 1 + months
    return dt.date(k // 12, k % 12 + 1, 1)


def _ticks(start: dt.date, end: dt.date, scale: Any, width: float) -> list[Tick]:
    """Tick marks whose labels never touch: the finest of days, weeks, months, quarters, years,
    decades … whose spacing leaves room for its label."""
    span = (end - start).days
    steps: list[tuple[str, int]] = [("day", 1), ("day", 2), ("day", 7), ("day", 14), ("month", 1), ("month", 2),
                                    ("month", 3), ("month", 6), ("year", 1), ("year", 2), ("year", 5), ("year", 10),
                                    ("year", 20), ("year", 50), ("year", 100), ("year", 200), ("year", 500),
                                    ("year", 1000)]
    for unit, step in steps:
        approx_days = {"day": 1, "month": 30.44, "year": 365.25}[unit] * step
        label_px = text_width({"day": "30 Sep 1937", "month": "Sep 1937", "year": "1937"}[unit]) + 14.0
        if approx_days * width / max(span, 1) < label_px:
            continue
        out: list[Tick] = []
        if unit == "day":
            d = start
            while d <= end:
                month_end = calendar.monthrange(d.year, d.month)[1]
                if d.day == 1 or ((d.day - 1) % step == 0 and month_end - d.day >= step / 2):
                    full = d.day == 1 or not out
                    out.append(Tick(scale(d), f"{d.day} {_MONTHS[d.month - 1]}" + (f" {d.year}" if full else ""),
                                    d.day == 1))
                if d == end:
                    break
                d += dt.timedelta(days=1)
        elif unit == "month":
            d = dt.date(start.year, start.month, 1)
            while d <= end:
                if (d.month - 1) % step == 0 and d >= start:
                    out.append(Tick(scale(d), f"{_MONTHS[d.month - 1]} {d.year}" if d.month == 1 or not out
                                    else _MONTHS[d.month - 1], d.month == 1))
                if (d.year, d.month) == (dt.MAXYEAR, 12):  # the calendar's last month
                    break
                d = _add_months(d, 1)
        else:
            y = start.year - start.year % step
            while y <= end.year:
                d = dt.date(max(y, 1), 1, 1)
                if d >= start:
                    out.append(Tick(scale(d), str(y), True))
                y += step
        return out
    return []


def timeline_figure(case: Case, *, width: float = 1320.0, highlight: Collection[str] = (),
                    fallen: Collection[str] | None = None) -> Timeline:
    """Reports, outcomes and burns of ``case`` on a time axis ``width`` px wide.

    A date of year or month precision is a span over its whole year or month; a day date is a point.
    Marks are packed into lanes so that no two marks, or their labels, touch. ``highlight`` are report
    ids to mark (a what-if's fallen reports); ``fallen`` those of recorded burns (computed when None)."""
    from sevenfold.model.dates import surely_after

    as_of = case.case.as_of
    fallen = _burned_falls(case) if fallen is None and case.burns else set(fallen or ())
    highlight = set(highlight)
    raw: list[tuple[str, str, str | None, str, str, list[str]]] = []  # kind, entry, date, label, title, flags
    for r in case.reports:
        flags = (["after-as-of"] if surely_after(r.date, as_of) else []) + (["fallen"] if r.id in fallen else []) \
            + (["highlight"] if r.id in highlight else [])
        text = " ".join(r.text.split())
        raw.append(("report", r.id, r.date, r.id, f"report {r.id} — {r.source}, {r.date or 'undated'}"
                    + (f": {text}" if text else "") + ("; after the as-of date: not assessed" if "after-as-of" in flags
                                                       else ""), flags))
    for i, o in enumerate(case.outcomes):
        target = o.report or o.hypothesis or (f"{o.claim.object}.{o.claim.attribute}" if o.claim else "")
        note = " ".join(o.note.split())
        raw.append(("outcome", f"#{i}", o.date, target or o.verdict,  # the verdict is the mark's colour
                    f"outcome #{i}: {o.verdict} {target}, {o.date or 'undated'}" + (f" — {note}" if note else ""),
                    [o.verdict]))
    for b in case.burns:
        note = " ".join(b.note.split())
        raw.append(("burn", b.id, b.since, f"burn {b.source}", f"burn {b.id}: {b.source} compromised since {b.since}"
                    + (f" — {note}" if note else ""), []))
    dated = [(k, e, d, lab, t, f) for k, e, d, lab, t, f in raw if d]
    undated = [(k, e, lab) for k, e, d, lab, _, _ in raw if not d]
    bounds = {d: date_bounds(d) for _, _, d, _, _, _ in dated if d}
    if as_of:
        bounds[as_of] = date_bounds(as_of)
    margin_l, margin_r = 12.0, 12.0
    if not bounds:
        return Timeline(width=width, height=40.0, axis_y=20.0, marks=[], ticks=[], start=None, end=None,
                        as_of=as_of, undated=undated)
    inner = width - margin_l - margin_r
    clusters = _clusters([(b0, _plus_days(b1, 1)) for b0, b1 in bounds.values()])
    lo, hi = clusters[0][0], clusters[-1][1]
    available = inner - BREAK_PX * (len(clusters) - 1)
    durations = [(c1 - c0).days for c0, c1 in clusters]
    floor = min(140.0, available / len(clusters))
    widths = [floor + (available - floor * len(clusters)) * d / sum(durations) for d in durations]
    lefts = []
    x = margin_l
    for w in widths:
        lefts.append(x)
        x += w + BREAK_PX
    breaks = [round(lefts[k] + widths[k] + BREAK_PX / 2, 1) for k in range(len(clusters) - 1)]

    def scale(d: dt.date) -> float:
        k = next((k for k, (c0, c1) in enumerate(clusters) if d <= c1), len(clusters) - 1)
        c0, c1 = clusters[k]
        return round(lefts[k] + (d - c0).days * widths[k] / max((c1 - c0).days, 1), 1)

    kind_order = {"burn": 0, "outcome": 1, "report": 2}
    items = sorted(dated, key=lambda t: (bounds[t[2]][0], kind_order[t[0]], t[1]))  # type: ignore[index]
    lanes_end: list[float] = []
    marks: list[Mark] = []
    top = 10.0
    for kind, entry, d, label, title, flags in items:
        assert d is not None
        start, end = bounds[d]
        precision = _precision(d)
        if precision == "day":
            x0 = x1 = round((scale(start) + scale(_plus_days(start, 1))) / 2, 1)
        else:
            x0, x1 = scale(start), scale(_plus_days(end, 1))
        # a label may run as long as its span (it sits under it) and at least LABEL_MAX_PX
        # (and as its first word, up to MAX_BOX_W: a word is not cut while it can be shown whole)
        lines = wrap_label(label, max(LABEL_MAX_PX, x1 - x0, min(text_width(label.split(" ")[0]), MAX_BOX_W)), 1)
        text = lines[0] if lines else ""
        label_w = text_width(text)
        label_x = x0 - (4.0 if precision == "day" else 0.0)
        if label_x + label_w > width - margin_r:  # near the right end: the label ends at the mark
            label_x = max(margin_l, min(x1 + (4.0 if precision == "day" else 0.0), width - margin_r) - label_w)
        left = min(x0 - 5.0, label_x)
        right_edge = max(x1 + 5.0, label_x + label_w)
        lane = next((k for k, e in enumerate(lanes_end) if e + 8.0 <= left), len(lanes_end))
        if lane == len(lanes_end):
            lanes_end.append(right_edge)
        else:
            lanes_end[lane] = right_edge
        anchor = anchor_id("report", entry) if kind == "report" and "after-as-of" not in flags else None
        if kind == "burn":
            anchor = None
        marks.append(Mark(kind=kind, entry=entry, date=d, precision=precision, start=start, end=end, x0=x0, x1=x1,
                          lane=lane, y=top + lane * LANE_PX + 6.0, label=text, title=title, anchor=anchor,
                          label_x=round(label_x, 1), label_w=round(label_w, 1), flags=flags))
    axis_y = top + max(len(lanes_end), 1) * LANE_PX + 4.0
    ticks: list[Tick] = []
    for (c0, c1), w in zip(clusters, widths, strict=True):
        ticks += _ticks(c0, c1, scale, w)
    kept: list[Tick] = []
    for t in ticks:  # labels never touch each other or an axis break
        half = text_width(t.label) / 2
        t.align = "start" if t.x - half < 2.0 else "end" if t.x + half > width - 2.0 else "middle"
        left = t.x - (0 if t.align == "start" else 2 * half if t.align == "end" else half)
        if kept and left < _tick_right(kept[-1]) + 8.0:
            continue
        if any(abs(bx - t.x) < BREAK_PX / 2 + half for bx in breaks) and t.align == "middle":
            continue
        kept.append(t)
    ticks = kept
    ax0 = ax1 = None
    if as_of:
        a0, a1 = date_bounds(as_of)
        ax0, ax1 = scale(a0), scale(_plus_days(a1, 1))
    return Timeline(width=width, height=axis_y + 34.0, axis_y=axis_y, marks=marks, ticks=ticks, start=lo, end=hi,
                    as_of=as_of, as_of_x0=ax0, as_of_x1=ax1, undated=undated, breaks=breaks)


def _tick_right(t: Tick) -> float:
    w = text_width(t.label)
    return t.x + (w if t.align == "start" else 0 if t.align == "end" else w / 2)


def _clusters(intervals: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The stretches of time the axis shows: intervals closer than two years (and than a quarter of the
    whole) are one stretch; a longer empty gap is cut out of the axis (drawn as a break). Each stretch
    is padded a little so that marks at its ends are not on its edge."""
    ivs = sorted(intervals)
    whole = (max(e for _, e in ivs) - ivs[0][0]).days
    gap = max(730, whole * 0.25)
    merged: list[list[dt.date]] = []
    for a, b in ivs:
        if merged and (a - merged[-1][1]).days <= gap:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out = []
    for a, b in merged:
        pad = max(round((b - a).days * 0.03), 10)
        out.append((_plus_days(a, -pad), _plus_days(b, pad)))
    return out


def _plus_days(d: dt.date, days: int) -> dt.date:
    """``d`` moved by ``days``, held within the calendar (years 0001 to 9999) at its ends."""
    try:
        return d + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
