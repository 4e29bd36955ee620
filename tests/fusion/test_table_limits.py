"""Claims tables from strangers: limits and undecodable headers give clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from sevenfold.errors import InputError, LimitExceeded
from sevenfold.fusion import read_claims


def test_too_many_columns_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEVENFOLD_LIMIT_CSV_COLUMNS", "10")
    f = tmp_path / "wide.csv"
    f.write_text(",".join(f"c{i}" for i in range(50)) + "\n" + ",".join("x" * 50) + "\n")
    with pytest.raises(LimitExceeded, match="csv_columns"):
        read_claims(f)


def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEVENFOLD_LIMIT_FILE_BYTES", "20")
    f = tmp_path / "c.csv"
    f.write_text("source,object,attribute,value\na,b,c,d\n")
    with pytest.raises(LimitExceeded, match="file_bytes"):
        read_claims(f)


def test_header_that_is_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_bytes(b"source,object,attribute,val\xffue\na,b,c,d\n")
    with pytest.raises(InputError, match="UTF-8"):
        read_claims(f)
