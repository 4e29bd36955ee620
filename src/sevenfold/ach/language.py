"""Words for numbers: ICD 203 estimative language, Admiralty/NATO grades, confidence levels.

Every threshold lives here, once, and is documented in docs/assessment.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sevenfold.model.results import ConfidenceLevel

if TYPE_CHECKING:
    from sevenfold.model import Case
    from sevenfold.model.results import Assessment

# ICD 203 (2015) "expressions of likelihood". Each band is [lower, upper); the even-chance band is
# closed on both sides and the top band includes 1.0. ICD 203 leaves 0-1 % and 99-100 % unnamed: we
# fold them into the outermost bands rather than print a number without words.
ESTIMATIVE_BANDS: tuple[tuple[float, str], ...] = (
    (0.05, "almost no chance"),      # p < 0.05
    (0.20, "very unlikely"),         # 0.05 <= p < 0.20
    (0.45, "unlikely"),              # 0.20 <= p < 0.45
    (0.55, "roughly even chance"),   # 0.45 <= p <= 0.55
    (0.80, "likely"),                # 0.55 < p < 0.80
    (0.95, "very likely"),           # 0.80 <= p < 0.95
    (1.01, "almost certain"),        # p >= 0.95
)


def estimative(p: float) -> str:
    """ICD 203 expression for probability ``p``."""
    if 0.45 <= p <= 0.55:
        return "roughly even chance"
    for upper, words in ESTIMATIVE_BANDS:
        if p < upper:
            return words
    return "almost certain"


def probability_text(p: float, *, percent: bool = False) -> str:
    """``p`` written with as few digits as keep it in its own estimative band.

    Two decimals (or a whole percent) as a rule; more where rounding would cross a band edge, so the
    number never contradicts its words: 0.198 is "very unlikely" and is shown as 0.198 (19.8 %), not
    as 0.20, the lower edge of "unlikely".
    """
    text = ""
    for digits in range(2, 8):
        text = f"{100 * p:.{digits - 2}f}%" if percent else f"{p:.{digits}f}"
        if estimative(round(p, digits)) == estimative(p):
            break
    return text


# Admiralty (NATO STANAG 2511 / AJP-2.1) source reliability, computed from the Beta posterior of a
# source's reliability. A needs both a high mean and a tight posterior (a long, clean record).
ADMIRALTY_WORDS = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
ADMIRALTY_A_MEAN = 0.90
ADMIRALTY_A_LOWER = 0.80  # 10th percentile of the Beta posterior
ADMIRALTY_B = 0.75
ADMIRALTY_C = 0.60
ADMIRALTY_D = 0.45


def admiralty_grade(mean: float, lower10: float, observations: float, *, suspect: bool) -> str:
    """A-F from the posterior mean and 10th percentile; F when nothing is known beyond the prior.

    A source suspected of being controlled or burned is graded at best D: its record may be the
    "chicken feed" a controlled channel builds before passing a plant.
    """
    if observations <= 0:
        return "F"
    if mean >= ADMIRALTY_A_MEAN and lower10 >= ADMIRALTY_A_LOWER:
        grade = "A"
    elif mean >= ADMIRALTY_B:
        grade = "B"
    elif mean >= ADMIRALTY_C:
        grade = "C"
    elif mean >= ADMIRALTY_D:
        grade = "D"
    else:
        grade = "E"
    if suspect and grade in "ABC":
        grade = "D"
    return grade


CREDIBILITY_WORDS = {
    1: "confirmed by independent origins",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
# Credibility means "the content is true". With the posterior WITHOUT the report's own origin,
# q = P(content true | every other origin) = Σ_h P(h | other origins) · T(h), where T(h) = 1 when the
# content is true under h (see bayes.content_truth), and the Bayes factor bf = odds(q) / odds(q0), q0 the
# same sum over the priors: how far the other, independent origins moved the odds that it is true.
CREDIBILITY_CONFIRMED = 0.80   # q for grade 1 (with corroboration and bf >= 3)
CREDIBILITY_PROBABLE = 0.60    # q for grade 2 (with corroboration and bf >= 2)
CREDIBILITY_BF_CONFIRMED = 3.0  # other origins raised the odds that it is true at least 3-fold
CREDIBILITY_BF_PROBABLE = 2.0   # ... at least 2-fold: a Bayes factor near 1 never earns 1 or 2
# A deception hypothesis is live when P(it | other origins) is at least this; a report it explains as fed
# (its content false under it) is then never graded 1 or 2.
LIVE_DECEPTION = 0.10
CREDIBILITY_BF_POSSIBLE = 0.5  # bf for grade 3: other origins neutral or mildly against
CREDIBILITY_BF_DOUBTFUL = 0.2  # bf for grade 4; below it grade 5 (contradicted)


def credibility_grade(q: float, bf: float, *, informative: bool, corroborated: bool,
                      outcome: str | None, fed_by_live_deception: bool = False) -> int:
    """1-6 for one report (Admiralty credibility).

    ``q``: P(content true | other origins); ``bf``: how far the other origins moved its odds.
    ``corroborated``: at least one other independent origin, from another source, points the same way.
    ``fed_by_live_deception``: a live deception hypothesis explains the report as fed (grade 3 at best).
    A recorded outcome dated <= as_of overrides: confirmed -> 1, refuted -> 5; a report with no
    bearing on any hypothesis is 6.
    """
    if outcome == "confirmed":
        return 1
    if outcome == "refuted":
        return 5
    if not informative:
        return 6
    # q alone can be high because the prior already was: the other origins must also have moved the odds
    # (a report "confirmed" at q 0.81 against a prior of 0.75 had a Bayes factor of 1.4; review finding)
    if corroborated and not fed_by_live_deception:
        if q >= CREDIBILITY_CONFIRMED and bf >= CREDIBILITY_BF_CONFIRMED:
            return 1
        if q >= CREDIBILITY_PROBABLE and bf >= CREDIBILITY_BF_PROBABLE:
            return 2
    if bf >= CREDIBILITY_BF_POSSIBLE:
        return 3
    if bf >= CREDIBILITY_BF_DOUBTFUL:
        return 4
    return 5


# Confidence in the top judgement (ICD 203 asks for it separately from likelihood). It counts
# independent ORIGINS that favour the top hypothesis over its runner-up, and how reliable they are.
CONFIDENCE_RELIABLE = 0.70          # an origin is "reliable" if its best effective reliability >= this
CONFIDENCE_HIGH_POSTERIOR = 0.80
CONFIDENCE_MODERATE_POSTERIOR = 0.55
SUPPORT_MARGIN = 0.05               # nats: an origin "favours" top if it beats the runner-up by this
# Near tie: a hypothesis within this factor of the top's probability stands level with it. In a near
# tie no hypothesis "stands out", no linchpin is declared and confidence is low.
NEAR_TIE_RATIO = 1.25


def near_tie(posteriors: dict[str, float] | list[tuple[str, float]]) -> list[str]:
    """Ids of the hypotheses level with the top (top first) when two or more are; else []."""
    items = sorted(posteriors.items() if isinstance(posteriors, dict) else posteriors, key=lambda kv: -kv[1])
    if len(items) < 2 or items[0][1] <= 0:
        return []
    level = [h for h, p in items if p * NEAR_TIE_RATIO > items[0][1]]
    return level if len(level) >= 2 else []


def tie_text(posteriors: dict[str, float], ids: list[str]) -> str:
    """'a (36%), b (33%) and c (31%)'."""
    parts = [f"{h} ({probability_text(posteriors[h], percent=True)})" for h in ids]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def bottom_line_text(hypotheses: list[tuple[str, str, float]]) -> str | None:
    """The bottom line in words from (id, statement, posterior), top first; None without posteriors.

    In a near tie it says that no hypothesis stands out and names them, instead of calling the leader
    "unlikely" (which reads as a rejection of the hypothesis that leads).
    """
    if not hypotheses:
        return None
    post = {h: p for h, _, p in hypotheses}
    tied = near_tie(post)
    if tied:
        return (f"No hypothesis stands out: {tie_text(post, tied)} are level "
                f"(within a factor {NEAR_TIE_RATIO:g} of each other); the evidence does not decide between them.")
    hid, statement, p = hypotheses[0]
    return f"It is {estimative(p)} ({probability_text(p, percent=True)}) that: {statement or hid}."


def confidence_level(p_top: float, n_support: int, n_reliable: int,
                     has_linchpin: bool, tied: str = "", *, equal_priors: bool = False) -> tuple[ConfidenceLevel, str]:
    """(level, reason) from the top posterior, supporting independent origins and their reliability.

    ``tied``: the near tie in words (empty when the top stands out): confidence is then low.
    ``equal_priors``: every hypothesis has the same prior, so none can lead on its prior.
    """
    if tied:
        return "low", f"no hypothesis stands out: {tied} are level"
    counts = f"{n_support} independent origin(s) favour it, {n_reliable} of them from reliable sources"
    if p_top >= CONFIDENCE_HIGH_POSTERIOR and n_support >= 3 and n_reliable >= 2 and not has_linchpin:
        return "high", f"posterior {p_top:.2f}; {counts}; no single report decides it"
    if p_top >= CONFIDENCE_MODERATE_POSTERIOR and n_support >= 2 and n_reliable >= 1:
        why = f"posterior {p_top:.2f}; {counts}"
        if has_linchpin:
            why += "; removing one report changes the verdict"
        return "moderate", why
    reasons = []
    if p_top < CONFIDENCE_MODERATE_POSTERIOR:
        reasons.append(f"posterior only {p_top:.2f}")
    if n_support == 0:
        reasons.append("no independent origin favours it over its runner-up: it leads on the evidence "
                       "against the others" + ("" if equal_priors else " and on its prior"))
    elif n_support == 1:
        reasons.append("a single independent origin favours it")
    elif n_reliable < 1:
        reasons.append("no supporting origin comes from a reliable source")
    elif has_linchpin:
        reasons.append("removing one report changes the verdict")
    return "low", "; ".join(reasons) or counts


def budget_text(hypothesis: str, flips_to: str | None, origins: list[str], size: int | None) -> str:
    """The deception budget in words."""
    if size is None:
        return (f"no set of origins, if controlled, would put another hypothesis level with {hypothesis}: "
                "its lead rests on the prior")
    which = ("; " if any(", " in o for o in origins) else ", ").join(origins)  # names: "o1 — a, relayed by b"
    if size == 1:
        return (f"1 independent origin ({which}): one channel decides this verdict — controlled, it would let "
                f"{flips_to} draw level with or overtake {hypothesis}")
    return (f"{size} independent origins ({which}) would have to be controlled for {flips_to} to draw level "
            f"with or overtake {hypothesis}")


def deception_budget_line(assessment: Assessment, case: Case | None = None) -> str | None:
    """The deception budget of ``assessment`` in words (None without one); with the assessed ``case``, each
    origin named after the sources it started with (:func:`sevenfold.model.custody.origin_names`:
    "o1 — curveball, relayed by bnd"), as in alerts."""
    budget = assessment.deception_budget
    if budget is None:
        return None
    from sevenfold.model.custody import origin_names

    names = origin_names(case.reports, assessment.origins or []) if case is not None else {}
    return budget_text(budget.hypothesis, budget.flips_to, [names.get(o, o) for o in budget.origins], budget.size)
