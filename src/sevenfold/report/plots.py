"""The report's plots, drawn with matplotlib's object API (no pyplot state, no display).

Each function returns a :class:`matplotlib.figure.Figure`; :func:`embed` turns it into inline SVG
(HTML) or a PNG data URI (PDF: static images that WeasyPrint lays out fast).
"""

from __future__ import annotations

import base64
import io
import itertools
import textwrap
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.path import Path

from sevenfold.model import Case
from sevenfold.model.results import Assessment
from sevenfold.model.vocab import CONSISTENCY_SCORE

# Deterministic output: SVG ids and metadata must not change between runs.
_SVG_META = {"Date": None, "Creator": None}
_PNG_META = {"Software": None}
_PALETTE = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"]


def _label(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(text, width)[:2]) or text


def hypothesis_chart(assessment: Assessment) -> tuple[Figure, str]:
    """Posterior bars; when every posterior is null, Heuer inconsistency bars, labelled as such."""
    hyps = assessment.hypotheses
    have_post = any(h.posterior is not None for h in hyps)
    n = max(len(hyps), 1)
    fig = Figure(figsize=(6.5, 0.45 * n + 1.2), dpi=100)
    ax = fig.add_subplot()
    labels = [_label(h.id, 28) for h in hyps]
    y = np.arange(len(hyps))[::-1]
    if have_post:
        values = [h.posterior if h.posterior is not None else 0.0 for h in hyps]
        colors = ["#AA3377" if h.deception_by else "#4477AA" for h in hyps]
        ax.barh(y, values, color=colors)
        ax.set_xlim(0, 1)
        ax.set_xlabel("posterior probability")
        for yi, h in zip(y, hyps, strict=True):
            ax.text((h.posterior or 0) + 0.01, yi, "—" if h.posterior is None else f"{h.posterior:.0%}",
                    va="center", fontsize=8)
        title = "Posterior probability by hypothesis (purple: deception hypothesis)"
    else:
        values = [h.inconsistency or 0.0 for h in hyps]
        colors = ["#AA3377" if h.deception_by else "#CCBB44" for h in hyps]
        ax.barh(y, values, color=colors)
        ax.set_xlabel("weighted inconsistency (I = 1, II = 2); lower = less evidence against", fontsize=8)
        top = max(values, default=0.0)
        ax.set_xlim(0, max(top * 1.15, 1.0))
        ax.axvline(0, color="#333333", linewidth=0.8)
        for yi, v, h in zip(y, values, hyps, strict=True):
            ax.text(v + top * 0.01 + 0.02, yi, "—" if h.inconsistency is None else f"{v:g}",
                    va="center", fontsize=8)
        title = "No posteriors available: Heuer inconsistency, not a probability"
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    alt = title + ": " + "; ".join(
        f"{h.id} " + (f"{h.posterior:.2f}" if have_post and h.posterior is not None else
                      f"{h.inconsistency:g}" if not have_post and h.inconsistency is not None else "—")
        for h in hyps)
    return fig, alt


def ach_heatmap(case: Case, report_ids: list[str], max_labels: int = 60) -> tuple[Figure, str]:
    """The ACH matrix: reports (rows) × hypotheses (columns), Heuer codes as colours.

    Several analysts' ratings of one cell are averaged; NA and unrated cells are left blank.
    """
    hyps = [h.id for h in case.hypotheses]
    row_of = {rid: i for i, rid in enumerate(report_ids)}
    col_of = {h: j for j, h in enumerate(hyps)}
    total = np.zeros((len(report_ids), len(hyps)))
    count = np.zeros_like(total)
    for rt in case.ratings:
        i, j = row_of.get(rt.report), col_of.get(rt.hypothesis)
        if i is None or j is None or rt.consistency not in CONSISTENCY_SCORE:
            continue
        total[i, j] += CONSISTENCY_SCORE[rt.consistency]
        count[i, j] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    n_rows = max(len(report_ids), 1)
    height = min(1.2 + 0.22 * n_rows, 10.0)
    fig = Figure(figsize=(min(2.5 + 1.1 * max(len(hyps), 1), 7.5), height), dpi=100)
    ax = fig.add_subplot()
    cmap = ListedColormap(["#B2182B", "#EF8A62", "#F7F7F7", "#67A9CF", "#2166AC"]).with_extremes(bad="white")
    im = ax.imshow(matrix if matrix.size else np.full((1, 1), np.nan), cmap=cmap, vmin=-2.5, vmax=2.5,
                   aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(hyps)), [_label(h, 16) for h in hyps], fontsize=8)
    ax.xaxis.tick_top()
    if len(report_ids) <= max_labels:
        ax.set_yticks(range(len(report_ids)), report_ids, fontsize=7)
        if matrix.size and len(report_ids) * len(hyps) <= 600:
            codes = {score: code for code, score in CONSISTENCY_SCORE.items()}
            for (i, j), v in np.ndenumerate(matrix):
                if not np.isnan(v):
                    ax.text(j, i, codes.get(float(v), f"{v:.1f}"), ha="center", va="center", fontsize=7)
    else:
        ax.set_ylabel(f"{len(report_ids)} reports (labels omitted; see the evidence list)", fontsize=8)
        ax.set_yticks([])
    cbar = fig.colorbar(im, ax=ax, ticks=[-2, -1, 0, 1, 2], fraction=0.05, pad=0.02)
    cbar.ax.set_yticklabels([code for code, _ in sorted(CONSISTENCY_SCORE.items(), key=lambda kv: kv[1])],
                            fontsize=7)
    fig.tight_layout()
    rated = int(np.count_nonzero(count))
    alt = (f"ACH matrix heatmap: {len(report_ids)} reports × {len(hyps)} hypotheses, {rated} rated cells "
           "(red inconsistent, blue consistent, blank not rated/NA)")
    return fig, alt


def provenance_graph(case: Case, origins: dict[str, str], max_labels: int = 40) -> tuple[Figure, str]:
    """The provenance graph: the workbench's layered drawing (:func:`sevenfold.figures.provenance_figure`)
    when it fits a page (at most 1.4 times as tall as it is wide), else a compact overview where
    reports are dots coloured by origin group and edges are ``derived_from`` links."""
    from sevenfold.figures import provenance_figure
    from sevenfold.model.results import OriginResult, ReportResult

    members: dict[str, list[str]] = {}
    for rid, o in origins.items():
        members.setdefault(o, []).append(rid)
    light = Assessment(case=case.id, reports=[ReportResult(id=rid) for rid in origins],
                       origins=[OriginResult(id=o, reports=rids) for o, rids in members.items()])
    layered = provenance_figure(case, light if origins else None)
    if layered.nodes and layered.height <= 1.4 * layered.width:
        return _draw_layered(layered), (
            f"provenance graph: {len(origins)} reports in {len(members)} origin groups (boxed when shared), "
            "read left to right from the sources that first had them to the documents they were read in")
    return _overview_graph(case, origins, max_labels)


_FILL = {"origin": "#eef3fb", "source": "#e9ebef", "report": "#ffffff", "document": "#fbf6ea"}
_STROKE = {"origin": "#3b6fb6", "source": "#6b7380", "report": "#3b6fb6", "document": "#9a7d2e"}
_EDGE: dict[str, tuple[str, Any, float]] = {
    "made": ("#9aa3af", "-", 0.9), "via": ("#555d69", "--", 1.0), "derived_from": ("#d68910", "-", 1.3),
    "synthesis_of": ("#8e44ad", ":", 1.3), "copy": ("#c0392b", "--", 1.3), "text": ("#16a085", ":", 1.2),
    "document": ("#9a7d2e", "-", 0.9), "cited_in": ("#9a7d2e", "--", 0.9)}


def _svg_path(d: str) -> Path:
    """An SVG path of the figures module (M, L, H, V, C; absolute) as a matplotlib Path."""
    import re

    tokens = re.findall(r"[MLHVC]|-?\d+(?:\.\d+)?", d)
    verts: list[tuple[float, float]] = []
    codes: list[Any] = []
    x = y = 0.0
    k = 0
    cmd = "M"
    while k < len(tokens):
        if tokens[k] in "MLHVC":
            cmd = tokens[k]
            k += 1
        if cmd == "M" or cmd == "L":
            x, y = float(tokens[k]), float(tokens[k + 1])
            verts.append((x, y))
            codes.append(Path.MOVETO if cmd == "M" else Path.LINETO)
            k += 2
            cmd = "L"
        elif cmd == "H" or cmd == "V":
            if cmd == "H":
                x = float(tokens[k])
            else:
                y = float(tokens[k])
            verts.append((x, y))
            codes.append(Path.LINETO)
            k += 1
        else:  # C: two control points and the end
            pts = [(float(tokens[k + 2 * i]), float(tokens[k + 2 * i + 1])) for i in range(3)]
            verts += pts
            codes += [Path.CURVE4] * 3
            x, y = pts[-1]
            k += 6
    return Path(verts, codes)


def _draw_layered(f: Any) -> Figure:
    """Draw :class:`sevenfold.figures.Figure` coordinates (pixels at 100 dpi) with matplotlib."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, PathPatch
    from matplotlib.patches import Patch as LegendPatch

    legend_h = 46.0
    fig = Figure(figsize=(f.width / 100, (f.height + legend_h) / 100), dpi=100)
    ax = fig.add_axes((0.0, 0.0, 1.0, f.height / (f.height + legend_h)))
    ax.set_xlim(0, f.width)
    ax.set_ylim(f.height, 0)
    ax.set_axis_off()
    size = 11 * 0.72  # 11 px at 100 dpi, in points
    for e in f.edges:
        colour, style, width = _EDGE.get(e.kind, ("#9aa3af", "-", 1.0))
        ax.add_patch(PathPatch(_svg_path(e.path), fill=False, edgecolor=colour, linestyle=style, linewidth=width))
    for x, y in f.dots:
        ax.plot([x], [y], "o", color="#7d8693", markersize=2.5)
    for n in f.nodes:
        fill, edge, lw = _FILL[n.kind], _STROKE[n.kind], 1.0
        if "burned" in n.flags or "fallen" in n.flags:
            fill, edge, lw = "#f6d5d1" if "burned" in n.flags else "#fbe3e0", "#c0392b", 1.8
        ax.add_patch(FancyBboxPatch((n.x, n.y), n.w, n.h, boxstyle="round,pad=0,rounding_size=4",
                                    facecolor=fill, edgecolor=edge, linewidth=lw,
                                    linestyle="--" if n.kind == "origin" else "-"))
        if n.kind == "origin":
            ax.text(n.x + 6, n.y + 11, n.lines[0] if n.lines else "", fontsize=size, color="#2c528a",
                    fontweight="bold", va="baseline")
            continue
        for i, line in enumerate(n.lines):
            ax.text(n.x + 5, n.y + 14 + 13 * i, line, fontsize=size, va="baseline", color="#1d2430")
    present = set(f.edge_kinds())
    handles: list[Any] = [LegendPatch(facecolor=_FILL[k], edgecolor=_STROKE[k], label=k) for k in
                          ("origin", "source", "report", "document") if any(n.kind == k for n in f.nodes)]
    names = {"made": "made / handed on", "via": "passed on via", "document": "read in its document",
             "cited_in": "cited in", "copy": "copy", "text": "near-identical text"}
    handles += [Line2D([], [], color=c, linestyle=ls, linewidth=w, label=names.get(k, k.replace("_", " ")))
                for k, (c, ls, w) in _EDGE.items() if k in present]
    fig.legend(handles=handles, loc="upper left", ncol=min(len(handles), 7), fontsize=size, frameon=False,
               handlelength=2.2, borderaxespad=0.4)
    return fig


def _overview_graph(case: Case, origins: dict[str, str], max_labels: int = 40) -> tuple[Figure, str]:
    """Reports as nodes coloured by origin group; edges are declared ``derived_from`` links.

    Reports of one origin are tied together by invisible layout edges so groups sit together.
    """
    g = nx.DiGraph()
    layout = nx.Graph()
    for rid in origins:
        g.add_node(rid)
        layout.add_node(rid)
    for r in case.reports:
        if r.id not in origins:
            continue
        for d in r.derived_from:
            if d in origins:
                g.add_edge(d, r.id)
                layout.add_edge(d, r.id)
    members: dict[str, list[str]] = {}
    for rid, o in origins.items():
        members.setdefault(o, []).append(rid)
    for group in members.values():
        for a, b in itertools.pairwise(group):
            layout.add_edge(a, b, weight=2.0)
    n = g.number_of_nodes()
    fig = Figure(figsize=(7.0, 4.8 if n > 12 else 3.6), dpi=100)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if n == 0:
        ax.text(0.5, 0.5, "no reports", ha="center", va="center")
        return fig, "provenance graph: no reports"
    iterations = 50 if n <= 200 else 25
    pos = nx.spring_layout(layout, seed=7, iterations=iterations, k=1.6 / np.sqrt(n))
    order = sorted(members, key=lambda o: (-len(members[o]), o))
    colour = {o: _PALETTE[i % len(_PALETTE)] if len(members[o]) > 1 else "#DDDDDD" for i, o in enumerate(order)}
    size = 260 if n <= 40 else max(20, 4000 // n)
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=size, node_color=[colour[origins[v]] for v in g.nodes],
                           edgecolors="#333333", linewidths=0.5)
    if g.number_of_edges():
        nx.draw_networkx_edges(g, pos, ax=ax, arrows=True, arrowsize=8, width=0.8, edge_color="#555555",
                               node_size=size)
    if n <= max_labels:
        nx.draw_networkx_labels(g, pos, ax=ax, font_size=7)
        ax.margins(x=0.18, y=0.08)  # room for labels of nodes at the edge
    multi = [o for o in order if len(members[o]) > 1]
    for o in multi[:6]:
        ax.plot([], [], "o", color=colour[o], label=f"origin {o} ({len(members[o])} reports)")
    if multi:
        ax.legend(loc="lower left", fontsize=7, frameon=False)
    fig.tight_layout()
    alt = (f"provenance graph: {n} reports in {len(members)} origin groups, "
           f"{g.number_of_edges()} derived_from links")
    return fig, alt


def embed(fig: Figure, fmt: str) -> str:
    """Inline SVG markup (``fmt='svg'``) or a PNG data URI (``fmt='png'``)."""
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata=_SVG_META)
        text = buf.getvalue().decode("utf-8")
        return text[text.index("<svg"):]  # drop the XML prologue and DOCTYPE for inline use
    fig.savefig(buf, format="png", dpi=120, metadata=_PNG_META)  # sharp enough on A4, cheaper to encode
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
