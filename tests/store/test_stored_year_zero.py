"""A store written before year 0 was refused may hold one (``compromised_since: '0000'``): the case
still opens, `sevenfold check` names the date, and `assess` refuses with the field, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from sevenfold.cli import main
from sevenfold.model import load_case
from sevenfold.store import Store
from sevenfold.store.maintenance import check_store
from sevenfold.store.tables import entry_tables

DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"
CASE_ID = "zarubin-1937"


def _poisoned(url: str) -> None:
    with Store(url) as store:
        store.import_case(load_case(DATA / f"{CASE_ID}.yaml"), actor="test:setup")
        sources = entry_tables["sources"]
        with store.write() as conn:
            row = conn.execute(sources.select().where(sources.c.key == "zarubin")).first()
            conn.execute(update(sources).where(sources.c.case_pk == row.case_pk, sources.c.key == "zarubin")
                         .values(body={**row.body, "compromised_since": "0000"}))


def test_check_names_a_stored_year_0_and_the_case_still_opens(store_url: str) -> None:
    _poisoned(store_url)
    with Store(store_url) as store:
        case = store.load_case(CASE_ID)
        assert case.source("zarubin").compromised_since == "0000"
        report = check_store(store)
    assert not report.ok
    assert any("sources[zarubin].compromised_since: no such year in '0000'" in p for p in report.problems)


def test_cli_check_and_assess_on_a_stored_year_0(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _poisoned(store_url)
    assert main(["check", "--db", store_url]) == 1
    assert "no such year in '0000'" in " ".join(capsys.readouterr().out.split())
    assert main(["assess", CASE_ID, "--db", store_url]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "cannot assess" in err and "sources[zarubin].compromised_since: no such year in '0000'" in err
    assert "Traceback" not in err
