"""The seed's 41 footnotes against the hand-checked gold parse (fixtures/seed_footnotes_gold.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"

GOLD = yaml.safe_load((FIXTURES / "seed_footnotes_gold.yaml").read_text(encoding="utf-8"))
SIMPLE = ["title", "place", "year", "pages", "archive", "fond", "opis", "delo", "list", "container", "volume",
          "issue", "signature", "series", "roll", "item", "date", "locator", "quoted_in"]


def test_all_41_footnotes_found_in_order(seed_audit) -> None:
    assert [f.n for f in seed_audit.footnotes] == list(range(1, 42))


@pytest.mark.parametrize("gold", GOLD["footnotes"], ids=lambda g: f"fn{g['n']}")
def test_footnote_matches_gold(seed_audit, gold: dict) -> None:
    fn = seed_audit.footnote(gold["n"])
    assert fn.text.startswith(gold["starts"]), fn.text[:80]
    assert fn.text.endswith(gold["ends"]), fn.text[-80:]
    got = fn.citations
    assert [c.kind for c in got] == [g["kind"] for g in gold["citations"]], [c.raw for c in got]
    for c, g in zip(got, gold["citations"], strict=True):
        for key in SIMPLE:
            if key in g:
                assert getattr(c, key) == g[key], (gold["n"], key, c.raw)
        if "families" in g:
            assert [p.family for p in c.authors] == g["families"], (gold["n"], c.raw)
        if "givens" in g:
            assert [p.given for p in c.authors] == g["givens"]
        if "editor_families" in g:
            assert [p.family for p in c.editors] == g["editor_families"]
        if "resolves_to_fn" in g:
            target = seed_audit.work(c.resolves_to)
            assert target.first_footnote == g["resolves_to_fn"], (gold["n"], target.label)
        elif c.kind in ("book", "article", "archival"):
            assert seed_audit.work(c.resolves_to).first_footnote <= gold["n"]
        if "resolves_to_title" in g:
            assert seed_audit.work(c.resolves_to).citation.title == g["resolves_to_title"]


def test_single_source_runs_match_gold(seed_audit) -> None:
    got = [(r.footnotes, seed_audit.work(r.work).first_footnote) for r in seed_audit.single_source_runs]
    want = [(g["footnotes"], g["work_fn"]) for g in GOLD["single_source_runs"]]
    assert got == want


def test_stavinskii_run_label(seed_audit) -> None:
    run = next(r for r in seed_audit.single_source_runs if r.footnotes == [22, 23, 24, 25])
    assert seed_audit.work(run.work).label == "Stavinskii, Zarubiny. Semeinaia rezidentura (2003)"


def test_continuations_are_joined_not_left_in_body(seed_audit) -> None:
    fn21 = seed_audit.footnote(21)
    assert "riches of the Urals, Siberia and the Ukraine" in fn21.text
    assert fn21.continued_at, "fn 21 continues after a page break"
    assert "*The* Journal of Strategic Studies" in seed_audit.footnote(11).text
    assert "“German spies” with abandon" in seed_audit.footnote(15).text
    # body paragraphs are never swallowed
    for fn in seed_audit.footnotes:
        assert "Stalin praised Zarubin" not in fn.text
        assert "tried to deceive him" not in fn.text


def test_no_footnote_unparsed_or_dangling_on_seed(seed_audit) -> None:
    assert seed_audit.unparsed == []
    assert seed_audit.dangling == []
