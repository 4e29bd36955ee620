"""Fuzz targets: each takes raw bytes and may raise only the documented SevenfoldError family.

Shared by the quick hypothesis tests (tests/reliability/test_fuzz.py), the regression fixtures
(tests/reliability/fixtures/<target>/) and the long harnesses (benchmarks/fuzz/).
A target whose module is absent is left out of :func:`available_targets`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def case_loader(data: bytes) -> None:
    """The case-file loader: YAML or JSON text, through parsing, limits and validation."""
    from sevenfold.model import case_from_data, parse_text

    text = _text(data)
    fmt = "json" if data[:1] == b"\x00" else None  # first byte picks the parser path
    case_from_data(parse_text(text, "<fuzz>", fmt), "<fuzz>")


_CLAIM_SUFFIXES = (".csv", ".tsv", ".jsonl", ".parquet")
_tmpdir: str | None = None


def claims_reader(data: bytes) -> None:
    """fusion's claims-table reader over CSV/TSV/JSON-lines/Parquet bytes (first byte picks the type)."""
    from sevenfold.fusion import read_claims

    global _tmpdir
    if _tmpdir is None:
        _tmpdir = tempfile.mkdtemp(prefix="sevenfold-fuzz-")
    suffix = _CLAIM_SUFFIXES[data[0] % len(_CLAIM_SUFFIXES)] if data else ".csv"
    path = Path(_tmpdir) / f"claims{suffix}"
    path.write_bytes(data[1:])
    try:
        read_claims(path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def citation_parser(data: bytes) -> None:
    """cite: one citation, all citations of a note, and footnote extraction from a text."""
    from sevenfold.cite import extract_footnotes, parse_citation, parse_citations

    text = _text(data)
    parse_citation(text)
    parse_citations(text)
    extract_footnotes(text)


def name_normaliser(data: bytes) -> None:
    """names: normalise a name in any script, and compare two (split at the first NUL)."""
    from sevenfold.names import match_names, normalise_name

    text = _text(data)
    normalise_name(text)
    a, _, b = text.partition("\x00")
    match_names(a, b)


TARGETS: dict[str, tuple[str, Callable[[bytes], None]]] = {
    "case_loader": ("sevenfold.model", case_loader),
    "claims_reader": ("sevenfold.fusion", claims_reader),
    "citation_parser": ("sevenfold.cite", citation_parser),
    "name_normaliser": ("sevenfold.names", name_normaliser),
}


def available_targets() -> dict[str, Callable[[bytes], None]]:
    out = {}
    for name, (module, fn) in TARGETS.items():
        try:
            present = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            present = False
        if present:
            out[name] = fn
    return out


def run_guarded(target: Callable[[bytes], None], data: bytes) -> None:
    """Run a target; a SevenfoldError is a correct refusal, anything else propagates (a bug)."""
    from sevenfold.errors import SevenfoldError

    with contextlib.suppress(SevenfoldError):
        target(data)


def seeds(name: str) -> list[bytes]:
    """Seed inputs: valid examples of the target's input kind (fuzzers start from these)."""
    root = Path(__file__).resolve().parents[2]
    if name == "case_loader":
        from tests.model.test_case_files import MINIMAL

        return [MINIMAL.encode(), *(p.read_bytes() for p in sorted((root / "src/sevenfold/data").glob("*.yaml")))]
    if name == "claims_reader":
        return [b"\x00source,object,attribute,value\ns1,o,a,1\ns2,o,a,2\n",
                b"\x01source\tobject\tattribute\tvalue\ns\to\tx\ty\n",
                b'\x02{"source":"s","object":"o","attribute":"a","value":"v"}\n']
    if name == "citation_parser":
        return ["RGASPI, f. 17, op. 163, d. 1217, ll. 51–2".encode(), b"Ibid., 373-74",
                "¹ Kershaw, p. 16.\n² Ibid.\n³ Sidorov, op. cit.".encode(),
                b"Centralne Archiwum Wojskowe (Warsaw), I.303.4.3158, 235"]
    if name == "name_normaliser":
        return ["Василий Зарубин\x00Zarubin, V. M.".encode(), "Ежов\x00Jeschow".encode(),
                "盧溝橋\x00Marco Polo Bridge".encode()]
    return []
