"""Peak memory and time of the workbench for each hostile upload, against the stated bound.

One command: ``.venv/bin/python benchmarks/hostile_upload_memory.py`` (about a minute).

The workbench app runs in this process (the same code ``sevenfold serve`` runs, on a temporary SQLite
store); each hostile file is uploaded through ``POST /api/v1/cases`` as a logged-in user. Before each
upload the process's peak-RSS counter is reset (``/proc/self/clear_refs``); after it, the peak minus
the resident size before is the memory that one upload cost. The bound checked (docs/reliability.md):

    peak RSS increase <= 2 x (decompressed size allowed for that upload) + 64 MiB

where the allowed size is min(decompressed_bytes, max(1 MiB, decompressed_ratio x compressed size)), and
the whole request must answer within 10 s. The peer, measured in the same run, is the same server with
the ratio bound switched off and the absolute bound at 1 GiB (the limits before the ratio existed).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("SEVENFOLD_ARGON2_FAST", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
INPUTS = ROOT / "tests" / "hostile" / "inputs" / "input"
MIB = 1 << 20
SLACK = 64 * MIB


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _zip(name: str, payload: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, payload)
    return buf.getvalue()


def hostile_uploads() -> list[tuple[str, str, bytes]]:
    """(label, file name, bytes): decompression bombs and the YAML bombs of the hostile corpus."""
    comment = b"#" * (200 * MIB)
    out = [
        ("gzip 200 MiB of comment", "bomb.yaml.gz", gzip.compress(comment, 9)),
        ("bzip2 200 MiB of comment", "bomb.yaml.bz2", bz2.compress(comment, 9)),
        ("xz 200 MiB of comment", "bomb.yaml.xz", lzma.compress(comment)),
        ("zip 200 MiB of comment", "bomb.zip", _zip("case.yaml", comment)),
    ]
    del comment
    for name in ("yaml-recursive-alias.yaml", "yaml-bom-bomb.yaml", "yaml-bom-bomb-in-extra.yaml",
                 "yaml-string-alias-bomb.yaml", "yaml-billion-laughs.yaml", "yaml-merge-bomb.yaml"):
        body = (INPUTS / name).read_bytes()
        out.append((name, name, body))
        out.append((name + " (gzip)", name + ".gz", gzip.compress(body)))
    return out


def allowed(compressed: bytes) -> int:
    from sevenfold import limits
    from sevenfold.decompress import RATIO_FLOOR, compression_of

    lim = limits.current()
    if compression_of(compressed) is None:
        return len(compressed)
    return min(lim.decompressed_bytes, max(RATIO_FLOOR, lim.decompressed_ratio * len(compressed)))


def run(label: str, uploads: list[tuple[str, str, bytes]], check: bool) -> list[tuple[str, float, int]]:
    from fastapi.testclient import TestClient

    from sevenfold.store import Store, accounts
    from sevenfold.web import create_app

    tmp = tempfile.mkdtemp(prefix="sevenfold-hostile-")
    store = Store(f"sqlite:///{tmp}/web.db")
    accounts.create_user(store, "mallory", "a long and unusual passphrase 7", actor="bench")
    token = accounts.create_token(store, "mallory", "bench", actor="bench")
    client = TestClient(create_app(store), raise_server_exceptions=False)  # type: ignore[arg-type]
    client.headers["Authorization"] = f"Bearer {token}"
    client.get("/api/v1/cases")  # warm up: imports, first connection
    print(f"\n{label}")
    print(f"{'upload':42} {'size':>9} {'status':>6} {'seconds':>8} {'peak +MiB':>10} {'bound MiB':>10}  ok")
    results = []
    failed = 0
    for name, filename, body in uploads:
        bound = 2 * allowed(body) + SLACK
        reset = _reset_peak()
        before_rss, before_hwm = _status("VmRSS:"), _status("VmHWM:")
        t = time.perf_counter()
        r = client.post("/api/v1/cases", files={"file": (filename, body, "application/octet-stream")})
        seconds = time.perf_counter() - t
        peak = _status("VmHWM:") - (before_rss if reset else before_hwm)
        ok = r.status_code >= 400 and seconds < 10 and peak <= bound
        failed += check and not ok
        results.append((name, seconds, peak))
        print(f"{name:42} {len(body):>9,} {r.status_code:>6} {seconds:>8.2f} {peak / MIB:>10.1f} "
              f"{bound / MIB:>10.0f}  {'yes' if ok else 'NO'}")
    store.close()
    if check and failed:
        print(f"{failed} upload(s) over the bound")
    return results


def main() -> int:
    uploads = hostile_uploads()
    now = run("limits in force (decompressed_ratio 100, decompressed_bytes 256 MiB)", uploads, check=True)
    os.environ["SEVENFOLD_LIMIT_DECOMPRESSED_RATIO"] = str(10**9)
    os.environ["SEVENFOLD_LIMIT_DECOMPRESSED_BYTES"] = str(1 << 30)
    peer = run("peer: no ratio bound, decompressed_bytes 1 GiB", uploads[:4], check=False)
    print("\nratio to the peer (decompression bombs)")
    for (name, s_now, m_now), (_, s_peer, m_peer) in zip(now[:4], peer, strict=True):
        print(f"{name:42} time {s_peer / max(s_now, 1e-3):6.1f}x less   peak memory "
              f"{m_peer / max(m_now, MIB):6.1f}x less")
    bad = sum(1 for name, filename, body in uploads for r in now if r[0] == name and r[2] > 2 * allowed(body) + SLACK)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
