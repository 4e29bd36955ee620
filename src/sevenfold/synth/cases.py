"""Seeded ACH cases with ground truth: a world model independent of the assessment engine.

The world (one case). Every number below is the generator's own (module constants at the top of
this file); nothing is imported from the engine (``sevenfold.ach``), and the engine's constants were
not read off this world.

* Hypotheses: ``k`` ordinary answers ``h1 … hk`` (k in 2-4) and one deception ``plant`` by actor
  ``adv``, whose cover story is ``h1`` (the plant is built to look like h1; the hypothesis says so,
  ``mimics: h1``, as an analyst who formulates a deception hypothesis knows what it would imitate).
  Priors ~ Dirichlet(3) are written into the case; the TRUE hypothesis is drawn from those priors.
* Sources: 4-12, each with a true accuracy ~ Beta(5, 2) and a past record of Poisson(5) checked
  reports, each confirmed with that accuracy (``track_record``). 15 % have a DIRECTIONAL interest
  (``interests: [hX]``, the answer they want believed): they push it half of the time whatever the
  truth; when one of their reports asserts another answer the analyst marks it ``against_interest``
  half of the time.
* Adversary (``adversarial=True``): a share ``controlled_share`` of the sources is run by ``adv``;
  control starts at case start or at a random date. Their record is chicken feed (accuracy 0.9).
  If the plant is the truth, every report they make after control starts asserts the cover story.
  Otherwise they pass accurate information (0.9) but push the cover story 20 % of the time anyway.
  Each controlled source is flagged to the analyst with probability ``flag_rate``: as
  ``suspected_control: {by: adv, p ~ U(0.5, 0.95), since}`` (40 %), or as ``controlled_by`` / a
  ``burn`` with the actor / ``compromised_since`` without one. Honest sources are falsely suspected:
  5 % ``controlled_by: adv``, 10 % ``suspected_control`` with p ~ U(0.05, 0.4).
* Reports: 1 + Poisson(1.5) per source, dated in 1930-1937; about 6 % fall after ``as_of`` (the
  engine must ignore them). What a report asserts: an accurate report says "the truth is t"
  (75 %) or "x is false" for a wrong x (25 %); if the truth is the plant, an accurate honest source
  sees through it with probability 0.35 and otherwise reports the cover story (it was fooled).
  An inaccurate report asserts a wrong answer (drawn by prior) or denies the truth. Hearsay comes
  through one intermediary (``via``) and loses 15 % of accuracy; a coerced confession asserts
  whatever the interrogator wants (one fixed answer per case); half of all official statements
  repeat that same line (the regime's version), and their makers state that interest
  (``interests: [that answer]``). 12 % of reports are repeated by another source (``derived_from``:
  same origin).
* Where reports are read: in 30 % of cases a later compilation (a document of kind ``compilation``
  dated 1990) prints 40 % of the reports (``cited_in``, or ``document`` for half of them) — where they
  were read, not where they came from.
* Syntheses: in half of the cases a staff source writes one or two all-source assessments, each a
  ``synthesis_of`` 2-4 earlier reports of different sources (half of them also list the inputs in
  ``derived_from``), asserting what most of its inputs assert.
* Analysts (one, or two in 20 % of cases) rate each report against each hypothesis from what it
  asserts (asserted answer: CC/C; other answers: I/II), with 10 % of cells shifted one step at
  random. With ``face_value=True`` (the default) a report of the cover story counts against the plant
  (I/II) like any other answer; with ``face_value=False`` the analyst half-anticipates the plant (C or N).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from sevenfold.model import Actor, Burn, Case, CaseMeta, Hypothesis, Rating, Report, Source, TrackRecord
from sevenfold.model.entries import Consistency, Modality

try:
    from sevenfold.model.vocab import CONSISTENCY_SCALE
except ImportError:  # an older sevenfold (the benchmark runs these cases through another engine)
    CONSISTENCY_SCALE = ("CC", "C", "N", "I", "II")

SCALE = tuple(reversed(CONSISTENCY_SCALE))  # least consistent first
KINDS = ("human", "document", "official", "open", "intercept")
START, END, AS_OF = dt.date(1930, 1, 1), dt.date(1937, 6, 30), dt.date(1937, 1, 1)
COMPILED = dt.date(1990, 1, 1)

# The world's own parameters (see the module docstring); none of them is the engine's.
PRIOR_CONCENTRATION = 3.0
ACCURACY_BETA = (5.0, 2.0)
PAST_REPORTS = 5
INTERESTED_SHARE = 0.15
PUSH_RATE = 0.5
AGAINST_MARKED = 0.5
CHICKEN_FEED_ACCURACY = 0.9
COVER_PUSH_WHEN_NO_PLANT = 0.2
SEE_THROUGH = 0.35
FALSE_CONTROLLED_BY = 0.05
FALSE_SUSPICION = 0.10
HEARSAY_KEEP = 0.85
ASSERT_SHARE = 0.75
COPY_RATE = 0.12
COMPILATION_CASES = 0.3
COMPILED_SHARE = 0.4
SYNTHESIS_CASES = 0.5
CELL_NOISE = 0.1


@dataclass
class SyntheticCase:
    case: Case
    truth: str                              # id of the true hypothesis
    controlled: list[str] = field(default_factory=list)   # sources really run by the adversary
    flagged: list[str] = field(default_factory=list)      # sources the analyst was told about
    adversarial: bool = False


def _date(rng: np.random.Generator, lo: dt.date = START, hi: dt.date = END) -> dt.date:
    return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))


def _shift(rng: np.random.Generator, grade: str, noise: float) -> str:
    if rng.random() >= noise:
        return grade
    k = SCALE.index(grade) + (1 if rng.random() < 0.5 else -1)
    return SCALE[min(max(k, 0), len(SCALE) - 1)]


def generate_case(seed: int | np.random.Generator, *, adversarial: bool = False, controlled_share: float = 0.3,
                  flag_rate: float = 0.7, face_value: bool = True, case_id: str | None = None) -> SyntheticCase:
    """One case with its ground truth. ``seed`` may be an int or a NumPy Generator.

    ``face_value=True`` (default): analysts rate at face value — a report of the cover story counts
    against the plant (I/II) — the habit deception modelling has to correct. ``False``: the analyst
    half-anticipates the plant (a cover-story report is C or N against it).
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    k = int(rng.integers(2, 5))
    honest_h = [f"h{j + 1}" for j in range(k)]
    hyp_ids = [*honest_h, "plant"]
    cover = "h1"
    prior = rng.dirichlet(np.full(len(hyp_ids), PRIOR_CONCENTRATION))
    truth = hyp_ids[int(rng.choice(len(hyp_ids), p=prior))]
    interrogator_wants = honest_h[int(rng.integers(0, k))]

    n_src = int(rng.integers(4, 13))
    controlled: set[int] = set()
    if adversarial:
        n_ctrl = max(1, round(controlled_share * n_src))
        controlled = {int(i) for i in rng.choice(n_src, size=n_ctrl, replace=False)}

    sources: list[Source] = []
    burns: list[Burn] = []
    accuracy: list[float] = []
    pushes: list[str | None] = []
    control_start: list[dt.date | None] = []
    flagged: list[str] = []
    for s in range(n_src):
        sid = f"s{s + 1}"
        is_ctrl = s in controlled
        acc = CHICKEN_FEED_ACCURACY if is_ctrl else float(rng.beta(*ACCURACY_BETA))
        n_past = int(rng.poisson(PAST_REPORTS))
        confirmed = int(rng.binomial(n_past, acc))
        interested = (not is_ctrl) and rng.random() < INTERESTED_SHARE
        push = honest_h[int(rng.integers(0, k))] if interested else None
        start = None if not is_ctrl or rng.random() < 0.5 else _date(rng, START, AS_OF)
        fields: dict = {}
        if is_ctrl and rng.random() < flag_rate:
            flagged.append(sid)
            how = rng.random()
            if how < 0.4:
                fields["suspected_control"] = {"by": "adv", "p": round(float(rng.uniform(0.5, 0.95)), 2),
                                               **({"since": start.isoformat()} if start else {})}
            elif start is None:
                fields["controlled_by"] = "adv"
            elif how < 0.7:
                burns.append(Burn(id=f"burn-{sid}", source=sid, since=start.isoformat(), actor="adv"))
            else:
                fields["compromised_since"] = start.isoformat()
        elif not is_ctrl:
            u = rng.random()
            if u < FALSE_CONTROLLED_BY:
                fields["controlled_by"] = "adv"  # a false suspicion
            elif u < FALSE_CONTROLLED_BY + FALSE_SUSPICION:
                fields["suspected_control"] = {"by": "adv", "p": round(float(rng.uniform(0.05, 0.4)), 2)}
        sources.append(Source.model_validate({
            "id": sid, "name": f"Source {s + 1}", "kind": KINDS[int(rng.integers(0, len(KINDS)))],
            "interests": [push] if push else [],
            "track_record": TrackRecord(confirmed=confirmed, refuted=n_past - confirmed), **fields}))
        accuracy.append(acc)
        pushes.append(push)
        control_start.append(start)

    def wrong_answer() -> str:
        others = [h for h in hyp_ids if h != truth]
        p = np.array([prior[hyp_ids.index(h)] for h in others])
        return others[int(rng.choice(len(others), p=p / p.sum()))]

    def assertion(s: int, date: dt.date, modality: str) -> tuple[str, bool]:
        """(hypothesis, asserted_true) for one report of source s."""
        if modality == "coerced_confession" or (modality == "official_statement" and rng.random() < 0.5):
            return interrogator_wants, True  # the regime's line, whatever the truth
        start = control_start[s]
        fed = s in controlled and (start is None or date >= start)
        if fed and (truth == "plant" or rng.random() < COVER_PUSH_WHEN_NO_PLANT):
            return cover, True
        push = pushes[s]
        if push is not None and rng.random() < PUSH_RATE:
            return push, True
        acc = accuracy[s] * (HEARSAY_KEEP if modality == "hearsay" else 1.0)
        if rng.random() < acc:
            seen = truth
            if truth == "plant" and s not in controlled and rng.random() >= SEE_THROUGH:
                seen = cover  # fooled by the plant
            if rng.random() < ASSERT_SHARE:
                return seen, True
            return [h for h in hyp_ids if h != seen][int(rng.integers(0, len(hyp_ids) - 1))], False
        if rng.random() < ASSERT_SHARE:
            return wrong_answer(), True
        return truth, False

    modalities = ("observation", "document", "hearsay", "intercept", "official_statement", "confession",
                  "coerced_confession")
    mod_p = np.array([0.35, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05])
    reports: list[Report] = []
    asserted: list[tuple[str, bool]] = []
    for s in range(n_src):
        for _ in range(1 + int(rng.poisson(1.5))):
            date = _date(rng)
            modality = cast(Modality, str(rng.choice(modalities, p=mod_p)))
            if (modality == "official_statement" and pushes[s] is None and s not in controlled
                    and interrogator_wants not in sources[s].interests):
                sources[s].interests.append(interrogator_wants)  # speaks for the regime's line
            via = []
            if modality == "hearsay" and n_src > 1:
                via = [f"s{int(rng.choice([j for j in range(n_src) if j != s])) + 1}"]
            what = assertion(s, date, modality)
            rid = f"r{len(reports) + 1}"
            extra: dict = {}
            if pushes[s] is not None and what[1] and what[0] != pushes[s] and rng.random() < AGAINST_MARKED:
                extra["against_interest"] = True
            reports.append(Report.model_validate({
                "id": rid, "source": f"s{s + 1}", "date": date.isoformat(), "modality": modality, "via": via,
                "text": f"{'asserts' if what[1] else 'denies'} {what[0]}", **extra}))
            asserted.append(what)
            if rng.random() < COPY_RATE and n_src > 1:  # repeated by another source: same origin
                other = int(rng.choice([j for j in range(n_src) if j != s]))
                reports.append(Report(id=f"r{len(reports) + 1}", source=f"s{other + 1}",
                                      date=(date + dt.timedelta(days=int(rng.integers(1, 60)))).isoformat(),
                                      modality="hearsay", derived_from=[rid], text=f"repeats {rid}"))
                asserted.append(what)

    documents: list[dict] = []
    if rng.random() < COMPILATION_CASES:  # a later compilation prints some reports: where they were read
        documents.append({"id": "compilation", "kind": "compilation", "date": COMPILED.isoformat(),
                          "citation": "a documentary compilation (1990)"})
        for i, rep in enumerate(reports):
            if rng.random() < COMPILED_SHARE:
                key = "cited_in" if rng.random() < 0.5 else "document"
                reports[i] = Report.model_validate({**rep.model_dump(exclude_defaults=True), key: "compilation"})

    if rng.random() < SYNTHESIS_CASES and len(reports) >= 3:
        staff = f"s{n_src + 1}"
        sources.append(Source.model_validate({"id": staff, "name": "Intelligence staff", "kind": "human"}))
        for _ in range(1 + int(rng.random() < 0.5)):
            by_source: dict[str, int] = {}
            for i, rep in enumerate(reports):
                if rep.source != staff and date_ok(rep.date):
                    by_source.setdefault(rep.source, i)
            pool = list(by_source.values())
            if len(pool) < 2:
                break
            inputs = sorted(int(i) for i in rng.choice(pool, size=min(len(pool), int(rng.integers(2, 5))),
                                                       replace=False))
            votes: dict[str, int] = {}
            for i in inputs:
                h, positive = asserted[i]
                if positive:
                    votes[h] = votes.get(h, 0) + 1
            if not votes:
                continue
            top = max(sorted(votes), key=lambda h: votes[h])
            ids = [reports[i].id for i in inputs]
            last = max(dt.date.fromisoformat(str(reports[i].date)) for i in inputs)
            reports.append(Report.model_validate({
                "id": f"r{len(reports) + 1}", "source": staff, "modality": "assessment",
                "date": min(last + dt.timedelta(days=30), END).isoformat(), "synthesis_of": ids,
                **({"derived_from": ids} if rng.random() < 0.5 else {}), "text": f"all-source: {top}"}))
            asserted.append((top, True))

    n_analysts = 2 if rng.random() < 0.2 else 1
    ratings: list[Rating] = []
    for a in range(n_analysts):
        analyst = f"analyst{a + 1}" if n_analysts > 1 else None
        for rep, (x, positive) in zip(reports, asserted, strict=True):
            for h in hyp_ids:
                if positive:
                    if h == x:
                        g = "CC" if rng.random() < 0.3 else "C"
                    elif h == "plant" and x == cover and not face_value:
                        g = "C" if rng.random() < 0.5 else "N"
                    else:
                        g = "II" if rng.random() < 0.3 else "I"
                else:
                    if h == x:
                        g = "II" if rng.random() < 0.4 else "I"
                    elif h == "plant" and x == cover and not face_value:
                        g = "N"
                    else:
                        g = "C" if rng.random() < 0.5 else "N"
                grade = cast(Consistency, _shift(rng, g, CELL_NOISE))
                ratings.append(Rating(report=rep.id, hypothesis=h, consistency=grade, analyst=analyst))

    hyps = [Hypothesis(id=h, statement=f"answer {h}", prior=float(p)) for h, p in zip(honest_h, prior, strict=False)]
    hyps.append(Hypothesis.model_validate({"id": "plant", "statement": "a plant by the adversary made to look like h1",
                                           "prior": float(prior[-1]), "deception_by": "adv", "mimics": cover}))
    case = Case.model_validate({
        "case": CaseMeta(id=case_id or "synthetic", title="synthetic case", question="which answer?",
                         as_of=AS_OF.isoformat()),
        "actors": [Actor(id="adv", name="adversary service")], "sources": sources, "reports": reports,
        "documents": documents, "hypotheses": hyps, "ratings": ratings, "burns": burns})
    return SyntheticCase(case=case, truth=truth, controlled=sorted(f"s{s + 1}" for s in controlled),
                         flagged=flagged, adversarial=adversarial)


def date_ok(date: object) -> bool:
    """A report dated no later than as_of (syntheses are written from what was known then)."""
    return date is not None and dt.date.fromisoformat(str(date)) <= AS_OF


def generate_cases(n: int, seed: int = 0, *, adversarial_share: float = 0.5, controlled_share: float = 0.3,
                   flag_rate: float = 0.7, face_value: bool = True) -> list[SyntheticCase]:
    """``n`` cases; the first ``adversarial_share`` of them (rounded) have adversary-controlled sources."""
    rng = np.random.default_rng(seed)
    n_adv = round(adversarial_share * n)
    return [generate_case(rng, adversarial=i < n_adv, controlled_share=controlled_share, flag_rate=flag_rate,
                          face_value=face_value, case_id=f"synthetic-{seed}-{i}") for i in range(n)]
