"""A large, valid, seeded case file written straight to disk (for crash, concurrency and speed runs).

``write_bulk_case(path, reports=100_000, claims_per_report=3)`` writes a ``sevenfold/1`` file with
that many reports, ``reports * claims_per_report`` claims, a few hundred sources, three hypotheses
and one rating per report for the first ``ratings`` reports. JSON when the path ends in ``.json``,
else YAML. Used by benchmarks/import_bench.py, benchmarks/crash_harness.py and tests/reliability.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

MODALITIES = ("observation", "hearsay", "document", "intercept", "official_statement", "assessment")


def bulk_case_data(case_id: str = "bulk", reports: int = 100_000, claims_per_report: int = 3,
                   sources: int = 500, ratings: int = 2_000, seed: int = 20261129) -> dict[str, Any]:
    rng = random.Random(seed)
    data: dict[str, Any] = {
        "format": "sevenfold/1",
        "case": {"id": case_id, "title": f"Bulk case {case_id}", "question": "Which answer is true?"},
        "actors": [{"id": "adv", "name": "Adversary service"}],
        "sources": [{"id": f"s{i}", "name": f"Source {i}", "kind": "human",
                     "track_record": {"confirmed": rng.randint(0, 9), "refuted": rng.randint(0, 3)}}
                    for i in range(sources)],
        "hypotheses": [{"id": "h1", "statement": "first answer"}, {"id": "h2", "statement": "second answer"},
                       {"id": "plant", "statement": "planted", "deception_by": "adv"}],
    }
    reps = []
    for i in range(reports):
        y, m, d = rng.randint(1930, 1937), rng.randint(1, 12), rng.randint(1, 28)
        rep: dict[str, Any] = {
            "id": f"r{i}", "source": f"s{rng.randrange(sources)}", "date": f"{y:04d}-{m:02d}-{d:02d}",
            "modality": MODALITIES[i % len(MODALITIES)],
            "text": f"Report {i}: item {rng.randrange(10**6)} observed near place {rng.randrange(1000)}",
            "claims": [{"object": f"o{rng.randrange(reports // 2 + 1)}", "attribute": f"a{j}",
                        "value": rng.choice([True, False, rng.randrange(100), f"v{rng.randrange(50)}"])}
                       for j in range(claims_per_report)],
        }
        if i and i % 10 == 0:
            rep["derived_from"] = [f"r{rng.randrange(i)}"]
        reps.append(rep)
    data["reports"] = reps
    data["ratings"] = [{"report": f"r{i}", "hypothesis": ("h1", "h2", "plant")[i % 3],
                        "consistency": ("C", "N", "I", "CC", "II")[i % 5]} for i in range(min(ratings, reports))]
    return data


def write_bulk_case(path: str | Path, case_id: str = "bulk", reports: int = 100_000, claims_per_report: int = 3,
                    **kwargs: Any) -> Path:
    p = Path(path)
    data = bulk_case_data(case_id, reports, claims_per_report, **kwargs)
    if p.suffix.lower() == ".json":
        p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        p.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=200),
                     encoding="utf-8")
    return p
