"""Seeded ACH cases with ground truth: a world model independent of the assessment engine.

The world (one case):

* Hypotheses: ``k`` ordinary answers ``h1 … hk`` (k in 2-4) and one deception ``plant`` by actor
  ``adv``, whose cover story is ``h1`` (the plant is built to look like h1; the hypothesis says so,
  ``mimics: h1``, as an analyst who formulates a deception hypothesis knows what it would imitate).
  Priors ~ Dirichlet(3) are written into the case; the TRUE hypothesis is drawn from those priors.
* Sources: 4-12, each with a true accuracy ~ Beta(5, 2) and a past record of Poisson(5) checked
  reports, each confirmed with that accuracy (``track_record``). 15 % have an interest: they push
  their preferred answer half of the time whatever the truth.
* Adversary (``adversarial=True``): a share ``controlled_share`` of the sources is run by ``adv``;
  control starts at case start or at a random date. Their record is chicken feed (accuracy 0.9).
  If the plant is the truth, every report they make after control starts asserts the cover story.
  Otherwise they pass accurate information (0.9) but push the cover story 20 % of the time anyway.
  Each controlled source is flagged to the analyst with probability ``flag_rate`` (``controlled_by``,
  a ``burn`` with the actor, or ``compromised_since`` without one); 5 % of honest sources are
  falsely suspected (``controlled_by: adv``).
* Reports: 1 + Poisson(1.5) per source, dated in 1930-1937; about 6 % fall after ``as_of`` (the
  engine must ignore them). What a report asserts: an accurate report says "the truth is t"
  (75 %) or "x is false" for a wrong x (25 %); if the truth is the plant, an accurate honest source
  sees through it with probability 0.35 and otherwise reports the cover story (it was fooled).
  An inaccurate report asserts a wrong answer (drawn by prior) or denies the truth. Hearsay comes
  through one intermediary (``via``) and loses 15 % of accuracy; a coerced confession asserts
  whatever the interrogator wants (one fixed answer per case); half of all official statements
  repeat that same line (the regime's version), and their makers are marked as interested.
  12 % of reports are repeated by another source (``derived_from``: same origin).
* Analysts (one, or two in 20 % of cases) rate each report against each hypothesis from what it
  asserts (asserted answer: CC/C; other answers: I/II; the plant vs a cover-story report: C or N,
  because a plant is made to look like its cover), with 10 % of cells shifted one step at random.

Nothing here calls the assessment engine; the engine's constants (likelihood map, modality
weights) are not used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from sevenfold.model import (
    Actor,
    Burn,
    Case,
    CaseMeta,
    Hypothesis,
    Rating,
    Report,
    Source,
    TrackRecord,
)
from sevenfold.model.entries import Consistency, Modality

SCALE = ("II", "I", "N", "C", "CC")
KINDS = ("human", "document", "official", "open", "intercept")
START, END, AS_OF = dt.date(1930, 1, 1), dt.date(1937, 6, 30), dt.date(1937, 1, 1)


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
                  flag_rate: float = 0.7, face_value: bool = False, case_id: str | None = None) -> SyntheticCase:
    """One case with its ground truth. ``seed`` may be an int or a NumPy Generator.

    ``face_value=True``: analysts rate at face value — a report of the cover story counts against the
    plant (I) instead of C/N — the habit deception modelling has to correct.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    k = int(rng.integers(2, 5))
    honest_h = [f"h{j + 1}" for j in range(k)]
    hyp_ids = [*honest_h, "plant"]
    cover = "h1"
    prior = rng.dirichlet(np.full(len(hyp_ids), 3.0))
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
        acc = 0.9 if is_ctrl else float(rng.beta(5, 2))
        n_past = int(rng.poisson(5))
        confirmed = int(rng.binomial(n_past, acc))
        interested = (not is_ctrl) and rng.random() < 0.15
        push = honest_h[int(rng.integers(0, k))] if interested else None
        start = None if not is_ctrl or rng.random() < 0.5 else _date(rng, START, AS_OF)
        fields: dict = {}
        if is_ctrl and rng.random() < flag_rate:
            flagged.append(sid)
            if start is None:
                fields["controlled_by"] = "adv"
            elif rng.random() < 0.5:
                burns.append(Burn(id=f"burn-{sid}", source=sid, since=start.isoformat(), actor="adv"))
            else:
                fields["compromised_since"] = start.isoformat()
        elif not is_ctrl and rng.random() < 0.05:
            fields["controlled_by"] = "adv"  # a false suspicion
        sources.append(Source.model_validate({
            "id": sid, "name": f"Source {s + 1}", "kind": KINDS[int(rng.integers(0, len(KINDS)))],
            "interests": [f"prefers {push}"] if push else [],
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
        if fed and (truth == "plant" or rng.random() < 0.2):
            return cover, True
        push = pushes[s]
        if push is not None and rng.random() < 0.5:
            return push, True
        acc = accuracy[s] * (0.85 if modality == "hearsay" else 1.0)
        if rng.random() < acc:
            seen = truth
            if truth == "plant" and s not in controlled and rng.random() >= 0.35:
                seen = cover  # fooled by the plant
            if rng.random() < 0.75:
                return seen, True
            return [h for h in hyp_ids if h != seen][int(rng.integers(0, len(hyp_ids) - 1))], False
        if rng.random() < 0.75:
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
            if modality == "official_statement" and pushes[s] is None and s not in controlled:
                sources[s].interests.append("speaks for an interested office")
            via = []
            if modality == "hearsay" and n_src > 1:
                via = [f"s{int(rng.choice([j for j in range(n_src) if j != s])) + 1}"]
            what = assertion(s, date, modality)
            rid = f"r{len(reports) + 1}"
            reports.append(Report(id=rid, source=f"s{s + 1}", date=date.isoformat(), modality=modality, via=via,
                                  text=f"{'asserts' if what[1] else 'denies'} {what[0]}"))
            asserted.append(what)
            if rng.random() < 0.12 and n_src > 1:  # repeated by another source: same origin
                other = int(rng.choice([j for j in range(n_src) if j != s]))
                reports.append(Report(id=f"r{len(reports) + 1}", source=f"s{other + 1}",
                                      date=(date + dt.timedelta(days=int(rng.integers(1, 60)))).isoformat(),
                                      modality="hearsay", derived_from=[rid], text=f"repeats {rid}"))
                asserted.append(what)

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
                    elif h == "plant" and x == cover:
                        g = "N"
                    else:
                        g = "C" if rng.random() < 0.5 else "N"
                ratings.append(Rating(report=rep.id, hypothesis=h, consistency=cast(Consistency, _shift(rng, g, 0.1)),
                                      analyst=analyst))

    hyps = [Hypothesis(id=h, statement=f"answer {h}", prior=float(p)) for h, p in zip(honest_h, prior, strict=False)]
    hyps.append(Hypothesis.model_validate({"id": "plant", "statement": "a plant by the adversary made to look like h1",
                                           "prior": float(prior[-1]), "deception_by": "adv", "mimics": cover}))
    case = Case(case=CaseMeta(id=case_id or "synthetic", title="synthetic case", question="which answer?",
                              as_of=AS_OF.isoformat()),
                actors=[Actor(id="adv", name="adversary service")], sources=sources, reports=reports,
                hypotheses=hyps, ratings=ratings, burns=burns)
    return SyntheticCase(case=case, truth=truth, controlled=sorted(f"s{s + 1}" for s in controlled),
                         flagged=flagged, adversarial=adversarial)


def generate_cases(n: int, seed: int = 0, *, adversarial_share: float = 0.5, controlled_share: float = 0.3,
                   flag_rate: float = 0.7, face_value: bool = False) -> list[SyntheticCase]:
    """``n`` cases; the first ``adversarial_share`` of them (rounded) have adversary-controlled sources."""
    rng = np.random.default_rng(seed)
    n_adv = round(adversarial_share * n)
    return [generate_case(rng, adversarial=i < n_adv, controlled_share=controlled_share, flag_rate=flag_rate,
                          face_value=face_value, case_id=f"synthetic-{seed}-{i}") for i in range(n)]
