"""A claims scenario: honest sources of varied accuracy, copiers, a clique repeating a poor source, and
adversary-controlled sources pushing a planted value — with the ground truth of every item and of
every copy relation. Fully vectorised and seeded (``numpy.random.default_rng(seed)``).

Model. ``n_items`` items (``object = "o<k>"``, attribute ``"value"``) each have a true value ``"t"``
and ``n_false`` false values ``"f1" … "f<n_false>"``. An honest source states each item with
probability ``coverage`` and is right with its own accuracy (uniform in ``accuracy_range``); when
wrong it picks a false value uniformly (Zipf-skewed if ``false_skew > 0``, to make agreement on errors
happen by chance as well). A copier picks one honest source and copies each of its claims with
probability ``copy_fraction`` (errors included); it also states ``own_claims`` × its original's number
of claims about other items independently. The clique: ``clique_size`` sources that repeat the
``poor`` source (accuracy ``poor_accuracy``, coverage ``poor_coverage``) with probability
``clique_copy_fraction``. Adversaries state the planted value ``"planted"`` on a share ``target_share``
of the items they cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa


@dataclass
class ClaimsScenario:
    claims: pa.Table  # source, object, attribute, value
    gold: pa.Table  # object, attribute, value
    copies: list[tuple[str, str]]  # (copier, original), direct copy relations
    co_copiers: list[tuple[str, str]]  # pairs copying the same original (dependent, no direct relation)
    accuracy: dict[str, float]
    roles: dict[str, str] = field(default_factory=dict)

    def dependent_pairs(self) -> set[frozenset[str]]:
        """Unordered pairs whose claims are not independent: direct copies and co-copiers."""
        return {frozenset(p) for p in self.copies} | {frozenset(p) for p in self.co_copiers}


def _honest_claims(rng: np.random.Generator, n_items: int, coverage: float, acc: float, n_false: int,
                   false_skew: float) -> tuple[np.ndarray, np.ndarray]:
    items = np.flatnonzero(rng.random(n_items) < coverage)
    right = rng.random(items.size) < acc
    if false_skew > 0:
        w = 1.0 / np.arange(1, n_false + 1) ** false_skew
        wrong = rng.choice(n_false, size=items.size, p=w / w.sum()) + 1
    else:
        wrong = rng.integers(1, n_false + 1, size=items.size)
    vals = np.where(right, 0, wrong)  # 0 = true value
    return items, vals


def claims_scenario(*, seed: int = 0, n_items: int = 1000, n_honest: int = 20,
                    accuracy_range: tuple[float, float] = (0.55, 0.95), coverage: float = 0.25,
                    n_false: int = 10, false_skew: float = 0.0, n_copiers: int = 5, copy_fraction: float = 0.5,
                    own_claims: float = 0.5, copier_accuracy: float = 0.7, clique_size: int = 6,
                    clique_copy_fraction: float = 0.9, poor_accuracy: float = 0.35, poor_coverage: float = 0.6,
                    n_adversaries: int = 0, adversary_coverage: float = 0.3, target_share: float = 0.5,
                    ) -> ClaimsScenario:
    """Build the scenario; see the module docstring for every parameter's meaning."""
    rng = np.random.default_rng(seed)
    src: list[np.ndarray] = []
    itm: list[np.ndarray] = []
    val: list[np.ndarray] = []
    accuracy: dict[str, float] = {}
    roles: dict[str, str] = {}
    by_source: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def add(name: str, items: np.ndarray, vals: np.ndarray, role: str, acc: float) -> None:
        src.append(np.full(items.size, name, dtype=object))
        itm.append(items)
        val.append(vals)
        by_source[name] = (items, vals)
        accuracy[name] = acc
        roles[name] = role

    accs = rng.uniform(*accuracy_range, size=n_honest)
    for k in range(n_honest):
        add(f"honest{k:02d}", *_honest_claims(rng, n_items, coverage, accs[k], n_false, false_skew), "honest",
            float(accs[k]))
    poor = None
    if clique_size > 0:
        poor = "poor"
        add(poor, *_honest_claims(rng, n_items, poor_coverage, poor_accuracy, n_false, false_skew), "poor",
            poor_accuracy)

    copies: list[tuple[str, str]] = []
    originals: np.ndarray = (rng.choice(n_honest, size=n_copiers, replace=n_copiers > n_honest) if n_honest
                             else np.zeros(0, dtype=np.int64))
    for k, orig_k in enumerate(originals):
        orig = f"honest{orig_k:02d}"
        o_items, o_vals = by_source[orig]
        take = rng.random(o_items.size) < copy_fraction
        c_items, c_vals = o_items[take], o_vals[take]
        others = np.setdiff1d(np.arange(n_items), c_items)
        n_own = min(round(own_claims * o_items.size), others.size)
        own = np.sort(rng.choice(others, size=n_own, replace=False))
        right = rng.random(own.size) < copier_accuracy
        own_vals = np.where(right, 0, rng.integers(1, n_false + 1, size=own.size))
        name = f"copier{k}"
        add(name, np.r_[c_items, own], np.r_[c_vals, own_vals], "copier", copier_accuracy)
        copies.append((name, orig))
    clique = []
    if poor is not None:
        p_items, p_vals = by_source[poor]
        for k in range(clique_size):
            take = rng.random(p_items.size) < clique_copy_fraction
            name = f"clique{k}"
            add(name, p_items[take], p_vals[take], "clique", poor_accuracy)
            copies.append((name, poor))
            clique.append(name)
    for k in range(n_adversaries):
        items = np.flatnonzero(rng.random(n_items) < adversary_coverage)
        planted = rng.random(items.size) < target_share
        vals = np.where(planted, -1, 0)  # -1 = the planted value; honest elsewhere to build trust
        add(f"adversary{k}", items, vals, "adversary", float(1 - target_share))

    co_copiers: list[tuple[str, str]] = []
    groups: dict[str, list[str]] = {}
    for copier, orig in copies:
        groups.setdefault(orig, []).append(copier)
    for members in groups.values():
        co_copiers += [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]

    items = np.concatenate(itm)
    vals = np.concatenate(val)
    value_text = np.where(vals == 0, "t", np.where(vals < 0, "planted", np.char.add("f", vals.astype(str))))
    claims = pa.table({
        "source": pa.array(np.concatenate(src).astype(str)),
        "object": pa.array(np.char.add("o", items.astype(str))),
        "attribute": pa.array(np.full(items.size, "value")),
        "value": pa.array(value_text.astype(str)),
    })
    gold = pa.table({"object": pa.array(np.char.add("o", np.arange(n_items).astype(str))),
                     "attribute": pa.array(np.full(n_items, "value")),
                     "value": pa.array(np.full(n_items, "t"))})
    return ClaimsScenario(claims, gold, copies, co_copiers, accuracy, roles)
