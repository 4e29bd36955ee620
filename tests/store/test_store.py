"""The store on SQLite and a real PostgreSQL: transactions, round trips, migrations, concurrency."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sevenfold.errors import CaseValidationError, Conflict, InputError, NotFound
from sevenfold.model import Hypothesis, case_from_data, load_case, loads_case
from sevenfold.store import SCHEMA_HEAD, Store
from tests.model.test_case_files import MINIMAL
from tests.strategies import case_data

BUNDLED_ZARUBIN = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data" / "zarubin-1937.yaml"


def test_import_load_round_trip(store_url: str) -> None:
    case = loads_case(MINIMAL)
    with Store(store_url) as store:
        assert store.import_case(case) == 1
        assert store.load_case("c1") == case
        assert [c.case_id for c in store.list_cases()] == ["c1"]
        assert store.list_cases()[0].counts == {"sources": 1, "reports": 1, "hypotheses": 2}


def test_duplicate_import_refused_and_store_unchanged(store_url: str) -> None:
    case = loads_case(MINIMAL)
    with Store(store_url) as store:
        store.import_case(case)
        other = case.model_copy(update={"case": case.case.model_copy(update={"title": "changed"})})
        with pytest.raises(InputError, match="already in the store"):
            store.import_case(other)
        assert store.load_case("c1") == case
        assert store.import_case(other, replace=True) == 2
        assert store.load_case("c1").case.title == "changed"


def test_failed_import_leaves_nothing(store_url: str) -> None:
    """A write that fails half-way (here: the database refuses an over-long key) rolls back."""
    case = loads_case(MINIMAL)
    long_id = "x" * 700  # longer than the key column allows on PostgreSQL; SQLite ignores lengths
    broken = case.model_copy(update={"ratings": [
        *case.ratings, case.ratings[0].model_copy(update={"analyst": long_id})]})
    with Store(store_url) as store:
        try:
            store.import_case(broken)
        except Exception:
            pass
        else:
            store.delete_case("c1")  # SQLite accepted it: nothing to roll back in this backend
        assert not store.has_case("c1")
        assert store.list_cases() == []
        assert not store.has_case("c1")
        assert store.list_cases() == []


def test_missing_case(store_url: str) -> None:
    with Store(store_url) as store:
        with pytest.raises(NotFound, match="no case 'nope'"):
            store.load_case("nope")


def test_update_case_validates_and_detects_conflicts(store_url: str) -> None:
    with Store(store_url) as store:
        store.import_case(loads_case(MINIMAL))

        def add_h(c):  # type: ignore[no-untyped-def]
            c.hypotheses.append(Hypothesis(id="third", statement="a third answer"))

        _, rev = store.update_case("c1", add_h, expected_revision=1)
        assert rev == 2 and [h.id for h in store.load_case("c1").hypotheses][-1] == "third"
        with pytest.raises(Conflict):
            store.update_case("c1", add_h, expected_revision=1)

        def dangle(c):  # type: ignore[no-untyped-def]
            c.reports[0].source = "ghost"

        with pytest.raises(CaseValidationError, match="unknown source 'ghost'"):
            store.update_case("c1", dangle)
        assert store.revision("c1") == 2


def test_delete_case(store_url: str) -> None:
    with Store(store_url) as store:
        store.import_case(loads_case(MINIMAL))
        store.delete_case("c1")
        assert not store.has_case("c1")
        with pytest.raises(NotFound):
            store.delete_case("c1")


def test_bundled_cases_round_trip(store_url: str, bundled_cases: list[Path]) -> None:
    assert bundled_cases, "the bundled seed cases are missing"
    with Store(store_url) as store:
        for path in bundled_cases:
            case = load_case(path)
            store.import_case(case)
            assert store.load_case(case.id) == case


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=case_data(), n=st.integers(0, 10**6))
def test_generated_cases_import_export_import(store_url: str, data: dict, n: int) -> None:
    from sevenfold.model import dump_case

    case = case_from_data(data)
    case = case.model_copy(update={"case": case.case.model_copy(update={"id": f"{case.id}-{n}"})})
    with Store(store_url) as store:
        store.import_case(case, replace=True)
        exported = dump_case(store.load_case(case.id), "yaml")
        again = loads_case(exported)
        assert again == case
        store.import_case(again, replace=True)
        assert store.load_case(case.id) == case


def test_schema_head_matches_migrations_and_models(store_url: str) -> None:
    """The migrations produce exactly the tables the code declares (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from sevenfold.store.engine import alembic_config
    from sevenfold.store.tables import metadata

    with Store(store_url) as store:
        assert ScriptDirectory.from_config(alembic_config(store.engine)).get_current_head() == SCHEMA_HEAD
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == [], diff


def _import_worker(url: str, i: int) -> str:
    text = MINIMAL.replace("id: c1,", f"id: case-{i},")
    with Store(url) as store:
        for _ in range(3):
            store.import_case(loads_case(text), replace=True)
    return "ok"


def test_concurrent_processes_on_one_sqlite_file(tmp_path: Path) -> None:
    """Several processes creating, migrating and importing at once: no 'database is locked'."""
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    ctx = mp.get_context("spawn")
    with ctx.Pool(4) as pool:
        results = pool.starmap(_import_worker, [(url, i) for i in range(8)])
    assert results == ["ok"] * 8
    with Store(url) as store:
        assert len(store.list_cases()) == 8


def test_update_case_keeps_in_place_appends_to_lists_the_case_did_not_have(store_url: str) -> None:
    """Regression: an edit appending to an absent list (burns, a report's via) must not be dropped."""
    from sevenfold.model import Burn

    with Store(store_url) as store:
        store.import_case(loads_case(MINIMAL))

        def burn(c):  # type: ignore[no-untyped-def]
            c.burns.append(Burn(id="b1", source="zarubin", since="1937-06"))
            c.reports[0].via.append("zarubin")

        store.update_case("c1", burn)
        stored = store.load_case("c1")
        assert [b.id for b in stored.burns] == ["b1"]
        assert stored.reports[0].via == ["zarubin"]


def test_import_refuses_a_case_built_in_code_with_dangling_references(store_url: str) -> None:
    case = loads_case(MINIMAL)
    broken = case.model_copy(update={"reports": [case.reports[0].model_copy(update={"source": "ghost"})]})
    with Store(store_url) as store:
        with pytest.raises(CaseValidationError, match="unknown source 'ghost'"):
            store.import_case(broken)
        assert not store.has_case("c1")


EXACT_VALUES = """{"format": "sevenfold/1", "case": {"id": "exact"}, "sources": [{"id": "s", "tags": []}],
 "reports": [{"id": "r", "source": "s", "interests": [], "remark": null, "claims": [
   {"object": "o", "attribute": "big", "value": 12345678901234567890},
   {"object": "o", "attribute": "float", "value": 12.0},
   {"object": "o", "attribute": "tiny", "value": 1e-300},
   {"object": "o", "attribute": "text-number", "value": "12"},
   {"object": "o", "attribute": "text-json", "value": "[1, 2]"},
   {"object": "o", "attribute": "unicode", "value": "Ежов \\"Yezhov\\"\\n"},
   {"object": "o", "attribute": "list", "value": [1, "a", null]},
   {"object": "o", "attribute": "extra", "value": true, "variants": []}]}]}"""


def test_values_round_trip_exactly_with_their_types(store_url: str) -> None:
    """Regression: SQLite's NUMERIC affinity of a column declared JSON turned the claim value 12.0
    into 12 and a 20-digit integer into a float; empty extras were dropped on export."""
    from sevenfold.model import dump_case

    case = loads_case(EXACT_VALUES)
    with Store(store_url) as store:
        store.import_case(case)
        loaded = store.load_case("exact")
    got = {c.attribute: c.value for c in loaded.reports[0].claims}
    want = {c.attribute: c.value for c in case.reports[0].claims}
    assert got == want
    assert {k: type(v) for k, v in got.items()} == {k: type(v) for k, v in want.items()}
    assert loaded.reports[0].extra == {"interests": [], "remark": None}
    assert loaded.sources[0].extra == {"tags": []}
    assert loaded.reports[0].claims[-1].extra == {"variants": []}
    for fmt in ("json", "yaml"):
        assert loads_case(dump_case(loaded, fmt)) == case


def test_migration_0003_keeps_claims_and_declares_values_text(tmp_path: Path) -> None:
    """A store written at revision 0002 (claim values declared JSON) upgrades to TEXT, rows intact."""
    import sqlite3

    from alembic import command

    from sevenfold.store.engine import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    case = load_case(BUNDLED_ZARUBIN)
    with Store(url) as store:
        store.import_case(case)
        cfg = alembic_config(store.engine)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0002")

    def value_type() -> str:
        con = sqlite3.connect(tmp_path / "old.db")
        try:
            return {r[1]: r[2] for r in con.execute("PRAGMA table_info(claims)")}["value"]
        finally:
            con.close()

    assert value_type() == "JSON"
    with Store(url) as store:  # opening migrates to head
        assert store.load_case(case.id) == case
    assert value_type() == "TEXT"


def test_migration_0004_adds_revoked_sessions_and_keeps_accounts(store_url: str) -> None:
    """A store at revision 0003 (no revoked_sessions) upgrades with its users intact, and downgrades."""
    pytest.importorskip("argon2")
    from alembic import command
    from sqlalchemy import inspect

    from sevenfold.store import accounts
    from sevenfold.store.engine import alembic_config, current_revision

    def migrate_to(store: Store, rev: str, down: bool) -> None:
        cfg = alembic_config(store.engine)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, rev)

    with Store(store_url) as store:
        accounts.create_user(store, "alice", "a long password", actor="t")
        migrate_to(store, "0003", down=True)
        assert not inspect(store.engine).has_table("revoked_sessions")
        assert current_revision(store.engine) == "0003"
    with Store(store_url) as store:  # opening migrates to head
        assert current_revision(store.engine) == SCHEMA_HEAD
        assert inspect(store.engine).has_table("revoked_sessions")
        alice = accounts.get_user(store, "alice")
        assert accounts.session_user(store, alice.pk, "n1") == alice


def test_json_export_puts_each_entry_on_its_own_line() -> None:
    import json

    from sevenfold.model import case_to_data, dump_case

    case = load_case(BUNDLED_ZARUBIN)
    text = dump_case(case, "json")
    assert json.loads(text) == case_to_data(case)
    entry_lines = [line for line in text.splitlines() if line.startswith("    {")]
    assert len(entry_lines) == sum(len(v) for v in case_to_data(case).values() if isinstance(v, list))
    assert all(json.loads(line.strip().rstrip(",")) for line in entry_lines)


def test_indexed_columns_hold_what_the_entries_say(store_url: str) -> None:
    """The bulk insert passes rows as tuples in column order: each indexed column must hold its field."""
    from sqlalchemy import select

    from sevenfold.store.tables import claims, entry_tables

    case = load_case(BUNDLED_ZARUBIN)
    with Store(store_url) as store:
        store.import_case(case)
        with store.engine.connect() as conn:
            reps = entry_tables["reports"]
            got = conn.execute(select(reps.c.key, reps.c.source_id, reps.c.date).order_by(reps.c.pos)).all()
            assert [tuple(r) for r in got] == [(r.id, r.source, r.date) for r in case.reports]
            rat = entry_tables["ratings"]
            got = conn.execute(select(rat.c.report_id, rat.c.hypothesis_id).order_by(rat.c.pos)).all()
            assert [tuple(r) for r in got] == [(r.report, r.hypothesis) for r in case.ratings]
            got = conn.execute(select(claims.c.report_pos, claims.c.source_id, claims.c.object, claims.c.attribute)
                               .order_by(claims.c.report_pos, claims.c.pos)).all()
            want = [(i, r.source, c.object, c.attribute) for i, r in enumerate(case.reports) for c in r.claims]
            assert [tuple(r) for r in got] == want and want


def test_a_stored_case_with_an_id_from_before_the_slug_rule_can_still_be_edited(tmp_path):
    """Second-review finding (session 6): edits re-validated the whole case, slug rule included, so a case
    stored as 'op 1' loaded but could no longer be edited."""
    from sevenfold.model import case_from_data
    from sevenfold.store import Store

    data = {"format": "sevenfold/1", "case": {"id": "op 1", "title": "t", "question": "?"},
            "hypotheses": [{"id": "a", "statement": "one"}, {"id": "b", "statement": "two"}]}
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.import_case(case_from_data(data, "old", check_case_id=False))

    def retitle(case):  # type: ignore[no-untyped-def]
        case.case.title = "edited"

    store.update_case("op 1", retitle)
    assert store.load_case("op 1").case.title == "edited"
    store.close()
