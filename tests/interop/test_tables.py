"""CSV/Parquet tables of reports and claims: round trips, fusion compatibility, refusals."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sevenfold.errors import InputError
from sevenfold.interop.tables import export_tables, import_table, text_to_value, value_to_text
from sevenfold.model import case_from_data, case_to_data, load_case
from tests.strategies import VALUE, case_data

from .conftest import bundled_case_paths, without_reports


def _reports(case):
    return case_to_data(case).get("reports", [])


def _roundtrip(case, tmp_path, fmt):
    export_tables(case, tmp_path, fmt)
    stripped = without_reports(case)
    after_reports = import_table(tmp_path / f"reports.{fmt}", stripped).case
    return import_table(tmp_path / f"claims.{fmt}", after_reports)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("path", bundled_case_paths(), ids=lambda p: p.stem)
def test_bundled_cases_round_trip(path, fmt, tmp_path):
    case = load_case(path)
    result = _roundtrip(case, tmp_path, fmt)
    assert _reports(result.case) == _reports(case)
    assert result.sources_created == []


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=case_data())
def test_generated_cases_round_trip(data, fmt, tmp_path_factory):
    case = case_from_data(data, "generated")
    result = _roundtrip(case, tmp_path_factory.mktemp("t"), fmt)
    assert _reports(result.case) == _reports(case)


@given(VALUE | st.floats(allow_nan=False) | st.dictionaries(st.text(max_size=5), st.integers(), max_size=3))
def test_claim_values_keep_their_type(value):
    text, vtype = value_to_text(value)
    back = text_to_value(text, vtype, "t")
    assert back == value and type(back) is type(value)


def test_claims_table_is_fusion_input(small_case, tmp_path):
    from sevenfold.fusion.table_io import read_claims

    export_tables(small_case, tmp_path, "csv")
    table = read_claims(tmp_path / "claims.csv")
    assert table.num_rows == sum(len(r.claims) for r in small_case.reports)
    assert table.column("value").to_pylist() == ["true"]


def test_claims_without_report_column_group_by_source_and_date(small_case, tmp_path):
    p = tmp_path / "claims.csv"
    p.write_text("source,object,attribute,value,date\n"
                 "newcomer,memo,authentic,false,1937-02\n"
                 "newcomer,memo,author,Hitler,1937-02\n"
                 "s1,memo,authentic,true,\n", encoding="utf-8")
    result = import_table(p, small_case)
    assert result.sources_created == ["newcomer"]
    assert result.claims_added == 3
    added = {r.id: r for r in result.case.reports if r.id in result.reports_added}
    assert len(added) == 2  # (newcomer, 1937-02) and (s1, undated)
    by_source = {r.source: r for r in added.values()}
    assert [c.value for c in by_source["newcomer"].claims] == ["false", "Hitler"]  # no value_type: text
    assert small_case.reports == case_from_data(case_to_data(small_case), "x").reports  # input untouched


def test_importing_the_same_claims_twice_adds_nothing(small_case, tmp_path):
    export_tables(small_case, tmp_path, "csv")
    result = import_table(tmp_path / "claims.csv", small_case)
    assert result.claims_added == 0 and result.claims_skipped == 1


@pytest.mark.parametrize("content, message", [
    ("foo,bar\n1,2\n", "not a reports table"),
    ("id,source\nr1,s1\n", "already in case"),
    ("id,source\n,s1\n", "row 2: columns 'id' and 'source' must not be empty"),
    ("source,object,attribute,value,value_type\ns1,o,a,maybe,bool\n", "row 2: value 'maybe' is not of value_type"),
    ("source,object,attribute,value,value_type\ns1,o,a,1,complex\n", "unknown value_type"),
    ("report,source,object,attribute,value\nr1,s2,o,a,v\n", "report 'r1' is by source 's1', not 's2'"),
    ("", "the file is empty"),
])
def test_bad_tables_are_refused_whole(small_case, tmp_path, content, message):
    p = tmp_path / "t.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        import_table(p, small_case)


def test_export_into_a_file_path_is_refused(small_case, tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="give a folder"):
        export_tables(small_case, tmp_path / "f", "csv")
