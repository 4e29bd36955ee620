"""Cases for the picture tests: a 100-report case with every kind of date precision and link."""

from __future__ import annotations

from sevenfold.model import Case, Outcome
from sevenfold.provenance.synth import planted_origin_case

NAMES = ["Agent of the Berlin residency, codename Breitenbach", "Foreign Ministry press office",
         "Anonymous émigré informant", "Ц. Звезда (Центр)", "Legal residency, Paris"]


def case_100(seed: int = 1, case_id: str = "pictures-100") -> Case:
    """:func:`planted_origin_case` with 100 reports, made harder to draw: a ninth of the dates cut to
    the year and a fifth to the month, long source names (two scripts), a synthesis and outcomes."""
    c = planted_origin_case(100, seed=seed, case_id=case_id).case
    reports = []
    for k, r in enumerate(c.reports):
        date = r.date
        if date and k % 9 == 0:
            date = date[:4]
        elif date and k % 5 == 0:
            date = date[:7]
        reports.append(r.model_copy(update={"date": date}))
    last = reports[-1]
    reports[-1] = last.model_copy(update={"synthesis_of": [reports[0].id, reports[3].id], "derived_from": []})
    sources = [s.model_copy(update={"name": NAMES[k % len(NAMES)] + f" ({s.id})"}) if k < 12 else s
               for k, s in enumerate(c.sources)]
    outcomes = [Outcome(report=reports[5].id, verdict="confirmed", date="1941"),
                Outcome(report=reports[8].id, verdict="refuted", date="1939-09-01")]
    return c.model_copy(update={"reports": reports, "sources": sources, "outcomes": outcomes})
