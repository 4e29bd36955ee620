"""Every provenance alert kind fires when it should, and stays quiet when it should not."""

from __future__ import annotations

from sevenfold.provenance import derived_cycles, origin_groups, provenance_alerts


def alerts_of(case, kind=None):
    found = provenance_alerts(case, origin_groups(case))
    return [a for a in found if kind is None or a.kind == kind]


def rated(report_ids, hypothesis="h1", consistency="C"):
    return [{"report": r, "hypothesis": hypothesis, "consistency": consistency} for r in report_ids]


def test_single_origin_when_all_support_shares_one_origin(build):
    reports = [{"id": "r1", "source": "a"}, {"id": "r2", "source": "b", "derived_from": ["r1"]},
               {"id": "r3", "source": "c"}]
    case = build(reports, ratings=rated(["r1", "r2"]) + rated(["r3"], consistency="I"))
    [alert] = alerts_of(case, "single_origin")
    assert alert.hypothesis == "h1" and alert.reports == ["r1", "r2"]
    assert "r1" in alert.message and "r2" in alert.message and "one origin" in alert.message
    # an independent supporting report removes the alert
    case2 = build(reports, ratings=rated(["r1", "r2", "r3"]))
    assert alerts_of(case2, "single_origin") == []


def test_support_is_the_analysts_mean_and_ignores_na(build):
    reports = [{"id": "r1", "source": "a"}, {"id": "r2", "source": "b"}]
    ratings = [{"report": "r1", "hypothesis": "h1", "consistency": "C", "analyst": "x"},
               {"report": "r1", "hypothesis": "h1", "consistency": "II", "analyst": "y"},
               {"report": "r2", "hypothesis": "h1", "consistency": "CC", "analyst": "x"},
               {"report": "r2", "hypothesis": "h1", "consistency": "NA", "analyst": "y"}]
    [alert] = alerts_of(build(reports, ratings=ratings), "single_origin")
    assert alert.reports == ["r2"]


def test_common_origin_names_reports_and_sources(build):
    case = build([{"id": "r1", "source": "alpha", "origin": "sub"}, {"id": "r2", "source": "beta", "origin": "sub"},
                  {"id": "r3", "source": "alpha", "derived_from": ["r1"]}])
    [alert] = alerts_of(case, "common_origin")
    assert alert.sources == ["alpha", "beta"] and alert.reports == ["r1", "r2", "r3"]
    assert "alpha" in alert.message and "beta" in alert.message and "sub" in alert.message
    # the same source restating itself is not "presented as independent"
    same = build([{"id": "r1", "source": "alpha"}, {"id": "r2", "source": "alpha", "derived_from": ["r1"]}])
    assert alerts_of(same, "common_origin") == []


def test_hearsay_depth_from_two_hops(build):
    case = build([{"id": "r1", "source": "a", "via": ["b"]}, {"id": "r2", "source": "a", "via": ["b", "c"]}])
    [alert] = alerts_of(case, "hearsay_depth")
    assert alert.reports == ["r2"] and "b → c" in alert.message


def test_coerced_only(build):
    reports = [{"id": "r1", "source": "a", "modality": "coerced_confession"},
               {"id": "r2", "source": "b", "modality": "coerced_confession"},
               {"id": "r3", "source": "c", "modality": "observation"}]
    case = build(reports, ratings=rated(["r1", "r2"]) + rated(["r3"], "h2"))
    [alert] = alerts_of(case, "coerced_only")
    assert alert.hypothesis == "h1" and alert.reports == ["r1", "r2"]
    case2 = build(reports, ratings=rated(["r1", "r2", "r3"]))
    assert alerts_of(case2, "coerced_only") == []


def test_interested_only_police_reports(build):
    sources = [{"id": "police", "kind": "official"},
               {"id": "informer", "interests": ["paid per denunciation"]},
               {"id": "neighbour", "kind": "human"}]
    reports = [{"id": "r1", "source": "police", "modality": "official_statement"},
               {"id": "r2", "source": "informer"},
               {"id": "r3", "source": "neighbour", "via": ["informer"]},   # relayed by an interested party
               {"id": "r4", "source": "neighbour"}]
    case = build(reports, sources=sources, ratings=rated(["r1", "r2", "r3"]))
    [alert] = alerts_of(case, "interested_only")
    assert alert.hypothesis == "h1"
    assert "official" in alert.message and "paid per denunciation" in alert.message
    assert "informer has interests and the report came through it" in alert.message
    case2 = build(reports, sources=sources, ratings=rated(["r1", "r2", "r4"]))
    assert alerts_of(case2, "interested_only") == []


def test_controlled_source_mentions_the_deception_hypothesis(build):
    actors = [{"id": "abwehr"}]
    sources = [{"id": "agent", "controlled_by": "abwehr"}]
    hyps = [{"id": "genuine"}, {"id": "plant", "deception_by": "abwehr"}]
    case = build([{"id": "r1", "source": "agent"}, {"id": "r2", "source": "b", "via": ["agent"]},
                  {"id": "r3", "source": "c"}], sources=sources, actors=actors, hypotheses=hyps)
    [alert] = alerts_of(case, "controlled_source")
    assert alert.reports == ["r1", "r2"] and alert.sources == ["agent"]
    assert "abwehr" in alert.message and "plant" in alert.message


def test_burned_source_from_compromised_since_and_from_burns(build):
    sources = [{"id": "agent", "compromised_since": "1937-06"}]
    reports = [{"id": "r1", "source": "agent", "date": "1937-01"},
               {"id": "r2", "source": "agent", "date": "1937-08"},
               {"id": "r3", "source": "agent"},                                   # undated
               {"id": "r4", "source": "b", "date": "1937-09", "derived_from": ["r2"]},
               {"id": "r5", "source": "other", "date": "1937-09"}]
    case = build(reports, sources=sources)
    [alert] = alerts_of(case, "burned_source")
    assert alert.reports == ["r2", "r3", "r4"]
    assert "undated" in alert.message and "1937-06" in alert.message
    burned = build(reports, burns=[{"id": "b1", "source": "other", "since": "1937-01"}])
    [alert2] = alerts_of(burned, "burned_source")
    assert alert2.sources == ["other"] and alert2.reports == ["r5"] and "b1" in alert2.message


def test_burns_after_as_of_are_ignored(build):
    case = build([{"id": "r1", "source": "a", "date": "1937-01"}],
                 burns=[{"id": "b1", "source": "a", "since": "1939-01"}], as_of="1938-01")
    assert alerts_of(case, "burned_source") == []


def test_derived_from_cycle_is_reported_not_looped(build):
    case = build([{"id": "r1", "source": "a", "derived_from": ["r3"]},
                  {"id": "r2", "source": "b", "derived_from": ["r1"]},
                  {"id": "r3", "source": "c", "derived_from": ["r2"]},
                  {"id": "r4", "source": "d", "derived_from": ["r1"]},
                  {"id": "r5", "source": "e", "derived_from": ["r6"]},
                  {"id": "r6", "source": "f", "derived_from": ["r5"]}])
    cycles = derived_cycles(case)
    assert [sorted(c) for c in cycles] == [["r1", "r2", "r3"], ["r5", "r6"]]
    assert [o.reports for o in origin_groups(case)] == [["r1", "r2", "r3", "r4"], ["r5", "r6"]]
    found = alerts_of(case, "derived_cycle")
    assert len(found) == 2 and "circle" in found[0].message


def test_quiet_case_has_no_alerts(build):
    case = build([{"id": "r1", "source": "a", "text": "one thing seen at the quay by the harbour master"},
                  {"id": "r2", "source": "b", "text": "a different matter entirely concerning railway timetables"}],
                 ratings=rated(["r1", "r2"]))
    assert alerts_of(case) == []


def test_bundled_case_rests_on_one_origin():
    from pathlib import Path

    from sevenfold.model import load_case

    path = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data" / "zarubin-1937.yaml"
    case = load_case(path)
    origins = origin_groups(case)
    kinds = {a.kind for a in provenance_alerts(case, origins)}
    # the seed: the whole Zarubin account rests on one book, itself resting on Zarubin's own account
    assert len(origins) < len([r for r in case.reports])
    assert {"single_origin", "hearsay_depth"} <= kinds


def test_a_report_rated_alike_under_every_hypothesis_supports_none(build):
    reports = [{"id": "r1", "source": "a"}, {"id": "r2", "source": "b"}]
    same = [{"report": "r1", "hypothesis": h, "consistency": "C"} for h in ("h1", "h2")]
    case = build(reports, ratings=same)
    assert alerts_of(case, "single_origin") == []          # r1 is no evidence for h1 or h2
    tilted = [*same, {"report": "r2", "hypothesis": "h1", "consistency": "C"},
              {"report": "r2", "hypothesis": "h2", "consistency": "I"}]
    [alert] = alerts_of(build(reports, ratings=tilted), "single_origin")
    assert alert.hypothesis == "h1" and alert.reports == ["r2"]   # the diagnostic report, alone
