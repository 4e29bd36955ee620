"""Unknown keys that look like a misspelt field (``asof`` for ``as_of``, ``vai`` for ``via``).

The format keeps unknown keys inside entries as extra fields, so a misspelt key changes nothing
visible: ``derived_form`` silently dropped copy links, ``asof`` silently turned on hindsight. Every
command that reads a case shows :func:`key_warnings`; ``assess`` refuses a case whose ``as_of`` is
misspelt (:func:`blocks_assess`) unless told to go on.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, get_args, get_origin

from pydantic import BaseModel

if TYPE_CHECKING:
    from sevenfold.model.case import Case

#: Suffixes that turn a field name into a plausible wrong name for it (``via_chain``, ``derived_from_ids``).
_CONTAINER_SUFFIXES = ("chain", "chains", "list", "ids", "path", "route")
#: Ways people write "as of" that no edit-distance rule catches.
_AS_OF_FORMS = frozenset({"asof", "asofdate", "asat", "asatdate", "cutoff", "cutoffdate", "knownasof"})


@dataclass(frozen=True)
class KeyWarning:
    """An unknown key at ``where`` (``case``, ``reports[r1]``, ``reports[r1].claims[0]``) that looks
    like the field ``suggestion``. ``blocks_assess``: it stands where ``as_of`` belongs."""

    where: str
    key: str
    suggestion: str
    blocks_assess: bool = False

    @property
    def message(self) -> str:
        text = (f"{self.where}: unknown key {self.key!r} is kept as an extra field; did you mean "
                f"{self.suggestion!r}?")
        if self.blocks_assess:
            text += (" Without as_of the assessment uses every report and outcome, later ones included "
                     "(hindsight): `assess` refuses this case unless given --allow-unknown")
        return text

    def __str__(self) -> str:
        return self.message


def _normal(key: str) -> str:
    return key.strip().lower().replace("-", "_").replace(" ", "_")


@lru_cache(maxsize=8192)
def close_field(key: str, fields: tuple[str, ...]) -> str | None:
    """The field ``key`` most likely meant, or None. Rules, first match wins: the same name in another
    case or with other separators (``As-Of``, ``asof``); difflib similarity ≥ 0.8; one edit or swap of
    two letters (``vai``); a field with a container suffix (``via_chain``, ``derived_from_ids``)."""
    if key in fields:
        return None
    norm = _normal(key)
    if norm in fields:
        return norm
    compact = norm.replace("_", "")
    for f in fields:
        if f.replace("_", "").replace("-", "") == compact:
            return f
    if "as_of" in fields and compact in _AS_OF_FORMS:
        return "as_of"
    near = difflib.get_close_matches(norm, fields, n=1, cutoff=0.8)
    if near:
        return near[0]
    if len(norm) >= 3:
        from rapidfuzz.distance import OSA  # only for a misspelt key: the CLI's start-up stays light

        best = min(fields, key=lambda f: (OSA.distance(norm, f), f))
        if len(best) >= 3 and OSA.distance(norm, best) <= 1:
            return best
    for f in sorted(fields, key=len, reverse=True):
        if norm.startswith(f + "_") and norm[len(f) + 1:] in _CONTAINER_SUFFIXES:
            return f
    return None


def _fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


@lru_cache(maxsize=64)
def _nested(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """Fields of ``model`` holding a nested model (``track_record``) or a list of them (``claims``)."""
    def is_model(a: Any) -> bool:
        return isinstance(a, type) and issubclass(a, BaseModel)

    out = []
    for name, info in model.model_fields.items():
        ann = info.annotation
        if get_origin(ann) is list:
            if all(is_model(a) for a in get_args(ann)):
                out.append((name, True))
            continue
        if any(is_model(a) for a in (get_args(ann) or (ann,))):
            out.append((name, False))
    return tuple(out)


def _label(kind: str, entry: Any, index: int) -> str:
    if kind == "case":
        return "case"
    if kind == "ratings":
        label = f"{entry.report}/{entry.hypothesis}" + (f"/{entry.analyst}" if entry.analyst else "")
        return f"ratings[{label}]"
    if kind == "aliases":
        return f"aliases[{entry.canonical}]"
    ident = getattr(entry, "id", None)
    return f"{kind}[{ident if ident is not None else f'#{index}'}]"


def _walk(where: str, part: BaseModel) -> Iterator[tuple[str, BaseModel]]:
    yield where, part
    for name, is_list in _nested(type(part)):
        value = getattr(part, name, None)
        if value is None:
            continue
        if is_list:
            for k, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk(f"{where}.{name}[{k}]", item)
        elif isinstance(value, BaseModel):
            yield from _walk(f"{where}.{name}", value)


def key_warnings(case: Case) -> list[KeyWarning]:
    """Every extra key, at case level and in every entry kind (nested ones too), that looks like a
    misspelt field. One warning per key and place; file order."""
    out: list[KeyWarning] = []
    for kind in type(case).model_fields:
        value = getattr(case, kind)
        entries = value if isinstance(value, list) else [value]
        for index, entry in enumerate(entries):
            if not isinstance(entry, BaseModel):
                continue
            for where, part in _walk(_label(kind, entry, index), entry):
                for key in part.model_extra or {}:
                    near = close_field(str(key), _fields(type(part)))
                    if near:
                        out.append(KeyWarning(where, str(key), near,
                                              blocks_assess=where == "case" and near == "as_of"))
    return out


def blocks_assess(case: Case) -> list[KeyWarning]:
    """The key warnings that make ``assess`` refuse the case (an unknown key where ``as_of`` belongs)."""
    return [w for w in key_warnings(case) if w.blocks_assess]


def check_assessable(case: Case, allow_unknown: bool = False) -> list[str]:
    """Key warnings for a command that assesses ``case``; raise :class:`InputError` (exit 2) when an
    unknown key stands where ``as_of`` belongs, unless ``allow_unknown``."""
    from sevenfold.errors import InputError

    warnings = key_warnings(case)
    blocking = [w for w in warnings if w.blocks_assess]
    if blocking and not allow_unknown:
        w = blocking[0]
        raise InputError(f"case {case.id}: {w.where}.{w.key}: unknown key where 'as_of' belongs (did you mean "
                         "'as_of'?); without as_of the assessment would use later reports and outcomes "
                         "(hindsight). Fix the key, or pass --allow-unknown to assess anyway")
    return [w.message for w in warnings]
