"""Reading and writing case files (YAML or JSON), with limits and one message per problem."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sevenfold import limits as _limits
from sevenfold import safe_json
from sevenfold.errors import CaseValidationError, InputError, LimitExceeded, Problem
from sevenfold.gc_pause import gc_paused
from sevenfold.model.case import Case
from sevenfold.model.entries import is_case_id_slug
from sevenfold.model.keys import close_field
from sevenfold.safe_yaml import _INT_DIGITS, _yaml_load


def _unique_json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"key {dup!r} appears twice in one object; the second would silently replace the first")
    return obj


def parse_text(text: str, file: str = "<case>", fmt: str | None = None) -> Any:
    """Parse YAML or JSON text (JSON is YAML, but the JSON parser is faster and exact), refusing
    data nested deeper than the ``nesting_depth`` limit."""
    data = _parse(text, file, fmt)
    # the depth half of the limit walk (text sizes are case_from_data's to check)
    _check_tree(data, file, dataclasses.replace(_limits.current(), text_chars=sys.maxsize))
    return data


@gc_paused()
def _parse(text: str, file: str, fmt: str | None) -> Any:
    """Parse without the walk over the result: :func:`case_from_data` checks depth and sizes in one."""
    limits = _limits.current()
    stripped = text.lstrip()
    if fmt == "json" or (fmt is None and stripped.startswith("{")):
        try:
            data = safe_json.loads(text, file, object_pairs_hook=_unique_json_object)
        except RecursionError:  # nested deeper than the interpreter's stack: far over any sane limit
            raise LimitExceeded("nesting_depth", "too deep to parse", limits.nesting_depth, file) from None
        except json.JSONDecodeError as exc:
            if fmt == "json":
                msg = f"JSON syntax error (line {exc.lineno}, column {exc.colno}): {exc.msg}"
                raise CaseValidationError([Problem(file, "", "", "", msg)]) from None
            data = _yaml_load(text, file, limits)
        except ValueError as exc:  # a key stated twice (_unique_json_object), or a number too long to read
            message = str(exc) if "integer string conversion" not in str(exc) else _long_number(text)
            raise CaseValidationError([Problem(file, "", "", "", f"JSON: {message}")]) from None
        return data
    return _yaml_load(text, file, limits)


def _long_number(text: str) -> str:
    """The message for a JSON number longer than Python converts (``sys.get_int_max_str_digits``)."""
    import re

    found = re.search(r"\d{" + str(_INT_DIGITS + 1) + ",}", text)
    if found is None:
        return f"a number is too long (at most {_INT_DIGITS} digits)"
    line = text.count("\n", 0, found.start()) + 1
    return f"a number of {len(found.group())} digits (line {line}) is too long (at most {_INT_DIGITS} digits)"


def read_text(path: str | Path) -> str:
    """Read a UTF-8 file with the file-size limit applied; clear errors for missing/binary files."""
    p = Path(path)
    limits = _limits.current()
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a case file")
    if size > limits.file_bytes:
        raise LimitExceeded("file_bytes", size, limits.file_bytes, str(p))
    try:
        return p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def _entry_label(data: Any, kind: str, index: int) -> str:
    """An entry's id (or ``#index``) for a message; characters that do not print are shown escaped, so a
    bidi control in a hostile id cannot reorder the message around it."""
    label = _raw_entry_label(data, kind, index)
    return label if label.isprintable() else label.encode("unicode_escape").decode("ascii")


def _raw_entry_label(data: Any, kind: str, index: int) -> str:
    try:
        entry = data[kind][index]
    except (KeyError, IndexError, TypeError):
        return f"#{index}"
    if isinstance(entry, dict):
        if kind == "ratings" and "report" in entry and "hypothesis" in entry:
            label = f"{entry['report']}/{entry['hypothesis']}"
            return label + (f"/{entry['analyst']}" if entry.get("analyst") else "")
        if entry.get("id") not in (None, ""):
            return str(entry["id"])
    return f"#{index}"


def _problems_from_validation(exc: ValidationError, data: Any, file: str) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden" and len(loc) == 1:
            near = close_field(str(loc[0]), tuple(Case.model_fields))
            hint = f"; did you mean {near!r}?" if near else ""
            out.append(Problem(file, "", "", str(loc[0]), f"unknown top-level key {loc[0]!r}{hint}"))
            continue
        if not loc:
            out.append(Problem(file, "", "", "", msg))
            continue
        kind = str(loc[0])
        if kind == "case":
            meta = data.get("case") if isinstance(data, dict) else None
            entry = str(meta.get("id", "")) if isinstance(meta, dict) else ""
            rest = loc[1:]
        elif len(loc) >= 2 and isinstance(loc[1], int):
            entry = _entry_label(data, kind, loc[1])
            rest = loc[2:]
        else:
            entry, rest = "", loc[1:]
        # drop pydantic's union-branch tags (e.g. 'str', 'list[any]') from the field path
        field = ""
        for part in rest:
            if isinstance(part, int):
                field += f"[{part}]"
            elif "[" in str(part) or str(part) in {"str", "bool", "int", "float", "function-after[_finite(), union]"}:
                continue
            else:
                field += ("." if field else "") + str(part)
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "literal_error" and "expected" in err.get("ctx", {}):
            msg = f"{err['input']!r} is not one of {err['ctx']['expected']}"
        out.append(Problem(file, kind, entry, field, msg))
    # the union of claim value types reports one error per branch: keep one per location
    unique: dict[tuple[str, str, str], Problem] = {}
    for p in out:
        unique.setdefault((p.kind, p.entry, p.field), p)
    return list(unique.values())


_STORED = {"stored": True}  # validation context of data read back from a store (see entries._id_text)


@gc_paused()
def case_from_data(data: Any, file: str = "<case>", *, check_limits: bool = True,
                   check_case_id: bool | None = None) -> Case:
    """Validate parsed data into a :class:`Case`; raise CaseValidationError listing every problem.

    The input limits (entry counts, text sizes, nesting depth) are checked first, before any model
    is built. ``check_limits=False`` skips them for data that passed
    them when it was first read, e.g. a case loaded back from the store; validation is unchanged.
    ``check_case_id`` (default: as ``check_limits``) checks that the case id is a slug; an edit of a
    stored case passes False, since its id is not new and older stores may hold ids from before the rule.
    """
    if not isinstance(data, dict):
        raise CaseValidationError([Problem(file, "", "", "", "a case file must be a mapping with 'format' and 'case'")])
    fmt = data.get("format")
    if fmt != "sevenfold/1":
        raise CaseValidationError([Problem(file, "", "", "format",
                                           f"unsupported format {fmt!r}; expected 'sevenfold/1'")])
    if check_limits:
        limits = _limits.current()
        for kind, value in data.items():
            if isinstance(value, list) and len(value) > limits.entries:
                raise LimitExceeded("entries", len(value), limits.entries, f"{file}: {kind}")
        _check_tree(data, file, limits)
    if check_limits if check_case_id is None else check_case_id:
        _check_case_id(data, file)
    try:
        case = Case.model_validate(data, context=None if check_limits else _STORED)
    except ValidationError as exc:
        problems = _problems_from_validation(exc, data, file)
        raise CaseValidationError(problems + _reference_problems_of_rest(
            exc, data, file, None if check_limits else _STORED)) from None
    problems = case.reference_problems(file)
    if check_limits:  # new input: ids that differ only in letter case are refused (stored cases still open)
        from sevenfold.model.case import id_case_problems

        problems += id_case_problems(case, file)
    if problems:
        raise CaseValidationError(problems)
    return case


def _reference_problems_of_rest(exc: ValidationError, data: dict[str, Any], file: str,
                                context: dict[str, Any] | None = None) -> list[Problem]:
    """Reference problems among the well-formed entries, so one run reports every problem.

    Entries with schema errors are left out; references to their ids are not reported as dangling.
    """
    bad: dict[str, set[int]] = {}
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            bad.setdefault(loc[0], set()).add(loc[1])
    reduced: dict[str, Any] = {k: v for k, v in data.items() if k in Case.model_fields}
    dropped_ids: set[str] = set()
    for kind, indices in bad.items():
        entries = reduced.get(kind)
        if isinstance(entries, list):
            for i in indices:
                if i < len(entries) and isinstance(entries[i], dict) and entries[i].get("id") is not None:
                    dropped_ids.add(str(entries[i]["id"]))
            reduced[kind] = [e for i, e in enumerate(entries) if i not in indices]
    if not isinstance(reduced.get("case"), dict) or any(e["loc"][:1] == ("case",) for e in exc.errors()):
        reduced["case"] = {"id": "case"}
    try:
        partial = Case.model_validate(reduced, context=context)
    except ValidationError:
        return []
    return [p for p in partial.reference_problems(file)
            if not any(f"{d!r}" in p.message for d in dropped_ids)]


def _check_case_id(data: dict[str, Any], file: str) -> None:
    """A new case's id must be a slug (docs/case-format.md): it names files, URLs and HTTP headers, and an
    id such as ``team/op-1`` or one holding a line break could be stored but never opened on the web.
    Checked with the limits, when a case is first read, so a store holding older ids still loads them."""
    meta = data.get("case")
    cid = meta.get("id") if isinstance(meta, dict) else None
    if isinstance(cid, str) and cid.strip() and not is_case_id_slug(cid.strip()):
        raise CaseValidationError([Problem(file, "case", cid, "id", "a case id must be a slug: letters or digits "
                                           "in any script, then also '-', '_' or '.' (no spaces, slashes, quotes "
                                           f"or line breaks), not {cid!r}")])


def _check_text(v: str, cap: int, file: str) -> None:
    if len(v) > cap:
        raise LimitExceeded("text_chars", len(v), cap, file)
    if not v.isascii():
        try:
            v.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate, e.g. from a JSON "\ud800" escape
            raise InputError(f"{file}: text {v[:40]!r} holds a lone UTF-16 surrogate at character {exc.start}; "
                             "it is not Unicode text and cannot be stored") from None


_NUL_MESSAGE = "text holds a NUL character (\\0, \\u0000); no store can hold it: remove it"
_NON_FINITE_MESSAGE = ("{!r} is not a finite number (Infinity, NaN, .inf, or beyond 1.8e308 such as 1e400); "
                       "JSON and the store cannot hold it: write it as text if it is meant")


def _check_tree(data: Any, file: str, limits: _limits.Limits) -> None:
    """One walk over parsed data for the nesting depth, every text's (and key's) length, text that is
    not valid Unicode (lone surrogates) or holds a NUL character, and numbers that are not finite."""
    cap, max_depth = limits.text_chars, limits.nesting_depth
    if not isinstance(data, (dict, list)):
        if isinstance(data, str):
            _check_text(data, cap, file)
            if "\x00" in data:
                raise InputError(f"{file}: {_NUL_MESSAGE}")
        return
    # only containers go on the stack; this walk sees every node of a large case, so it is kept lean
    stack: list[tuple[Any, int]] = [(data, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > max_depth:
            raise LimitExceeded("nesting_depth", f"more than {max_depth}", max_depth, file)
        if type(node) is dict:
            for k, v in node.items():
                if isinstance(v, str):
                    if len(v) > cap or not v.isascii() or "\x00" in v:  # the common case stays one cheap test
                        _check_text(v, cap, file)
                        if "\x00" in v:
                            _refuse_at(data, file, _has_nul)
                elif isinstance(v, (dict, list)):
                    push((v, depth + 1))
                elif v.__class__ is float and v - v != 0.0:  # inf - inf and nan - nan are nan
                    _refuse_at(data, file, _non_finite)
                if isinstance(k, str) and (len(k) > cap or not k.isascii() or "\x00" in k):
                    _check_text(k, cap, file)
                    if "\x00" in k:
                        _refuse_at(data, file, _has_nul)
        else:
            for v in node:
                if isinstance(v, str):
                    if len(v) > cap or not v.isascii() or "\x00" in v:
                        _check_text(v, cap, file)
                        if "\x00" in v:
                            _refuse_at(data, file, _has_nul)
                elif isinstance(v, (dict, list)):
                    push((v, depth + 1))
                elif v.__class__ is float and v - v != 0.0:
                    _refuse_at(data, file, _non_finite)


def _has_nul(v: Any) -> str | None:
    return _NUL_MESSAGE if isinstance(v, str) and "\x00" in v else None


def _non_finite(v: Any) -> str | None:
    return _NON_FINITE_MESSAGE.format(v) if isinstance(v, float) and v - v != 0.0 else None


def _refuse_at(data: Any, file: str, test: Any) -> None:
    """Raise the problem ``test`` finds first in ``data``, named by entry and field (called only once
    a problem is known to be there, so this second walk costs nothing on good input)."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            message = (isinstance(node, dict) and _key_problem(k, test)) or test(v)
            if message:
                raise CaseValidationError([_problem_at(data, file, (*path, k), message)])
            if isinstance(v, (dict, list)):
                stack.append((v, (*path, k)))
    raise InputError(f"{file}: {test(chr(0)) or _NON_FINITE_MESSAGE.format(float('inf'))}")


def _key_problem(key: Any, test: Any) -> str | None:
    message = test(key)
    return f"a key: {message}" if message else None


def _problem_at(data: Any, file: str, path: tuple[Any, ...], message: str) -> Problem:
    kind = str(path[0]) if path else ""
    if kind == "case":
        entry, rest = "", path[1:]
    elif len(path) >= 2 and isinstance(path[1], int):
        entry, rest = _entry_label(data, kind, path[1]), path[2:]
    else:
        entry, rest = "", path[1:]
    field = ""
    for part in rest:
        field += f"[{part}]" if isinstance(part, int) else ("." if field else "") + str(part)
    return Problem(file, kind, entry, field, message)


@gc_paused()
def load_case(path: str | Path) -> Case:
    """Load and validate a case file (YAML or JSON). Raises CaseValidationError / InputError."""
    p = Path(path)
    text = read_text(p)
    fmt = "json" if p.suffix.lower() == ".json" else None
    return case_from_data(_parse(text, str(p), fmt), str(p))


@gc_paused()
def loads_case(text: str, file: str = "<case>") -> Case:
    return case_from_data(_parse(text, file, None), file)


def case_to_data(case: Case) -> dict[str, Any]:
    """Plain data for a case, as written to files.

    Fields left at their default (empty lists, nulls) are left out; defaults apply on reading.
    Extras (keys the format does not define) are kept exactly as given, empty or null included.
    """
    return {"format": case.format, **case.model_dump(mode="json", exclude_defaults=True)}


@gc_paused()
def dump_case(case: Case, fmt: str = "yaml") -> str:
    """A case as YAML or JSON text (JSON: one entry per line, see :func:`_json_text`)."""
    data = case_to_data(case)
    if fmt == "json":
        return _json_text(data)
    if fmt == "yaml":
        # libyaml's emitter when available (same representers and output, ~10x faster)
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    raise InputError(f"unknown case format {fmt!r}; use yaml or json")


_ENTRY_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json_text(data: dict[str, Any]) -> str:
    """JSON of a case with each top-level key on its own line and each entry of a list on its own
    line, compact inside (the case's metadata is indented). Easy to read and to diff line by line,
    and written by the C encoder (``json.dumps`` with ``indent`` runs the pure-Python one, several
    times slower on large cases).
    """
    enc = _ENTRY_ENCODER.encode
    lines = ["{"]
    last = len(data) - 1
    for i, (key, value) in enumerate(data.items()):
        comma = "," if i < last else ""
        if isinstance(value, list) and value:
            lines.append(f"  {enc(key)}: [")
            lines.append(",\n".join(["    " + enc(entry) for entry in value]))
            lines.append(f"  ]{comma}")
        elif isinstance(value, dict):  # the case's metadata: small, so indented in full
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            lines.append(f"  {enc(key)}: {text}{comma}")
        else:
            lines.append(f"  {enc(key)}: {enc(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
