"""Citation accuracy against a labelled folder: % of notes fully right (kind, archive, every field, resolution).

Run:  .venv/bin/python benchmarks/cite_accuracy.py tests/cite/data [--verbose] [--json]

A folder holds text files (plain text, Markdown, PDF, DOCX, TEI: anything ``sevenfold cite audit`` reads)
and, for each, ``<file>.labels.yaml`` (or ``<stem>.labels.yaml``) with the expected notes::

    notes:
      - {n: 1, kind: archive, archive: BArch-MA, signature: "RH 2/2901", folio: "45-47"}
      - {n: 2, kind: archive, ibid: true, archive: BArch-MA, signature: "RH 2/2901", folio: "48"}
      - n: 3
        citations: [{kind: book, authors: [{family: Kershaw, given: Ian}], title: ..., year: 2000}, ...]

Vocabulary: kind (archive | book | article | chapter), ibid (true when the note is an Ibid. resolved to
what it repeats; its fields are the resolved ones), archive, fond, opis, delo, list, record_group,
publication, roll, frame, signature, folio, box, folder, collection, series, authors [{family, given}],
title, place, year, pages.

A note is fully right when it has as many citations as labelled and each one has the labelled kind and
ibid flag and exactly the labelled fields: a field the parser fills that the label does not have is
wrong too (``--lenient`` ignores such extra fields). Values are compared after folding case, dashes,
spaces and abbreviated ranges ("264-67" = "264-267"); archives are compared through the archive table
(a label may write "Bundesarchiv-Militärarchiv" or "BA-MA" for BArch-MA).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from sevenfold.cite.archives import archive_by_alias, archive_by_code
from sevenfold.cite.audit import audit_notes, notes_from_raw
from sevenfold.cite.inputs import read_path
from sevenfold.cite.locators import expand_range
from sevenfold.cite.models import AuditResult, Citation

FIELDS = ("archive", "fond", "opis", "delo", "list", "record_group", "publication", "roll", "frame", "signature",
          "folio", "box", "folder", "collection", "series", "authors", "title", "place", "year", "pages")
RANGE_FIELDS = {"list", "folio", "frame", "pages", "roll"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".pdf", ".docx", ".xml", ".tei", ".text"}


# ---- parser output -> vocabulary -------------------------------------------------------------------------


def _kind_of(c: Citation | None) -> str:
    if c is None:
        return "unparsed"
    if c.kind == "archival":
        return "archive"
    if c.kind == "article" or c.kind == "book":
        return "chapter" if c.csl_type == "chapter" else ("book" if c.kind == "book" else "article")
    return c.kind


def vocab(c: Citation, result: AuditResult) -> dict[str, Any]:
    """One parsed citation in the label vocabulary (resolved fields for Ibid.)."""
    out: dict[str, Any] = {}
    target = None
    if c.resolves_to:
        try:
            target = result.work(c.resolves_to).citation
        except KeyError:
            target = None
    if c.kind in ("ibid", "op_cit", "short"):
        out["kind"] = _kind_of(target) if target is not None else "dangling"
        out["ibid"] = c.kind in ("ibid", "op_cit")  # back-references: Ibid.-type and op. cit.-type
        base = c if c.kind == "ibid" else _merge(target, c)
    elif c.kind in ("dangling", "unparsed"):
        out["kind"] = c.kind
        out["ibid"] = c.form == "ibid"
        base = c
    else:
        out["kind"] = _kind_of(c)
        out["ibid"] = False
        base = c
    fond_system = bool(base.fond or base.opis or base.delo)
    arch = archive_by_code(base.archive) if base.archive else None
    series = base.archive_series
    collection = base.collection
    if arch is not None and arch.system == "nara" and not series and collection:
        series, collection = collection, None  # a NARA record series is the label's 'series'

    vals: dict[str, Any] = {
        "archive": base.archive, "fond": base.fond, "opis": base.opis, "delo": base.delo,
        "list": base.list if fond_system else None, "record_group": base.record_group,
        "publication": base.publication, "roll": base.roll, "frame": base.frame,
        "signature": base.signature or base.reference_code, "folio": None if fond_system else base.folio,
        "box": base.box, "folder": base.folder, "collection": collection, "series": series,
        "title": base.title, "place": base.place, "year": base.year, "pages": base.pages,
    }
    if base.authors:
        vals["authors"] = [{"family": p.family, **({"given": p.given} if p.given else {})} for p in base.authors]
    if out["kind"] == "archive":
        vals["pages"] = vals["pages"] if base.pages else None
    for k, v in vals.items():
        if v not in (None, "", []):
            out[k] = v
    return out


def _merge(target: Citation | None, c: Citation) -> Citation:
    if target is None:
        return c
    upd = {k: getattr(c, k) for k in ("pages", "first_page", "last_page", "list", "folio", "frame")
           if getattr(c, k) not in (None, "")}
    return target.model_copy(update=upd)


# ---- comparison -----------------------------------------------------------------------------------------------


def _fold(v: Any) -> str:
    s = unicodedata.normalize("NFC", str(v)).casefold()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"\s*([-/])\s*", r"\1", s)
    s = " ".join(s.split())
    return s.strip(" .,;:*\"'")


def _range(v: Any) -> str:
    parts = []
    for p in re.split(r"\s*,\s*", _fold(v)):
        m = re.fullmatch(r"(\d+)([a-z]{0,3})-(\d+)([a-z]{0,3})", p)
        if m and len(m.group(3)) < len(m.group(1)):
            p = f"{m.group(1)}{m.group(2)}-{expand_range(m.group(1), m.group(3))}{m.group(4)}"
        parts.append(p.replace(" ", ""))
    return ",".join(parts)


def _given(v: Any) -> str:
    return re.sub(r"[\s.]", "", _fold(v or ""))


def _archive(v: Any) -> str:
    a = archive_by_alias(str(v))
    return a.code.casefold() if a else _fold(v)


def _same_archive(want: Any, got: Any) -> bool:
    """Equal codes, or the label's short name starts one of the archive's names ('Hoover')."""
    if _archive(want) == _archive(got):
        return True
    arch = archive_by_code(str(got))
    w = _fold(want)
    return arch is not None and any(_fold(n) == w or _fold(n).startswith(w + " ") for n in (arch.name, *arch.aliases))


def same(field: str, want: Any, got: Any) -> bool:
    if want in (None, "", []) and got in (None, "", []):
        return True
    if want in (None, "", []) or got in (None, "", []):
        return False
    if field == "archive":
        return _same_archive(want, got)
    if field == "authors":
        if len(want) != len(got):
            return False
        for w, g in zip(want, got, strict=True):
            if _fold(w.get("family", "")) != _fold(g.get("family", "")):
                return False
            if w.get("given") and _given(w.get("given")) != _given(g.get("given")):
                return False
        return True
    if field == "year":
        return str(want).strip() == str(got).strip()
    if field == "publication":
        return re.sub(r"[\s-]", "", _fold(want)) == re.sub(r"[\s-]", "", _fold(got))
    if field in RANGE_FIELDS:
        return _range(want) == _range(got)
    if field == "series":  # 'entry 92' / 'Series 2' name the series by its number
        strip = re.compile(r"^(?:series|ser\.?|entry|subseries|serie|seria)\s*")
        return strip.sub("", _fold(want)) == strip.sub("", _fold(got))
    return _fold(want) == _fold(got)


def compare(want: dict[str, Any], got: dict[str, Any], lenient: bool) -> list[str]:
    """Differences between one labelled citation and one parsed citation ([] when fully right)."""
    diffs = []
    if str(want.get("kind", "")).casefold() != str(got.get("kind", "")).casefold():
        diffs.append(f"kind: want {want.get('kind')!r}, got {got.get('kind')!r}")
    if bool(want.get("ibid", False)) != bool(got.get("ibid", False)):
        diffs.append(f"ibid: want {bool(want.get('ibid', False))}, got {bool(got.get('ibid', False))}")
    keys = [f for f in FIELDS if f in want or (not lenient and f in got)]
    for f in keys:
        if not same(f, want.get(f), got.get(f)):
            diffs.append(f"{f}: want {want.get(f)!r}, got {got.get(f)!r}")
    return diffs


# ---- labels -----------------------------------------------------------------------------------------------------


def labels_for(path: Path) -> Path | None:
    for cand in (path.with_name(path.name + ".labels.yaml"), path.with_name(path.stem + ".labels.yaml"),
                 path.with_name(path.name + ".labels.yml")):
        if cand.exists():
            return cand
    return None


def label_notes(data: Any) -> dict[int, list[dict[str, Any]]]:
    """``{notes: [...]}`` or a bare list; each note ``{n, citations: [...]}`` or one citation's fields."""
    notes = data.get("notes", data) if isinstance(data, dict) else data
    out: dict[int, list[dict[str, Any]]] = {}
    for entry in notes or []:
        n = int(entry.get("n", entry.get("note", 0)))
        cits = entry.get("citations")
        if cits is None:
            cits = [{k: v for k, v in entry.items() if k not in ("n", "note")}]
        out[n] = [dict(c) for c in cits]
    return out


def evaluate(folder: Path, lenient: bool = False) -> dict[str, Any]:
    rows = []
    for path in sorted(folder.iterdir()):
        if path.suffix.casefold() not in TEXT_SUFFIXES or ".labels." in path.name:
            continue
        lab = labels_for(path)
        if lab is None:
            continue
        labelled = label_notes(yaml.safe_load(lab.read_text(encoding="utf-8")))
        doc = read_path(path)
        result = audit_notes(notes_from_raw(doc.notes), doc.style, doc.format)
        by_n = {fn.n: fn for fn in result.footnotes}
        for n, want in sorted(labelled.items()):
            fn = by_n.get(n)
            got = [vocab(c, result) for c in fn.citations] if fn is not None else []
            got = [g for g in got if g["kind"] != "unparsed"]  # a note of commentary has no citation
            diffs: list[str] = []
            if fn is None and want:
                diffs.append("note not found")
            elif len(got) != len(want):
                diffs.append(f"{len(got)} citations found, {len(want)} labelled: "
                             + "; ".join(c.raw[:60] for c in fn.citations))
            else:
                for k, (w, g) in enumerate(zip(want, got, strict=True)):
                    diffs += [f"[{k}] {d}" if len(want) > 1 else d for d in compare(w, g, lenient)]
            rows.append({"file": path.name, "n": n, "ok": not diffs, "diffs": diffs,
                         "text": fn.text if fn is not None else None})
    right = sum(r["ok"] for r in rows)
    return {"notes": len(rows), "right": right, "percent": 100.0 * right / len(rows) if rows else 0.0, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--verbose", "-v", action="store_true", help="list every wrong note and why")
    ap.add_argument("--lenient", action="store_true", help="ignore fields the labels do not mention")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = evaluate(args.folder, args.lenient)
    if args.json:
        json.dump(res, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    files = sorted({r["file"] for r in res["rows"]})
    for f in files:
        fr = [r for r in res["rows"] if r["file"] == f]
        print(f"{f:40s} {sum(r['ok'] for r in fr):3d}/{len(fr):3d}")
    if args.verbose:
        for r in res["rows"]:
            if not r["ok"]:
                print(f"\n{r['file']} note {r['n']}: {(r['text'] or '')[:140]}")
                for d in r["diffs"]:
                    print(f"    {d}")
    print(f"\n{res['percent']:.1f}% of notes fully right (kind, archive, every field, resolution): "
          f"{res['right']}/{res['notes']} in {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
