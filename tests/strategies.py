"""Hypothesis strategies that generate valid sevenfold/1 case data."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

SLUG = st.from_regex(r"[a-z][a-z0-9\-]{0,11}", fullmatch=True)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
DATE = st.one_of(
    st.none(),
    st.dates().filter(lambda d: d.year >= 1000).map(lambda d: d.isoformat()),
    st.integers(1800, 2030).map(lambda y: f"{y:04d}"),
    st.tuples(st.integers(1800, 2030), st.integers(1, 12)).map(lambda t: f"{t[0]:04d}-{t[1]:02d}"),
)
VALUE = st.one_of(st.booleans(), st.integers(-10**6, 10**6), TEXT.filter(bool),
                  st.lists(TEXT.filter(bool), max_size=3))
EXTRA = st.dictionaries(st.sampled_from(["note", "quote", "footnote", "x-custom"]),
                        st.one_of(TEXT, st.integers(0, 99)), max_size=2)


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


@st.composite
def case_data(draw: st.DrawFn) -> dict[str, Any]:
    n_actors = draw(st.integers(0, 3))
    n_sources = draw(st.integers(1, 5))
    n_docs = draw(st.integers(0, 3))
    n_reports = draw(st.integers(0, 8))
    n_hyps = draw(st.integers(1, 4))
    actors = _ids("a", n_actors)
    sources = _ids("s", n_sources)
    docs = _ids("d", n_docs)
    reports = _ids("r", n_reports)
    hyps = _ids("h", n_hyps)
    maybe_actor = st.sampled_from([None, *actors])
    data: dict[str, Any] = {
        "format": "sevenfold/1",
        "case": {"id": draw(SLUG), "title": draw(TEXT), "question": draw(TEXT), **(
            {"as_of": d} if (d := draw(DATE)) else {})},
    }
    if actors:
        data["actors"] = [{"id": a, "name": draw(TEXT), "aliases": draw(st.lists(TEXT, max_size=2))} for a in actors]
    data["sources"] = []
    for s in sources:
        entry: dict[str, Any] = {"id": s, "name": draw(TEXT),
                                 "kind": draw(st.sampled_from(["human", "document", "official", "intercept",
                                                               "open", "technical"])),
                                 "access": draw(st.sampled_from(["direct", "indirect", "unknown"])),
                                 "interests": draw(st.lists(TEXT, max_size=2))}
        if (a := draw(maybe_actor)) is not None:
            entry["controlled_by"] = a
        if (d := draw(DATE)) is not None:
            entry["compromised_since"] = d
        if draw(st.booleans()):
            entry["track_record"] = {"confirmed": draw(st.integers(0, 50)), "refuted": draw(st.integers(0, 50))}
        entry.update(draw(EXTRA))
        data["sources"].append(entry)
    if docs:
        data["documents"] = [{"id": d, "citation": draw(TEXT), "title": draw(TEXT),
                              **({"date": dt} if (dt := draw(DATE)) else {})} for d in docs]
    if reports:
        data["reports"] = []
        for i, r in enumerate(reports):
            entry = {"id": r, "source": draw(st.sampled_from(sources)),
                     "modality": draw(st.sampled_from(["observation", "hearsay", "document", "confession",
                                                        "coerced_confession", "official_statement", "intercept",
                                                        "assessment"])),
                     "text": draw(TEXT),
                     "via": draw(st.lists(st.sampled_from(sources), max_size=2)),
                     "derived_from": draw(st.lists(st.sampled_from(reports[:i]), max_size=2, unique=True))
                     if i else [],
                     "claims": [{"object": draw(SLUG), "attribute": draw(SLUG), "value": draw(VALUE)}
                                for _ in range(draw(st.integers(0, 3)))]}
            if docs and draw(st.booleans()):
                entry["document"] = draw(st.sampled_from(docs))
            if (d := draw(DATE)) is not None:
                entry["date"] = d
            entry.update(draw(EXTRA))
            data["reports"].append(entry)
    data["hypotheses"] = []
    for h in hyps:
        entry = {"id": h, "statement": draw(TEXT)}
        if (a := draw(maybe_actor)) is not None:
            entry["deception_by"] = a
        data["hypotheses"].append(entry)
    if reports:
        cells = draw(st.lists(st.tuples(st.sampled_from(reports), st.sampled_from(hyps),
                                        st.sampled_from([None, "alice", "bob"])), max_size=12, unique=True))
        data["ratings"] = []
        for rep, hyp, analyst in cells:
            rating: dict[str, Any] = {"report": rep, "hypothesis": hyp,
                                      "consistency": draw(st.sampled_from(["CC", "C", "N", "I", "II", "NA"]))}
            if analyst:
                rating["analyst"] = analyst
            if draw(st.booleans()):
                rating["likelihood"] = draw(st.floats(0.01, 1.0))
            data["ratings"].append(rating)
        data["outcomes"] = [{"report": draw(st.sampled_from(reports)),
                             "verdict": draw(st.sampled_from(["confirmed", "refuted", "unresolved"]))}
                            for _ in range(draw(st.integers(0, 2)))]
    return data
