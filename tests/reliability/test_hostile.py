"""Hostile input: every kind is refused with exit code 2 and a message naming the limit."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import lzma
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sevenfold.cli import main
from sevenfold.decompress import safe_decompress
from sevenfold.errors import InputError, LimitExceeded
from sevenfold.limits import Limits
from tests.model.test_case_files import MINIMAL

BILLION_LAUGHS = """\
format: sevenfold/1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
case: {id: bomb, title: *i}
"""


def _refused(args: list[str], capsys: pytest.CaptureFixture[str], limit: str) -> str:
    code = main(args)
    out = capsys.readouterr()
    assert code == 2, out
    assert limit in out.err, out.err
    assert "Traceback" not in out.err
    return out.err


@pytest.mark.parametrize("command", ["validate", "import"])
def test_billion_laughs_refused_fast_with_bounded_memory(tmp_path: Path, command: str) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    probe = (
        "import resource, sys, time\n"
        "from sevenfold.cli import main\n"
        "t = time.perf_counter()\n"
        f"code = main([{command!r}, {str(bomb)!r}, *(['--db', {str(tmp_path / 's.db')!r}] "
        f"if {command!r} == 'import' else [])])\n"
        # VmHWM is this process's own peak: ru_maxrss would carry over the (large) pytest parent's peak,
        # which Linux copies into the child's rusage at exec
        "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(code, time.perf_counter() - t, hwm)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    code, seconds, maxrss_kb = r.stdout.split()[-3:]
    assert int(code) == 2, r.stderr
    assert "yaml_expanded_nodes" in r.stderr or "yaml_aliases" in r.stderr
    assert float(seconds) < 2.0, f"refusal took {seconds}s"
    assert int(maxrss_kb) < 400_000, f"peak memory {int(maxrss_kb) // 1024} MB"  # the expansion would be ~GBs


def test_alias_count_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "aliases.yaml"
    f.write_text(MINIMAL + "x-note: &n note\n" + "".join(f"k{i}: *n\n" for i in range(10_050)))
    _refused(["validate", str(f)], capsys, "yaml_aliases")


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_nesting_depth_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    f = tmp_path / f"deep.{suffix}"
    f.write_text('{"format": "sevenfold/1", "case": {"id": "d"}, "x": ' + "[" * 5000 + "]" * 5000 + "}")
    _refused(["validate", str(f)], capsys, "nesting_depth")


def test_file_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "case.yaml"
    f.write_text(MINIMAL)
    monkeypatch.setenv("SEVENFOLD_LIMIT_FILE_BYTES", "200")
    _refused(["import", str(f), "--db", str(tmp_path / "s.db")], capsys, "file_bytes")


def test_text_field_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "case.yaml"
    f.write_text(MINIMAL.replace("text: Obtained a memorandum", "text: " + "x" * 500))
    monkeypatch.setenv("SEVENFOLD_LIMIT_TEXT_CHARS", "400")
    _refused(["validate", str(f)], capsys, "text_chars")


def test_entry_count_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = {"format": "sevenfold/1", "case": {"id": "many"},
            "sources": [{"id": f"s{i}"} for i in range(30)]}
    f = tmp_path / "many.json"
    f.write_text(json.dumps(data))
    monkeypatch.setenv("SEVENFOLD_LIMIT_ENTRIES", "20")
    _refused(["import", str(f), "--db", str(tmp_path / "s.db")], capsys, "entries")


def test_limits_are_configurable_and_validated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "case.yaml"
    f.write_text(MINIMAL)
    monkeypatch.setenv("SEVENFOLD_LIMIT_FILE_BYTES", "lots")
    _refused(["validate", str(f)], capsys, "SEVENFOLD_LIMIT_FILE_BYTES")
    monkeypatch.setenv("SEVENFOLD_LIMIT_FILE_BYTES", str(10**6))
    assert main(["validate", str(f)]) == 0


@pytest.mark.parametrize("content", [b"\xff\xfe\x00binary\x00", b"", b"- just\n- a list\n", b"format: [unclosed"])
def test_broken_files_are_clear_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    f = tmp_path / "broken.yaml"
    f.write_bytes(content)
    code = main(["import", str(f), "--db", str(tmp_path / "s.db")])
    err = capsys.readouterr().err
    assert code == 2 and "broken.yaml" in err and "Traceback" not in err


def _wide_csv(path: Path, columns: int) -> Path:
    cols = ["source", "object", "attribute", "value", *[f"x{i}" for i in range(columns - 4)]]
    path.write_text(",".join(cols) + "\n" + ",".join(["s1", "o", "a", "v", *["1"] * (columns - 4)]) + "\n")
    return path


def test_claims_table_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sevenfold.fusion import read_claims

    with pytest.raises(LimitExceeded, match="csv_columns"):
        read_claims(_wide_csv(tmp_path / "wide.csv", 1_500))
    monkeypatch.setenv("SEVENFOLD_LIMIT_FILE_BYTES", "10")
    with pytest.raises(LimitExceeded, match="file_bytes"):
        read_claims(_wide_csv(tmp_path / "small.csv", 4))


def test_claims_table_wide_file_is_not_a_crash(tmp_path: Path) -> None:
    from sevenfold.fusion import read_claims

    with contextlib.suppress(InputError):  # a refusal is fine; anything else escaping fails the test
        read_claims(_wide_csv(tmp_path / "wide.csv", 1_500))


# ---- decompression bombs ------------------------------------------------------------------------
SMALL = Limits(upload_bytes=1 << 20, decompressed_bytes=8 << 20, decompressed_ratio=10**9)  # the absolute bound


def _zip(name: str, payload: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, payload)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "xz", "zip"])
def test_decompression_bomb_refused(kind: str) -> None:
    payload = b"\x00" * (64 << 20)  # 64 MB of zeros: a few KB compressed
    bomb = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress,
            "zip": lambda b: _zip("claims.csv", b)}[kind](payload)
    assert len(bomb) < SMALL.upload_bytes
    t = time.perf_counter()
    with pytest.raises(LimitExceeded, match="decompressed_bytes"):
        safe_decompress(bomb, "upload.bin", SMALL)
    assert time.perf_counter() - t < 5


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "xz", "zip"])
def test_decompression_is_bounded_by_ratio_too(kind: str) -> None:
    pack = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress,
            "zip": lambda b: _zip("claims.csv", b)}[kind]
    lim = Limits(decompressed_ratio=100)
    bomb = pack(b"\x00" * (64 << 20))  # far under the absolute bound of 256 MiB, far over 100 times its size
    with pytest.raises(LimitExceeded, match="decompressed_ratio"):
        safe_decompress(bomb, "upload.bin", lim)
    small = pack(b"\x00" * (1 << 20))  # 1 MiB out is never refused for its ratio
    assert len(safe_decompress(small, "upload.bin", lim)) == 1 << 20
    text = "".join(f"s{i},object {i * 7919 % 1000},attribute {i % 13},value {i * 31 % 997}\n"
                   for i in range(100_000)).encode()  # ordinary text: 5-15 times smaller packed
    assert safe_decompress(pack(text), "claims.csv", lim) == text


def test_decompress_passes_good_uploads_and_refuses_damaged_ones() -> None:
    text = b"source,object,attribute,value\n" + b"s1,o,a,v\n" * 1000
    for pack in (gzip.compress, bz2.compress, lzma.compress, lambda b: _zip("c.csv", b)):
        assert safe_decompress(pack(text), "u", SMALL) == text
    assert safe_decompress(text, "u", SMALL) == text
    assert safe_decompress(gzip.compress(text[:10]) + gzip.compress(text[10:]), "u", SMALL) == text
    with pytest.raises(InputError, match="truncated"):
        safe_decompress(gzip.compress(text)[:-30], "u", SMALL)
    with pytest.raises(LimitExceeded, match="upload_bytes"):
        safe_decompress(b"x" * (SMALL.upload_bytes + 1), "u", SMALL)
    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.csv", text)
        zf.writestr("b.csv", text)
    with pytest.raises(InputError, match="exactly one file"):
        safe_decompress(two.getvalue(), "u", SMALL)
