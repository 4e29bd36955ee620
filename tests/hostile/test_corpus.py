"""The hostile-input corpus: every manifest ``tests/hostile/<area>.yaml`` is a list of inputs with the
exit code and message the CLI must give for each.

An entry::

    - name: yaml-self-recursive-alias        # unique within the manifest
      argv: [validate, "{input}"]            # sevenfold CLI arguments
      input: input/recursive-alias.yaml      # optional: path under tests/hostile/inputs (file or folder)
      files: {case.yaml: input/minimal.yaml} # optional: more inputs, copied into {tmp} under these names
      stdin: "text"                          # optional: standard input
      env: {SEVENFOLD_LIMIT_FILE_BYTES: "100"}   # optional: environment for this run
      exit: 2                                # expected exit code
      message: "yaml_aliases"                # substring expected in stderr (also stdout under --json)
      timeout: 10                            # optional: seconds before the run counts as a hang (default 20)

``{input}`` is replaced by the path of a private copy of the input, ``{tmp}`` by a fresh temporary
folder (also the working directory of the run). The CLI runs in this process (``sevenfold.cli.main``),
so the whole corpus takes seconds. Whitespace is collapsed before matching, since the terminal
renderer may wrap a long message. No run may print a traceback.
"""

from __future__ import annotations

import io
import shutil
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"
KEYS = {"name", "argv", "input", "files", "stdin", "env", "exit", "message", "timeout"}
REQUIRED = {"name", "argv", "exit"}
DEFAULT_TIMEOUT = 20.0


class _Hang(BaseException):
    """Raised from the alarm; a BaseException so that no ``except Exception`` in the code under test eats it."""


def _manifests() -> list[Path]:
    return sorted(HERE.glob("*.yaml"))


def _entries() -> list[Any]:
    params = []
    for manifest in _manifests():
        try:
            entries = yaml.safe_load(manifest.read_text(encoding="utf-8")) or []
        except yaml.YAMLError:
            continue  # reported by test_manifests_are_well_formed
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            name = entry.get("name", f"#{i}") if isinstance(entry, dict) else f"#{i}"
            params.append(pytest.param(manifest.stem, entry, id=f"{manifest.stem}:{name}"))
    return params


def _problems(manifest: Path) -> list[str]:
    try:
        entries = yaml.safe_load(manifest.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        return [f"{manifest.name}: not YAML: {exc}"]
    if not isinstance(entries, list):
        return [f"{manifest.name}: must be a list of entries"]
    out: list[str] = []
    names: set[str] = set()
    for i, e in enumerate(entries):
        where = f"{manifest.name} entry #{i}"
        if not isinstance(e, dict):
            out.append(f"{where}: not a mapping")
            continue
        if missing := REQUIRED - e.keys():
            out.append(f"{where}: missing {sorted(missing)}")
        if unknown := e.keys() - KEYS:
            out.append(f"{where}: unknown keys {sorted(unknown)}")
        if e.get("name") in names:
            out.append(f"{where}: name {e.get('name')!r} used twice")
        names.add(str(e.get("name")))
        if not isinstance(e.get("argv"), list) or not all(isinstance(a, (str, int, float)) for a in e["argv"]):
            out.append(f"{where}: argv must be a list of strings")
        if not isinstance(e.get("exit"), int):
            out.append(f"{where}: exit must be an integer")
        if "input" in e and not (INPUTS / str(e["input"])).exists():
            out.append(f"{where}: input {e['input']!r} not found under {INPUTS}")
        if not isinstance(e.get("files", {}), dict):
            out.append(f"{where}: files must be a mapping of name to input path")
        for rel in (e.get("files") or {}).values():
            if not (INPUTS / str(rel)).exists():
                out.append(f"{where}: file {rel!r} not found under {INPUTS}")
        if "env" in e and not isinstance(e["env"], dict):
            out.append(f"{where}: env must be a mapping")
    return out


def test_manifests_are_well_formed() -> None:
    problems = [p for m in _manifests() for p in _problems(m)]
    assert not problems, "\n".join(problems)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("area", "entry"), _entries())
def test_hostile_input(area: str, entry: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    if not isinstance(entry, dict) or not entry.keys() >= REQUIRED:
        pytest.fail(f"malformed entry in {area}.yaml: {entry!r}")
    from sevenfold.cli import main

    work = tmp_path / "tmp"
    work.mkdir()
    input_path = ""
    if "input" in entry:
        src = INPUTS / str(entry["input"])
        dst = tmp_path / "input" / src.name
        dst.parent.mkdir()
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copyfile(src, dst)
        input_path = str(dst)
    for name, rel in (entry.get("files") or {}).items():
        src = INPUTS / str(rel)
        if src.is_dir():
            shutil.copytree(src, work / str(name))
        else:
            shutil.copyfile(src, work / str(name))
    argv = [str(a).replace("{input}", input_path).replace("{tmp}", str(work)) for a in entry["argv"]]
    for key, value in (entry.get("env") or {}).items():
        monkeypatch.setenv(str(key), str(value).replace("{tmp}", str(work)))
    monkeypatch.chdir(work)
    monkeypatch.setattr(sys, "stdin", io.StringIO(str(entry.get("stdin", ""))))

    def _alarm(signum: int, frame: Any) -> None:
        raise _Hang

    timeout = float(entry.get("timeout", DEFAULT_TIMEOUT))
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        code = main(argv)
    except _Hang:
        pytest.fail(f"sevenfold {' '.join(argv)} did not finish within {timeout:g} s")
    except Exception as exc:  # escaped main(): a user would see a traceback
        pytest.fail(f"sevenfold {' '.join(argv)} raised (a traceback for a user): "
                    f"{''.join(traceback.format_exception(exc))[-3000:]}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    out = capsys.readouterr()
    shown = f"exit {code}\n--- stderr\n{out.err[-3000:]}\n--- stdout\n{out.out[-3000:]}"
    assert "Traceback" not in out.err and "Traceback" not in out.out, shown
    assert code == entry["exit"], shown
    if entry.get("message"):
        haystack = out.err + ("\n" + out.out if "--json" in argv else "")
        assert _flat(str(entry["message"])) in _flat(haystack), shown
