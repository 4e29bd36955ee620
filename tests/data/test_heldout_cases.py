"""Six held-out cases written from the public record by an outside helper who had not read the engine
(Mincemeat 1943, the Trust 1927, Sorge 1941, Dreyfus 1898, Niger 2003, Gleiwitz 1939), frozen before
the first run and judged by a historian's standard. Kept as tests after that evaluation: what an
outside reader checked must stay true."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sevenfold.cli import app
from sevenfold.model import load_case
from sevenfold.pipeline import ASSESSMENT_ALERT_KINDS, run_assessment
from sevenfold.provenance import origin_groups

HELDOUT = sorted((Path(__file__).parent / "heldout").glob("*.yaml"))
runner = CliRunner()


@pytest.fixture(scope="module", params=HELDOUT, ids=lambda p: p.stem)
def assessed(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    case = load_case(request.param)
    return request.param, case, run_assessment(case)


def test_six_cases_are_kept() -> None:
    assert len(HELDOUT) == 6


def test_no_false_confidence(assessed) -> None:  # type: ignore[no-untyped-def]
    # the outside judgement: none of these cases, as of its as_of date, justifies high confidence
    _, _, result = assessed
    assert result.confidence != "high", result.confidence_reason


def test_a_report_a_live_deception_explains_is_never_probably_true(assessed) -> None:  # type: ignore[no-untyped-def]
    # a report rated consistent with a live deception's cover story is what that deceiver would feed:
    # it may be true, but it is never graded 1-2 ("confirmed" / "probably true")
    _, case, result = assessed
    post = {h.id: h.posterior for h in result.hypotheses}
    covers = {h.id: (h.mimics or [g.id for g in case.hypotheses if not g.deception_by])
              for h in case.hypotheses if h.deception_by and post[h.id] >= 0.10}
    consistent = {(r.report, r.hypothesis) for r in case.ratings if r.consistency in ("C", "CC")}
    fed = {rep for rep, hyp in consistent for k, cover in covers.items() if hyp in cover and (rep, k) in consistent}
    grades = {r.id: r.credibility for r in result.reports}
    assert all(grades.get(r) not in (1, 2) for r in fed), {r: grades.get(r) for r in fed}


def test_reading_reports_in_one_compilation_never_makes_them_one_origin(assessed) -> None:  # type: ignore[no-untyped-def]
    _, case, _ = assessed
    group_of = {r: k for k, o in enumerate(origin_groups(case)) for r in o.reports}
    by_compilation: dict[str, list[str]] = {}
    for r in case.reports:
        if r.cited_in:
            by_compilation.setdefault(r.cited_in, []).append(r.id)
    direct = {r.id for r in case.reports if r.derived_from or r.via or r.origin or r.document}
    for ids in by_compilation.values():
        loose = [r for r in ids if r not in direct]  # linked by nothing but where they were read
        assert len({group_of[r] for r in loose}) == len(loose), ids


def test_provenance_and_assess_name_the_same_support_alerts(assessed) -> None:  # type: ignore[no-untyped-def]
    path, _, _ = assessed
    prov = json.loads(runner.invoke(app, ["provenance", str(path), "--json"]).stdout)
    result = json.loads(runner.invoke(app, ["assess", str(path), "--json"]).stdout)

    def support(alerts):  # type: ignore[no-untyped-def]
        return sorted((a["kind"], a.get("hypothesis") or "") for a in alerts if a["kind"] in ASSESSMENT_ALERT_KINDS)

    assert support(prov["alerts"]) == support(result["alerts"])
