"""Hostile input: the parser raises nothing but SevenfoldError; huge pathological texts stay linear
(the 1 MB timings are in benchmarks/cite_bench.py, not asserted here)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sevenfold.cite import audit, parse_citation, parse_citations, to_csl_json
from sevenfold.errors import SevenfoldError

# alphabet weighted toward the characters the grammar cares about
PIECES = st.sampled_from([
    "f. ", "op. ", "d. ", "l. ", "ll. ", "ф. ", "оп. ", "Л. ", "RGASPI", "РГАСПИ", "CAW ", "I.303.4.", "NARA, ",
    "T1243, roll 8, ", "Ref. C01004123400", "Ibid.", "Ibid, ", "Idem, ", "op. cit.", "Kershaw, ", "p. ", "pp. ",
    "“", "”", '"', "'", "*", "(", ")", "(Moscow, 2003)", " (New York: X, 1990)", ", ", ". ", "; ", " and ", "–",
    "—", "-", "51", "2", "1937", "\n", "\n\n", "¹", "²", "³", "⁴⁰", "[^1]: ", "[^x]:", "    ", "See ",
    "Quoted in ", "A. ", "Sidorov", "«", "»", "„", "\u00a0", "\ufeff", "\r", "\t", "0", "ob.", "k. ",
])
TEXTS = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_parse_never_crashes(text: str) -> None:
    try:
        cits = parse_citations(text)
        c = parse_citation(text)
        to_csl_json(cits)
    except SevenfoldError:
        return
    assert c.kind in {"book", "article", "archival", "ibid", "op_cit", "short", "unparsed"}
    for x in cits:
        assert x.raw == x.raw.strip()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from(["auto", "superscript", "markdown", "plain"]))
def test_audit_never_crashes_and_is_consistent(text: str, style: str) -> None:
    try:
        r = audit(text, style=style)
        to_csl_json(r)
    except SevenfoldError:
        return
    ids = {w.id for w in r.works}
    for fn in r.footnotes:
        assert fn.citations, "a footnote is never dropped: prose is kept as 'unparsed'"
        for c in fn.citations:
            if c.kind in ("dangling", "unparsed"):
                assert c.resolves_to is None
            else:
                assert c.resolves_to in ids
    for run in r.single_source_runs:
        assert len(run.footnotes) >= 2 and run.work in ids


def test_non_text_input_is_input_error() -> None:
    import pytest

    from sevenfold.errors import InputError

    with pytest.raises(InputError):
        audit(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        parse_citation(None)  # type: ignore[arg-type]


def test_large_pathological_text_is_handled() -> None:
    """100 kB of the worst shapes we know: each finishes (the timing itself is benchmarked, not asserted)."""
    n = 100_000
    for s in ["*" * n, "“" * n, "(" * n, "f. " * (n // 3), "Ibid. " * (n // 6), "A. B. " * (n // 6),
              "RGASPI, f. 1, " * (n // 14), "¹" * n]:
        parse_citations(s)
        audit("¹" + s + "\n\n²Ibid.")
