"""Run every fuzz harness for a time budget; save each crash as a regression fixture.

Run: .venv/bin/python benchmarks/fuzz/run_all.py --seconds 600     (the issue-11 benchmark: 10 min a target)
     .venv/bin/python benchmarks/fuzz/run_all.py --seconds 60 --only case_loader

Per target: executions, executions/s, crashes (inputs that raised anything but a SevenfoldError).
A crash input is copied to tests/reliability/fixtures/<target>/crash-<sha1>, where
tests/reliability/test_fuzz.py replays it on every test run. Exit 1 if any target crashed.
Exception types of known open crashes (test_fuzz.KNOWN_OPEN, reported to their owners) are tolerated
in the run, so that it keeps searching for new ones; say so in any figures quoted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.reliability.fuzz_targets import FIXTURES, TARGETS, available_targets  # noqa: E402


def known_open() -> dict[tuple[str, str], tuple[type[BaseException], str]]:
    from tests.reliability.test_fuzz import KNOWN_OPEN

    return dict(KNOWN_OPEN)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--only", action="append", choices=sorted(TARGETS))
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "fuzz")
    args = ap.parse_args()
    try:
        import atheris  # noqa: F401

        engine = "atheris"
    except ImportError:
        engine = "hypothesis"
    present = available_targets()
    rows = []
    failed = False
    for name in args.only or sorted(TARGETS):
        if name not in present:
            print(f"{name}: SKIPPED (module {TARGETS[name][0]} absent)")
            continue
        work = args.out / name
        corpus, artifacts = work / "corpus", work / "artifacts"
        corpus.mkdir(parents=True, exist_ok=True)
        artifacts.mkdir(parents=True, exist_ok=True)
        before = set(artifacts.iterdir())
        cmd = [sys.executable, str(HERE / f"fuzz_{name}.py"), f"-max_total_time={args.seconds}",
               f"-artifact_prefix={artifacts}/", "-rss_limit_mb=3072", "-timeout=30", "-print_final_stats=1",
               str(corpus)]
        tolerate = sorted({exc.__name__ for (t, _), (exc, _) in known_open().items() if t == name})
        env = {**os.environ, "SEVENFOLD_FUZZ_TOLERATE": ",".join(tolerate)}
        if tolerate:
            print(f"{name}: tolerating known open crash type(s) {', '.join(tolerate)} (see test_fuzz.KNOWN_OPEN)")
        t = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        took = time.monotonic() - t
        log = proc.stderr
        (work / "last.log").write_text(log)
        m = (re.search(r"Done (\d+) runs in (\d+) second", log)
             or re.search(r"stat::number_of_executed_units:\s*(\d+)", log))
        runs = int(m.group(1)) if m else 0
        crashes = [p for p in set(artifacts.iterdir()) - before if p.is_file()]
        saved = []
        for c in crashes:
            data = c.read_bytes()
            dest = FIXTURES / name / f"{c.name.split('-')[0]}-{hashlib.sha1(data).hexdigest()[:12]}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(c, dest)
            saved.append(dest.name)
        new = [s for s in saved if (name, s) not in known_open()]
        failed |= bool(new) or (proc.returncode != 0 and not crashes)
        rows.append((name, runs, took, len(crashes), saved, proc.returncode))
        tail = "" if not crashes else "\n    " + "\n    ".join(
            line for line in log.splitlines() if "Error" in line or "Traceback" in line or "File \"" in line)[:2000]
        print(f"{name}: {runs} runs in {took:.0f}s ({runs / max(took, 1e-9):.0f}/s), {len(crashes)} crash(es)"
              f"{' saved as ' + ', '.join(saved) if saved else ''}, exit {proc.returncode}{tail}", flush=True)
    print(f"engine={engine} budget={args.seconds}s/target: "
          + "; ".join(f"{n} {r} runs, {c} crashes" for n, r, _, c, _, _ in rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
