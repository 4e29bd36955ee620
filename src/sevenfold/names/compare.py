"""Scoring two names: string similarity of the folded keys plus name-structure alignment.

The score of a pair is the best of four views of it, each in [0, 1]:

``whole``    rapidfuzz ``ratio`` of the compact keys (all tokens joined: "Mao Zedong" = "毛泽东");
``reading``  the same with the pinyin reading of Wade-Giles names ("Mao Tse-tung" → "mao zedong");
``order``    the same with tokens sorted (family-name-first vs given-name-first);
``structure`` token alignment (greedy pairing on a token similarity matrix) where an initial
             matches any token with that first letter, a missing patronymic or middle name costs
             little ("V. M. Zarubin" ~ "Vasilii Mikhailovich Zarubin") and one badly matched token
             pulls the score down.

See :func:`combination_mode` for which views decide which pairs.

An alias table (bundled gazetteer + case aliases + user file) overrides: two listed variants of the
same entity score 1.0; a name close to a listed variant inherits the variant's link.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from sevenfold.names.fold import fold_ascii
from sevenfold.names.normalise import NameForm

# Chosen on the DeezyMatch train+finetune splits only, as the F1-best threshold
# (benchmarks/names_bench.py --choose-threshold); never on a test split. With the short-name cap
# (SHORT_NAME_CAP, 0.60) the F1-best point on those splits is the cap itself; the threshold stays above
# it so that a capped pair never matches.
DEFAULT_THRESHOLD = 0.65
# High-precision operating point for merge *suggestions* (names resolve): the lowest threshold with
# precision >= 0.93 on the same train+finetune splits. A false merge hides an independent voice.
SUGGEST_THRESHOLD = 0.91

# An unmatched full token (a patronymic or middle name one source leaves out) costs this much.
MISSING_TOKEN_PENALTY = 0.05
# When one name is a single token ("Zarubin") and the other has several, every token the single one
# leaves unexplained costs more: a bare surname is weaker evidence than a full name with a patronymic.
SINGLE_TOKEN_PENALTY = 0.1
# A token must reach this similarity to count as the "anchor" of a structural match.
ANCHOR_MIN = 0.8
# Below this similarity a matched token pair drags the whole score down proportionally
# ("Sergey Prigozhin" vs "Yevgeny Prigozhin": one token right does not make the same person).
WORST_TOKEN_FLOOR = 0.7


@dataclass(frozen=True)
class Components:
    whole: float
    reading: float
    order: float
    structure: float
    mode: str = "strings"  # which combination rule applies (see combine())

    @property
    def score(self) -> float:
        if self.mode == "tokens":
            return self.structure
        if self.mode == "tokens+strings":
            return max(self.structure, self.whole, self.reading)
        return max(self.whole, self.reading, self.order, self.structure)

    @property
    def best(self) -> str:
        if self.mode == "tokens":
            return "structure"
        values = {"whole": self.whole, "reading": self.reading, "order": self.order,
                  "structure": self.structure}
        if self.mode == "tokens+strings":
            values.pop("order")
        return max(values, key=lambda k: values[k])


def _ratio(x: str, y: str) -> float:
    return float(Indel.normalized_similarity(x, y))


def _token_sim(a: NameForm, b: NameForm, i: int, j: int) -> float:
    x, y = a.tokens[i], b.tokens[j]
    if a.initials[i] or b.initials[j]:
        # "I." ~ "Iosif" although the key of Iosif is 'yosif': compare spelled and folded heads.
        return 1.0 if {x[:1], a.heads[i]} & {y[:1], b.heads[j]} else 0.0
    s = _ratio(x, y)
    ax, ay = a.alt_tokens[i], b.alt_tokens[j]
    if ax != x or ay != y:
        s = max(s, _ratio(ax, y), _ratio(x, ay), _ratio(ax, ay))
    return s


def align_tokens(a: NameForm, b: NameForm) -> list[tuple[float, int, int]]:
    """``(similarity, i, j)`` for the token pairs of an alignment of the two names.

    Tokens are paired greedily by descending similarity (names have few tokens; greedy is exact in
    all but contrived cases and an order of magnitude cheaper than a general assignment solver).
    """
    na, nb = len(a.tokens), len(b.tokens)
    cells = sorted(((_token_sim(a, b, i, j), i, j) for i in range(na) for j in range(nb)), reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[float, int, int]] = []
    for s, i, j in cells:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((s, i, j))
    return pairs


def structure_score(a: NameForm, b: NameForm) -> float:
    """Token alignment score (:func:`align_tokens`); 0 when no full (non-initial) token anchors the match."""
    na, nb = len(a.tokens), len(b.tokens)
    pairs = align_tokens(a, b)
    anchored = any(s >= ANCHOR_MIN and not a.initials[i] and not b.initials[j] for s, i, j in pairs)
    if not anchored:
        return 0.0
    total = weight_sum = 0.0
    worst = 1.0
    for s, i, j in pairs:
        w = (1 if a.initials[i] else len(a.tokens[i])) + (1 if b.initials[j] else len(b.tokens[j]))
        total += s * w
        weight_sum += w
        if s == 0.0 and (a.initials[i] or b.initials[j]):
            worst = 0.0  # contradicting initials (V. vs Ivan): not the same person
        elif not (a.initials[i] or b.initials[j]):
            worst = min(worst, s)
    # Initials keep their order: "I. V. Stalin" (Iosif Vissarionovich) is not "V. I. Stalin".
    initial_pairs = sorted((i, j) for _, i, j in pairs if a.initials[i] or b.initials[j])
    if any(j2 < j1 for (_, j1), (_, j2) in itertools.pairwise(initial_pairs)):
        worst = 0.0
    mean = total / weight_sum
    if worst < WORST_TOKEN_FLOOR:
        mean *= worst
    unmatched = (na - len(pairs)) + (nb - len(pairs))
    penalty = SINGLE_TOKEN_PENALTY if min(na, nb) == 1 else MISSING_TOKEN_PENALTY
    return max(0.0, mean - penalty * unmatched)


def combination_mode(a: NameForm, b: NameForm) -> str:
    """Which views decide a pair.

    ``tokens``          both names have several tokens and either has initials, or they have the
                        same number of tokens: every token must find its partner;
    ``tokens+strings``  both have several tokens but a different number of them (a token may be
                        split or joined: "Mao Tse-tung" / "Mao Ze Dong"): tokens or whole strings;
    ``strings``         a one-token name: whole-string views (plus alignment when the other has
                        several tokens, e.g. "Tjikidang" / "Tji Kidang").
    """
    multi_a, multi_b = len(a.tokens) > 1, len(b.tokens) > 1
    if multi_a and multi_b:
        if a.has_initials or b.has_initials or len(a.tokens) == len(b.tokens):
            return "tokens"
        return "tokens+strings"
    return "strings"


def needs_structure(a: NameForm, b: NameForm) -> bool:
    return len(a.tokens) > 1 or len(b.tokens) > 1


#: a masculine Slavic family name and its feminine form (Zarubin / Zarubina, Yezhov / Yezhova,
#: Trotsky / Trotskaya): the two are different people, husband and wife or brother and sister
_MASCULINE = re.compile(r"(.{2,}(?:in|yn|ov|ev))(a?)")
_SKY = re.compile(r"(.+sk)(?:(iy|ii|ij|y|i)|(aya|aja|a))")
GENDERED_CAP = 0.6  # the most such a pair can score: below every match threshold in use


def family_name_gender(form: NameForm) -> tuple[str, str] | None:
    """``(stem, "m" | "f")`` when the name's last token is the masculine or feminine form of a Slavic
    family name of the -in/-ov/-ev or -sky/-skaya kind, else None."""
    if not form.tokens:
        return None
    last = form.tokens[-1]
    m = _SKY.fullmatch(last)
    if m:
        return m.group(1), "m" if m.group(2) else "f"
    m = _MASCULINE.fullmatch(last)
    if m:
        return m.group(1), "f" if m.group(2) else "m"
    return None


def given_name(form: NameForm) -> str | None:
    """The first token of a name of two or more tokens (None for a bare surname)."""
    return form.tokens[0] if len(form.tokens) > 1 else None


def gendered_surnames(a: NameForm, b: NameForm) -> bool:
    """Whether the two names end in the masculine and the feminine form of one Slavic family name, and do
    not share a given name: "Raisa Gorbacheva" and "Raisa Gorbachev" are one woman (English often drops
    the feminine ending), "Zarubin" and "Zarubina", or "Vasily Zarubin" and "Elizaveta Zarubina", two
    people."""
    ga, gb = family_name_gender(a), family_name_gender(b)
    if ga is None or gb is None or ga[0] != gb[0] or ga[1] == gb[1]:
        return False
    first_a, first_b = given_name(a), given_name(b)
    return first_a is None or first_b is None or first_a != first_b


#: a folded token of at most this many letters is a *short* name: one letter more or less, or another
#: vowel, makes another name (Putna / Putin, Hirota / Hirata, Sorge / Sorger, Tojo / Togo)
SHORT_NAME_MAX = 7
SHORT_NAME_CAP = 0.6  # the most such a pair can score: below every match threshold in use

# Spellings on which transliterations and national orthographies still differ after folding (fold.py):
# French ou and Dutch oe (Toukhatchevski, Poetin), Japanese long vowels (Shinkyō / Shinkyou, Ōta / Ohta),
# a dropped or added h, glides i / y / j (Beria / Berija, Artuziov / Artuzov), e / i (Kiev / Kyiv),
# o / u (Polish ó), German s for з (Sinowjew), c / k, pinyin q for ch (Ürümqi / Urumchi), a French
# final -e (Staline), a Baltic ending -as / -s (Putinas). Two short tokens whose loose keys still
# differ differ in a way no romanisation explains.
_LOOSE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        ("(?<=[a-z]{4})a?s$", ""),
        ("ou|oe", "u"),
        ("q", "ch"),
        ("(?<=.)e$", ""),
        ("h", ""),
        ("[yje]", "i"),
        ("o", "u"),
        ("z", "s"),
        ("c", "k"),
        (r"([a-z])\1+", r"\1"),
        ("(?<=[^aiu])i(?=[aiu])", ""),
    ]
]


_KH = re.compile("kh")


@lru_cache(maxsize=65536)
def loose_key(token: str) -> str:
    """A looser matching key than the folded token: equal for spellings that transliterations explain.

    ``token`` is an ASCII spelling before or after folding; х written ``kh`` keeps its k here (folding
    makes it ``h``, and Khalkhin / Khalkin would then differ by a k)."""
    token = fold_ascii(_KH.sub("k", token))
    for pattern, repl in _LOOSE_RULES:
        token = pattern.sub(repl, token)
    return token


def _token_keys(form: NameForm, i: int) -> set[str]:
    """Loose keys of token ``i``: from its spelling before folding, its folded form and its alternative reading."""
    spellings = {form.tokens[i], form.alt_tokens[i]}
    if form.bases:
        spellings.add(form.bases[i])
    return {loose_key(t) for t in spellings}


#: scripts that write every vowel: a romanised name from them keeps its letters (an abjad or a
#: syllabary romanises only approximately, and a letter of difference there proves nothing)
ALPHABETIC_SCRIPTS = frozenset({"Latin", "Cyrillic", "Greek"})


def short_name_conflict(a: NameForm, b: NameForm) -> bool:
    """Whether two names pair a short name with one that differs beyond transliteration, uncorroborated.

    String closeness of a short name is no evidence of identity: Putna and Putin are 0.8 alike as
    strings and two people; so are Hirota and Hirata, or Sheng Shicai and his brother Sheng Shiqi. The
    rule applies to names in alphabetic scripts of at most three tokens (given name, patronymic,
    surname), one of them of at most two. It fires when the whole names are not transliterations of
    each other, the token alignment pairs two full tokens, one of them short
    (:data:`SHORT_NAME_MAX` letters or fewer), whose :func:`loose_key` differ, and no aligned pair of
    long tokens agrees to corroborate the match (a full given name or patronymic). Such a pair is
    capped at :data:`SHORT_NAME_CAP`, below the threshold.
    """
    if a.empty or b.empty or not (set(a.scripts) | set(b.scripts)) <= ALPHABETIC_SCRIPTS:
        return False
    if min(len(a.tokens), len(b.tokens)) > 2 or max(len(a.tokens), len(b.tokens)) > 3:
        return False
    compact_a = {loose_key(a.compact), loose_key(a.alt_compact), loose_key("".join(a.bases))}
    compact_b = {loose_key(b.compact), loose_key(b.alt_compact), loose_key("".join(b.bases))}
    if compact_a & compact_b or loose_key(a.sorted_compact) == loose_key(b.sorted_compact):
        return False
    conflict = corroborated = False
    for _, i, j in align_tokens(a, b):
        if a.initials[i] or b.initials[j]:
            continue
        same = bool(_token_keys(a, i) & _token_keys(b, j))
        if min(len(a.tokens[i]), len(b.tokens[j])) <= SHORT_NAME_MAX:
            conflict = conflict or not same
        else:
            corroborated = corroborated or same
    return conflict and not corroborated


def combine(a: NameForm, b: NameForm, whole: float, reading: float, order: float) -> Components:
    """Components of a pair given its string views (computed one by one or vectorised).

    A masculine and a feminine form of one Slavic family name (:func:`gendered_surnames`) is capped at
    :data:`GENDERED_CAP`: "Zarubin" and "Zarubina" are 0.93 alike as strings, and a husband and wife.
    """
    if a.empty or b.empty:
        return Components(0.0, 0.0, 0.0, 0.0)
    mode = combination_mode(a, b)
    structure = structure_score(a, b) if needs_structure(a, b) else 0.0
    cap = min(GENDERED_CAP if gendered_surnames(a, b) else 1.0, SHORT_NAME_CAP if short_name_conflict(a, b) else 1.0)
    if cap < 1.0:
        whole, reading, order, structure = (min(v, cap) for v in (whole, reading, order, structure))
    return Components(whole, reading, order, structure, mode)


def string_views(a: NameForm, b: NameForm) -> tuple[float, float, float]:
    whole = _ratio(a.compact, b.compact)
    if a.alt_compact != a.compact or b.alt_compact != b.compact:
        reading = max(_ratio(a.alt_compact, b.compact), _ratio(a.compact, b.alt_compact),
                      _ratio(a.alt_compact, b.alt_compact))
    else:
        reading = whole
    order = _ratio(a.sorted_compact, b.sorted_compact)
    return whole, reading, order


def components(a: NameForm, b: NameForm) -> Components:
    """All similarity views of a pair of normalised names and the rule that combines them."""
    if a.empty or b.empty:
        return Components(0.0, 0.0, 0.0, 0.0)
    return combine(a, b, *string_views(a, b))


def token_set_overlap(a: NameForm, b: NameForm) -> float:
    """Share of tokens in common (for explanations)."""
    return float(fuzz.token_set_ratio(a.key, b.key)) / 100.0
