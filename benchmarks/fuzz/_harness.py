"""Shared driver of the fuzz harnesses: atheris (libFuzzer) when installed, else hypothesis.

A harness is ``run("<target>")`` from tests/reliability/fuzz_targets.py. Only the documented
SevenfoldError family may escape a target; anything else is a crash: libFuzzer writes the input
to ``-artifact_prefix`` (run_all.py copies it into tests/reliability/fixtures/<target>/).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.reliability.fuzz_targets import FIXTURES, TARGETS, available_targets, run_guarded, seeds  # noqa: E402


def _write_seeds(name: str, corpus: Path) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(seeds(name)):
        (corpus / f"seed-{i}").write_bytes(data)


def _tolerated() -> tuple[type[BaseException], ...]:
    """Exception types named in SEVENFOLD_FUZZ_TOLERATE (comma-separated builtins), set by run_all.py
    for crashes already known and reported, so a long run is not stopped by them every time."""
    import builtins
    import os

    names = [n for n in os.environ.get("SEVENFOLD_FUZZ_TOLERATE", "").split(",") if n]
    return tuple(getattr(builtins, n) for n in names if isinstance(getattr(builtins, n, None), type))


def run(name: str, argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if name not in available_targets():
        print(f"{name}: module {TARGETS[name][0]} is not installed; skipped", file=sys.stderr)
        sys.exit(0)
    module, target = TARGETS[name]
    try:
        import atheris
    except ImportError:
        atheris = None
    if atheris is not None:
        with atheris.instrument_imports(include=["sevenfold"]):
            importlib.import_module(module)
            importlib.import_module("sevenfold.model")

        tolerated = _tolerated()

        def one_input(data: bytes) -> None:
            with contextlib.suppress(tolerated):  # known open crashes (reported): look for new ones
                run_guarded(target, data)

        corpus = [a for a in argv[1:] if not a.startswith("-")]
        for c in corpus:
            _write_seeds(name, Path(c))
        atheris.Setup(argv, one_input)
        atheris.Fuzz()
        return
    _hypothesis_run(name, target, argv)


def _hypothesis_run(name: str, target, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Fallback without atheris: random and mutated bytes for -max_total_time seconds."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    seconds = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("-max_total_time=")), 60)
    end, runs = time.monotonic() + seconds, 0
    strategy = st.one_of(st.binary(max_size=2000), st.sampled_from(seeds(name) or [b""]))
    while time.monotonic() < end:
        @settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(strategy)
        def step(data: bytes) -> None:
            nonlocal runs
            runs += 1
            try:
                run_guarded(target, data)
            except Exception:
                out = FIXTURES / name
                out.mkdir(parents=True, exist_ok=True)
                (out / f"crash-{abs(hash(data)):x}").write_bytes(data)
                raise

        step()
    print(f"Done {runs} runs in {seconds} second(s) (hypothesis fallback)", file=sys.stderr)
