"""One operation, one answer: each case operation run through (a) the library (``sevenfold.*``), (b) the
command line's ``--json`` (in process, ``sevenfold.cli.main``) and (c) the web API gives the same JSON.

Normalised before comparing, and nothing else: ``seconds`` (fusion's wall-clock time), a burn's
``recorded_at`` (the moment it was stored), and in a STIX bundle the export time (``created`` and
``modified`` of every object, and the bundle id, which is derived from that time). Keys one front end
adds about its own transport (the CLI's ``revision``/``sources_out``, the API's ``case``/``revision``/``id``)
are compared separately, not dropped from the shared part.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

import sevenfold
from sevenfold.cli import main
from sevenfold.data import bundled_case_paths
from sevenfold.store import accounts
from tests.web.conftest import World, make_world


@dataclass(frozen=True)
class Subject:
    """A bundled case, and a burn to try on it: the source of its first report, from that source's earliest
    dated report (so something falls), by the first actor."""

    path: Path
    case: Any
    source: str
    since: str
    actor: str | None

    @property
    def id(self) -> str:
        return str(self.case.id)


def _subject(path: Path) -> Subject:
    case = sevenfold.load_case(path)
    source = case.reports[0].source
    dates = sorted(r.date for r in case.reports if r.source == source and r.date)
    return Subject(path, case, source, dates[0] if dates else "0001", case.actors[0].id if case.actors else None)


SUBJECTS = [_subject(p) for p in bundled_case_paths()]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = make_world(f"sqlite:///{tmp_path_factory.mktemp('parity') / 'parity.db'}")
    yield w
    w.store.close()


@pytest.fixture(params=SUBJECTS, ids=lambda s: s.id)
def subject(request: pytest.FixtureRequest) -> Subject:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def stored(world: World, subject: Subject) -> World:
    """The bundled case, freshly stored and owned by alice; caches emptied."""
    world.store.import_case(subject.case, replace=True, actor="test:setup")
    accounts.grant(world.store, subject.id, "alice", "owner", actor="test:setup")
    world.app.state.assessments = type(world.app.state.assessments)()  # type: ignore[attr-defined]
    return world


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def cli_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def api(world: World, case_id: str, method: str, path: str, **kw: Any) -> Any:
    r = world.client("alice").request(method, f"/api/v1/cases/{case_id}{path}", **kw)
    assert r.status_code < 300, r.text
    return r


def without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def test_assess(stored: World, subject: Subject, capsys: pytest.CaptureFixture[str]) -> None:
    library = sevenfold.assess(stored.store.load_case(subject.id)).to_json_dict()
    cli = cli_json(capsys, "assess", subject.id, "--db", stored.store.url, "--json")
    web = api(stored, subject.id, "GET", "/assessment").json()
    assert library == cli == web
    assert library == sevenfold.assess(subject.path).to_json_dict()  # the file and the stored case agree


def test_assess_what_if_exclude_and_as_of(stored: World, subject: Subject, capsys: pytest.CaptureFixture[str]) -> None:
    library = sevenfold.assess(subject.path, exclude=[subject.source], as_of="1937").to_json_dict()
    cli = cli_json(capsys, "assess", subject.id, "--db", stored.store.url, "--exclude", subject.source,
                   "--as-of", "1937", "--json")
    web = api(stored, subject.id, "GET", "/what-if", params={"exclude": [subject.source], "as_of": "1937"}).json()
    change = sevenfold.what_if(subject.path, exclude=[subject.source], as_of="1937").to_json_dict()
    assert library == cli == web["after"] == change["after"]
    assert web == change
    assert library != sevenfold.assess(subject.path).to_json_dict()  # the what-if did change something


def test_origins(stored: World, subject: Subject, capsys: pytest.CaptureFixture[str]) -> None:
    library = sevenfold.origins(subject.path).to_json_dict()
    cli = cli_json(capsys, "provenance", subject.id, "--db", stored.store.url, "--json")
    web = api(stored, subject.id, "GET", "/origins").json()
    assert library == cli == web
    assert library["origins"] and library["alerts"]


def _what_if_part(data: dict[str, Any]) -> dict[str, Any]:
    """The what-if's shared fields (the API's burn answer carries them at its top level)."""
    return {k: data[k] for k in ("falls", "hypotheses", "why", "top_changes")}


def test_burn_what_if_preview(stored: World, subject: Subject) -> None:
    library = sevenfold.what_if(subject.path, source=subject.source, since=subject.since).to_json_dict()
    web = api(stored, subject.id, "GET", "/burns/preview",
              params={"source": subject.source, "since": subject.since}).json()
    assert _what_if_part(library) == _what_if_part(web)
    assert library["falls"]


@pytest.mark.parametrize("named_actor", [False, True], ids=["any-actor", "named-actor"])
def test_burn(stored: World, subject: Subject, capsys: pytest.CaptureFixture[str], tmp_path: Path,
              named_actor: bool) -> None:
    actor = subject.actor if named_actor else None
    # (a) the library on a store of its own, (b) the CLI and (c) the API each on a fresh copy of the case
    with sevenfold.open_workspace(f"sqlite:///{tmp_path / 'lib.db'}", actor="test") as ws:
        ws.import_case(subject.case)
        lib_case, lib_rev, impact = ws.burn(subject.id, subject.source, subject.since, burn_actor=actor)
    assert impact is not None
    lib_what_if = sevenfold.what_if(subject.case, source=subject.source, since=subject.since, actor=actor)
    _, direct = sevenfold.burn(subject.case, subject.source, subject.since, actor)

    cli = cli_json(capsys, "burn", subject.id, subject.source, "--since", subject.since, "--db", stored.store.url,
                   "--json", *(["--actor", actor] if actor else []))
    cli_burn = stored.store.load_case(subject.id).burns[-1]

    stored.store.import_case(subject.case, replace=True, actor="test:setup")
    stored.app.state.assessments = type(stored.app.state.assessments)()  # type: ignore[attr-defined]
    web = api(stored, subject.id, "POST", "/burns",
              json={"source": subject.source, "since": subject.since, "actor": actor}).json()
    web_burn = stored.store.load_case(subject.id).burns[-1]

    def entry(b: Any) -> dict[str, Any]:
        return without(b.model_dump(mode="json"), "recorded_at")

    def answer(data: dict[str, Any]) -> dict[str, Any]:
        """The whole burn answer but the moment the burn was stored and the revision (each store's own)."""
        return {**without(data, "revision"), "burn": without(data["burn"], "recorded_at")}

    assert entry(lib_case.burns[-1]) == entry(cli_burn) == entry(web_burn)  # same id (burn-N), same fields
    library = impact.to_json_dict()
    assert answer(library) == answer(direct.to_json_dict()) == answer(cli) == answer(web)
    assert set(library) == set(cli) - {"revision"} == set(web) - {"revision"}  # one shape (docs/contracts.md)
    assert cli["revision"] > 1 and web["revision"] > 1
    assert library["what_if"] == without(lib_what_if.to_json_dict(), "before", "after")
    assert [h["id"] for h in library["hypotheses"]] == [
        h["id"] for h in library["what_if"]["hypotheses"] if abs(h["change"] or 0.0) > 0.05]
    assert lib_rev == 2  # one write after the import (the revision is each store's own)


def test_fuse(stored: World, subject: Subject, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    library = sevenfold.fuse(subject.case).to_json()
    cli_text(capsys, "export", subject.id, "--format", "csv", "--out", str(tmp_path / "tables"),
             "--db", stored.store.url)
    cli = cli_json(capsys, "fuse", str(tmp_path / "tables" / "claims.csv"), "--json")
    web = api(stored, subject.id, "GET", "/fusion").json()
    assert cli.pop("sources_out") is None
    assert without(library, "seconds") == without(cli, "seconds") == without(web, "seconds")
    assert library["method"] == "accu-copy" and library["claims"] > 0
    # the same claims table through the library's own path argument
    assert without(sevenfold.fuse(tmp_path / "tables" / "claims.csv").to_json(), "seconds") == without(cli, "seconds")


@pytest.mark.parametrize("fmt", ["yaml", "json", "stix", "csl"])
def test_export(stored: World, subject: Subject, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    if fmt == "stix":
        pytest.importorskip("stix2")
    library = str(sevenfold.export(stored.store.load_case(subject.id), fmt))
    cli = cli_text(capsys, "export", subject.id, "--format", fmt, "--db", stored.store.url)
    web = api(stored, subject.id, "GET", "/export", params={"format": fmt}).text
    if fmt == "yaml":
        import yaml

        assert yaml.safe_load(library) == yaml.safe_load(cli) == yaml.safe_load(web)
    elif fmt == "stix":
        assert _stix_normal(library) == _stix_normal(cli) == _stix_normal(web)
    else:
        assert json.loads(library) == json.loads(cli) == json.loads(web)


def _stix_normal(text: str) -> dict[str, Any]:
    bundle = json.loads(text)
    bundle["id"] = "bundle--(export time)"
    for obj in bundle["objects"]:
        for key in ("created", "modified"):
            if key in obj:
                obj[key] = "(export time)"
    return bundle


def test_burn_assesses_once_before_and_once_after(stored: World, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`sevenfold burn` runs one assessment before and one after the burn (the what-if), not a second pair."""
    import sevenfold.pipeline as pipeline
    import sevenfold.provenance.burn as burn_module

    subject = SUBJECTS[0]
    stored.store.import_case(subject.case, replace=True, actor="test:setup")
    calls: list[int] = []
    real = pipeline.run_assessment

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    def second_pair(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the burn's impact assessed the case again")

    monkeypatch.setattr(pipeline, "run_assessment", counted)
    monkeypatch.setattr(burn_module, "_posteriors", second_pair)
    cli = cli_json(capsys, "burn", subject.id, subject.source, "--since", subject.since, "--db", stored.store.url,
                   "--json")
    assert len(calls) == 2 and cli["what_if"]["falls"]
