"""Misspelt keys: one model function finds them at case level and in every entry kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevenfold.errors import InputError
from sevenfold.model import Case, blocks_assess, case_from_data, close_field, key_warnings, load_case
from sevenfold.model.entries import (
    Actor,
    AliasEntry,
    Burn,
    CaseMeta,
    Claim,
    Document,
    Hypothesis,
    Outcome,
    Rating,
    Report,
    Source,
    SuspectedControl,
    TrackRecord,
)
from sevenfold.model.keys import check_assessable

DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"


def _case(**patch) -> dict:
    data = {"format": "sevenfold/1", "case": {"id": "t", "as_of": "1940"},
            "actors": [{"id": "x"}],
            "sources": [{"id": "a", "track_record": {"confirmed": 1},
                         "suspected_control": {"by": "x", "p": 0.2}}],
            "documents": [{"id": "d"}],
            "reports": [{"id": "r", "source": "a", "claims": [{"object": "o", "attribute": "t", "value": 1}]}],
            "hypotheses": [{"id": "h1"}, {"id": "h2"}],
            "ratings": [{"report": "r", "hypothesis": "h1", "consistency": "C"}],
            "outcomes": [{"hypothesis": "h1", "verdict": "confirmed"}],
            "burns": [{"id": "b1", "source": "a", "since": "1939"}],
            "aliases": [{"canonical": "A"}]}
    for path, value in patch.items():
        *parts, key = path.split(".")
        node = data
        for p in parts:
            node = node[int(p)] if p.isdigit() else node[p]
        node[key] = value
    return data


@pytest.mark.parametrize(("path", "where", "meant"), [
    ("case.asof", "case", "as_of"),
    ("case.as-of", "case", "as_of"),
    ("case.asOf", "case", "as_of"),
    ("case.nte", "case", "note"),
    ("actors.0.nmae", "actors[x]", "name"),
    ("sources.0.controled_by", "sources[a]", "controlled_by"),
    ("sources.0.intrests", "sources[a]", "interests"),
    ("sources.0.track_record.confrimed", "sources[a].track_record", "confirmed"),
    ("sources.0.suspected_control.sinse", "sources[a].suspected_control", "since"),
    ("documents.0.knid", "documents[d]", "kind"),
    ("reports.0.vai", "reports[r]", "via"),
    ("reports.0.via_chain", "reports[r]", "via"),
    ("reports.0.derived_form", "reports[r]", "derived_from"),
    ("reports.0.cited-in", "reports[r]", "cited_in"),
    ("reports.0.synthesis_of_ids", "reports[r]", "synthesis_of"),
    ("reports.0.orgin", "reports[r]", "origin"),
    ("reports.0.claims.0.atribute", "reports[r].claims[0]", "attribute"),
    ("hypotheses.0.deception-by", "hypotheses[h1]", "deception_by"),
    ("ratings.0.consistancy", "ratings[r/h1]", "consistency"),
    ("outcomes.0.verdcit", "outcomes[#0]", "verdict"),
    ("burns.0.acter", "burns[b1]", "actor"),
    ("aliases.0.varaints", "aliases[A]", "variants"),
])
def test_a_misspelt_key_is_found_in_every_entry_kind(path: str, where: str, meant: str) -> None:
    case = case_from_data(_case(**{path: "1940" if meant == "as_of" else ["x"]}))
    key = path.rsplit(".", 1)[1]
    [w] = key_warnings(case)
    assert (w.where, w.key, w.suggestion) == (where, key, meant)
    assert w.message in case.warnings()
    assert w.blocks_assess is (meant == "as_of")


def test_a_misspelt_as_of_blocks_assess_unless_allowed() -> None:
    case = case_from_data(_case(**{"case.asof": "1940"}))
    assert [w.key for w in blocks_assess(case)] == ["asof"]
    with pytest.raises(InputError, match=r"case\.asof: unknown key where 'as_of' belongs"):
        check_assessable(case)
    assert any("did you mean 'as_of'" in w for w in check_assessable(case, allow_unknown=True))
    # the same key elsewhere is only a warning
    fine = case_from_data(_case(**{"reports.0.vai": ["a"]}))
    assert blocks_assess(fine) == [] and len(check_assessable(fine)) == 1


def test_unrelated_extra_keys_are_not_warned_about() -> None:
    keep = {"reports.0.footnote": 22, "reports.0.quote": "x", "reports.0.seed_passage": "y",
            "documents.0.resolves_to": "d", "hypotheses.0.raised_by": "z", "case.description": "w",
            "sources.0.codename": "Betty", "case.cites": {"year": 2009}}
    assert key_warnings(case_from_data(_case(**keep))) == []


@pytest.mark.parametrize("name", ["zarubin-1937.yaml", "internal-threat-1937.yaml"])
def test_bundled_cases_draw_no_key_warning(name: str) -> None:
    assert key_warnings(load_case(DATA / name)) == []


def test_unknown_top_level_key_names_the_one_meant() -> None:
    from sevenfold.errors import CaseValidationError

    data = _case()
    data["hypothesis"] = data.pop("hypotheses")
    with pytest.raises(CaseValidationError, match="unknown top-level key 'hypothesis'; did you mean 'hypotheses'"):
        case_from_data(data)


MODELS = [CaseMeta, Actor, Source, TrackRecord, SuspectedControl, Document, Report, Claim, Hypothesis, Rating,
          Outcome, Burn, AliasEntry, Case]


@given(st.sampled_from(MODELS), st.data())
def test_one_swap_or_slip_of_a_field_name_is_caught(model, data) -> None:
    """Property: swapping two adjacent letters of a field name, or dropping one, yields a suggestion."""
    fields = tuple(model.model_fields)
    field = data.draw(st.sampled_from([f for f in fields if len(f) >= 4] or ["none"]))
    if field == "none":
        return
    i = data.draw(st.integers(0, len(field) - 2))
    swapped = field[:i] + field[i + 1] + field[i] + field[i + 2:]
    dropped = field[:i] + field[i + 1:]
    for slip in (swapped, dropped):
        if slip not in fields:
            assert close_field(slip, fields) is not None, (model.__name__, slip)
