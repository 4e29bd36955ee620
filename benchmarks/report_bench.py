"""Report rendering time for a generated 500-report case (target: PDF in < 15 s).

Run:  .venv/bin/python benchmarks/report_bench.py [--reports 500] [--seed 7]

Prints the time of each stage (assessment, HTML, PDF) for the generated case and, as the peer measured
in the same run, for the bundled zarubin-1937 case; then PDF pages and the ratio to the 15 s target.
Timings are wall-clock, best of --repeat runs, after one warm-up render (imports, font cache).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from sevenfold.model import Case, case_from_data, load_case
from sevenfold.pipeline import run_assessment
from sevenfold.report import html_to_pdf, render_html

TARGET_S = 15.0
CODES = ["CC", "C", "N", "I", "II", "NA"]
MODALITIES = ["observation", "hearsay", "document", "confession", "official_statement", "intercept"]
WORDS = ["memorandum", "courier", "border", "dispute", "agent", "report", "station", "cipher", "telegram",
         "meeting", "minister", "railway", "garrison", "rumour", "confession", "interrogation", "archive", "folio",
         "envoy", "consulate"]


def generate_case(n_reports: int, seed: int) -> Case:
    """A case with ``n_reports`` reports, 1/12 as many sources, 5 hypotheses, a full ACH matrix,
    documents with archival citations and derived_from chains (about 1 report in 5 restates another)."""
    rng = np.random.default_rng(seed)
    n_sources = max(3, n_reports // 12)
    n_docs = max(2, n_reports // 8)
    sources = [{"id": f"s{i}", "name": f"Source {i}", "kind": str(rng.choice(["human", "official", "document"]))}
               for i in range(n_sources)]
    documents = [{"id": f"d{i}", "citation": f"RGASPI, f. 17, op. {rng.integers(1, 200)}, d. {rng.integers(1, 3000)}, "
                  f"ll. {rng.integers(1, 90)}-{rng.integers(91, 99)}", "date": f"19{rng.integers(30, 39)}"}
                 for i in range(n_docs)]
    hyps = [{"id": f"h{j}", "statement": f"Hypothesis {j}: " + " ".join(rng.choice(WORDS, 8))} for j in range(5)]
    hyps[-1]["deception_by"] = "adv"
    reports: list[dict[str, Any]] = []
    ratings = []
    for i in range(n_reports):
        r: dict[str, Any] = {
            "id": f"r{i}", "source": f"s{rng.integers(0, n_sources)}",
            "date": f"193{rng.integers(0, 7)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}",
            "modality": str(rng.choice(MODALITIES)), "document": f"d{rng.integers(0, n_docs)}",
            "text": " ".join(rng.choice(WORDS, int(rng.integers(15, 45)))).capitalize() + ".",
        }
        if i > 5 and rng.random() < 0.2:
            r["derived_from"] = [f"r{rng.integers(0, i)}"]
        if rng.random() < 0.3:
            r["claims"] = [{"object": f"o{rng.integers(0, 50)}", "attribute": "authentic",
                            "value": bool(rng.random() < 0.6)}]
        reports.append(r)
        for h in hyps:
            ratings.append({"report": r["id"], "hypothesis": h["id"], "consistency": str(rng.choice(CODES))})
    data = {"format": "sevenfold/1",
            "case": {"id": f"bench-{n_reports}", "title": f"Generated case with {n_reports} reports",
                     "question": "Which hypothesis does the evidence support?", "as_of": "1937-12-31"},
            "actors": [{"id": "adv", "name": "Adversary service"}], "sources": sources, "documents": documents,
            "reports": reports, "hypotheses": hyps, "ratings": ratings}
    return case_from_data(data, "generated")


def best(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs (CPU time is what the render itself
    costs; wall-clock also counts waiting for a core on a shared machine)."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), out


def measure(case: Case, repeat: int) -> dict[str, Any]:
    t_assess, _, assessment = best(lambda: run_assessment(case), repeat)
    t_html, _, _ = best(lambda: render_html(case, assessment, images="svg"), repeat)
    t_pdf, c_pdf, pdf = best(lambda: html_to_pdf(render_html(case, assessment, images="png")), repeat)
    pages = None
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "r.pdf"
        p.write_bytes(pdf)
        try:
            info = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True, check=True).stdout
            pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        except (OSError, subprocess.CalledProcessError, StopIteration):
            pass
    return {"reports": len(case.reports), "assess_s": t_assess, "html_s": t_html, "pdf_s": t_pdf, "pdf_cpu_s": c_pdf,
            "pdf_kb": len(pdf) / 1024, "pages": pages}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    data = Path(__file__).resolve().parents[1] / "src" / "sevenfold" / "data" / "zarubin-1937.yaml"
    peer = load_case(data)
    big = generate_case(args.reports, args.seed)
    measure(peer, 1)  # warm-up: imports, matplotlib and font caches
    rows = [("zarubin-1937 (peer)", measure(peer, args.repeat)),
            (f"generated (seed {args.seed})", measure(big, args.repeat))]
    print(f"{'case':28} {'reports':>7} {'assess s':>9} {'html s':>8} {'pdf s':>8} {'pdf cpu s':>10} {'pages':>6} "
          f"{'pdf KiB':>8}")
    for name, m in rows:
        print(f"{name:28} {m['reports']:>7} {m['assess_s']:>9.2f} {m['html_s']:>8.2f} {m['pdf_s']:>8.2f} "
              f"{m['pdf_cpu_s']:>10.2f} {m['pages'] or '-':>6} {m['pdf_kb']:>8.0f}")
    m_peer, m_big = rows[0][1], rows[1][1]
    print(f"PDF time, generated / peer: {m_big['pdf_s'] / m_peer['pdf_s']:.1f}x for "
          f"{m_big['reports'] / m_peer['reports']:.0f}x the reports")
    verdict = "PASS" if m_big["pdf_s"] < TARGET_S else "FAIL"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"target: PDF of a {args.reports}-report case in < {TARGET_S:.0f} s wall-clock -> {m_big['pdf_s']:.2f} s "
          f"({m_big['pdf_s'] / TARGET_S:.0%} of the budget; {m_big['pdf_cpu_s']:.2f} s CPU; "
          f"load average {load:.1f} on {os.cpu_count()} cores) {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
