"""Standard output that cannot take the output (a full disk: ``> /dev/full``; a reader that has gone:
``| head``), and an output file that is one of the command's inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sevenfold.errors import InputError
from sevenfold.fileio import output_kind

DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"
NOTES = "Text.[^1] More.[^2]\n\n[^1]: RGASPI, f. 17, op. 3, d. 1001, l. 5.\n[^2]: Ibid., l. 6.\n"
RIS = "TY  - BOOK\nTI  - A title\nAU  - Doe, Jane\nPY  - 1999\nER  - \n"


def _run(argv: list[str], stdout: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sevenfold", *argv], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("out")
    (d / "notes.txt").write_text(NOTES)
    (d / "lib.ris").write_text(RIS)
    db = f"sqlite:///{d / 's.db'}"
    subprocess.run([sys.executable, "-m", "sevenfold", "import", str(DATA / "zarubin-1937.yaml"), "--db", db],
                   check=True, capture_output=True)
    return {"notes": str(d / "notes.txt"), "ris": str(d / "lib.ris"), "db": db}


def _commands(inputs: dict[str, str]) -> list[list[str]]:
    return [["cite", "audit", inputs["notes"], "--json"],
            ["cite", "import", inputs["ris"]],
            ["export", "zarubin-1937", "--db", inputs["db"]],
            ["export", "zarubin-1937", "--db", inputs["db"], "--json"]]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("which", range(4))
def test_a_full_stdout_is_one_line_exit_2(inputs: dict[str, str], which: int) -> None:
    with open("/dev/full", "w") as full:
        r = _run(_commands(inputs)[which], full)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == "error: standard output: cannot write: no space left on the device", r.stderr


@pytest.mark.parametrize("which", range(4))
def test_a_reader_that_has_gone_ends_the_command_quietly(inputs: dict[str, str], which: int) -> None:
    p = subprocess.Popen([sys.executable, "-m", "sevenfold", *_commands(inputs)[which]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    p.stdout.close()  # `| head` that has already exited
    _, err = p.communicate(timeout=120)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert p.returncode in (0, 1), err  # 0 when the output fitted in the pipe before it closed


def test_an_output_file_that_is_an_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "claims.csv"
    src.write_text("source,object,attribute,value\n")
    os.link(src, tmp_path / "hard.csv")
    for out in (src, tmp_path / "." / "claims.csv", tmp_path / "hard.csv"):
        with pytest.raises(InputError, match="refused: this is also the input"):
            output_kind(out, inputs=[src])
    assert output_kind(tmp_path / "new.csv", inputs=[src]) == "file"
    assert output_kind(tmp_path / "hard.csv", inputs=["-", None, tmp_path / "missing.csv"]) == "file"
    assert src.read_text() == "source,object,attribute,value\n"
