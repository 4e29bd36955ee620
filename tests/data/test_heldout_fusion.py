"""Three cases written from the public record by an outside helper who had not read the engine (the
Zinoviev letter 1924, Garbo and Fortitude 1944, the Barbarossa warnings 1941), frozen before the first
run (heldout_fusion/FROZEN.sha256) to judge how agreement between report claims grades sources. Kept as
tests after that evaluation: what the outside reader checked must stay true."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sevenfold.model import load_case
from sevenfold.model.results import Assessment
from sevenfold.pipeline import run_assessment

HERE = Path(__file__).parent / "heldout_fusion"


def _assess(name: str) -> Assessment:
    return run_assessment(load_case(HERE / f"{name}.yaml"))


def _grades(result: Assessment) -> dict[str, tuple[str | None, float | None]]:
    return {s.id: (s.admiralty, s.reliability) for s in result.sources}


def test_files_are_the_frozen_ones() -> None:
    for line in (HERE / "FROZEN.sha256").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == digest, name


def test_zinoviev_one_forged_document_repeated_corroborates_nobody() -> None:
    # five channels passed on one forged letter: repeating it is not corroboration (the old engine gave
    # them C and pushed the dissenting witnesses down to D and E)
    result = _assess("zinoviev-1924")
    assert result.top == "emigre-forgery" and result.confidence == "low"
    grades = _grades(result)
    for source in ("sis-riga", "sis-london", "foreign-office", "im-thurn", "daily-mail"):
        letter, reliability = grades[source]
        assert letter == "F" and reliability == pytest.approx(0.5), (source, grades[source])
    for dissenter in ("finney", "soviet-gov"):
        assert grades[dissenter][1] == pytest.approx(0.5), (dissenter, grades[dissenter])


def test_garbo_copies_and_summaries_earn_no_grade() -> None:
    result = _assess("garbo-1944")
    assert result.top == "fortitude" and result.confidence != "high"
    grades = _grades(result)
    # a pure copier (abwehr-madrid) and a summary of other reports (fhw) were C under the old engine
    for source in ("abwehr-madrid", "fhw"):
        assert grades[source] == ("F", pytest.approx(0.5)), (source, grades[source])
    # Garbo's own summary and its copies no longer lift him to B
    assert grades["garbo"][0] != "A" and grades["garbo"][0] != "B", grades["garbo"]


@pytest.mark.parametrize("source", ["sorge", "british-gov", "border-guards"])
def test_barbarossa_verified_sources_keep_their_record(source: str) -> None:
    result = _assess("barbarossa-1941")
    assert result.top == "german-attack"
    letter, _ = _grades(result)[source]
    assert letter in {"A", "B"}, (source, letter)


def test_barbarossa_the_relaying_station_is_not_credited_with_its_agents_claims() -> None:
    grades = _grades(_assess("barbarossa-1941"))
    assert grades["nkgb-berlin"] == ("F", pytest.approx(0.5)), grades["nkgb-berlin"]
