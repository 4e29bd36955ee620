"""Crash consistency harness: SIGKILL `sevenfold import` of a 100,000-report case at random moments.

Run:
    .venv/bin/python benchmarks/crash_harness.py                       # SQLite, 50 kills
    .venv/bin/python benchmarks/crash_harness.py --backend postgresql  # needs SEVENFOLD_TEST_PG_URL
    .venv/bin/python benchmarks/crash_harness.py --kills 10 --reports 20000
    .venv/bin/python benchmarks/crash_harness.py --op ratings --kills 20 --reports 5000

``--op replace|burn|ratings|restore`` kills that operation instead and compares the store by content:
after each kill every case must equal, digest for digest, a state the operation may leave (before,
after, or after its first k whole rating writes), and `check` must pass.

Each run: a fresh store holding an "anchor" case; one uninterrupted import measures the duration
T; then ``--kills`` times: start `sevenfold import`, SIGKILL it at a uniform random moment in
[0, 1.05 T] (even runs) or in [0, 0.25 T] after the import opens its write transaction (odd runs: kills inside
the write transaction); fixed seed; T is re-measured whenever an import finishes before its kill;
reopen the store, run `check` (database, schema, references, audit),
and require the anchor intact and the case wholly present (every entry and claim) or wholly
absent. Prints one line per kill and a summary; exit 1 if any kill lost or half-wrote a record.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reliability.bulk_case import write_bulk_case  # noqa: E402
from tests.reliability.crash import (  # noqa: E402
    CONTENT_OPS,
    case_counts,
    content_campaign,
    content_of,
    kill_import_at,
    run_import,
)

from sevenfold.model import load_case  # noqa: E402
from sevenfold.store import Store  # noqa: E402
from sevenfold.store.maintenance import check_store  # noqa: E402


def pg_schema_url(base: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    schema = "crash_" + uuid.uuid4().hex[:10]
    eng = create_engine(base)
    with eng.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}", schema


def drop_schema(base: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    eng = create_engine(base)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    eng.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--op", choices=["import", *CONTENT_OPS], default="import")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sevenfold-crash-"))
    schema = None
    if args.backend == "sqlite":
        url = f"sqlite:///{work / 'store.db'}"
    else:
        base = os.environ.get("SEVENFOLD_TEST_PG_URL")
        if not base:
            print("set SEVENFOLD_TEST_PG_URL (scripts/start_postgres.sh prints one)", file=sys.stderr)
            return 2
        url, schema = pg_schema_url(base)
    try:
        if args.op != "import":
            return content_run(args, url, work)
        case_file = write_bulk_case(work / "bulk.json", "bulk", reports=args.reports)
        anchor = write_bulk_case(work / "anchor.json", "anchor", reports=100, sources=10, ratings=20)
        assert run_import(url, anchor).returncode == 0
        with Store(url) as store:
            anchor_expected = case_counts(store, "anchor")
        t0 = time.monotonic()
        done = run_import(url, case_file)
        duration = time.monotonic() - t0
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 2
        with Store(url) as store:
            expected = case_counts(store, "bulk")
            store.delete_case("bulk", actor="bench:crash")
        print(f"backend={args.backend} reports={args.reports} claims={expected and expected.get('claims')} "
              f"uninterrupted import {duration:.1f}s; {args.kills} kills, seed {args.seed}", flush=True)
        content = content_of(load_case(case_file))  # a present case must equal the file, entry for entry
        rng = random.Random(args.seed)
        results = []
        estimate = duration
        for i in range(args.kills):
            # the machine's speed drifts (other load): aim at the latest measured import duration
            # even runs: a moment of the whole import; odd runs: a moment inside the write transaction
            in_write = i % 2 == 1
            delay = rng.uniform(0.0, 0.25 if in_write else 1.05) * estimate
            t_run = time.monotonic()
            o = kill_import_at(url, case_file, "bulk", delay, expected or {}, "anchor", anchor_expected or {},
                               after_write_starts=in_write, expected_content=content)
            if not o.killed and not in_write:
                estimate = min(estimate, time.monotonic() - t_run)
            results.append(o)
            print(f"kill {i + 1:2d}: at {delay:6.2f}s{' after writing began' if in_write else ''} "
                  f"killed={o.killed!s:5} phase={o.phase:5} case={o.state:7} "
                  f"check={'ok' if o.check_ok else 'FAIL'} anchor={'ok' if o.anchor_ok else 'LOST'}"
                  + ("" if o.check_ok else f" {o.problems[:3]}")
                  + (f" INVALID: the import failed by itself (exit {o.returncode})" if o.import_failed else ""),
                  flush=True)
        with Store(url) as store:
            final = check_store(store, deep=True)
        killed = sum(o.killed for o in results)
        bad = [o for o in results if not o.ok]
        phases = {p: sum(o.phase == p for o in results) for p in ("other", "write", "done")}
        w_absent = sum(o.phase == "write" and o.state == "absent" for o in results)
        print(f"summary: {len(results)} runs, {killed} killed mid-run ({phases['write']} inside the write "
              f"transaction, of which {w_absent} rolled back to absent; {phases['other']} while reading, "
              f"validating or exiting; {phases['done']} finished first), "
              f"{sum(o.state == 'present' for o in results)} present, {sum(o.state == 'absent' for o in results)} "
              f"absent, {sum(o.state == 'PARTIAL' for o in results)} partial, {len(bad)} failed, "
              f"{sum(o.import_failed for o in results)} invalid (import failed by itself); "
              f"final deep check {'ok' if final.ok else 'FAIL'}")
        return 0 if not bad and final.ok else 1
    finally:
        if schema is not None:
            drop_schema(os.environ["SEVENFOLD_TEST_PG_URL"], schema)


def content_run(args: argparse.Namespace, url: str, work: Path) -> int:
    v1 = write_bulk_case(work / "v1.json", "bulk", reports=args.reports)
    v2 = write_bulk_case(work / "v2.json", "bulk", reports=max(1, args.reports // 2), seed=args.seed + 1)
    anchor = write_bulk_case(work / "anchor.json", "anchor", reports=100, sources=10, ratings=20)
    for f in (anchor, v1):
        if run_import(url, f).returncode != 0:
            print(f"could not import {f}", file=sys.stderr)
            return 2
    print(f"backend={args.backend} op={args.op} reports={args.reports}; {args.kills} kills, seed {args.seed}",
          flush=True)
    outcomes = content_campaign(args.op, url, v1, v2, work, args.kills, random.Random(args.seed))
    for i, o in enumerate(outcomes, 1):
        print(f"kill {i:2d}: at {o.delay:6.2f}s killed={o.killed!s:5} state={o.state:24} "
              f"check={'ok' if o.check_ok else 'FAIL ' + str(o.problems[:2])}", flush=True)
    with Store(url) as store:
        final = check_store(store, deep=True)
    bad = [o for o in outcomes if not o.ok]
    states = sorted({o.state for o in outcomes})
    print(f"summary: {len(outcomes)} runs, {sum(o.killed for o in outcomes)} killed mid-run, states seen "
          f"{states}, {sum(o.state == 'CORRUPT' for o in outcomes)} corrupt, {len(bad)} failed; final deep "
          f"check {'ok' if final.ok else 'FAIL'}")
    return 0 if not bad and final.ok else 1


if __name__ == "__main__":
    sys.exit(main())
