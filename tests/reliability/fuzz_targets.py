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
from typing import Any

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


# characters a hostile file may put before an anchor: none, spaces, BOMs, other Unicode spaces
_ANCHOR_PREFIXES = ("", " ", "\t", "\ufeff", "\ufeff\ufeff", "\u00a0", "\u2028", "\u3000", "\u200b", "\n\ufeff",
                    "\r\n", "\x85")


def _alias_document(data: bytes) -> str:
    """A YAML case built from ``data`` as a small program: how many anchored levels, how many aliases
    each, the style (flow on the key's line, flow on its own line, block, merge keys), what precedes
    each anchor, whether the last level refers to itself, a scalar to repeat; the remaining bytes are
    spliced in as text, so the fuzzer also explores the syntax around the anchors."""
    it = iter(data)

    def byte() -> int:
        return next(it, 0)

    levels, fan, style = 1 + byte() % 10, 1 + byte() % 12, byte() % 4
    prefix = _ANCHOR_PREFIXES[byte() % len(_ANCHOR_PREFIXES)]
    recursive, scalar = byte() % 4 == 0, "x" * (byte() * 37)
    lines = ["format: sevenfold/1", "case: {id: fuzz}"]
    for i in range(levels + 1):
        refs = [f"*a{i - 1}"] * fan if i else [scalar or "lol", "lol"]
        refs += [f"*a{i}"] if recursive and i == levels else []
        if style == 0:
            lines.append(f"x-a{i}: {prefix}&a{i} [{', '.join(refs)}]")
        elif style == 1:
            lines.append(f"x-a{i}: [\n{prefix}&a{i} [{', '.join(refs)}]]")
        elif style == 2:
            lines.append(f"x-a{i}: {prefix}&a{i}\n" + "\n".join(f"  - {r}" for r in refs))
        else:
            merge = f"<<: [{refs[0]}], " if i else ""
            lines.append(f"x-m{i}: {prefix}&a{i} {{{merge}k{i}: [{', '.join(refs)}]}}")
    lines.append(f"x-top: *a{levels}")
    text = "\n".join(lines) + "\n"
    rest = bytes(it).decode("utf-8", "replace")
    if rest:
        at = len(rest) and (data[0] * 131) % (len(text) + 1)
        text = text[:at] + rest + text[at:]
    return text


def _expanded(data: Any, cap: int) -> int:
    """Nodes of ``data`` once shared containers are counted at every use; AssertionError on a cycle."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: Any) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise AssertionError("the loader returned recursive data")
        on_path.add(key)
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        total = min(cap, 1 + sum(size(c) for c in children))
        on_path.discard(key)
        sizes[key] = total
        return total

    return size(data)


def yaml_alias_guard(data: bytes) -> None:
    """The YAML alias guard: whatever precedes the anchors and whatever the style, a document is either
    refused (a SevenfoldError) or loads into data that is not recursive and whose expansion stays within
    the limits, and either way within two seconds."""
    import time

    from sevenfold.limits import Limits
    from sevenfold.safe_yaml import _yaml_load

    limits = Limits(yaml_aliases=300, yaml_expanded_nodes=20_000, yaml_expanded_chars=200_000)
    text = _alias_document(data)
    start = time.perf_counter()
    try:
        out = _yaml_load(text, "<fuzz>", limits)
    finally:
        assert time.perf_counter() - start < 2.0, "the guard took over 2 s"
    distinct = len(text)  # every node of the document costs at least one character of it
    assert _expanded(out, distinct + limits.yaml_expanded_nodes + 1) <= distinct + limits.yaml_expanded_nodes


TARGETS: dict[str, tuple[str, Callable[[bytes], None]]] = {
    "case_loader": ("sevenfold.model", case_loader),
    "claims_reader": ("sevenfold.fusion", claims_reader),
    "citation_parser": ("sevenfold.cite", citation_parser),
    "name_normaliser": ("sevenfold.names", name_normaliser),
    "yaml_alias_guard": ("sevenfold.model", yaml_alias_guard),
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
    if name == "yaml_alias_guard":  # program bytes: levels, fan-out, style, prefix, recursion, scalar
        return [bytes([8, 9, 0, 0, 1, 0]), bytes([8, 9, 1, 3, 1, 0]), bytes([6, 9, 2, 1, 1, 0]),
                bytes([7, 9, 3, 2, 1, 0]), bytes([3, 2, 0, 0, 0, 0]), bytes([2, 3, 1, 9, 1, 250]),
                bytes([1, 0, 0, 0, 1, 0])]
    if name == "name_normaliser":
        return ["Василий Зарубин\x00Zarubin, V. M.".encode(), "Ежов\x00Jeschow".encode(),
                "盧溝橋\x00Marco Polo Bridge".encode()]
    return []
