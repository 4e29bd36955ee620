"""The pictures' coordinates (sevenfold.figures): no overlap at 100 reports, labels cut only between
words, time spans as long as their dates' precision, same-day marks in separate lanes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevenfold import api
from sevenfold.figures import (
    Figure,
    anchor_id,
    provenance_figure,
    text_width,
    timeline_figure,
    wrap_label,
)
from sevenfold.model import case_from_data, load_case
from sevenfold.pipeline import burned_reports, run_assessment
from tests.report.conftest import DATA
from tests.report.figures_cases import case_100


def _figure(case):  # type: ignore[no-untyped-def]
    return provenance_figure(case, run_assessment(case), links=api.origins(case, detect_copies=True).merges)


def assert_no_overlap(fig: Figure) -> None:
    boxes = [n for n in fig.nodes if n.kind != "origin"]
    origins = [n for n in fig.nodes if n.kind == "origin"]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"{a.key} {a.x, a.y, a.w, a.h} overlaps {b.key} {b.x, b.y, b.w, b.h}"
    for a, b in itertools.combinations(origins, 2):
        assert not a.overlaps(b), f"{a.key} overlaps {b.key}"
    for o in origins:
        members = set(o.members)
        for n in boxes:
            inside = o.x <= n.x and n.x + n.w <= o.x + o.w and o.y <= n.y and n.y + n.h <= o.y + o.h
            if n.kind == "report" and n.entry in members:
                assert inside, f"{n.key} is outside its origin box {o.key}"
            else:
                assert not o.overlaps(n), f"{n.key} overlaps the origin box {o.key}"
    for n in fig.nodes:
        assert n.x >= 0 and n.x + n.w <= fig.width and n.y >= 0 and n.y + n.h <= fig.height, n.key


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_two_boxes_overlap_at_100_reports(seed: int) -> None:
    case = case_100(seed)
    fig = _figure(case)
    reports = [n for n in fig.nodes if n.kind == "report"]
    assert len(reports) == 100
    assert {n.kind for n in fig.nodes} == {"origin", "source", "report", "document"}
    assert {"made", "via", "derived_from", "synthesis_of", "cited_in", "document"} <= {e.kind for e in fig.edges}
    assert_no_overlap(fig)


def test_every_report_sits_in_the_box_of_the_origin_the_assessment_found() -> None:
    case = case_100(3)
    a = run_assessment(case)
    fig = provenance_figure(case, a)
    boxes = {n.entry: n for n in fig.nodes if n.kind == "origin"}
    multi = {o.id: o.reports for o in a.origins or [] if len(o.reports) > 1}
    assert set(boxes) == set(multi)
    for oid, members in multi.items():
        assert set(boxes[oid].members) == set(members)


def test_edges_join_the_boxes_they_name() -> None:
    fig = _figure(case_100(1))
    keys = {n.key: n for n in fig.nodes}
    for e in fig.edges:
        a, b = keys[e.source], keys[e.target]
        start = [float(v) for v in e.path.split()[0][1:].split(",")]
        # every edge leaves the right side of its first box (a hand-over within a column: the left side)
        assert abs(start[1] - a.cy) < 0.2 and (abs(start[0] - (a.x + a.w)) < 0.2 or abs(start[0] - a.x) < 0.2), e
        assert b.key != a.key


def test_custody_reads_left_to_right() -> None:
    case = load_case(DATA / "zarubin-1937.yaml")
    fig = _figure(case)
    x = {n.entry: n.x for n in fig.nodes if n.kind == "source"}
    report_x = min(n.x for n in fig.nodes if n.kind == "report")
    for r in case.reports:
        chain = [r.origin] if r.origin and r.origin != r.source else []
        chain += [r.source, *r.via]
        for a, b in itertools.pairwise(chain):
            assert x[a] < x[b], f"{a} should stand left of {b}"
        assert x[chain[-1]] < report_x


def test_fallen_reports_of_a_recorded_burn_and_highlighted_reports_are_flagged() -> None:
    case = case_100(1)
    source = case.reports[3].source
    data = case.model_dump(mode="json", exclude_none=True)
    data["burns"] = [{"id": "b1", "source": source, "since": "1930"}]
    burned = case_from_data(data, "burned.yaml")
    falls = set(burned_reports(burned, source, "1930"))
    assert falls
    fig = provenance_figure(burned, run_assessment(burned), highlight={"r2"})
    flagged = {n.entry for n in fig.nodes if n.kind == "report" and "fallen" in n.flags}
    assert flagged == falls
    assert [n.entry for n in fig.nodes if "highlight" in n.flags] == ["r2"]
    assert "burned" in fig.node(f"source:{source}").flags
    tl = timeline_figure(burned, highlight={"r2"})
    dated_falls = {r.id for r in burned.reports if r.id in falls and r.date}
    assert {m.entry for m in tl.marks if "fallen" in m.flags} == dated_falls


# ---- labels ------------------------------------------------------------------------------------------
def _words_of(lines: list[str]) -> list[str]:
    text = " ".join(lines).replace("…", " ")
    return text.split()


def test_labels_are_wrapped_or_shortened_between_words_only() -> None:
    fig = _figure(case_100(1))
    for n in fig.nodes:
        for line in n.lines:
            assert text_width(line.removesuffix(" …")) <= n.w - 8, (n.key, line)
        full = n.title
        shown = " ".join(n.lines).removesuffix("…").strip()
        # what is shown is the start of the label, cut after a whole word (a space or - _ / .)
        label = n.entry if n.kind == "report" else None
        if label is not None:
            assert label.startswith(shown.replace(" ", "")) or label.replace("-", "- ").startswith(shown)
        assert full  # the full text is always there for the tooltip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDÉЖЗ木-_", min_size=1, max_size=14), min_size=1,
                max_size=30),
       st.integers(min_value=90, max_value=260), st.integers(min_value=1, max_value=3))
def test_wrap_label_never_cuts_a_word(words: list[str], width: int, max_lines: int) -> None:
    text = " ".join(words)
    lines = wrap_label(text, width, max_lines)
    assert 1 <= len(lines) <= max_lines
    pieces_fit = all(text_width(p) <= width for w in words for p in _split_pieces(w))
    for line in lines:
        assert text_width(line) <= width or not pieces_fit
    if pieces_fit:
        shown = "".join(lines).replace(" …", "").replace("…", "").replace(" ", "")
        # the lines, without spaces, are a prefix of the text made of whole pieces
        assert text.replace(" ", "").startswith(shown)
        rest = text.replace(" ", "")[len(shown):]
        boundaries = {0} | set(itertools.accumulate(len(p) for w in words for p in _split_pieces(w)))
        assert len(shown) in boundaries, (text, lines)
        assert (rest == "") == (not any(line.endswith("…") for line in lines))


def _split_pieces(word: str) -> list[str]:
    from sevenfold.figures import _CHUNK

    return _CHUNK.findall(word)


def test_anchor_ids_are_plain_fragments() -> None:
    assert anchor_id("report", "r12") == "report-r12"
    odd = anchor_id("report", '"><script>alert(1)</script>')
    assert odd.startswith("report-h") and odd.replace("-", "").isalnum()
    assert anchor_id("report", "a b") != anchor_id("report", "a_b")


# ---- timeline ----------------------------------------------------------------------------------------
def _case(reports: list[dict], **extra: object):  # type: ignore[no-untyped-def]
    data = {"format": "sevenfold/1", "case": {"id": "t"}, "sources": [{"id": "s1"}],
            "reports": [{"source": "s1", **r} for r in reports], **extra}
    return case_from_data(data, "t.yaml")


def test_year_and_month_dates_are_spans_and_day_dates_are_points() -> None:
    case = _case([{"id": "y", "date": "1937"}, {"id": "m", "date": "1937-05"}, {"id": "d", "date": "1937-05-12"},
                  {"id": "feb", "date": "1936-02"}])
    tl = timeline_figure(case)
    marks = {m.entry: m for m in tl.marks}
    y, m = marks["y"], marks["m"]
    assert (y.precision, y.start, y.end) == ("year", dt.date(1937, 1, 1), dt.date(1937, 12, 31))
    assert (m.precision, m.start, m.end) == ("month", dt.date(1937, 5, 1), dt.date(1937, 5, 31))
    assert (marks["feb"].start, marks["feb"].end) == (dt.date(1936, 2, 1), dt.date(1936, 2, 29))  # a leap year
    assert marks["d"].precision == "day" and marks["d"].x0 == marks["d"].x1
    year_w, month_w, feb_w = (marks[k].x1 - marks[k].x0 for k in ("y", "m", "feb"))
    assert year_w / month_w == pytest.approx(365 / 31, rel=0.03)
    assert month_w / feb_w == pytest.approx(31 / 29, rel=0.05)
    # the month lies inside the year, the day inside the month
    assert marks["y"].x0 <= marks["m"].x0 < marks["d"].x0 < marks["m"].x1 <= marks["y"].x1
    assert not tl.breaks


def test_same_day_reports_are_stacked_in_lanes_that_never_overlap() -> None:
    same = [{"id": f"same-day-report-{k}", "date": "1937-03-12"} for k in range(6)]
    tl = timeline_figure(_case(same))
    assert sorted(m.lane for m in tl.marks) == list(range(6))
    tl = timeline_figure(case_100(1))
    by_lane: dict[int, list] = {}
    for m in tl.marks:
        by_lane.setdefault(m.lane, []).append(m)
    for marks in by_lane.values():
        extents = sorted((min(m.x0 - 5, m.label_x), max(m.x1 + 5, m.label_x + m.label_w)) for m in marks)
        for (_, right), (left, _) in itertools.pairwise(extents):
            assert right <= left, "two marks of one lane touch"
    for m in tl.marks:
        assert m.label_x >= 0 and m.label_x + m.label_w <= tl.width
        assert text_width(m.label) <= max(190, m.x1 - m.x0)


def test_tick_labels_never_touch_and_a_long_empty_gap_is_cut() -> None:
    case = load_case(DATA / "zarubin-1937.yaml")
    tl = timeline_figure(case)
    assert len(tl.breaks) == 1  # 1937 and the 2009 outcomes: the years between are left out
    def left(t):  # type: ignore[no-untyped-def]
        w = text_width(t.label)
        return t.x - (0 if t.align == "start" else w if t.align == "end" else w / 2)

    labels = [(left(t), t.label) for t in tl.ticks]
    for (x1, l1), (x2, _) in itertools.pairwise(sorted(labels)):
        assert x1 + text_width(l1) < x2
    months = [m for m in tl.marks if m.kind == "report"]
    assert months and all(m.precision == "month" and m.x1 - m.x0 > 100 for m in months)  # visible spans
    assert tl.as_of_x0 is not None and tl.as_of_x1 is not None and tl.as_of_x1 > tl.as_of_x0


def test_a_long_single_word_label_is_shown_whole() -> None:
    word = "report_without_any_break_in_its_very_long_identifier"
    tl = timeline_figure(_case([{"id": word, "date": "1937-05-12"}, {"id": "r2", "date": "1937-05-12"}]))
    assert {m.label for m in tl.marks} == {word, "r2"}
    assert all(m.lane in (0, 1) for m in tl.marks) and len({m.lane for m in tl.marks}) == 2


def test_reports_after_the_as_of_date_are_marked() -> None:
    case = _case([{"id": "before", "date": "1937-01"}, {"id": "after", "date": "1938-02-01"}],
                 case={"id": "t", "as_of": "1937-06"})
    tl = timeline_figure(case)
    marks = {m.entry: m for m in tl.marks}
    assert "after-as-of" in marks["after"].flags and "after-as-of" not in marks["before"].flags
    assert marks["after"].anchor is None  # it has no row in the matrix to go to
    assert tl.as_of_x1 is not None and marks["before"].x1 <= tl.as_of_x1 < marks["after"].x0


def test_the_report_draws_the_same_layered_graph_when_it_fits_a_page() -> None:
    from sevenfold.report import plots
    from sevenfold.report.view import origin_groups

    case = load_case(DATA / "zarubin-1937.yaml")
    a = run_assessment(case)
    origins, _ = origin_groups(case, a)
    fig, alt = plots.provenance_graph(case, origins)
    assert "read left to right" in alt
    svg = plots.embed(fig, "svg")
    layered = provenance_figure(case, a)
    assert len(layered.nodes) > 14 and svg.count("<path") > len(layered.edges)
    big = case_100(1)
    big_origins, _ = origin_groups(big, run_assessment(big))
    _, alt = plots.provenance_graph(big, big_origins)  # 3,300 px tall: the page gets the compact overview
    assert "read left to right" not in alt and "100 reports" in alt


@pytest.mark.parametrize("name", ["zarubin-1937.yaml", "internal-threat-1937.yaml"])
def test_origin_boxes_are_named_after_the_sources_they_started_with(name: str) -> None:
    from sevenfold.model.custody import origin_names

    case = load_case(DATA / name)
    a = run_assessment(case)
    names = origin_names(case.reports, a.origins or [])
    boxes = [n for n in provenance_figure(case, a).nodes if n.kind == "origin"]
    assert boxes
    for box in boxes:
        full = f"{names[box.entry]} · {len(box.members)} reports"
        assert names[box.entry].startswith(f"{box.entry} — ")  # a source's name, not the bare id
        (label,) = box.lines
        assert label.startswith(f"{box.entry} — ")
        kept = label.removesuffix("…").rstrip()
        assert full.startswith(kept) and (label == full or label.endswith("…")), (label, full)
        assert f"origin {names[box.entry]}:" in box.title  # the whole name in the box's <title>
