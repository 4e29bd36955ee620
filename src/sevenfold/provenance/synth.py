"""Generated cases with planted common origins, for tests and benchmarks.

Every report belongs to one planted origin. An origin of several reports is tied together by one
mechanism drawn at random: a ``derived_from`` chain, a shared originating sub-source (``via``), a
shared document, near-duplicate text (a copied text with light edits, one word in twelve), or
source copying (a copier source repeating the original's claim, given to provenance as a fusion
copy pair). Decoys that must *not* join origins are planted too: independent reports from the same
source, relays through a shared intermediary that is not the originating sub-source, short
identical answers ("yes, confirmed"), copy pairs below the threshold, claims with different values,
reports printed together in a compilation (`cited_in`) and in an "original" record dated after them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sevenfold.model import Case, CaseMeta, Claim, Document, Hypothesis, Rating, Report, Source

MECHANISMS = ("derived_from", "via", "document", "text", "copying")


@dataclass(frozen=True)
class PlantedCase:
    case: Case
    truth: dict[str, str]  # report id -> planted origin label
    copy_pairs: list[tuple[str, str, float]]


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    syllables = ["ka", "ro", "mi", "tsu", "ve", "lan", "dor", "pe", "gri", "sol", "nu", "bek", "zar", "ish",
                 "ot", "mal", "ven", "kri", "tas", "lo"]
    words: set[str] = set()
    while len(words) < size:
        k = int(rng.integers(2, 4))
        words.add("".join(syllables[int(i)] for i in rng.integers(0, len(syllables), size=k)))
    return sorted(words)


def planted_origin_case(n_reports: int = 1000, seed: int = 0, singleton_share: float = 0.5,
                        max_group: int = 6, case_id: str = "planted") -> PlantedCase:
    """A case of ``n_reports`` reports with planted origins (``truth``) and fusion copy pairs."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng, 4000)
    n_sources = max(4, n_reports // 25)
    sources = [Source(id=f"s{k}", kind="human") for k in range(n_sources)]
    extra_sources: list[Source] = []
    # decoys: a compilation that prints reports of many origins, and an "original" record dated decades
    # after the reports it carries (a later edition): neither is a common origin
    compilation = Document(id="compilation", kind="compilation", date="1990")
    later_edition = Document(id="later-edition", date="2005")
    documents: list[Document] = [compilation, later_edition]
    reports: list[Report] = []
    truth: dict[str, str] = {}
    copies: list[tuple[str, str, float]] = []
    relays = [f"relay{k}" for k in range(max(2, n_sources // 10))]
    extra_sources += [Source(id=r, kind="human") for r in relays]

    def text(n_words: int | None = None) -> list[str]:
        n = n_words if n_words is not None else int(rng.integers(12, 24))
        return [vocab[int(i)] for i in rng.integers(0, len(vocab), size=n)]

    def edit(words: list[str]) -> list[str]:
        out = list(words)
        for _ in range(max(1, len(out) // 12)):
            pos = int(rng.integers(0, len(out)))
            if rng.random() < 0.5:
                out[pos] = vocab[int(rng.integers(0, len(vocab)))]
            else:
                out.pop(pos)
        return out

    def date() -> str | None:
        if rng.random() < 0.1:
            return None
        return f"19{int(rng.integers(30, 40))}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"

    def src() -> str:
        return sources[int(rng.integers(0, n_sources))].id

    def new_report(group: str, **fields: object) -> Report:
        rid = f"r{len(reports) + 1}"
        fields.setdefault("source", src())
        if "text" not in fields:
            # 5%: a short answer shared by unrelated reports (must not join them)
            fields["text"] = "Yes, confirmed." if rng.random() < 0.05 else " ".join(text())
        fields.setdefault("date", date())
        if rng.random() < 0.2 and "via" not in fields and "origin" not in fields:
            # a decoy relay: its own originator, passed on through a common intermediary
            fields["origin"] = f"own-{rid}"
            fields["via"] = [relays[int(rng.integers(0, len(relays)))]]
            extra_sources.append(Source(id=f"own-{rid}", kind="human"))
        if rng.random() < 0.15 and "document" not in fields:
            # a decoy reading: reports of unrelated origins printed in one compilation must not join
            fields["cited_in"] = compilation.id
        elif rng.random() < 0.05 and "document" not in fields and fields["date"] is not None:
            fields["document"] = later_edition.id
        r = Report(id=rid, **fields)  # type: ignore[arg-type]
        reports.append(r)
        truth[rid] = group
        return r

    g = 0
    while len(reports) < n_reports:
        g += 1
        group = f"g{g}"
        size = 1 if rng.random() < singleton_share else int(rng.integers(2, max_group + 1))
        size = min(size, n_reports - len(reports))
        if size == 1:
            new_report(group, claims=[Claim(object=f"item{g}", attribute="state", value="a")])
            continue
        mech = MECHANISMS[int(rng.integers(0, len(MECHANISMS)))]
        if mech == "derived_from":
            members: list[Report] = []
            for _ in range(size):
                parent = [members[int(rng.integers(0, len(members)))].id] if members else []
                members.append(new_report(group, derived_from=parent))
        elif mech == "via":
            sub = f"sub{g}"
            extra_sources.append(Source(id=sub, kind="human"))
            for _ in range(size):
                # the same custody written either way: the sub-source as `origin` relayed by the reporting
                # source, or as the `source` relayed on through `via`
                relay = relays[int(rng.integers(0, len(relays)))]
                if rng.random() < 0.5:
                    new_report(group, origin=sub, via=[relay] if rng.random() < 0.5 else [], modality="hearsay")
                else:
                    new_report(group, source=sub, via=[relay], modality="hearsay")
        elif mech == "document":
            doc = f"doc{g}"
            documents.append(Document(id=doc, citation=f"File {g}, folio {int(rng.integers(1, 400))}"))
            for _ in range(size):
                new_report(group, document=doc, modality="document")
        elif mech == "text":
            base = text(int(rng.integers(14, 28)))
            for _ in range(size):
                new_report(group, text=" ".join(edit(base)), via=[])
        else:  # copying: one original source, copiers repeat its claim on this group's item
            original = f"orig{g}"
            extra_sources.append(Source(id=original, kind="human"))
            value = f"v{int(rng.integers(0, 1000))}"
            new_report(group, source=original, claims=[Claim(object=f"item{g}", attribute="state", value=value)])
            for k in range(size - 1):
                copier = f"copier{g}-{k}"
                extra_sources.append(Source(id=copier, kind="open"))
                copies.append((copier, original, float(rng.uniform(0.6, 1.0))))
                new_report(group, source=copier, claims=[Claim(object=f"item{g}", attribute="state", value=value)])
            # decoy: a weakly suspected copier (below threshold) stating the same value
            weak = f"weak{g}"
            extra_sources.append(Source(id=weak, kind="open"))
            copies.append((weak, original, float(rng.uniform(0.0, 0.3))))
            if len(reports) < n_reports:
                new_report(f"g{g}-weak", source=weak,
                           claims=[Claim(object=f"item{g}", attribute="state", value=value)])
    hypotheses = [Hypothesis(id="h1", statement="first"), Hypothesis(id="h2", statement="second")]
    ratings = [Rating(report=r.id, hypothesis="h1", consistency="C" if k % 2 else "N")
               for k, r in enumerate(reports[: min(len(reports), 200)])]
    case = Case(case=CaseMeta(id=case_id, title="Planted common origins", question="Which origin?"),
                sources=sources + extra_sources, documents=documents, reports=reports,
                hypotheses=hypotheses, ratings=ratings)
    return PlantedCase(case=case, truth=truth, copy_pairs=copies)
