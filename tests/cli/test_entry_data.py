"""`sevenfold entry add CASE KIND DATA`: inline DATA goes through the case reader's YAML limits, and text
that cannot be a file name is read as text, not looked up on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from sevenfold.cli import main

BOMB = "\n".join(
    [f'a: &a [{",".join(["x"] * 9)}]']
    + [f"{b}: &{b} [{','.join(['*' + a] * 9)}]" for a, b in zip("abcdef", "bcdefg", strict=True)]
    + [f"h: [{','.join(['*g'] * 9)}]"])


def test_inline_alias_bomb_is_refused_within_the_limits(db: Path, case_file: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(case_file)]) == 0
    capsys.readouterr()
    assert main(["entry", "add", "c1", "sources", BOMB]) == 2
    assert "yaml_expanded_nodes" in capsys.readouterr().err


def test_long_inline_data_is_text_not_a_file_name(db: Path, case_file: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # longer than a file name may be (ENAMETOOLONG used to escape as a traceback)
    assert main(["import", str(case_file)]) == 0
    capsys.readouterr()
    assert main(["entry", "add", "c1", "sources", "{id: s-long, name: " + "n" * 5000 + "}"]) in (0, 2)
    assert "Traceback" not in capsys.readouterr().err
