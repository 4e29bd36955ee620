"""Evidence semantics (issue 19): credibility as "the content is true", non-diagnostic reports,
directional interest, suspected control as a probability, syntheses, exclusion / as_of, words in ties."""

from __future__ import annotations

import pytest

from sevenfold.ach import assess_case
from sevenfold.ach.language import bottom_line_text, near_tie
from sevenfold.errors import InputError
from sevenfold.model.results import OriginResult
from sevenfold.pipeline import run_assessment, what_if

from .conftest import build_case

DECEPTION = [{"id": "genuine", "statement": "the dossier is genuine"},
             {"id": "forgery", "statement": "forged by the adversary", "deception_by": "adv", "mimics": "genuine"}]


def post(a, hid):
    return {h.id: h.posterior for h in a.hypotheses}[hid]


def grade(a, rid):
    return {r.id: r.credibility for r in a.reports}[rid]


def weight(a, rid):
    return {r.id: r.weight for r in a.reports}[rid]


# ---- 1. credibility means "the content is true" --------------------------------------------------

def test_what_a_live_deception_explains_as_fed_is_never_probably_true():
    # The forged dossier: its content ("genuine") is false under the forgery hypothesis, which is live.
    # Two other independent channels back "genuine"; before, the dossier was graded 2 by their support.
    sources = [{"id": "s1", "track_record": {"confirmed": 9, "refuted": 0}},
               {"id": "s2", "track_record": {"confirmed": 9, "refuted": 0}},
               {"id": "s3", "track_record": {"confirmed": 9, "refuted": 0}}]
    case = build_case(hypotheses=DECEPTION, actors=["adv"], sources=sources,
                      reports=[{"id": "dossier", "source": "s1"}, {"id": "w1", "source": "s2"},
                               {"id": "w2", "source": "s3"}],
                      ratings={"dossier": ["CC", "C"], "w1": ["CC", "I"], "w2": ["CC", "I"]})
    a = assess_case(case)
    assert post(a, "forgery") >= 0.10  # the deception is live
    assert grade(a, "dossier") >= 3
    assert "forgery explains it as fed" in next(r.reason for r in a.reports if r.id == "dossier")


def test_three_interested_official_denials_are_not_probably_true():
    # q 0.67 against a prior 0.67: the other origins barely moved the odds -> at best "possibly true"
    hyps = [{"id": "a", "statement": "no plot", "prior": 0.67}, {"id": "b", "statement": "a plot", "prior": 0.33}]
    sources = [{"id": f"o{k}", "kind": "official", "interests": ["a"]} for k in range(3)]
    case = build_case(hypotheses=hyps, sources=sources,
                      reports=[{"id": f"d{k}", "source": f"o{k}", "modality": "official_statement"} for k in range(3)],
                      ratings={f"d{k}": ["C", "I"] for k in range(3)})
    a = assess_case(case)
    assert all(grade(a, f"d{k}") == 3 for k in range(3))


# ---- 2. non-diagnostic reports support nothing ----------------------------------------------------

def test_non_diagnostic_report_does_not_hide_a_single_origin():
    hyps = [{"id": "a", "statement": "the first answer"}, {"id": "b", "statement": "a different claim"}]
    case = build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s1"}, {"id": "r2", "source": "s2"}],
                      ratings={"r1": ["C", "I"], "r2": ["C", "C"]})
    a = run_assessment(case)
    single = [al for al in a.alerts if al.kind == "single_origin" and al.hypothesis == "a"]
    assert single and single[0].reports == ["r1"]
    # and a report rated the same everywhere is never cited as the support of anything
    assert not any(al.kind == "single_origin" and "r2" in al.reports for al in a.alerts)


# ---- 3. directional interest -----------------------------------------------------------------------

def _interest_case(interests, grades, **report):
    hyps = [{"id": "a", "statement": "the first answer"}, {"id": "b", "statement": "a different claim"}]
    return assess_case(build_case(hypotheses=hyps, sources=[{"id": "s", "interests": interests}],
                                  reports=[{"id": "r", "source": "s", **report}], ratings={"r": grades}))


def test_interest_discounts_only_in_its_direction():
    neutral = weight(_interest_case([], ["C", "I"]), "r")
    assert weight(_interest_case(["a"], ["C", "I"]), "r") == pytest.approx(neutral / 2)   # says what it wants
    assert weight(_interest_case(["a"], ["I", "C"]), "r") == pytest.approx(neutral)       # against it: no discount
    assert weight(_interest_case(["a"], ["I", "C"], against_interest=True), "r") > neutral  # marked: gains
    assert weight(_interest_case(["to look good"], ["C", "I"]), "r") == pytest.approx(neutral / 2)  # unknown way


def test_official_kind_alone_is_not_an_interest():
    hyps = [{"id": "a", "statement": "x"}, {"id": "b", "statement": "y"}]

    def w(kind):
        return weight(assess_case(build_case(hypotheses=hyps, sources=[{"id": "s", "kind": kind}],
                                             reports=[{"id": "r", "source": "s"}], ratings={"r": ["C", "I"]})), "r")

    assert w("official") == pytest.approx(w("human"))


# ---- 4. suspected control as a probability ------------------------------------------------------------

def _controlled(**src):
    case = build_case(hypotheses=DECEPTION, actors=["adv"],
                      sources=[{"id": "s", "track_record": {"confirmed": 8, "refuted": 0}, **src}],
                      reports=[{"id": "r", "source": "s", "date": "1936-06"}], ratings={"r": ["C", "I"]})
    return post(assess_case(case), "genuine")


def test_suspected_control_mixes_fed_and_rated():
    free = _controlled()
    run = _controlled(controlled_by="adv")
    mixed = [_controlled(suspected_control={"by": "adv", "p": p}) for p in (0.0, 0.3, 0.7, 1.0)]
    assert mixed[0] == pytest.approx(free) and mixed[-1] == pytest.approx(run)
    assert free > mixed[1] > mixed[2] > run
    # from a date: a report before it is as rated
    assert _controlled(suspected_control={"by": "adv", "p": 1.0, "since": "1937-01"}) == pytest.approx(free)


def test_burn_what_if_says_why_nothing_moved():
    # the analyst already rated every report as likely under the forgery as under its cover
    case = build_case(hypotheses=DECEPTION, actors=["adv"], sources=[{"id": "s"}],
                      reports=[{"id": f"r{k}", "source": "s", "date": "1936-06"} for k in range(3)],
                      ratings={f"r{k}": ["C", "C"] for k in range(3)} | {"r0": ["C", "CC"]})
    w = what_if(case, source="s", since="1936-01", actor="adv")
    assert len(w.hypotheses) == 2 and all(h.before is not None and h.after is not None for h in w.hypotheses)
    assert w.why[0] == "no posterior moved"
    assert any("already rated at least as likely under forgery" in line for line in w.why)


# ---- syntheses ------------------------------------------------------------------------------------------

def test_a_synthesis_adds_nothing_and_keeps_its_inputs_apart():
    hyps = [{"id": "a", "statement": "x"}, {"id": "b", "statement": "y"}]
    reports = [{"id": "r1", "source": "s1"}, {"id": "r2", "source": "s2"}]
    base = assess_case(build_case(hypotheses=hyps, reports=reports, ratings={"r1": ["C", "I"], "r2": ["C", "I"]}))
    staff = {"id": "sit", "source": "staff", "synthesis_of": ["r1", "r2"], "derived_from": ["r1", "r2"]}
    with_synth = assess_case(build_case(hypotheses=hyps, reports=[*reports, staff],
                                        ratings={"r1": ["C", "I"], "r2": ["C", "I"], "sit": ["CC", "II"]}))
    assert post(with_synth, "a") == pytest.approx(post(base, "a"))
    origin = {r.id: r.origin for r in with_synth.reports}
    assert origin["r1"] != origin["r2"]


# ---- exclusion, as_of -------------------------------------------------------------------------------------

def test_exclude_and_as_of_refuse_bad_input(tmp_path):
    hyps = [{"id": "a", "statement": "x"}, {"id": "b", "statement": "y"}]
    case = build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s1", "date": "1936"}],
                      ratings={"r1": ["C", "I"]})
    with pytest.raises(InputError, match="--exclude: 'ghost'"):
        run_assessment(case, exclude=["ghost"])
    with pytest.raises(InputError, match="--as-of"):
        run_assessment(case, as_of="19x6")
    assert run_assessment(case, exclude=["s1"]).hypotheses[0].posterior == pytest.approx(0.5)
    assert run_assessment(case, as_of="1935").hypotheses[0].posterior == pytest.approx(0.5)
    assert run_assessment(case).hypotheses[0].posterior > 0.5


def test_removing_a_weak_supporter_never_raises_its_hypothesis():
    # One origin: a strong and a weak report for a. Re-normalising the origin's shares after removing the
    # weak one raised a (the strong one inherited its share); shares are now fixed.
    hyps = [{"id": "a", "statement": "x"}, {"id": "b", "statement": "y"}, {"id": "c", "statement": "z"}]
    case = build_case(hypotheses=hyps, reports=[{"id": "strong", "source": "s"}, {"id": "weak", "source": "s"}],
                      ratings={"strong": ["CC", "II", "II"], "weak": ["C", "N", "II"]})
    origins = [OriginResult(id="o", reports=["strong", "weak"])]
    full = post(assess_case(case, origins=origins), "a")
    assert post(assess_case(case, origins=origins, exclude=["weak"]), "a") <= full + 1e-12
    row = next(s for s in assess_case(case, origins=origins).sensitivity if s.report == "weak")
    assert row.if_removed_posterior["a"] <= full + 1e-9


# ---- words ----------------------------------------------------------------------------------------------

def test_near_tie_words():
    three = [("x", "X is true", 0.36), ("y", "Y", 0.33), ("z", "Z", 0.31)]
    line = bottom_line_text(three)
    assert line.startswith("No hypothesis stands out") and "x (36%)" in line and "z (31%)" in line
    assert "unlikely" not in line
    assert bottom_line_text([("x", "X is true", 0.7), ("y", "Y", 0.3)]).startswith("It is likely (70%)")
    assert near_tie({"x": 0.5, "y": 0.45}) == ["x", "y"] and near_tie({"x": 0.6, "y": 0.4}) == []


def test_no_linchpin_and_no_zero_origin_reason_in_a_tie():
    hyps = [{"id": "a", "statement": "x"}, {"id": "b", "statement": "y"}, {"id": "c", "statement": "z"}]
    case = build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s1"}], ratings={"r1": ["C", "N", "N"]})
    a = assess_case(case)
    assert a.top == "a" and near_tie({h.id: h.posterior for h in a.hypotheses})
    assert a.linchpins == [] and a.confidence == "low"
    assert "only 0" not in (a.confidence_reason or "") and "stands out" in (a.confidence_reason or "")


def test_suspected_control_of_an_unknown_actor_is_refused_before_anything_is_computed():
    from sevenfold.errors import AssessmentError
    from sevenfold.model import SuspectedControl

    case = build_case(hypotheses=DECEPTION, actors=["adv"], sources=[{"id": "s"}],
                      reports=[{"id": "r", "source": "s"}], ratings={"r": ["C", "I"]})
    case.sources[0].suspected_control = SuspectedControl(by="ghost", p=0.4)
    with pytest.raises(AssessmentError, match=r"sources\[s\]\.suspected_control\.by: unknown actor 'ghost'"):
        assess_case(case)


def test_cli_assess_exclude_and_as_of(tmp_path):
    import json

    from typer.testing import CliRunner

    from sevenfold.cli import app
    from sevenfold.data import bundled_case_paths

    path = next(p for p in bundled_case_paths() if "internal-threat" in str(p))
    res = CliRunner().invoke(app, ["assess", str(path), "--as-of", "1937", "--exclude", "stalin-mongolia-lesson",
                                   "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["as_of"] == "1937"
    assert next(r for r in d["reports"] if r["id"] == "stalin-mongolia-lesson")["credibility"] == 6
    assert any("excluded by request: stalin-mongolia-lesson" in n for n in d["notes"])
    bad = CliRunner().invoke(app, ["assess", str(path), "--exclude", "ghost"])
    assert isinstance(bad.exception, InputError)  # the CLI's error handler turns it into exit 2 (tests/hostile)


def _warning_case(reach: float | None) -> dict:
    """Two independent warnings of an attack that a rival's deception could only have fed if it reached
    channels nobody suspects (the deceiver's cover is the attack itself)."""
    plant: dict = {"id": "provocation", "deception_by": "rival", "mimics": ["attack"]}
    if reach is not None:
        plant["reach"] = reach
    return {
        "format": "sevenfold/1", "case": {"id": "warn"},
        "actors": [{"id": "rival"}],
        "sources": [{"id": "border-troops", "kind": "human", "access": "direct"},
                    {"id": "deserter", "kind": "human", "access": "direct"}],
        "reports": [{"id": "r1", "source": "border-troops", "modality": "observation"},
                    {"id": "r2", "source": "deserter", "modality": "observation"}],
        "hypotheses": [{"id": "attack"}, {"id": "no-attack"}, plant],
        "ratings": [{"report": r, "hypothesis": h, "consistency": c} for r in ("r1", "r2")
                    for h, c in (("attack", "CC"), ("no-attack", "II"), ("provocation", "I"))],
    }


def test_a_deception_that_cannot_reach_a_channel_does_not_explain_it() -> None:
    from sevenfold.ach import assess_case
    from sevenfold.model import case_from_data

    def post(reach: float | None) -> dict[str, float]:
        case = case_from_data(_warning_case(reach))
        return {h.id: h.posterior for h in assess_case(case).hypotheses}

    default, unreachable, everywhere = post(None), post(0.0), post(1.0)
    # the analyst says the rival could not touch these channels: the warnings count for the attack
    assert unreachable["provocation"] < default["provocation"] < everywhere["provocation"]
    assert unreachable["attack"] > default["attack"]


def test_reach_belongs_to_a_deception_hypothesis() -> None:
    import pytest

    from sevenfold.errors import CaseValidationError
    from sevenfold.model import case_from_data

    bad = _warning_case(None)
    bad["hypotheses"][0]["reach"] = 0.2
    with pytest.raises(CaseValidationError, match="reach"):
        case_from_data(bad)
    too_big = _warning_case(1.5)
    with pytest.raises(CaseValidationError, match="reach"):
        case_from_data(too_big)
