"""Hostile uploads to the workbench: refused within the limits, quickly, without stalling other users."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

from fastapi.testclient import TestClient

from tests.web.conftest import World, make_world

INPUTS = Path(__file__).resolve().parents[1] / "hostile" / "inputs" / "input"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = make_world(f"sqlite:///{tmp_path_factory.mktemp('upload') / 'web.db'}")
    yield w
    w.store.close()


def _upload(client: TestClient, body: bytes, name: str = "case.yaml"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/cases", files={"file": (name, body, "application/yaml")})


@pytest.mark.parametrize(("input_name", "expected"), [
    ("yaml-recursive-alias.yaml", "holds an alias to itself"),
    ("yaml-bom-bomb.yaml", "yaml_expanded_nodes"),
    ("yaml-bom-bomb-in-extra.yaml", "yaml_expanded_nodes"),
    ("yaml-string-alias-bomb.yaml", "yaml_expanded_chars"),
    ("huge-int.yaml", "a number of 100000 digits is too long"),
    ("entry-id-bidi.yaml", "U+202E"),
    ("claim-1e400.json", "is not a finite number"),
])
def test_hostile_case_upload_is_refused_quickly(world: World, input_name: str, expected: str) -> None:
    body = (INPUTS / input_name).read_bytes()
    for payload, name in ((body, input_name), (gzip.compress(body), input_name + ".gz")):
        t = time.perf_counter()
        r = _upload(world.client("bob"), payload, name)
        assert r.status_code in (413, 422), r.text
        assert expected in r.text, r.text
        assert time.perf_counter() - t < 5


def test_gzip_bomb_is_refused_by_its_ratio_long_before_the_absolute_limit(world: World) -> None:
    bomb = gzip.compress(b"#" * (200 << 20))  # 200 MiB of comment behind ~200 KB, under every absolute limit
    t = time.perf_counter()
    r = _upload(world.client("bob"), bomb, "bomb.yaml.gz")
    seconds = time.perf_counter() - t
    assert r.status_code == 413 and "decompressed_ratio" in r.text, r.text
    assert seconds < 5, f"refusal took {seconds:.1f} s"


def test_a_slow_upload_does_not_stall_other_requests(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing runs in a worker thread: while one upload is being parsed, the event loop answers others."""
    import sevenfold.web.api as api

    real = api.loads_case
    started = threading.Event()

    def slow_loads_case(text: str, file: str = "<case>"):  # type: ignore[no-untyped-def]
        started.set()
        time.sleep(3)  # a large file taking its time (a blocking call, as parsing is)
        return real(text, file)

    monkeypatch.setattr(api, "loads_case", slow_loads_case)
    bad = (INPUTS / "list.yaml").read_bytes()
    with TestClient(world.app) as client:  # type: ignore[arg-type]  # one event loop for both requests
        client.headers["Authorization"] = f"Bearer {world.tokens['bob']}"
        slow = threading.Thread(target=_upload, args=(client, bad, "slow.yaml"))
        slow.start()
        assert started.wait(10)
        t = time.perf_counter()
        r = client.get("/api/v1/cases")
        answered = time.perf_counter() - t
        slow.join()
    assert r.status_code == 200
    assert answered < 1.5, f"a listing waited {answered:.1f} s behind an upload being parsed"
