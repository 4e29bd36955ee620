"""Entity resolution inside a case: which sources/actors (and names in report text) are the same.

Each source and actor is an *item* with all its spellings (``name`` + ``aliases``). Two items are
suggested for merging when any spelling of one matches any spelling of the other (scores from
:class:`NameMatcher`, with the bundled gazetteer and the case's ``aliases``). Suggestions are grouped
into clusters (connected components); nothing is applied — the analyst accepts a merge by editing
the case (e.g. adding the spelling to ``aliases``).

Names in report text are found conservatively: capitalised word sequences and runs of non-Latin
letters are kept only when they resolve to a known entity (a case item or a gazetteer entry), so the
output lists what the text mentions, never every capitalised word.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from sevenfold.names.aliases import AliasTable, aliases_from_case
from sevenfold.names.compare import SUGGEST_THRESHOLD
from sevenfold.names.matcher import NameMatcher
from sevenfold.names.normalise import normalise_name


@dataclass(frozen=True)
class Item:
    ref: str  # "sources[zarubin]"
    kind: str  # source | actor
    label: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    name_a: str
    name_b: str
    score: float
    why: str


@dataclass
class Mention:
    where: str  # "reports[r1].text"
    text: str
    resolves_to: str  # item ref or "gazetteer:<canonical>"
    score: float
    why: str


@dataclass
class Resolution:
    clusters: list[list[str]] = field(default_factory=list)  # item refs, each a suggested merge
    links: list[Link] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    mention_groups: list[dict[str, Any]] = field(default_factory=list)  # same entity, several spellings

    def as_dict(self) -> dict[str, Any]:
        return {
            "merges": [
                {"items": c, "links": [link.__dict__ for link in self.links if link.a in c and link.b in c]}
                for c in self.clusters
            ],
            "mentions": [m.__dict__ for m in self.mentions],
            "same_entity_mentions": self.mention_groups,
        }


def case_items(case: Any) -> list[Item]:
    """Sources and actors of a case (duck-typed: ``.sources``/``.actors`` with id, name, aliases)."""
    items = []
    for kind, attr in (("source", "sources"), ("actor", "actors")):
        for entry in getattr(case, attr, None) or []:
            eid = str(getattr(entry, "id", "?"))
            names = [getattr(entry, "name", "") or "", *(getattr(entry, "aliases", None) or [])]
            names = [n for n in names if isinstance(n, str) and n.strip()] or [eid]
            items.append(Item(f"{attr}[{eid}]", kind, names[0], tuple(dict.fromkeys(names))))
    return items


# Capitalised word sequences ("Marco Polo Bridge", "V. M. Zarubin", "Khalkin Gol") and runs of
# non-Latin letters (Ежов, 新京, ノモンハン).
_LATIN_NAME = re.compile(
    r"(?:[A-Z]\.\s?){0,3}[A-Z][\w’'\-]*[^\W\d_](?:\s+(?:[A-Z]\.\s?)*[A-Z][\w’'\-]*[^\W\d_]){0,3}")
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F]+(?:[\s\-][^\W\d_A-Za-z\u00C0-\u024F]+){0,3}")
_SENTENCE_WORDS = frozenset({"the", "a", "an", "in", "on", "at", "he", "she", "it", "they", "we", "i", "this",
                             "that", "of", "and", "but", "or", "stalin's"})


def candidate_spans(text: str, max_spans: int = 2000) -> list[str]:
    spans: list[str] = []
    for m in itertools.chain(_LATIN_NAME.finditer(text), _NON_LATIN.finditer(text)):
        span = m.group(0).strip(" -’'")
        words = span.split()
        while words and words[0].lower() in _SENTENCE_WORDS:
            words = words[1:]
        # A capitalised run may start with an ordinary word ("From Shinkyō"): try sub-runs too.
        for i in range(len(words)):
            for j in range(len(words), i, -1):
                span = re.sub(r"[’']s$", "", " ".join(words[i:j]))  # possessive: "Zarubin's"
                if len(span) >= 3:
                    spans.append(span)
        if len(spans) >= max_spans:
            break
    return list(dict.fromkeys(spans))


def resolve_case(case: Any, matcher: NameMatcher | None = None, include_text: bool = True,
                 extra_aliases: AliasTable | None = None) -> Resolution:
    """Suggested merges of a case's sources/actors, and what its report texts mention."""
    case_table = aliases_from_case(case)
    if extra_aliases is not None:
        case_table.extend(extra_aliases)
    m = matcher or NameMatcher(case_table, SUGGEST_THRESHOLD)
    if matcher is not None:
        m.aliases.extend(case_table)
    items = case_items(case)
    res = Resolution()

    # All spellings of all items against each other, scored in one batch.
    left, right, owners = [], [], []
    for x, y in itertools.combinations(range(len(items)), 2):
        for na in items[x].names:
            for nb in items[y].names:
                left.append(na)
                right.append(nb)
                owners.append((x, y))
    best: dict[tuple[int, int], tuple[float, str, str]] = {}
    if left:
        scores = m.score_pairs(left, right)
        for (x, y), s, na, nb in zip(owners, scores, left, right, strict=True):
            if s >= m.threshold and s > best.get((x, y), (-1.0, "", ""))[0]:
                best[(x, y)] = (float(s), na, nb)
    graph = nx.Graph()
    for (x, y), (s, na, nb) in sorted(best.items()):
        why = m.match(na, nb).explanation
        res.links.append(Link(items[x].ref, items[y].ref, na, nb, round(s, 4), why))
        graph.add_edge(items[x].ref, items[y].ref)
    res.clusters = sorted(sorted(c) for c in nx.connected_components(graph))

    if include_text:
        _resolve_mentions(case, items, m, res)
    return res


def _resolve_mentions(case: Any, items: list[Item], m: NameMatcher, res: Resolution) -> None:
    by_entity: dict[str, set[tuple[str, str]]] = {}
    item_names = [(it, n) for it in items for n in it.names]
    for report in getattr(case, "reports", None) or []:
        where = f"reports[{getattr(report, 'id', '?')}].text"
        text = getattr(report, "text", "") or ""
        spans = candidate_spans(text)
        if not spans:
            continue
        found: dict[str, Mention] = {}
        # 1. case items first (sources/actors, all their spellings), scored in one batch
        if item_names:
            left = [sp for sp in spans for _ in item_names]
            right = [n for _ in spans for _, n in item_names]
            scores = m.score_pairs(left, right)
            k = 0
            for span in spans:
                best_s, best_item, best_name = 0.0, None, ""
                for it, name in item_names:
                    if scores[k] > best_s:
                        best_s, best_item, best_name = float(scores[k]), it, name
                    k += 1
                if best_item is not None and best_s >= m.threshold:
                    found[span] = Mention(where, span, best_item.ref, round(best_s, 4),
                                          f"matches '{best_name}' of {best_item.ref} ({best_s:.2f})")
        # 2. otherwise the gazetteer / alias entries: exact folded-key hits
        for span in spans:
            if span in found:
                continue
            form = normalise_name(span)
            ids = m.aliases.lookup_ids(form) if not form.empty else set()
            if ids:
                ent = m.aliases.entities[min(ids)]
                variant = m.aliases.matched_variant(ent, form)
                src = ent.source_of(variant)
                found[span] = Mention(where, span, f"{ent.origin or 'aliases'}:{ent.canonical}", 1.0,
                                      f"'{span}' is a listed variant of '{ent.canonical}' ({ent.kind}"
                                      + (f"; {src}" if src else "") + ")")
        # Keep the longest resolved spans: "Lake Khasan" wins over "Khasan" inside it.
        kept: list[Mention] = []
        for mention in sorted(found.values(), key=lambda mm: -len(mm.text)):
            if not any(mention.text in longer.text for longer in kept):
                kept.append(mention)
        for mention in sorted(kept, key=lambda mm: text.find(mm.text)):
            res.mentions.append(mention)
            by_entity.setdefault(mention.resolves_to, set()).add((mention.text, where))
    for target, hits in sorted(by_entity.items()):
        spellings = sorted({t for t, _ in hits})
        if len(spellings) > 1:
            res.mention_groups.append({"entity": target, "spellings": spellings,
                                       "where": sorted({w for _, w in hits})})
