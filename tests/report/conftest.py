from __future__ import annotations

from pathlib import Path

import pytest

from sevenfold.model import Case, case_from_data

DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"


def small_case_data() -> dict:
    return {
        "format": "sevenfold/1",
        "case": {"id": "fixture", "title": "Fixture <case>", "question": "Is the memo genuine & real?"},
        "actors": [{"id": "adv", "name": "Adversary"}],
        "sources": [{"id": "s1", "name": "Agent One", "kind": "human"},
                    {"id": "s2", "name": "Ministry", "kind": "official", "controlled_by": "adv"}],
        "documents": [{"id": "d1", "citation": "RGASPI, f. 17, op. 163, d. 1217, ll. 51-2", "title": "Memo"}],
        "reports": [
            {"id": "r1", "source": "s1", "date": "1936-12", "document": "d1", "modality": "document",
             "text": "The memo <b>exists</b>", "claims": [{"object": "memo", "attribute": "authentic", "value": True}]},
            {"id": "r2", "source": "s2", "date": "1937-01-02", "derived_from": ["r1"], "text": "Restates r1"},
            {"id": "r3", "source": "s2", "date": "1937", "modality": "official_statement", "text": "It is a plant"},
        ],
        "hypotheses": [{"id": "genuine", "statement": "Genuine"},
                       {"id": "plant", "statement": "Planted", "deception_by": "adv"}],
        "ratings": [
            {"report": "r1", "hypothesis": "genuine", "consistency": "C"},
            {"report": "r1", "hypothesis": "plant", "consistency": "N"},
            {"report": "r2", "hypothesis": "genuine", "consistency": "C"},
            {"report": "r3", "hypothesis": "genuine", "consistency": "II"},
            {"report": "r3", "hypothesis": "plant", "consistency": "C"},
        ],
    }


@pytest.fixture
def small_case() -> Case:
    return case_from_data(small_case_data(), "fixture")


def bundled_case_paths() -> list[Path]:
    return sorted(DATA.glob("*.yaml"))
