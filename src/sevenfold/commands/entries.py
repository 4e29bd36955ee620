"""``sevenfold entry``: add, replace, delete, restore and rate one entry of a stored case.

Each command is one call of :class:`sevenfold.workspace.Workspace` (one transaction, audited, with the
library's rules: taken ids, references, kept ratings); this module only parses and prints.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sevenfold.commands._common import DbOption, JsonOption, cli_actor, console, open_store, print_json
from sevenfold.errors import InputError

entry_app = typer.Typer(help="Add, replace, delete, restore or rate one entry of a stored case (audited; the "
                        "same rules as the workbench).", no_args_is_help=True)

KINDS_HELP = "actors, sources, documents, reports, hypotheses, burns or outcomes (outcomes by position: #0, #1, ...)"
KindArg = Annotated[str, typer.Argument(metavar="KIND", help=KINDS_HELP)]
CaseArg = Annotated[str, typer.Argument(metavar="CASE", help="Id of a case in the store.")]
RevisionOption = Annotated[int | None, typer.Option(
    "--revision", help="The revision you read: refuse (exit 2) if the case changed since.")]


def register(app: typer.Typer) -> None:
    app.add_typer(entry_app, name="entry")


def _data(text: str) -> dict[str, Any]:
    """An entry as YAML or JSON text ('-': standard input), or a file holding it."""
    from sevenfold.commands._common import looks_like_file, read_stdin_text
    from sevenfold.model import read_text
    from sevenfold.safe_yaml import load_yaml

    raw = read_stdin_text() if text == "-" else read_text(text) if looks_like_file(text) else text
    data = load_yaml(raw, "DATA")  # the case reader's limits: aliases, depth, size
    if not isinstance(data, dict):
        raise InputError("DATA: expected a mapping of fields, e.g. '{id: r9, source: s1, text: ...}'")
    return data


def _done(case_id: str, revision: int, json_out: bool, what: str, **fields: Any) -> None:
    if json_out:
        print_json({"case": case_id, "revision": revision, **fields})
    else:
        console.print(f"{what} in {case_id} (revision {revision})", markup=False)


@entry_app.command("add")
def add(case_id: CaseArg, kind: KindArg,
        data: Annotated[str, typer.Argument(help="The entry as YAML/JSON text, a file, or '-' (stdin).")],
        revision: RevisionOption = None, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Add one entry. A report added under the id of a deleted one gets back every analyst's ratings of it.

    Example: sevenfold entry add zarubin-1937 hypotheses '{id: h4, statement: "A Soviet plant"}'
    """
    from sevenfold.workspace import Workspace

    entry = _data(data)
    with open_store(db) as store:
        case, rev = Workspace(store, actor=cli_actor()).add(case_id, kind, entry, expected_revision=revision)
        name = f"#{len(case.outcomes) - 1}" if kind == "outcomes" else str(entry.get("id", ""))
    from sevenfold.model.case import id_space_warning

    warning = id_space_warning(kind, name)
    if warning:
        typer.echo(f"warning: {warning}", err=True)
    _done(case_id, rev, json_out, f"added {kind} {name}", kind=kind, id=name, added=True,
          **({"warnings": [warning]} if warning else {}))


@entry_app.command("replace")
def replace(case_id: CaseArg, kind: KindArg, entry_id: Annotated[str, typer.Argument(metavar="ID")],
            data: Annotated[str, typer.Argument(help="The whole new entry as YAML/JSON text, a file, or '-'.")],
            revision: RevisionOption = None, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Replace one entry (its id stays; its ratings stay).

    Example: sevenfold entry replace zarubin-1937 sources zarubin '{id: zarubin, name: "V. Zarubin"}'
    """
    from sevenfold.workspace import Workspace

    entry = _data(data)
    with open_store(db) as store:
        _, rev = Workspace(store, actor=cli_actor()).replace(case_id, kind, entry_id, entry,
                                                             expected_revision=revision)
    _done(case_id, rev, json_out, f"replaced {kind} {entry_id}", kind=kind, id=entry_id, replaced=True)


@entry_app.command("delete")
def delete(case_id: CaseArg, kind: KindArg, entry_id: Annotated[str, typer.Argument(metavar="ID")],
           force: Annotated[bool, typer.Option("--force", help="Also delete what references it (others' "
                                               "ratings, outcomes, links); refused without it.")] = False,
           analyst: Annotated[str | None, typer.Option("--analyst", help="You, as an analyst: your own "
                                                       "ratings go without --force.")] = None,
           reassign_origin: Annotated[bool, typer.Option(
               "--reassign-origin", help="A source that originated reports others relayed: delete it anyway, "
               "making the relayer their origin (their weight and alerts change).")] = False,
           revision: RevisionOption = None, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Delete one entry. Refused, naming them, while other entries reference it, unless --force.

    Deleting a source says which reports lose which part of their custody chain; a source that is the
    origin of relayed reports also needs --reassign-origin.

    Example: sevenfold entry delete zarubin-1937 reports r7 --force
    """
    from sevenfold.workspace import Referenced, Workspace, custody_effects

    with open_store(db) as store:
        effects = custody_effects(store.load_case(case_id), kind, entry_id) if kind == "sources" else []
        try:
            _, rev = Workspace(store, actor=cli_actor()).delete(case_id, kind, entry_id, force=force,
                                                                analyst=analyst, expected_revision=revision,
                                                                reassign_origin=reassign_origin)
        except Referenced as exc:
            flag = "--force --reassign-origin" if exc.needs == "reassign_origin" else "--force"
            raise Referenced(f"{exc} — with {flag}", exc.references, exc.effects, exc.needs) from None
    _done(case_id, rev, json_out, f"deleted {kind} {entry_id}; undo with: sevenfold entry restore "
          f"{case_id} {kind} {entry_id}", kind=kind, id=entry_id, deleted=True, **({"effects": effects} if effects
                                                                                 else {}))
    if effects and not json_out:
        console.print("what changed:\n" + "\n".join(f"  {e}" for e in effects)
                      + "\n(restoring the source does not put it back on these custody chains: edit the reports)",
                      markup=False)


@entry_app.command("restore")
def restore(case_id: CaseArg, kind: KindArg, entry_id: Annotated[str, typer.Argument(metavar="ID")],
            revision: RevisionOption = None, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Add back a deleted entry as the audit log recorded it, with the ratings that went with it.

    Example: sevenfold entry restore zarubin-1937 reports r7
    """
    from sevenfold.workspace import Workspace

    with open_store(db) as store:
        _, rev = Workspace(store, actor=cli_actor()).restore_entry(case_id, kind, entry_id,
                                                                   expected_revision=revision)
    _done(case_id, rev, json_out, f"restored {kind} {entry_id}", kind=kind, id=entry_id, restored=True)


@entry_app.command("rate")
def rate(case_id: CaseArg, report: Annotated[str, typer.Argument(help="Report id.")],
         hypothesis: Annotated[str, typer.Argument(help="Hypothesis id.")],
         analyst: Annotated[str | None, typer.Option("--analyst", help="Whose rating (default: the case "
                                                     "file's own, unnamed).")] = None,
         consistency: Annotated[str | None, typer.Option("--consistency", "-c",
                                                         help="Heuer consistency: from CC (very consistent) to "
                                                         "II (very inconsistent), or NA (not applicable).")] = None,
         likelihood: Annotated[float | None, typer.Option("--likelihood", help="P(report | hypothesis), "
                                                          "in (0, 1].")] = None,
         note: Annotated[str, typer.Option("--note", help="Why.")] = "",
         clear: Annotated[bool, typer.Option("--clear", help="Remove this analyst's rating of the cell.")] = False,
         revision: RevisionOption = None, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Rate a report against a hypothesis (one analyst's cell of the ACH matrix), or --clear it.

    Example: sevenfold entry rate zarubin-1937 r3 german-provocation --analyst alice -c II
    """
    from sevenfold.workspace import Workspace

    with open_store(db) as store:
        ws = Workspace(store, actor=cli_actor())
        if clear:
            _, rev = ws.clear_rating(case_id, report, hypothesis, analyst=analyst, expected_revision=revision)
        else:
            _, rev = ws.rate(case_id, report, hypothesis, analyst=analyst, consistency=consistency,
                             likelihood=likelihood, note=note, expected_revision=revision)
    _done(case_id, rev, json_out, f"{'cleared' if clear else 'rated'} {report}/{hypothesis}", report=report,
          hypothesis=hypothesis, analyst=analyst, consistency=None if clear else consistency,
          likelihood=None if clear else likelihood, cleared=clear)
