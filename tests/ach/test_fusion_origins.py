"""Fusion inside the assessment counts each independent origin once, and agreement alone never
raises a source's reliability (docs/assessment.md §2, *What fusion reads, and when its trust counts*)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sevenfold.model import case_from_data, load_case
from sevenfold.pipeline import run_assessment

from .conftest import build_case

HYPS = [{"id": "a", "statement": "the sites exist"}, {"id": "b", "statement": "they do not"}]
ITEMS = ("i1", "i2", "i3", "i4")
#: six sources, one report each, stating four items; they disagree enough for trust to differ
SAYS = {"s1": "yyyy", "s2": "yyny", "s3": "ynyy", "s4": "nnnn", "s5": "yyyn", "s6": "nynn"}
RATED = {"s1": ["C", "I"], "s2": ["C", "I"], "s3": ["C", "N"], "s4": ["I", "C"], "s5": ["N", "C"],
         "s6": ["I", "CC"]}
CHECKED = [{"claim": {"object": "i1", "attribute": "exists", "value": "yes"}, "verdict": "confirmed",
            "date": "1940"}]


def _claims(says: str) -> list[dict[str, Any]]:
    return [{"object": i, "attribute": "exists", "value": "yes" if v == "y" else "no"}
            for i, v in zip(ITEMS, says, strict=True)]


def _reports() -> list[dict[str, Any]]:
    return [{"id": f"r-{s}", "source": s, "date": "1939", "claims": _claims(says)} for s, says in SAYS.items()]


def _case(extra: list[dict[str, Any]] = (), *, outcomes: list[dict[str, Any]] | None = None,
          sources: tuple[str, ...] = ()) -> Any:
    reports = _reports() + list(extra)
    ids = sorted({r["source"] for r in reports} | {r["origin"] for r in reports if r.get("origin")} | set(sources))
    return build_case(hypotheses=HYPS, sources=[{"id": s} for s in ids], reports=reports,
                      ratings={f"r-{s}": g for s, g in RATED.items()},
                      outcomes=CHECKED if outcomes is None else outcomes, as_of="1941")


def _state(case: Any) -> tuple[dict[str, tuple[str | None, float | None]], dict[str, float | None]]:
    a = run_assessment(case)
    return ({s.id: (s.admiralty, s.reliability) for s in a.sources},
            {h.id: h.posterior for h in a.hypotheses})


def _same(before: Any, after: Any) -> None:
    (rel_b, post_b), (rel_a, post_a) = _state(before), _state(after)
    for sid, (grade, r) in rel_b.items():
        assert rel_a[sid][0] == grade and rel_a[sid][1] == pytest.approx(r, abs=1e-9), sid
    for sid in rel_a.keys() - rel_b.keys():  # a source that only passed on or copied: nothing of its own
        assert rel_a[sid] == ("F", pytest.approx(0.5)), sid
    assert post_a == pytest.approx(post_b, abs=1e-9)


def test_the_fixture_learns_trust_that_counts() -> None:
    # the premise of the tests below: fusion runs on this case and its trust, anchored by the outcome on
    # i1, moves reliabilities (otherwise "nothing changes" would prove nothing)
    a = run_assessment(_case())
    assert all(s.fusion_trust is not None for s in a.sources)
    assert len({round(s.reliability or 0, 3) for s in a.sources}) > 2
    assert not any("not counted" in (s.reason or "") for s in a.sources)


@pytest.mark.parametrize("added", [
    # a copy: another source's report derived from s4's, repeating it (unrated, like an echo in a file)
    {"id": "echo", "source": "copier", "date": "1940", "derived_from": ["r-s4"], "claims": _claims(SAYS["s4"])},
    # a relay: s4's statement passed on by someone else (custody chain s4 -> relay)
    {"id": "relayed", "source": "relay", "origin": "s4", "date": "1939", "claims": _claims(SAYS["s4"])},
    # a synthesis of two reports: it states nothing its inputs do not
    {"id": "synth", "source": "cell", "date": "1940", "synthesis_of": ["r-s1", "r-s4"],
     "claims": _claims("ynyn")},
    # a copy of the synthesis
    {"id": "speech", "source": "minister", "date": "1940", "derived_from": ["synth-0"],
     "claims": _claims("yyyy")},
], ids=["copy", "relay", "synthesis", "copy-of-synthesis"])
def test_a_copy_relay_or_synthesis_changes_no_reliability_and_no_posterior(added: dict[str, Any]) -> None:
    extra = [added]
    if added["id"] == "speech":
        extra = [{"id": "synth-0", "source": "cell", "date": "1940", "synthesis_of": ["r-s2", "r-s6"],
                  "claims": _claims("nyyy")}, added]
        _same(_case(extra[:1]), _case(extra))
    _same(_case(), _case(extra))


def test_an_independent_origin_agreeing_may_move_reliability() -> None:
    # the same statements as the copy above, from a seventh source with an origin of its own
    added = {"id": "own", "source": "s7", "date": "1940", "claims": _claims(SAYS["s4"])}
    before, _ = _state(_case())
    after, _ = _state(_case([added]))
    assert any(after[s][1] != pytest.approx(before[s][1], abs=1e-6) for s in SAYS)


def test_agreement_without_a_checked_outcome_lifts_no_grade() -> None:
    """Without an outcome, trust is agreement: shown in the reason, not counted; the case assesses as
    if no claim had been made."""
    a = run_assessment(_case(outcomes=[]))
    assert all(s.admiralty == "F" and s.reliability == pytest.approx(0.5) for s in a.sources)
    assert all(s.fusion_trust is not None and "not counted" in (s.reason or "") for s in a.sources)
    bare = _case(outcomes=[])
    bare = bare.model_copy(update={"reports": [r.model_copy(update={"claims": []}) for r in bare.reports]})
    assert [h.posterior for h in a.hypotheses] == pytest.approx([h.posterior for h in run_assessment(bare).hypotheses])


def test_an_outcome_on_an_unconnected_item_anchors_nothing() -> None:
    # two more sources agree on two items nobody else states, and an outcome checks one: their trust counts
    # (it also measured them on the unchecked one); the six sources of the fixture share no item with them,
    # so theirs stays agreement only
    pair = [{"id": f"r-{s}", "source": s, "date": "1939",
             "claims": [{"object": "elsewhere", "attribute": "exists", "value": "yes"},
                        {"object": "elsewhere-too", "attribute": "exists", "value": "yes"}]} for s in ("s8", "s9")]
    outcome = [{"claim": {"object": "elsewhere", "attribute": "exists", "value": "yes"}, "verdict": "confirmed"}]
    by_id = {s.id: s for s in run_assessment(_case(pair, outcomes=outcome)).sources}
    assert all(by_id[s].fusion_trust is not None and "not counted" not in (by_id[s].reason or "") for s in ("s8", "s9"))
    assert all("not counted" in (by_id[s].reason or "") for s in SAYS)
    assert all(by_id[s].reliability == pytest.approx(0.5) for s in SAYS)


def test_a_relayed_statement_is_credited_to_its_originator() -> None:
    data = _reports()
    data[4] = {**data[4], "source": "liaison", "origin": "s5"}  # s5's report reaches us through a liaison
    case = build_case(hypotheses=HYPS, sources=[{"id": s} for s in [*SAYS, "liaison"]], reports=data,
                      ratings={f"r-{s}": g for s, g in RATED.items()}, outcomes=CHECKED, as_of="1941")
    by_id = {s.id: s for s in run_assessment(case).sources}
    assert by_id["s5"].fusion_trust is not None and by_id["liaison"].fusion_trust is None


#: an outside analyst's workbench export (Curveball, 2000-2003), as exported
CURVEBALL = Path(__file__).parent / "data" / "curveball-2003.yaml"


def test_curveball_one_unrated_echo_moves_nothing() -> None:
    """The outside analyst's finding: one unrated DIA report agreeing with Curveball's relayed reports,
    the NIE (their synthesis) and Powell's speech (its copy) lifted five sources to C "fairly reliable"
    and moved the verdict. Nothing has checked those claims: nothing may move."""
    case = load_case(CURVEBALL)
    data = copy.deepcopy(case.model_dump(mode="json", exclude_none=True))
    data["reports"].append({"id": "dia-echo", "source": "dia", "date": "2002-06", "modality": "assessment",
                            "claims": [{"object": "iraq-mobile-bw", "attribute": "exists", "value": True}]})
    _same(case, case_from_data(data))


def test_trust_marked_agreement_only_is_shown_not_blended(two_hyp) -> None:  # type: ignore[no-untyped-def]
    from sevenfold.ach import assess_case
    from sevenfold.ach.reliability import AgreementOnly

    case = build_case(hypotheses=two_hyp, sources=[{"id": "s", "track_record": {"confirmed": 2, "refuted": 2}}],
                      reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["C", "I"]})
    shown = assess_case(case, fusion_trust={"s": AgreementOnly(1.0)}).sources[0]
    assert shown.reliability == pytest.approx(0.5) and shown.fusion_trust == 1.0
    assert "fusion trust 1.00 not counted" in (shown.reason or "")
    assert assess_case(case, fusion_trust={"s": 1.0}).sources[0].reliability == pytest.approx(8 / 12, abs=1e-4)
