"""`sevenfold assess` names the deception budget's origins after the sources they started with, as the
alerts and the page do ("o1 — curveball, relayed by bnd"), not by bare ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sevenfold.cli import main
from sevenfold.model import load_case
from sevenfold.model.custody import origin_names

DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"


@pytest.mark.parametrize("name", ["internal-threat-1937.yaml", "zarubin-1937.yaml"])
def test_the_budget_line_names_its_origins(db: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / name
    assert main(["assess", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    budget = result["deception_budget"]
    assert budget and budget["origins"]
    names = origin_names(load_case(path).reports,
                         [type("O", (), o)() for o in result["origins"]])
    assert main(["assess", str(path)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    line = text[text.index("Deception budget:"):]
    for oid in budget["origins"]:
        assert names[oid].startswith(f"{oid} — ")
        assert " ".join(names[oid].split()) in line, (names[oid], line[:300])
    assert not re.search(r"\((?:o\d+, )*o\d+\)", line)  # no bare "(o4, o3)"
