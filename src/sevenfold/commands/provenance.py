"""``sevenfold provenance``, ``burn`` and ``unburn``: origins, provenance alerts, burned sources."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sevenfold.commands._common import (
    DbOption,
    JsonOption,
    cli_actor,
    load_case_ref,
    one_stdin,
    open_store,
    print_json,
    stdout_console,
)
from sevenfold.errors import InputError

if TYPE_CHECKING:  # the provenance stages load SciPy and networkx: imported inside the commands
    from sevenfold.model.results import BurnImpact
    from sevenfold.pipeline import WhatIf

# sevenfold.provenance.RULES, spelled out so that --help does not import the stages
# (tests/cli/test_startup.py checks that the two agree)
RULE_NAMES = ("derived_from", "via", "document", "copying", "text")


def _console() -> Console:
    return stdout_console(highlight=False, soft_wrap=False)


def _cells(*values: object) -> list[Text]:
    """Case text as literal cells: an id or message with [brackets] is not Rich markup."""
    return [Text(str(v)) for v in values]


def _impact_table(impact: BurnImpact) -> list[Table]:
    tables = []
    fallen = Table(title=Text(f"{impact.case}: burning {impact.burn.source} since {impact.burn.since} "
                              f"({impact.burn.id})"), title_justify="left")
    fallen.add_column("report", no_wrap=True)
    fallen.add_column("source", no_wrap=True)
    fallen.add_column("date", no_wrap=True)
    fallen.add_column("falls because", overflow="fold")
    for f in impact.reports:
        fallen.add_row(*_cells(f.id, f.source, f.date or "—", f.why))
    for f in impact.derived:
        fallen.add_row(*_cells(f.id, f.source, f.date or "—", f.why), style="dim")
    tables.append(fallen)
    if impact.hypotheses:
        hyp = Table(title="Hypotheses whose posterior moves by more than 0.05", title_justify="left")
        for col in ("hypothesis", "before", "after", "change"):
            hyp.add_column(col, justify="right" if col != "hypothesis" else "left")
        for h in impact.hypotheses:
            hyp.add_row(*_cells(h.id, f"{h.before:.3f}", f"{h.after:.3f}", f"{h.change:+.3f}"))
        tables.append(hyp)
    return tables


def register(app: typer.Typer) -> None:
    @app.command("provenance")
    def provenance_cmd(
        case_or_file: str = typer.Argument(..., help="A case file (YAML/JSON) or the id of a stored case."),
        copies: Path | None = typer.Option(
            None, "--copies", help="CSV of fusion copy detection: copier,original,probability (header row); "
                                   "'-' for standard input."),
        detect_copies: bool = typer.Option(
            False, "--detect-copies", help="Run fusion's copy detection (Accu-Copy) on the case's claims."),
        without: list[str] = typer.Option(
            [], "--without", help=f"Switch an origin rule off (repeatable): {', '.join(RULE_NAMES)}."),
        copy_threshold: float = typer.Option(0.5, "--copy-threshold", min=0.0, max=1.0,
                                             help="Copy probability at or above which copied claims join."),
        text_ratio: float = typer.Option(90.0, "--text-ratio", min=0.0, max=100.0,
                                         help="rapidfuzz token-set ratio at or above which texts are duplicates."),
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Show a case's origin groups (independent evidence units) and provenance alerts.

        Example: sevenfold provenance src/sevenfold/data/zarubin-1937.yaml --without via --json
        """
        from sevenfold.api import origins as library_origins

        one_stdin({"CASE_OR_FILE": case_or_file, "--copies": copies})
        case = load_case_ref(case_or_file, db)
        found = library_origins(case, copy_pairs=_read_copies(copies) if copies is not None else None,
                                detect_copies=detect_copies, without=without, copy_threshold=copy_threshold,
                                text_ratio=text_ratio)
        origins, alerts, warnings = found.origins, found.alerts, found.warnings
        if as_json:
            print_json(found.to_json_dict())
            return
        for w in warnings:
            Console(stderr=True, highlight=False, soft_wrap=True).print(f"warning: {w}", markup=False)
        console = _console()
        n_reports = sum(len(o.reports) for o in origins)
        table = Table(title=Text(f"{case.id}: {n_reports} reports in {len(origins)} independent origins"),
                      title_justify="left")
        table.add_column("origin", no_wrap=True)
        table.add_column("reports", overflow="fold")
        table.add_column("why", overflow="fold")
        for o in origins:
            table.add_row(*_cells(o.id, ", ".join(o.reports), "\n".join(o.why)))
        console.print(table)
        for note in found.read_in:
            console.print(Text(f"read together, kept apart: {note}"))
        if not alerts:
            console.print("No provenance alerts.")
            return
        at = Table(title=f"{len(alerts)} provenance alerts", title_justify="left")
        at.add_column("kind", no_wrap=True)
        at.add_column("message", overflow="fold")
        for a in alerts:
            at.add_row(*_cells(a.kind, a.message))
        console.print(at)

    @app.command("burn")
    def burn_cmd(
        case_id: str = typer.Argument(..., metavar="CASE", help="Id of a case in the store."),
        source: str = typer.Argument(..., help="Id of the source to burn."),
        since: str = typer.Option(..., "--since", help="From when its reports may be adversary-fed (ISO date)."),
        actor: str | None = typer.Option(None, "--actor", help="Actor id believed to run the source."),
        note: str = typer.Option("", "--note", help="Why the source is burned."),
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Record that SOURCE is compromised since a date, and show what falls with it.

        The burn is stored in the case (undo it with `sevenfold unburn`). Reports dated on or after
        --since (undated ones too) fall, with every report derived from them or sharing their origin.

        Example: sevenfold burn zarubin-1937 zarubin --since 1936-09 --actor german-intelligence
        """
        from sevenfold.workspace import Workspace

        with open_store(db) as store:
            ws = Workspace(store, actor=cli_actor())
            _, new_revision, found, computed = ws.burn_with_what_if(case_id, source, since, burn_actor=actor,
                                                                    note=note)
            impact = cast("BurnImpact", found)  # computed: impact=True
            change = cast("WhatIf", computed)
        if as_json:
            print_json({**impact.to_json_dict(), "revision": new_revision})  # the burn answer (docs/contracts.md)
            return
        console = _console()
        for t in _impact_table(impact):
            console.print(t)
        shift = Table(title=f"Every hypothesis, before and after ({change.change})", title_justify="left")
        for col in ("hypothesis", "before", "after", "change"):
            shift.add_column(col, justify="right" if col != "hypothesis" else "left")
        for h in change.hypotheses:
            shift.add_row(*_cells(h.id, f"{h.before:.3f}", f"{h.after:.3f}", f"{h.change:+.3f}"))
        console.print(shift)
        for line in change.why:
            console.print(f"why: {line}", markup=False)
        for n in impact.notes:
            console.print(f"note: {n}", markup=False)
        console.print(f"Stored burn {impact.burn.id} in {case_id} (revision {new_revision}); "
                      f"undo with: sevenfold unburn {case_id} {impact.burn.id}", markup=False)

    @app.command("unburn")
    def unburn_cmd(
        case_id: str = typer.Argument(..., metavar="CASE", help="Id of a case in the store."),
        burn_or_source: str = typer.Argument(..., metavar="BURN_ID_OR_SOURCE",
                                             help="A burn id, or a source id (removes all its burns)."),
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Remove a recorded burn (by burn id), or every burn of a source (by source id).

        Example: sevenfold unburn zarubin-1937 burn-1
        """
        from sevenfold.workspace import Workspace

        with open_store(db) as store:
            _, revision, removed = Workspace(store, actor=cli_actor()).unburn(case_id, burn_or_source)
        if as_json:
            print_json({"case": case_id, "removed": [b.model_dump(mode="json") for b in removed],
                         "revision": revision})
            return
        for b in removed:
            _console().print(f"Removed burn {b.id} of {b.source} (since {b.since}) from {case_id} "
                             f"(revision {revision}).", markup=False)


def _read_copies(path: Path) -> list[tuple[str, str, float]]:
    import csv

    from sevenfold.commands._common import is_stdio, read_stdin_text
    from sevenfold.model import read_text

    if is_stdio(path):
        path, text = Path("<stdin>"), read_stdin_text()
    else:
        text = read_text(path)
    rows = list(csv.DictReader(text.splitlines()))
    out = []
    for k, row in enumerate(rows, start=2):
        try:
            out.append((row["copier"].strip(), row["original"].strip(), float(row["probability"])))
        except (KeyError, AttributeError, TypeError, ValueError):
            raise InputError(f"{path}: line {k}: expected columns copier,original,probability") from None
    return out
