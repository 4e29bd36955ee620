"""The façade (``sevenfold.load_case``, ``assess``, ...): each function called twice, after importing every
subpackage, on every bundled case — a subpackage must never replace a façade function."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import sevenfold
from sevenfold.data import bundled_case_paths

CASES = bundled_case_paths()
FACADE = ("load_case", "assess", "origins", "burn", "what_if", "fuse", "export", "report", "open_workspace")


def _import_every_subpackage() -> list[str]:
    """Import every module of sevenfold (as the web server or a notebook may); a module needing an
    optional extra that is not installed (pyspark, ...) is skipped."""
    imported = []
    for info in pkgutil.walk_packages(sevenfold.__path__, "sevenfold.", onerror=lambda name: None):
        if info.name.endswith("__main__") or ".migrations" in info.name:
            continue  # running the CLI; Alembic's scripts (run only by Alembic)
        try:
            importlib.import_module(info.name)
        except ImportError as exc:
            if exc.name is None or exc.name.split(".")[0] == "sevenfold":
                raise  # a broken import of our own is a failure, not a missing extra
            continue
        imported.append(info.name)
    return imported


@pytest.fixture(scope="module", autouse=True)
def everything_imported() -> list[str]:
    names = _import_every_subpackage()
    assert "sevenfold.report.render" in names and "sevenfold.ach.engine" in names
    return names


def test_facade_names_are_functions_after_every_import() -> None:
    for name in FACADE:
        assert callable(getattr(sevenfold, name)) and not isinstance(getattr(sevenfold, name), type(sevenfold)), name
    assert sevenfold.report is sevenfold.api.report  # the subpackage sevenfold.report did not replace it
    from sevenfold.report import render_html  # the subpackage is still importable by name

    assert callable(render_html)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_facade_function_twice(path: Path, tmp_path: Path) -> None:
    for _ in range(2):
        case = sevenfold.load_case(path)
        assert sevenfold.load_case(case) is case
        result = sevenfold.assess(case)
        assert result.top in {h.id for h in case.hypotheses}
        assert json.loads(json.dumps(result.to_json_dict())) == result.to_json_dict()
        # a path works wherever a case does, and gives the same answer
        assert sevenfold.assess(path).to_json_dict() == result.to_json_dict()

        prov = sevenfold.origins(case)
        assert sorted(r for o in prov.origins for r in o.reports) == sorted(r.id for r in case.reports)

        source = case.reports[0].source
        burned, impact = sevenfold.burn(case, source, "0001")
        assert len(burned.burns) == len(case.burns) + 1 and burned is not case
        assert case.reports[0].id in {f.id for f in impact.reports}

        change = sevenfold.what_if(case, source=source, since="0001")
        assert change is not None

        fused = sevenfold.fuse(case).to_json()
        assert fused["claims"] == sum(len(r.claims) for r in case.reports)

        assert sevenfold.load_case(__import__("yaml").safe_load(sevenfold.export(case, "yaml"))).id == case.id
        assert json.loads(str(sevenfold.export(case, "json")))["case"]["id"] == case.id
        assert json.loads(str(sevenfold.export(case, "stix")))["type"] == "bundle"
        out = sevenfold.export(case, "csv", tmp_path / "tables")
        assert (Path(out) / "claims.csv").exists()

        html = sevenfold.report(case)
        assert isinstance(html, str) and case.id in html

        with sevenfold.open_workspace(f"sqlite:///{tmp_path / 'ws.db'}", actor="test") as ws:
            ws.import_case(case, replace=True)
            assert ws.load(case.id)[0].id == case.id


def test_import_sevenfold_stays_light() -> None:
    import subprocess
    import sys

    code = ("import sys, sevenfold; heavy = [m for m in ('pydantic', 'numpy', 'scipy', 'sqlalchemy', 'sevenfold.api') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_library_doc_examples() -> None:
    """docs/library.md's examples run as written."""
    import doctest

    doc = Path(__file__).resolve().parents[1] / "docs" / "library.md"
    result = doctest.testfile(str(doc), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 20 and result.failed == 0


def test_assess_refuses_a_misspelt_as_of_like_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    import sevenfold
    from sevenfold.errors import InputError

    text = (Path(sevenfold.__file__).parent / "data" / "zarubin-1937.yaml").read_text(encoding="utf-8")
    misspelt = tmp_path / "asof.yaml"
    misspelt.write_text(text.replace("  as_of:", "  asof:", 1), encoding="utf-8")
    case = sevenfold.load_case(misspelt)
    with pytest.raises(InputError, match="as_of"):
        sevenfold.assess(case)
    assert sevenfold.assess(case, allow_unknown=True).top is not None
