"""Start-up stays light and the package is complete: heavy libraries load only in the commands that
need them, and every data file the code reads is declared as package data (benchmarks/cli_startup.py
times it; scripts/wheel_smoke.sh builds and installs the wheel)."""

from __future__ import annotations

import glob
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "sevenfold"
HEAVY = ("scipy", "sqlalchemy", "networkx", "numpy", "pyarrow", "duckdb", "psycopg", "pandas", "stix2",
         "followthemoney", "fastapi", "matplotlib", "weasyprint", "splink", "rapidfuzz", "alembic")

SMALL_CASE = """\
format: sevenfold/1
case: {id: c1, title: T, question: Q}
sources: [{id: s1, name: S}]
reports: [{id: r1, source: s1, text: x, claims: [{object: o, attribute: a, value: 1}]}]
hypotheses: [{id: h1, statement: h}, {id: h2, statement: k}]
ratings: [{report: r1, hypothesis: h1, consistency: C}]
"""


def _loaded_heavy(argv: list[str], cwd: Path) -> list[str]:
    code = ("import sys\nfrom sevenfold.cli import main\nrc = main(sys.argv[1:])\n"
            "print(rc, *sorted({m.split('.')[0] for m in sys.modules}))")
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rc, *modules = proc.stdout.split("\n")[-2].split()
    assert rc == "0", proc.stdout + proc.stderr
    return sorted(set(modules) & set(HEAVY))


@pytest.mark.parametrize("argv", [["--help"], ["validate", "{case}"], ["validate", "{case}", "--json"],
                                  ["cite", "--help"], ["user", "grant", "--help"], ["fuse", "--help"]])
def test_light_commands_load_no_heavy_library(argv: list[str], tmp_path: Path) -> None:
    case = tmp_path / "small.yaml"
    case.write_text(SMALL_CASE)
    assert _loaded_heavy([a.replace("{case}", str(case)) for a in argv], tmp_path) == []


def test_importing_the_cli_and_the_facade_is_light(tmp_path: Path) -> None:
    code = ("import sys, sevenfold, sevenfold.cli\n"
            "print(*sorted({m.split('.')[0] for m in sys.modules}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(set(proc.stdout.split()) & set(HEAVY)) == []
    assert "pydantic" not in proc.stdout.split()  # the case model loads with the first command that reads a case


def test_facade_still_exposes_the_model_lazily() -> None:
    import sevenfold
    from sevenfold.model import Case, dump_case

    assert sevenfold.Case is Case and sevenfold.dump_case is dump_case and callable(sevenfold.load_case)


def test_provenance_help_lists_the_real_rules() -> None:
    from sevenfold.commands.provenance import RULE_NAMES
    from sevenfold.provenance import RULES

    assert tuple(RULE_NAMES) == tuple(RULES)


def test_version_constant_matches_pyproject() -> None:
    import sevenfold

    assert sevenfold.__version__ == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def _package_data() -> tuple[set[str], set[str]]:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    included: set[str] = set()
    for pattern in conf["package-data"]["sevenfold"]:
        included |= {p for p in glob.glob(pattern, root_dir=PKG, recursive=True) if (PKG / p).is_file()}
    excluded: set[str] = set()
    for pattern in conf.get("exclude-package-data", {}).get("sevenfold", []):
        excluded |= set(glob.glob(pattern, root_dir=PKG, recursive=True, include_hidden=True))
    return included, excluded


def test_every_data_file_is_package_data() -> None:
    included, excluded = _package_data()
    data_files = {p.relative_to(PKG).as_posix() for p in PKG.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    missing = sorted(data_files - included - excluded)
    assert missing == [], f"not in the wheel (add a pattern to [tool.setuptools.package-data]): {missing}"
    assert "cite/archives.yaml" in included and "py.typed" in included


def test_excluded_data_is_not_read_by_the_code() -> None:
    _, excluded = _package_data()
    for rel in excluded:
        name = Path(rel).name
        users = [p for p in PKG.rglob("*.py") if name in p.read_text(encoding="utf-8")]
        assert users == [], f"{rel} is excluded from the wheel but named in {users}"


def test_build_requirements_support_the_license_string() -> None:
    """``license = "MIT"`` (an SPDX expression) needs setuptools >= 77 to build."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requires = conf["build-system"]["requires"]
    if isinstance(conf["project"].get("license"), str):
        setuptools_req = [r for r in requires if r.startswith("setuptools")]
        assert setuptools_req and int(setuptools_req[0].split(">=")[1].split(".")[0]) >= 77
    assert any(r.startswith("setuptools>=") for r in conf["project"]["optional-dependencies"]["dev"]), \
        "the dev extra must carry the build requirement so that `pip wheel --no-build-isolation` works"


def test_core_dependencies_leave_out_the_extras_drivers() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = " ".join(conf["dependencies"])
    extras = conf["optional-dependencies"]
    assert "duckdb" not in core and "psycopg" not in core
    assert any("psycopg" in d for d in extras["postgres"])
    assert any("duckdb" in d for d in extras["names"])
    assert extras["stix"] == [d for d in extras["interop"] if d.startswith("stix2")]
    assert not any("followthemoney" in d for d in extras["stix"])


def test_command_index_matches_the_registered_commands() -> None:
    """Every command runs through COMMAND_INDEX (one module imported); the index names each command's
    real module, so a command is never shadowed or lost."""
    import importlib

    import typer

    from sevenfold.cli import COMMAND_INDEX, COMMAND_MODULES, command_name

    actual: dict[str, str] = {}
    for module in COMMAND_MODULES:
        part = typer.Typer()
        importlib.import_module(module).register(part)
        for info in [*part.registered_commands, *part.registered_groups]:
            actual[command_name(info)] = module
    assert actual == COMMAND_INDEX


def test_running_one_command_imports_only_its_module(tmp_path: Path) -> None:
    case = tmp_path / "small.yaml"
    case.write_text(SMALL_CASE)
    code = ("import sys\nfrom sevenfold.cli import main\nrc = main(sys.argv[1:])\n"
            "print(rc, *sorted(m for m in sys.modules if m.startswith('sevenfold.commands.')))")
    proc = subprocess.run([sys.executable, "-c", code, "validate", str(case)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[-2].split() == ["0", "sevenfold.commands._common", "sevenfold.commands.case"]
