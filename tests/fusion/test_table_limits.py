"""Claims tables from strangers: undecodable headers give clear refusals (limits: tests/reliability)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sevenfold.errors import InputError
from sevenfold.fusion import read_claims


def test_header_that_is_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_bytes(b"source,object,attribute,val\xffue\na,b,c,d\n")
    with pytest.raises(InputError, match="UTF-8"):
        read_claims(f)
