"""burn_source / unburn: what falls, posterior shifts, validation, and the SQLite round trip."""

from __future__ import annotations

import pytest

from sevenfold.errors import CaseValidationError, InputError, NotFound
from sevenfold.model.results import Assessment, HypothesisResult
from sevenfold.provenance import POSTERIOR_SHIFT, burn_source, origin_groups, provenance_alerts, unburn
from sevenfold.store import Store


def _case(build):
    actors = [{"id": "abwehr"}]
    reports = [
        {"id": "r1", "source": "agent", "date": "1937-01-10"},
        {"id": "r2", "source": "agent", "date": "1937-07"},
        {"id": "r3", "source": "agent"},                                           # undated
        {"id": "r4", "source": "analyst", "date": "1937-08", "derived_from": ["r2"]},
        {"id": "r5", "source": "desk", "date": "1937-09", "derived_from": ["r4"]},  # transitive
        {"id": "r6", "source": "clerk", "date": "1937-09", "document": "d1"},
        {"id": "r7", "source": "agent", "date": "1937-09", "document": "d1"},      # r6 shares its origin
        {"id": "r8", "source": "other", "date": "1937-09", "via": ["agent"]},      # relayed by the agent
        {"id": "r9", "source": "other", "date": "1937-09"},
    ]
    return build(reports, actors=actors, documents=[{"id": "d1"}])


def test_burn_lists_fallen_and_derived_reports(build):
    case = _case(build)
    new_case, impact = burn_source(case, "agent", "1937-06", actor="abwehr", note="defector says so")
    assert [f.id for f in impact.reports] == ["r2", "r3", "r7", "r8"]
    assert {f.id: f.why for f in impact.derived}["r4"] == "derives from r2"
    assert {f.id: f.why for f in impact.derived}["r5"] == "derives from r4"
    assert "shares origin" in {f.id: f.why for f in impact.derived}["r6"]
    assert {f.id for f in impact.derived} == {"r4", "r5", "r6"}
    assert "undated" in {f.id: f.why for f in impact.reports}["r3"]
    assert new_case.burns[-1].source == "agent" and new_case.burns[-1].actor == "abwehr"
    assert new_case.burns[-1].id == impact.burn.id == "burn-1"
    assert case.burns == []  # the input case is not changed


def test_burn_with_a_derived_cycle_terminates_and_says_so(build):
    case = build([{"id": "r1", "source": "agent", "derived_from": ["r3"]},
                  {"id": "r2", "source": "b", "derived_from": ["r1"]},
                  {"id": "r3", "source": "c", "derived_from": ["r2"]}])
    _, impact = burn_source(case, "agent", "1930")
    assert [f.id for f in impact.reports] == ["r1"]
    assert sorted(f.id for f in impact.derived) == ["r2", "r3"]
    assert impact.cycles and any("cycles" in n for n in impact.notes)


def test_burn_refuses_unknown_source_actor_and_bad_date(build):
    case = _case(build)
    with pytest.raises(NotFound, match="nobody"):
        burn_source(case, "nobody", "1937")
    with pytest.raises(NotFound, match="kgb"):
        burn_source(case, "agent", "1937", actor="kgb")
    with pytest.raises(InputError, match="since"):
        burn_source(case, "agent", "1937-13-01")


def test_posterior_shifts_above_threshold_only(build, monkeypatch):
    case = build([{"id": "r1", "source": "agent"}], hypotheses=[{"id": "a"}, {"id": "b"}, {"id": "c"}])

    def fake_assess(c, **kwargs):
        burned = bool(c.burns)
        post = {"a": 0.6, "b": 0.3, "c": 0.1} if not burned else {"a": 0.4, "b": 0.5, "c": 0.1 + POSTERIOR_SHIFT / 2}
        return Assessment(case=c.id, hypotheses=[HypothesisResult(id=h, posterior=p) for h, p in post.items()])

    monkeypatch.setattr("sevenfold.ach.assess_case", fake_assess)
    _, impact = burn_source(case, "agent", "1930")
    assert [(h.id, h.before, h.after) for h in impact.hypotheses] == [("a", 0.6, 0.4), ("b", 0.3, 0.5)]
    assert impact.hypotheses[0].change == pytest.approx(-0.2)


def test_missing_posteriors_are_noted_not_invented(build):
    case = build([{"id": "r1", "source": "agent"}])
    _, impact = burn_source(case, "agent", "1930")  # the current assessor may give no posteriors
    from sevenfold.ach import assess_case

    if any(h.posterior is None for h in assess_case(case).hypotheses):
        assert impact.hypotheses == [] and any("no posterior" in n for n in impact.notes)


def test_unburn_by_id_and_by_source(build):
    case = _case(build)
    c1, _ = burn_source(case, "agent", "1937-06")
    c2, _ = burn_source(c1, "agent", "1937-08")
    c3, _ = burn_source(c2, "other", "1937-01")
    assert [b.id for b in c3.burns] == ["burn-1", "burn-2", "burn-3"]
    c4, removed = unburn(c3, "burn-2")
    assert [b.id for b in removed] == ["burn-2"] and [b.id for b in c4.burns] == ["burn-1", "burn-3"]
    c5, removed = unburn(c3, "agent")
    assert [b.id for b in removed] == ["burn-1", "burn-2"] and [b.id for b in c5.burns] == ["burn-3"]
    # a new burn after an unburn never reuses a live id
    c6, _ = burn_source(c4, "agent", "1938")
    assert len({b.id for b in c6.burns}) == 3
    with pytest.raises(NotFound, match="no burn"):
        unburn(c5, "burn-9")


def test_store_round_trip_and_stored_burns_drive_alerts(build, tmp_path):
    case = _case(build)
    store = Store(str(tmp_path / "s.db"))  # Store() does not take a Path yet
    try:
        store.import_case(case)
        new_case, impact = burn_source(store.load_case("t"), "agent", "1937-06", actor="abwehr")
        store.update_case("t", lambda c: new_case)
        loaded = store.load_case("t")
        assert [(b.id, b.source, b.since, b.actor) for b in loaded.burns] == [("burn-1", "agent", "1937-06", "abwehr")]
        alerts = [a for a in provenance_alerts(loaded, origin_groups(loaded)) if a.kind == "burned_source"]
        assert len(alerts) == 1 and set(alerts[0].reports) == {f.id for f in impact.reports + impact.derived}
        store.update_case("t", lambda c: unburn(c, "burn-1")[0])
        again = store.load_case("t")
        assert again.burns == []
        assert again.model_dump(exclude={"burns"}) == case.model_dump(exclude={"burns"})
    finally:
        store.close()


def test_store_refuses_a_burn_of_an_unknown_source(build, tmp_path):
    from sevenfold.model import Burn

    store = Store(str(tmp_path / "s.db"))  # Store() does not take a Path yet
    try:
        store.import_case(_case(build))
        bad = Burn(id="b9", source="ghost", since="1937")
        with pytest.raises(CaseValidationError, match="ghost"):
            store.update_case("t", lambda c: c.model_copy(update={"burns": [bad]}))
        assert store.load_case("t").burns == []
    finally:
        store.close()


def test_burning_the_only_strong_source_moves_posteriors_with_the_real_assessor(build):
    reports = [{"id": f"r{k}", "source": "agent", "date": "1937-07"} for k in range(4)]
    reports.append({"id": "q1", "source": "other", "date": "1937-07"})
    ratings = [{"report": f"r{k}", "hypothesis": h, "consistency": c}
               for k in range(4) for h, c in (("genuine", "CC"), ("plant", "I"))]
    ratings += [{"report": "q1", "hypothesis": "genuine", "consistency": "C"},
                {"report": "q1", "hypothesis": "plant", "consistency": "N"}]
    case = build(reports, ratings=ratings, actors=[{"id": "abwehr"}],
                 hypotheses=[{"id": "genuine"}, {"id": "plant", "deception_by": "abwehr"}])
    _, impact = burn_source(case, "agent", "1937-01", actor="abwehr")
    shifts = {h.id: h for h in impact.hypotheses}
    if not shifts:  # an assessor without posteriors says so instead
        assert any("no posterior" in n for n in impact.notes)
        return
    assert shifts["genuine"].after < shifts["genuine"].before
    assert all(abs(h.change) > POSTERIOR_SHIFT for h in impact.hypotheses)
