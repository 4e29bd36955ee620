"""Import/export speed of the case store (issue 3): 100,000 reports and 300,000 claims on SQLite.

Run: .venv/bin/python benchmarks/import_bench.py                 (JSON case file)
     .venv/bin/python benchmarks/import_bench.py --format yaml   (YAML case file)
     .venv/bin/python benchmarks/import_bench.py --reports 20000 (smaller, quicker)

Import = what `sevenfold import FILE` does: read + parse + validate the file, then write it in one
transaction. Export = what `sevenfold export CASE --format F --out FILE` does: load + validate the
case from the store, then write the file. Target: >= 20,000 reports/s each.

Figures are wall-clock and CPU time of this process (CPU time is the steadier figure on a shared
machine). Peers measured in the same run, on the same rows: the bare floor of each side —
json.loads of the file plus sqlite3 executemany of the rows with the stdlib (import), and a bare
SELECT of the rows plus json.dumps (export); the ratio says how close sevenfold is to the floor.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reliability.bulk_case import bulk_case_data, write_bulk_case  # noqa: E402

from sevenfold.model import dump_case, load_case  # noqa: E402
from sevenfold.store import Store  # noqa: E402

TARGET = 20_000


class Timer:
    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def peer_import(path: Path, db: Path) -> Timer:
    with Timer() as t:
        data = json.loads(path.read_text(encoding="utf-8"))
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("CREATE TABLE r (pos INTEGER PRIMARY KEY, body TEXT)")
        con.execute("CREATE TABLE c (rpos INTEGER, pos INTEGER, object TEXT, attribute TEXT, value TEXT, "
                    "PRIMARY KEY (rpos, pos))")
        with con:
            con.executemany("INSERT INTO r VALUES (?, ?)",
                            ((i, json.dumps({k: v for k, v in r.items() if k != "claims"}))
                             for i, r in enumerate(data["reports"])))
            con.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?)",
                            ((i, j, c["object"], c["attribute"], json.dumps(c["value"]))
                             for i, r in enumerate(data["reports"]) for j, c in enumerate(r["claims"])))
        con.close()
    return t


def peer_export(db: Path, out: Path) -> Timer:
    with Timer() as t:
        con = sqlite3.connect(db)
        reports = [json.loads(b) for (b,) in con.execute("SELECT body FROM r ORDER BY pos")]
        for rpos, _pos, obj, attr, value in con.execute("SELECT * FROM c ORDER BY rpos, pos"):
            reports[rpos].setdefault("claims", []).append({"object": obj, "attribute": attr,
                                                           "value": json.loads(value)})
        out.write_text(json.dumps({"reports": reports}, ensure_ascii=False), encoding="utf-8")
        con.close()
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--claims-per-report", type=int, default=3)
    ap.add_argument("--format", choices=["json", "yaml"], default="json")
    args = ap.parse_args()
    n = args.reports
    work = Path(tempfile.mkdtemp(prefix="sevenfold-bench-"))
    case_file = write_bulk_case(work / f"bulk.{args.format}", "bulk", reports=n,
                                claims_per_report=args.claims_per_report)
    peer_file = work / "peer.json"
    peer_file.write_text(json.dumps(bulk_case_data("bulk", n, args.claims_per_report)), encoding="utf-8")
    print(f"case: {n:,} reports, {n * args.claims_per_report:,} claims, {args.format} "
          f"{case_file.stat().st_size / 1e6:.1f} MB; SQLite (WAL, synchronous=FULL)")

    store = Store(str(work / "store.db"))
    with Timer() as t_parse:
        case = load_case(case_file)
    with Timer() as t_write:
        store.import_case(case)
    imp_wall, imp_cpu = t_parse.wall + t_write.wall, t_parse.cpu + t_write.cpu
    with Timer() as t_load:
        loaded = store.load_case("bulk")
    with Timer() as t_dump:
        (work / f"export.{args.format}").write_text(dump_case(loaded, args.format), encoding="utf-8")
    exp_wall, exp_cpu = t_load.wall + t_dump.wall, t_load.cpu + t_dump.cpu
    store.close()
    assert loaded == case, "export does not round-trip"

    p_imp = peer_import(peer_file, work / "peer.db")
    p_exp = peer_export(work / "peer.db", work / "peer-out.json")

    def line(label: str, wall: float, cpu: float, peer: Timer, parts: str) -> None:
        ok = "meets" if n / wall >= TARGET else "MISSES"
        print(f"{label}: {n / wall:>9,.0f} reports/s wall ({wall:.2f} s), {n / cpu:>9,.0f} reports/s CPU "
              f"({cpu:.2f} s) — {ok} the {TARGET:,}/s target (wall); {parts}; "
              f"peer (stdlib floor) {n / peer.wall:,.0f}/s wall, {n / peer.cpu:,.0f}/s CPU; "
              f"sevenfold/peer CPU time = {cpu / peer.cpu:.1f}x")

    line("import", imp_wall, imp_cpu, p_imp,
         f"read+validate {t_parse.wall:.2f} s, write {t_write.wall:.2f} s wall")
    line("export", exp_wall, exp_cpu, p_exp,
         f"load+validate {t_load.wall:.2f} s, write {args.format} {t_dump.wall:.2f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
