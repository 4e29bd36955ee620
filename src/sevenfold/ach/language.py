"""Words for numbers: ICD 203 estimative language, Admiralty/NATO grades, confidence levels.

Every threshold lives here, once, and is documented in docs/assessment.md.
"""

from __future__ import annotations

from sevenfold.ach.result import ConfidenceLevel

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
# Credibility uses the posterior WITHOUT the report's own origin: q = P(what the report points to |
# every other origin) and the Bayes factor bf = odds(q) / odds(prior of the same hypotheses), i.e.
# how far the other, independent origins moved those hypotheses.
CREDIBILITY_CONFIRMED = 0.80   # q for grade 1 (with corroboration)
CREDIBILITY_PROBABLE = 0.60    # q for grade 2 (with corroboration)
CREDIBILITY_BF_PROBABLE = 3.0  # ... or other origins raise its odds 3-fold (with corroboration)
CREDIBILITY_BF_POSSIBLE = 0.5  # bf for grade 3: other origins neutral or mildly against
CREDIBILITY_BF_DOUBTFUL = 0.2  # bf for grade 4; below it grade 5 (contradicted)


def credibility_grade(q: float, bf: float, *, informative: bool, corroborated: bool,
                      outcome: str | None) -> int:
    """1-6 for one report (Admiralty credibility).

    ``corroborated``: at least one other independent origin, from another source, points the same way.
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
    if corroborated and q >= CREDIBILITY_CONFIRMED and bf >= CREDIBILITY_BF_PROBABLE:
        return 1
    if corroborated and ((q >= CREDIBILITY_PROBABLE and bf > 1.0) or bf >= CREDIBILITY_BF_PROBABLE):
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


def confidence_level(p_top: float, n_support: int, n_reliable: int,
                     has_linchpin: bool) -> tuple[ConfidenceLevel, str]:
    """(level, reason) from the top posterior, supporting independent origins and their reliability."""
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
    if n_support < 2:
        reasons.append(f"only {n_support} independent origin(s) favour it")
    elif n_reliable < 1:
        reasons.append("no supporting origin comes from a reliable source")
    elif has_linchpin:
        reasons.append("removing one report changes the verdict")
    return "low", "; ".join(reasons) or counts
