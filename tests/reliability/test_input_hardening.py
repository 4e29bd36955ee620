"""The YAML alias guard, finite numbers, NUL and invisible characters in ids, CSV quotes and headers,
and truncated dumps: each refused with one message, the same in validate and import."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from sevenfold import safe_yaml
from sevenfold.cli import main
from sevenfold.errors import CaseValidationError, InputError, LimitExceeded, SevenfoldError
from sevenfold.limits import Limits
from sevenfold.model import case_from_data, loads_case, parse_text
from tests.model.test_case_files import MINIMAL
from tests.reliability.fuzz_targets import _alias_document, _expanded

SMALL = Limits(yaml_aliases=300, yaml_expanded_nodes=20_000, yaml_expanded_chars=200_000)


class _PurePythonLoader(safe_yaml._UniqueKeys, safe_yaml._AliasGuard, yaml.SafeLoader):  # type: ignore[misc]
    """The same guard on PyYAML's pure-Python parser (used where libyaml is not installed)."""


@pytest.fixture(params=["libyaml", "python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "python":
        monkeypatch.setattr(safe_yaml, "_CaseLoader", _PurePythonLoader)
    return str(request.param)


# levels, aliases per level, style (0 flow, 1 flow on its own line, 2 block, 3 merge keys), prefix index
@pytest.mark.parametrize("style", [0, 1, 2, 3])
@pytest.mark.parametrize("prefix", [0, 2, 3, 5, 7, 9])  # none, tab, BOM, NBSP, ideographic space, newline+BOM
def test_alias_bombs_are_refused_whatever_precedes_the_anchor(loader: str, style: int, prefix: int) -> None:
    text = _alias_document(bytes([8, 9, style, prefix, 1, 0]))  # 9 levels x 10 aliases, not recursive
    start = time.perf_counter()
    try:
        data = safe_yaml._yaml_load(text, "bomb.yaml", SMALL)
    except LimitExceeded as exc:
        assert exc.limit in ("yaml_expanded_nodes", "yaml_aliases")
    except CaseValidationError as exc:  # a prefix YAML does not allow there: then no anchor was made
        assert "syntax error" in str(exc)
    else:  # loaded: then it must be small once expanded
        assert _expanded(data, 10**9) <= len(text) + SMALL.yaml_expanded_nodes
    assert time.perf_counter() - start < 1.0


def test_the_bom_bypass_is_closed(loader: str) -> None:
    """A byte-order mark at the start of a line before each anchor (flow style): libyaml skips it and
    makes the anchors; PyYAML's own parser calls it a syntax error."""
    text = _alias_document(bytes([8, 9, 1, 3, 1, 0]))
    assert "\ufeff&a8" in text
    refusal = LimitExceeded if loader == "libyaml" else CaseValidationError
    with pytest.raises(refusal, match="yaml_expanded_nodes" if loader == "libyaml" else "syntax error"):
        safe_yaml._yaml_load(text, "bomb.yaml", SMALL)


@pytest.mark.parametrize("text", [
    "x: &a [*a]\n",
    "x: &a {k: *a}\n",
    "x: &a\n  - *a\n",
    "x: &a [[[*a]]]\n",
    "x: &a [1, {k: [2, *a]}]\n",
    "x: [\n\ufeff&a [*a]]\n",
])
def test_recursive_aliases_are_refused_at_once(loader: str, text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(CaseValidationError, match=r"holds an alias to itself|syntax error"):
        parse_text("format: sevenfold/1\n" + text, "r.yaml")
    assert time.perf_counter() - start < 0.5


def test_a_mapping_merging_itself_is_finite(loader: str) -> None:
    try:
        data = parse_text("format: sevenfold/1\nx: &a {<<: *a, k: 1}\n", "m.yaml")
    except SevenfoldError:
        return
    assert data["x"] == {"k": 1}


def test_merge_keys_cannot_multiply_a_mapping(loader: str) -> None:
    keys = ", ".join(f"k{i}: {i}" for i in range(10))
    text = f"l0: &l0 {{{keys}}}\n" + "".join(
        f"l{i}: &l{i} {{<<: [{', '.join([f'*l{i - 1}'] * 10)}]}}\n" for i in range(1, 9))
    start = time.perf_counter()
    data = safe_yaml._yaml_load(text, "m.yaml", SMALL)
    assert time.perf_counter() - start < 1.0
    assert data["l8"] == data["l0"] == {f"k{i}": i for i in range(10)}


@pytest.mark.parametrize("text", [
    "base: &b {a: 1, b: 2, c: [1, 2]}\nover: {<<: *b, b: 3}\nmulti: {<<: [*b, {a: 9, d: 4}], e: 5}\nl: [*b, *b]\n",
    "a: &x hello\nb: *x\nc: [*x, *x]\n",
    "- &s {k: v}\n- *s\n- {<<: *s, k: w}\n",
    "plain: [1, 2.5, true, null, text, '1937-03-01']\n",
])
def test_ordinary_aliases_and_merges_load_as_pyyaml_loads_them(loader: str, text: str) -> None:
    assert parse_text(text, "ok.yaml") == yaml.safe_load(text)


def test_an_alias_repeating_a_long_text_is_bounded(loader: str) -> None:
    text = "big: &s " + "x" * 5_000 + "\nmany: [" + ", ".join(["*s"] * 100) + "]\n"
    with pytest.raises(LimitExceeded, match="yaml_expanded_chars"):
        safe_yaml._yaml_load(text, "s.yaml", SMALL)
    assert safe_yaml._yaml_load(text.replace("* 100", ""), "s.yaml", Limits())["big"] == "x" * 5_000


def test_alias_count_is_counted_where_aliases_are_used(loader: str) -> None:
    text = "n: &n 1\n" + "".join(f"k{i}: *n\n" for i in range(301))
    with pytest.raises(LimitExceeded, match="yaml_aliases"):
        safe_yaml._yaml_load(text, "a.yaml", SMALL)
    assert len(safe_yaml._yaml_load(text, "a.yaml", Limits())) == 302


# ---- numbers ------------------------------------------------------------------------------------
def _case_with(value_yaml: str) -> str:
    return MINIMAL.replace("value: true", f"value: {value_yaml}")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "[1, .inf]", "{a: -.inf}", "1.0e+400"])
def test_numbers_that_are_not_finite_are_refused_where_they_stand(value: str) -> None:
    with pytest.raises(CaseValidationError) as info:
        loads_case(_case_with(value), "c.yaml")
    assert "reports[r1].claims[0].value" in str(info.value)
    assert "not a finite number" in str(info.value)


@pytest.mark.parametrize("number", ["1e400", "-1e400", "Infinity", "-Infinity", "NaN"])
def test_json_numbers_that_are_not_finite_are_refused(number: str) -> None:
    text = json.dumps({"format": "sevenfold/1", "case": {"id": "c"}, "sources": [{"id": "s", "x-w": 0}]})
    with pytest.raises(CaseValidationError, match=r"sources\[s\]\.x-w: .* is not a finite number"):
        loads_case(text.replace('"x-w": 0', f'"x-w": {number}'), "c.json")


def test_claim_model_refuses_infinity_directly() -> None:
    from sevenfold.model.entries import Claim

    with pytest.raises(ValueError, match="not a claim value"):
        Claim(object="o", attribute="a", value=float("inf"))


def test_huge_integers_get_one_message_not_a_traceback() -> None:
    big = "7" * 5_000
    with pytest.raises(CaseValidationError, match="a number of 5000 digits is too long"):
        loads_case(_case_with(big), "c.yaml")
    with pytest.raises(CaseValidationError, match=r"a number of 5000 digits \(line 1\) is too long"):
        loads_case('{"format": "sevenfold/1", "case": {"id": "c", "x": ' + big + "}}", "c.json")
    assert loads_case(_case_with("7" * 4000), "c.yaml").reports[0].claims[0].value == int("7" * 4000)


# ---- ids and NUL ----------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["\u200b", "\u200d", "\u202e", "\u2066", "\x00", "\x07", "\u00a0", "\u2028", "\ufeff"])
def test_entry_ids_refuse_characters_that_do_not_print(bad: str) -> None:
    data = yaml.safe_load(MINIMAL.replace("{id: doc1,", "{id: 'doc1',"))
    data["documents"][0]["id"] = "doc" + bad + "1"  # inside: whitespace at either end is stripped
    data["reports"][0]["document"] = "doc" + bad + "1"
    with pytest.raises(CaseValidationError) as info:
        case_from_data(data, "c.yaml")
    text = str(info.value)
    assert ("an id cannot hold" in text) or ("NUL character" in text)
    assert bad not in text  # shown escaped


def test_ids_with_spaces_and_any_script_still_load() -> None:
    data = yaml.safe_load(MINIMAL)
    data["sources"][0]["id"] = "Василий Зарубин"
    data["reports"][0]["source"] = "Василий Зарубин"
    assert case_from_data(data, "c.yaml").sources[0].id == "Василий Зарубин"


def test_cases_read_back_from_a_store_are_not_refused_for_old_ids() -> None:
    data = yaml.safe_load(MINIMAL)
    data["sources"][0]["id"] = "zarubin\u200b"
    data["reports"][0]["source"] = "zarubin\u200b"
    with pytest.raises(CaseValidationError):
        case_from_data(data, "c.yaml")
    assert case_from_data(data, "store:c1", check_limits=False).sources[0].id == "zarubin\u200b"


def test_nul_anywhere_is_refused_naming_the_field() -> None:
    data: dict[str, Any] = yaml.safe_load(MINIMAL)
    data["reports"][0]["text"] = "before\x00after"
    with pytest.raises(CaseValidationError, match=r"reports\[r1\]\.text: text holds a NUL character"):
        case_from_data(data, "c.yaml")
    data = yaml.safe_load(MINIMAL)
    data["sources"][0]["x-note\x00"] = "v"
    with pytest.raises(CaseValidationError, match="a key: text holds a NUL character"):
        case_from_data(data, "c.yaml")


@pytest.mark.parametrize("command", ["validate", "import"])
def test_validate_and_import_agree(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    inputs = Path(__file__).resolve().parents[1] / "hostile" / "inputs" / "input"
    for name in ("claim-1e400.json", "claim-infinity.yaml", "huge-int.yaml", "huge-int.json", "entry-id-bidi.yaml",
                 "entry-id-zero-width.yaml", "entry-id-nul.json", "text-nul.json", "yaml-recursive-alias.yaml"):
        argv = [command, str(inputs / name)] + (["--db", str(tmp_path / "s.db")] if command == "import" else [])
        assert main(argv) == 2, name
        err = capsys.readouterr().err
        assert "Traceback" not in err and name in err, err


# ---- tables --------------------------------------------------------------------------------------
def _claims(tmp_path: Path, body: str, name: str = "c.csv") -> Path:
    p = tmp_path / name
    p.write_text("source,object,attribute,value\n" + body)
    return p


def test_unclosed_quote_is_refused_with_its_line(tmp_path: Path) -> None:
    from sevenfold.fusion import read_claims

    rows = "".join(f"s{i},o{i},a,v\n" for i in range(50))
    with pytest.raises(InputError, match="line 3: a quoted value opened on this line is never closed"):
        read_claims(_claims(tmp_path, 's0,o,a,v\ns1,o,a,"oops\n' + rows))
    with pytest.raises(InputError, match="line 2: a quoted value"):
        read_claims(_claims(tmp_path, 's0,o,a,"no newline at the end\ns1,o,a,v'))
    gz = tmp_path / "c.csv.gz"
    gz.write_bytes(gzip.compress(('source,object,attribute,value\ns1,o,a,"oops\n' + rows).encode()))
    with pytest.raises(InputError, match="never closed"):
        read_claims(gz)


def test_quoted_values_with_line_breaks_still_read(tmp_path: Path) -> None:
    from sevenfold.fusion import read_claims

    table = read_claims(_claims(tmp_path, 's1,o,a,"two\nlines, and ""quotes"""\ns2,o,a,"last\nrow"\n'))
    assert table.column("value").to_pylist() == ['two\nlines, and "quotes"', "last\nrow"]


def test_duplicate_header_is_refused(tmp_path: Path) -> None:
    from sevenfold.fusion import read_claims
    from sevenfold.interop.tables import read_any_table

    p = tmp_path / "d.csv"
    p.write_text("source,object,attribute,value,value\ns1,o,a,v,w\n")
    with pytest.raises(InputError, match="column 'value' appears twice"):
        read_claims(p)
    with pytest.raises(InputError, match="column 'value' appears twice"):
        read_any_table(p)


# ---- dumps ---------------------------------------------------------------------------------------
def test_truncated_dump_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sevenfold.store import Store
    from sevenfold.store.maintenance import _write_dump

    case = tmp_path / "c.yaml"
    case.write_text(MINIMAL)
    assert main(["import", str(case), "--db", str(tmp_path / "a.db")]) == 0
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        _write_dump(store, tmp_path / "dump.gz")
    blob = (tmp_path / "dump.gz").read_bytes()
    capsys.readouterr()
    for cut in (len(blob) // 2, len(blob) - 12, 40):
        (tmp_path / "t.gz").write_bytes(blob[:cut])
        assert main(["restore", str(tmp_path / "t.gz"), "--db", str(tmp_path / f"r{cut}.db")]) == 2
        err = capsys.readouterr().err
        assert "truncated" in err and "Traceback" not in err and "aborted" not in err.lower(), err
        assert len(err.strip().splitlines()) <= 2, err  # one message (may wrap once in a narrow terminal)
