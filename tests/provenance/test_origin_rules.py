"""Each origin rule on its own, rule switches, thresholds, numbering and as_of."""

from __future__ import annotations

import networkx as nx
import pytest

from sevenfold.errors import InputError
from sevenfold.fusion import CopyPair
from sevenfold.provenance import OriginRules, near_duplicate_pairs, origin_graph, origin_groups

LONG_A = "The courier handed the sealed envelope to the second secretary at the embassy gate on Tuesday"
LONG_B = "A fishing trawler was seen unloading crates near the northern lighthouse after midnight"


def groups(case, copy_pairs=None, rules=None) -> list[list[str]]:
    return [o.reports for o in origin_groups(case, copy_pairs, rules)]


def test_independent_reports_are_separate_origins(build):
    case = build([{"id": "r1", "source": "a", "text": LONG_A}, {"id": "r2", "source": "b", "text": LONG_B}])
    origins = origin_groups(case)
    assert [o.reports for o in origins] == [["r1"], ["r2"]]
    assert [o.id for o in origins] == ["o1", "o2"]
    assert all(o.why == ["no other report shares its origin"] for o in origins)


def test_derived_from_joins_transitively(build):
    case = build([{"id": "r1", "source": "a"}, {"id": "r2", "source": "b", "derived_from": ["r1"]},
                  {"id": "r3", "source": "c"}, {"id": "r4", "source": "d", "derived_from": ["r2"]}])
    origins = origin_groups(case)
    assert [o.reports for o in origins] == [["r1", "r2", "r4"], ["r3"]]
    assert "r2 derives from r1" in origins[0].why and "r4 derives from r2" in origins[0].why


def test_custody_joins_relayed_reports_starting_at_the_same_originator(build):
    case = build([
        {"id": "r1", "source": "a", "origin": "sub"},                   # a relayed what sub said
        {"id": "r2", "source": "b", "origin": "sub", "via": ["relay"]},  # sub -> b -> relay
        {"id": "r3", "source": "c", "via": ["sub", "relay"]},           # sub only a conduit: c originates
        {"id": "r4", "source": "sub"},                                  # sub's own direct report: not a relay
        {"id": "r5", "source": "sub", "via": ["relay"]},                # same custody, written without origin
    ])
    assert groups(case) == [["r1", "r2", "r5"], ["r3"], ["r4"]]
    assert any("same originator, sub" in w for w in origin_groups(case)[0].why)


def test_same_document_joins_and_ibid_entries_resolve(build):
    docs = [{"id": "d1", "citation": "Stavinskii 2003, p. 367"},
            {"id": "d2", "citation": "Ibid., 373", "resolves_to": "d1"},
            {"id": "d3", "citation": "Other book"}]
    case = build([{"id": "r1", "source": "a", "document": "d1"}, {"id": "r2", "source": "b", "document": "d2"},
                  {"id": "r3", "source": "c", "document": "d3"}], documents=docs)
    assert groups(case) == [["r1", "r2"], ["r3"]]


def test_resolves_to_loop_terminates(build):
    docs = [{"id": "d1", "resolves_to": "d2"}, {"id": "d2", "resolves_to": "d1"}]
    case = build([{"id": "r1", "source": "a", "document": "d1"}, {"id": "r2", "source": "b", "document": "d2"}],
                 documents=docs)
    assert len(groups(case)) in (1, 2)  # finishes; either end of the loop is a valid representative


def _claim_case(build):
    claim = {"object": "memo", "attribute": "authentic", "value": True}
    return build([
        {"id": "r1", "source": "orig", "claims": [claim]},
        {"id": "r2", "source": "copier", "claims": [claim]},
        {"id": "r3", "source": "copier", "claims": [{**claim, "value": False}]},     # different value
        {"id": "r4", "source": "copier", "claims": [{"object": "other", "attribute": "x", "value": 1}]},
        {"id": "r5", "source": "bystander", "claims": [claim]},
    ])


def test_copy_pairs_join_same_claims_above_threshold(build):
    case = _claim_case(build)
    assert groups(case) == [["r1"], ["r2"], ["r3"], ["r4"], ["r5"]]
    assert groups(case, [("copier", "orig", 0.9)]) == [["r1", "r2"], ["r3"], ["r4"], ["r5"]]
    assert groups(case, [("copier", "orig", 0.3)]) == [["r1"], ["r2"], ["r3"], ["r4"], ["r5"]]
    strict = OriginRules(copy_threshold=0.95)
    assert groups(case, [("copier", "orig", 0.9)], strict) == [["r1"], ["r2"], ["r3"], ["r4"], ["r5"]]


def test_copy_pairs_accept_fusion_copy_pair_objects_and_use_dependence(build):
    case = _claim_case(build)
    # identical sources: direction a coin toss (0.45 this way), dependence near certain
    pair = CopyPair(copier="copier", original="orig", probability=0.45, dependence=0.9, shared_items=3)
    origins = origin_groups(case, [pair])
    assert origins[0].reports == ["r1", "r2"]
    assert "p=0.90" in origins[0].why[0]
    weak = CopyPair(copier="copier", original="orig", probability=0.2, dependence=0.3, shared_items=3)
    assert origin_groups(case, [weak])[0].reports == ["r1"]


def test_malformed_copy_pair_is_input_error(build):
    with pytest.raises(InputError, match="copy pair #0"):
        origin_groups(_claim_case(build), [("only-two", 0.5)])


def test_near_duplicate_text_joins_and_short_or_unrelated_texts_do_not(build):
    edited = LONG_A.replace("Tuesday", "Wednesday")
    case = build([
        {"id": "r1", "source": "a", "text": LONG_A},
        {"id": "r2", "source": "b", "text": edited},
        {"id": "r3", "source": "c", "text": LONG_B},
        {"id": "r4", "source": "d", "text": "Yes, confirmed."},
        {"id": "r5", "source": "e", "text": "Yes, confirmed."},
        # LONG_A quoted inside a much longer report: token-set ratio is 100, but it is not a copy
        {"id": "r6", "source": "f", "text": LONG_A + " " + LONG_B + " and much more besides in the report "
                                            "about harbour traffic, weather, rumours and prices"},
    ])
    assert groups(case) == [["r1", "r2"], ["r3"], ["r4"], ["r5"], ["r6"]]


@pytest.mark.parametrize("exact_below", [0, 10_000])
def test_lsh_and_exact_paths_find_the_same_near_duplicates(exact_below):
    import numpy as np

    rng = np.random.default_rng(3)
    vocab = [f"w{k}" for k in range(2000)]
    texts = []
    for _ in range(150):
        base = [vocab[i] for i in rng.integers(0, len(vocab), 18)]
        texts.append(" ".join(base))
        copy = list(base)
        copy[int(rng.integers(0, len(copy)))] = "changed"
        texts.append(" ".join(copy))
    found = near_duplicate_pairs(texts, OriginRules(exact_text_below=exact_below))
    assert {(i, j) for i, j, _ in found} == {(k, k + 1) for k in range(0, 300, 2)}


def test_rules_can_be_switched_off(build):
    case = build([{"id": "r1", "source": "a", "text": LONG_A}, {"id": "r2", "source": "b", "text": LONG_A},
                  {"id": "r3", "source": "c", "derived_from": ["r1"]}])
    assert groups(case) == [["r1", "r2", "r3"]]
    assert groups(case, rules=OriginRules(text=False)) == [["r1", "r3"], ["r2"]]
    assert groups(case, rules=OriginRules(text=False, derived_from=False)) == [["r1"], ["r2"], ["r3"]]


def test_bad_thresholds_are_refused():
    with pytest.raises(InputError):
        OriginRules(copy_threshold=1.5)
    with pytest.raises(InputError):
        OriginRules(lsh_permutations=10, lsh_band_rows=3)


def test_numbering_follows_case_order_and_is_deterministic(build):
    case = build([{"id": "z", "source": "a"}, {"id": "y", "source": "b", "derived_from": ["w"]},
                  {"id": "x", "source": "c"}, {"id": "w", "source": "d"}])
    first = origin_groups(case)
    assert [(o.id, o.reports) for o in first] == [("o1", ["z"]), ("o2", ["y", "w"]), ("o3", ["x"])]
    assert [o.model_dump() for o in origin_groups(case)] == [o.model_dump() for o in first]


def test_reports_after_as_of_are_ignored(build):
    case = build([{"id": "r1", "source": "a", "date": "1937-01"},
                  {"id": "r2", "source": "b", "date": "1938-05", "derived_from": ["r1"]}], as_of="1937-03")
    assert groups(case) == [["r1"]]


def test_origin_graph_is_a_networkx_graph_with_rules_on_edges(build):
    case = build([{"id": "r1", "source": "a", "document": "d"}, {"id": "r2", "source": "b", "document": "d"},
                  {"id": "r3", "source": "c", "derived_from": ["r2"]}, {"id": "r4", "source": "e"}],
                 documents=[{"id": "d"}])
    g = origin_graph(case)
    assert isinstance(g, nx.MultiGraph)
    assert set(g.nodes) == {"r1", "r2", "r3", "r4"}
    assert {d["rule"] for _, _, d in g.edges(data=True)} == {"document", "derived_from"}
    components = sorted(sorted(c) for c in nx.connected_components(g))
    assert components == sorted(o.reports for o in origin_groups(case))
    assert g.nodes["r4"]["origin"] == "o2"


def test_detect_copy_pairs_without_claims_is_empty(build):
    from sevenfold.provenance import detect_copy_pairs

    assert detect_copy_pairs(build([{"id": "r1", "source": "a"}, {"id": "r2", "source": "b"}])) == []
