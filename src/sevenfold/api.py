"""The library's façade: every case operation a user can start, as one function (case in → result out).

The command line, the web API and Python callers all call these, so an operation gives one answer
wherever it starts (tests/test_parity.py runs each through all three). Each function delegates to
the stage that owns the work; nothing here decides anything a stage already decides.

>>> import sevenfold
>>> case = sevenfold.load_case("zarubin-1937.yaml")               # doctest: +SKIP
>>> sevenfold.assess(case).top                                     # doctest: +SKIP
>>> sevenfold.origins(case).to_json_dict()["origins"]              # doctest: +SKIP
>>> new_case, impact = sevenfold.burn(case, "zarubin", "1936-09")  # doctest: +SKIP

Heavy stages (SciPy, networkx, pydantic models) are imported inside the functions: importing
``sevenfold`` stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sevenfold.errors import InputError

if TYPE_CHECKING:
    from sevenfold.fusion.run import FuseResult
    from sevenfold.model import Case
    from sevenfold.model.results import Assessment, BurnImpact, OriginResult
    from sevenfold.pipeline import WhatIf
    from sevenfold.store import Store
    from sevenfold.workspace import Workspace

__all__ = ["CaseLike", "Provenance", "assess", "burn", "export", "fuse", "load_case", "open_workspace", "origins",
           "report", "what_if"]

#: what every façade function accepts as a case: a Case, a case file path, or a case file's data
CaseLike = Any

#: formats :func:`export` returns as text whole (csv returns one table as text, parquet one as bytes)
TEXT_EXPORT_FORMATS = ("yaml", "json", "stix", "csl", "ftm")


def load_case(source: CaseLike) -> Case:
    """A validated :class:`~sevenfold.model.Case` from a case file (path), its data (a mapping), or a Case.

    A path is read as YAML or JSON (compressed files too); a bad file raises
    :class:`~sevenfold.errors.CaseValidationError` listing every problem.
    """
    from sevenfold.model import Case, case_from_data
    from sevenfold.model import load_case as _load
    from sevenfold.workspace import StoredCase

    if isinstance(source, Case):
        return source
    if isinstance(source, StoredCase):  # what a Workspace edit returns
        return source.loaded()
    if isinstance(source, Mapping):
        return case_from_data(dict(source), "<data>")
    if isinstance(source, (str, os.PathLike)):
        return _load(source if isinstance(source, str) else Path(source))
    raise InputError(f"cannot read a case from a {type(source).__name__}: give a Case, a case file or its data")


def assess(case: CaseLike, *, exclude: Iterable[str] = (), as_of: str | None = None,
           allow_unknown: bool = False) -> Assessment:
    """The whole pipeline (fusion → provenance → Bayesian ACH): one :class:`~sevenfold.model.results.Assessment`.

    ``exclude``: report, source or origin ids to leave out; ``as_of``: assess as of an earlier date.
    A case with an unknown key where ``as_of`` belongs (``asof``, ``as-of``) is refused with
    :class:`InputError` unless ``allow_unknown``: without its cut-off the assessment would use later
    reports and outcomes. ``assess(case).to_json_dict()`` is what ``sevenfold assess --json`` prints and
    what ``GET /api/v1/cases/{id}/assessment`` returns.
    """
    from sevenfold.model.keys import check_assessable
    from sevenfold.pipeline import run_assessment

    c = load_case(case)
    check_assessable(c, allow_unknown)
    if not exclude and as_of is None:
        return run_assessment(c)
    return run_assessment(c, exclude=exclude, as_of=as_of)


@dataclass
class Provenance:
    """A case's origin groups (independent evidence units), how they were merged, and provenance alerts."""

    case: str
    as_of: str | None
    origins: list[OriginResult]
    merges: list[Any]
    read_in: list[str]
    warnings: list[str]
    alerts: list[Any] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """What ``sevenfold provenance --json`` prints and ``GET /api/v1/cases/{id}/origins`` returns."""
        return {"case": self.case, "as_of": self.as_of,
                "origins": [o.model_dump(mode="json") for o in self.origins],
                "merges": self.merges, "read_in": list(self.read_in), "warnings": list(self.warnings),
                "alerts": [a.model_dump(mode="json") for a in self.alerts]}


def origins(case: CaseLike, *, copy_pairs: Iterable[Any] | None = None, detect_copies: bool = False,
            without: Sequence[str] = (), copy_threshold: float = 0.5, text_ratio: float = 90.0) -> Provenance:
    """Group a case's reports by origin and list the provenance alerts.

    ``copy_pairs``: ``(copier, original, probability)`` rows from fusion; ``detect_copies`` adds the pairs
    fusion's copy detection finds in the case's claims; ``without`` switches origin rules off (names in
    :data:`sevenfold.provenance.RULES`).
    """
    from sevenfold.model import custody_warnings
    from sevenfold.provenance import RULES, OriginRules, detect_copy_pairs, partition

    unknown = sorted(set(without) - set(RULES))
    if unknown:
        raise InputError(f"--without: unknown rule {', '.join(unknown)}; rules are {', '.join(RULES)}")
    rules = OriginRules(copy_threshold=copy_threshold, text_ratio=text_ratio, **{rule: False for rule in without})
    c = load_case(case)
    pairs: list[Any] | None = list(copy_pairs) if copy_pairs is not None else None
    if detect_copies:
        pairs = (pairs or []) + detect_copy_pairs(c, copy_threshold)
    part = partition(c, pairs, rules)
    warnings = [w.message for w in c.key_warnings()] + custody_warnings(c)
    return Provenance(case=c.id, as_of=c.case.as_of, origins=list(part.origins), merges=part.merges(),
                      read_in=list(part.read_in), warnings=warnings, alerts=_origin_alerts(c, list(part.origins)))


def _origin_alerts(case: Case, groups: list[Any]) -> list[Any]:
    """Provenance's alerts, with the support-based ones (single_origin, interested_only, coerced_only)
    taken from the assessment on the same origins, so that `provenance` and `assess` name the same
    hypotheses: the assessment knows which reports favour a hypothesis over its rivals, not merely
    which are rated consistent with it."""
    from sevenfold.pipeline import ASSESSMENT_ALERT_KINDS
    from sevenfold.provenance import provenance_alerts

    alerts = list(provenance_alerts(case, groups))
    if len(case.hypotheses) < 2 or not case.ratings:
        return alerts
    from sevenfold.ach import assess_case

    assessed = assess_case(case, origins=groups, detail=False)
    return ([a for a in alerts if a.kind not in ASSESSMENT_ALERT_KINDS]
            + [a for a in assessed.alerts if a.kind in ASSESSMENT_ALERT_KINDS])


def burn(case: CaseLike, source: str, since: str, actor: str | None = None, note: str = "", *,
         recorded_at: str | None = None) -> tuple[Case, BurnImpact]:
    """Burn ``source`` from ``since``: the case with the new Burn entry, and what falls with it.

    The input case is not changed. The source and actor must exist in the case (NotFound otherwise).
    The shifts come from one what-if (:func:`what_if`), which the impact carries as ``what_if``;
    ``impact.to_json_dict()`` is the burn answer of docs/contracts.md.
    """
    new_case, impact, _ = burn_with_what_if(case, source, since, actor, note, recorded_at=recorded_at)
    return new_case, impact


def burn_with_what_if(case: CaseLike, source: str, since: str, actor: str | None = None, note: str = "", *,
                      recorded_at: str | None = None) -> tuple[Case, BurnImpact, WhatIf]:
    """:func:`burn`, and the what-if it was computed from (with its two whole assessments)."""
    from sevenfold.pipeline import what_if as _what_if
    from sevenfold.provenance import burn_source, make_burn

    c = load_case(case)
    made = make_burn(c, source, since, actor, note, recorded_at)  # refuses a missing source or actor, a bad date
    change = _what_if(c, source=source, since=made.since, actor=actor)
    posteriors = ({h.id: h.before for h in change.hypotheses}, {h.id: h.after for h in change.hypotheses})
    new_case, impact = burn_source(c, source, since, actor, note, recorded_at=made.recorded_at,
                                   posteriors=posteriors)
    impact.what_if = change.model_dump(mode="json", exclude={"before", "after"})
    return new_case, impact, change


def what_if(case: CaseLike, *, source: str | None = None, since: str | None = None, actor: str | None = None,
            exclude: Iterable[str] = (), as_of: str | None = None) -> WhatIf:
    """The assessment before and after one hypothetical change, and why it moved; nothing is stored.

    ``source`` with ``since``: burn the source from that date (by ``actor``, or any deceiver);
    ``source`` alone: leave out everything from or through it; ``exclude``: leave out report, source or
    origin ids; ``as_of``: assess as of an earlier date (:func:`sevenfold.pipeline.what_if`).
    """
    from sevenfold.pipeline import what_if as _what_if

    return _what_if(load_case(case), source=source, since=since, actor=actor, exclude=exclude, as_of=as_of)


def fuse(claims: CaseLike, **options: Any) -> FuseResult:
    """Truth discovery over a claims table (path) or a case's claims: ``sevenfold fuse`` as a function.

    ``options`` are :func:`sevenfold.fusion.run.run_fuse`'s (``method``, ``normalize``, ``gold``,
    ``verified``, ...): the same defaults and checks as the command. ``result.to_json()`` is
    ``sevenfold fuse --json``.
    """
    from sevenfold.fusion.run import run_fuse

    if isinstance(claims, (str, os.PathLike)) and not _is_case_file(claims):
        return run_fuse(claims, **options)
    import tempfile

    from sevenfold.interop.tables import export_tables

    c = load_case(claims)
    if not any(r.claims for r in c.reports):
        raise InputError(f"case {c.id}: no report has claims (object, attribute, value); nothing to fuse")
    with tempfile.TemporaryDirectory(prefix="sevenfold-fuse-") as tmp:
        export_tables(c, Path(tmp), "csv")
        return run_fuse(Path(tmp) / "claims.csv", **options)


def _is_case_file(path: str | os.PathLike[str]) -> bool:
    name = os.fspath(path).lower()
    for ext in (".gz", ".bz2", ".xz", ".zip"):
        name = name.removesuffix(ext)
    return name.endswith((".yaml", ".yml"))


def export(case: CaseLike, fmt: str = "yaml", out: str | os.PathLike[str] | None = None,
           *, assessment: Assessment | None = None, raw_cells: bool = False,
           table: str | None = None) -> str | bytes | Path:
    """The case in ``fmt``: yaml / json (the case file), stix / csl / ftm (interop), csv / parquet (tables).

    With ``out`` the export is written atomically and the path returned: a file, or for csv / parquet
    a folder holding every table (``reports``, ``claims``) — or, with ``table``, that one table as the
    file ``out``. Without ``out`` the export is returned: text, or for parquet bytes; csv and parquet
    then need ``table`` (one file holds one table). ``raw_cells``: csv cells as they are, without the
    spreadsheet formula guard.
    """
    from sevenfold.interop import check_export
    from sevenfold.model import dump_case

    check_export(fmt, table, one_file=out is None)
    c = load_case(case)
    if fmt in ("yaml", "json"):
        text = dump_case(c, fmt)
        if out is None:
            return text
        from sevenfold.interop._io import write_atomic

        return write_atomic(Path(out), text)
    from sevenfold.interop import export_bytes, export_case

    if out is not None:
        return export_case(c, fmt, out, assessment, raw_cells=raw_cells, table=table)
    data = export_bytes(c, fmt, assessment, table=table, raw_cells=raw_cells)
    return data if fmt == "parquet" else data.decode("utf-8")


def report(case: CaseLike, fmt: str = "html", out: str | os.PathLike[str] | None = None,
           *, assessment: Assessment | None = None) -> str | Path:
    """The case report: HTML text (no ``out``), or an HTML/PDF file written atomically to ``out``."""
    from sevenfold.report import render_html, render_report

    c = load_case(case)
    if out is not None:
        return render_report(c, assessment, fmt, out)
    if fmt != "html":
        raise InputError(f"a {fmt} report is a file: give out=PATH")
    return render_html(c, assessment if assessment is not None else assess(c), images="svg")


def open_workspace(store: Store | str | None = None, *, actor: str | None = None) -> Workspace:
    """A :class:`~sevenfold.workspace.Workspace` on ``store`` (a Store, a URL or path, or SEVENFOLD_DB)."""
    from sevenfold.store import Store
    from sevenfold.workspace import Workspace

    return Workspace(store if isinstance(store, Store) else Store(store), actor=actor)
