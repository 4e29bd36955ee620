"""Quick fuzzing (hypothesis) of the four input parsers, and replay of every saved crash fixture.

Only the documented SevenfoldError family may escape; anything else fails the test. The long
runs (atheris, 10 minutes a target) are benchmarks/fuzz/run_all.py; each crash they find is saved
under tests/reliability/fixtures/<target>/ and replayed here for ever after.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.fuzz_targets import FIXTURES, TARGETS, available_targets, run_guarded, seeds

TARGET_NAMES = sorted(TARGETS)

# Crashes found in other areas' code and reported, not yet fixed there: (target, fixture) -> the
# exception that still escapes. Each is a strict xfail, so the test turns red the day it is fixed
# (then delete the entry). Nothing else may escape.
KNOWN_OPEN: dict[tuple[str, str], tuple[type[BaseException], str]] = {}  # none open


def _target(name: str):  # type: ignore[no-untyped-def]
    targets = available_targets()
    if name not in targets:
        pytest.skip(f"module for fuzz target {name} is not installed")
    return targets[name]


def _mutated(name: str) -> st.SearchStrategy[bytes]:
    """Raw bytes, plus valid seeds with bytes flipped, cut or spliced (closer to real damage)."""
    base = seeds(name) or [b""]

    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(base)))
        for _ in range(draw(st.integers(1, 6))):
            op = draw(st.integers(0, 3))
            pos = draw(st.integers(0, len(data)))
            if op == 0 and data:
                data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
            elif op == 1:
                data[pos:pos] = draw(st.binary(max_size=12))
            elif op == 2:
                del data[pos: pos + draw(st.integers(1, 40))]
            else:
                data[pos:pos] = draw(st.sampled_from([b"&a ", b"*a", b"[", b"{", b"\x00", b"\"", b",", b"\n",
                                                      "ё".encode(), b"\xff", b"Ibid.", b"op. cit."]))
        return bytes(data)

    return st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode), mutate())


def _quick_params() -> list:  # type: ignore[type-arg]
    out = []
    for name in TARGET_NAMES:
        open_bugs = {exc for (t, _), (exc, _) in KNOWN_OPEN.items() if t == name}
        why = "a known open crash (see KNOWN_OPEN) may be found again"
        marks = [pytest.mark.xfail(raises=tuple(open_bugs), strict=False, reason=why)] if open_bugs else []
        out.append(pytest.param(name, marks=marks))
    return out


@pytest.mark.parametrize("name", _quick_params())
def test_fuzz_quick(name: str) -> None:
    target = _target(name)

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=_mutated(name))
    def run(data: bytes) -> None:
        run_guarded(target, data)

    run()


def _fixtures() -> list:  # type: ignore[type-arg]
    out = []
    for name in TARGET_NAMES:
        folder = FIXTURES / name
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if not p.is_file():
                    continue
                known = KNOWN_OPEN.get((name, p.name))
                marks = [pytest.mark.xfail(raises=known[0], strict=True, reason=known[1])] if known else []
                out.append(pytest.param(name, p.name, marks=marks))
    return out


@pytest.mark.parametrize(("name", "fixture"), _fixtures() or [pytest.param("none", "none", marks=pytest.mark.skip(
    reason="no crash fixtures saved yet"))])
def test_fuzz_regression_fixture(name: str, fixture: str) -> None:
    run_guarded(_target(name), (FIXTURES / name / fixture).read_bytes())


def test_seeds_are_accepted_by_their_targets() -> None:
    """The seeds are real inputs: the case seeds load and the claims seeds read (fuzzing starts from sense)."""
    from sevenfold.model import case_from_data, parse_text

    for data in seeds("case_loader"):
        case_from_data(parse_text(data.decode(), "<seed>"), "<seed>")
    if "claims_reader" in available_targets():
        for data in seeds("claims_reader"):
            TARGETS["claims_reader"][1](data)
