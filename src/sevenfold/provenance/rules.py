"""The rules that put two reports in the same origin, and their thresholds.

Each rule yields :class:`Link` records (the reports it joins and a plain-words reason). Links are
kept per key (one link for all reports resting on one sub-source), not per pair, so that a key
shared by many reports costs linear, not quadratic, time and memory.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sevenfold.errors import InputError
from sevenfold.model import Document, Report, custody_chain, derived_parents, origin_document

#: Rule names, in the order their reasons are listed in an origin's ``why``.
RULES = ("derived_from", "via", "document", "copying", "text")


@dataclass(frozen=True)
class OriginRules:
    """Thresholds of the origin rules (see docs/provenance.md).

    ``copy_threshold``: a fusion copy pair joins reports when Pr(copier copies original) ≥ this.
    ``text_ratio``: rapidfuzz ``token_set_ratio`` (0–100) at or above which two texts are near-duplicates;
    ``text_min_tokens``: texts with fewer distinct words are never compared (short answers such as
    "yes" are not evidence of copying); ``text_min_size_ratio``: the smaller word set must hold at least
    this share of the larger one's words (token-set ratio is 100 for any subset, so a short sentence
    quoted inside a long report would otherwise count as a duplicate).
    ``lsh_permutations`` / ``lsh_band_rows``: MinHash signature length and rows per LSH band for cases
    with more than ``exact_text_below`` texts (below it every pair is scored directly).
    """

    derived_from: bool = True
    via: bool = True
    document: bool = True
    copying: bool = True
    text: bool = True
    copy_threshold: float = 0.5
    text_ratio: float = 90.0
    text_min_tokens: int = 5
    text_min_size_ratio: float = 0.5
    exact_text_below: int = 300
    lsh_permutations: int = 60
    lsh_band_rows: int = 3
    lsh_seed: int = 7

    def __post_init__(self) -> None:
        if not 0.0 <= self.copy_threshold <= 1.0:
            raise InputError(f"copy_threshold must lie in [0, 1], got {self.copy_threshold}")
        if not 0.0 <= self.text_ratio <= 100.0:
            raise InputError(f"text_ratio must lie in [0, 100], got {self.text_ratio}")
        if self.lsh_band_rows < 1 or self.lsh_permutations % self.lsh_band_rows:
            raise InputError("lsh_permutations must be a positive multiple of lsh_band_rows")


@dataclass(frozen=True)
class Link:
    """Reports (indices into the visible report list) joined by one rule, and why."""

    rule: str
    members: tuple[int, ...]
    why: str


def derived_links(reports: Sequence[Report], index: dict[str, int]) -> list[Link]:
    """``derived_from``: a report that copies or restates another shares its origin. One that restates
    two or more is a synthesis of them (``model.synthesised``) and joins nothing."""
    out: list[Link] = []
    for i, r in enumerate(reports):
        for d in derived_parents(r):
            j = index.get(d)
            if j is not None and j != i:
                out.append(Link("derived_from", (j, i), f"{r.id} derives from {d}"))
    return out


def originating_sub_source(report: Report) -> str | None:
    """The originator of a relayed report (the first entry of its custody chain); None when the
    report was not relayed (its chain is its source alone)."""
    chain = custody_chain(report)
    return chain[0] if len(chain) > 1 else None


def via_links(reports: Sequence[Report]) -> list[Link]:
    """``via`` (custody): relayed reports whose custody chains start at the same originator share its
    origin, whoever relayed them (sevenfold.model.custody: ``[origin, source, *via]``)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        origin = originating_sub_source(r)
        if origin is not None:
            groups[origin].append(i)
    out = []
    for sub_source, members in groups.items():
        if len(members) > 1:
            ids = _id_list([reports[i].id for i in members])
            why = f"{ids} were all relayed from the same originator, {sub_source} (custody: origin/source/via)"
            out.append(Link("via", tuple(members), why))
    return out


def document_links(reports: Sequence[Report], document_alias: dict[str, str],
                   documents: dict[str, Document] | None = None) -> list[Link]:
    """``document``: reports recorded in the same *original* document share its origin.

    A document of another kind (edition, compilation, study, press, post-mortem) or one dated after a
    report it carries is where that report was read, not a common origin (``origin_document``);
    ``cited_in`` never joins. ``document_alias`` maps a document to the one it is a short form of (an
    ``Ibid.`` entry with ``resolves_to``), so that footnotes citing the same work count as one document.
    """
    documents = documents or {}
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        if r.document is None:
            continue
        found, _ = origin_document(r, documents)
        if found is None:
            continue
        target = _resolve(found, document_alias)
        if target != found and target in documents:  # an Ibid. entry: the work it points at decides
            probe = r.model_copy(update={"document": target})
            if origin_document(probe, documents)[0] is None:
                continue
        groups[target].append(i)
    out = []
    for doc, members in groups.items():
        if len(members) > 1:
            ids = _id_list([reports[i].id for i in members])
            out.append(Link("document", tuple(members),
                            f"{ids} are recorded in the same original document {doc}"))
    return out


def read_in_notes(reports: Sequence[Report], documents: dict[str, Document]) -> list[str]:
    """Where reports were only read together: one line per document that carries two or more reports
    without making them one origin (a compilation, a later edition, ``cited_in``)."""
    carried: dict[str, list[str]] = defaultdict(list)
    why: dict[str, str] = {}
    for r in reports:
        if r.document is not None and origin_document(r, documents)[0] is None:
            carried[r.document].append(r.id)
            record = documents.get(r.document)
            if record is not None:
                why.setdefault(r.document, f"{record.id} is a {record.kind}" if record.kind != "original"
                               else f"{record.id} is dated {record.date}, after them")
        if r.cited_in is not None and r.cited_in != r.document:
            carried[r.cited_in].append(r.id)
            why.setdefault(r.cited_in, f"{r.cited_in} is where they are cited")
    out = []
    for doc, ids in carried.items():
        if len(ids) > 1:
            out.append(f"{_id_list(ids)} are read in {doc} ({why[doc]}): not a common origin")
    return out


def _resolve(doc: str, alias: dict[str, str]) -> str:
    seen = {doc}
    while doc in alias and alias[doc] not in seen:  # a resolves_to loop stops where it closes
        doc = alias[doc]
        seen.add(doc)
    return doc


def normalise_copy_pairs(copy_pairs: Iterable[Any] | None) -> list[tuple[str, str, float]]:
    """Accept ``(copier, original, probability)`` tuples or objects with those attributes.

    For an object that also carries ``dependence`` (fusion's ``CopyPair``: Pr(either copies the
    other)) the larger of the two is used: for a shared origin the direction does not matter, and
    two identical sources are surely dependent even when the direction is a coin toss (0.5 each way).
    """
    out: list[tuple[str, str, float]] = []
    for k, pair in enumerate(copy_pairs or ()):
        try:
            if hasattr(pair, "copier"):
                copier, original, p = pair.copier, pair.original, pair.probability
                dependence = getattr(pair, "dependence", None)
                if dependence is not None:
                    p = max(float(p), float(dependence))
            else:
                copier, original, p = pair
            out.append((str(copier), str(original), float(p)))
        except (TypeError, ValueError):
            raise InputError(f"copy pair #{k}: expected (copier_source, original_source, probability), "
                             f"got {pair!r}") from None
    return out


def claim_key(obj: str, attribute: str, value: Any) -> tuple[str, str, str]:
    text = value.strip().casefold() if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return (obj, attribute, text)


def copy_links(reports: Sequence[Report], copy_pairs: list[tuple[str, str, float]], threshold: float) -> list[Link]:
    """Fusion's copy detection: when source A copies source B (probability ≥ threshold), A's reports
    that state the same value for the same object and attribute as B's reports share their origin.
    A copier's report is linked to every report of the original stating that value (which one was
    copied is unknown, so none of them counts as independent of the copy)."""
    wanted = {(c, o): p for c, o, p in copy_pairs if p >= threshold and c != o}
    if not wanted:
        return []
    involved = {s for pair in wanted for s in pair}
    by_source_key: dict[str, dict[tuple[str, str, str], list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, r in enumerate(reports):
        if r.source in involved:
            for c in r.claims:
                by_source_key[r.source][claim_key(c.object, c.attribute, c.value)].append(i)
    out = []
    for (copier, original), p in sorted(wanted.items()):
        copier_keys = by_source_key.get(copier, {})
        original_keys = by_source_key.get(original, {})
        for key in sorted(copier_keys.keys() & original_keys.keys()):
            orig = sorted(set(original_keys[key]))
            copies = sorted(set(copier_keys[key]) - set(orig))
            if not copies:
                continue
            members = tuple(orig + copies)
            ids = _id_list([reports[i].id for i in copies])
            oids = _id_list([reports[i].id for i in orig])
            out.append(Link("copying", members,
                            f"{ids} ({copier}) repeat {oids} ({original}) on {key[0]}/{key[1]}: "
                            f"fusion finds {copier} copies {original} (p={p:.2f})"))
    return out


def _id_list(ids: list[str], limit: int = 6) -> str:
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f" and {len(ids) - limit} more"
