"""Alias tables: the bundled gazetteer, per-case aliases and the user's alias file.

An alias entry says that several spellings name one entity::

    {canonical: "Changchun", kind: place, variants: ["Hsinking", "新京", ...], note: "..."}

Variants may be plain strings (case files, user file) or ``{name, source}`` mappings (the bundled
gazetteer cites where each spelling comes from). Tables are looked up by the *folded* key of a name,
so "HSINKING", "Hsinking" and "Hsin-king" all hit the same entry.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sevenfold.errors import InputError
from sevenfold.names.normalise import NameForm, normalise_name

ALIAS_FORMAT = "sevenfold-aliases/1"
KINDS = ("person", "place", "organisation", "codename", "event", "other")


@dataclass(frozen=True)
class Variant:
    name: str
    source: str = ""


@dataclass
class AliasEntity:
    """One entity and all the spellings known for it; ``origin`` says which table it came from."""

    canonical: str
    kind: str = "other"
    variants: list[Variant] = field(default_factory=list)
    note: str = ""
    origin: str = ""

    def names(self) -> list[str]:
        return [self.canonical, *(v.name for v in self.variants)]

    def source_of(self, name: str) -> str:
        for v in self.variants:
            if v.name == name:
                return v.source
        return "canonical name" if name == self.canonical else ""


@dataclass(frozen=True)
class AliasHit:
    """Why two names are linked by the alias table."""

    entity: AliasEntity
    variant_a: str
    variant_b: str
    score: float  # 1.0 for two listed variants; the similarity to a listed variant otherwise
    direct: bool = False  # both names are listed (not one listed and the other similar to a variant)

    def explain(self) -> str:
        ent = self.entity
        src = f" [{ent.origin}]" if ent.origin else ""
        if self.direct:
            return (f"alias table{src}: both are listed variants of '{ent.canonical}' ({ent.kind}): "
                    f"'{self.variant_a}' ({ent.source_of(self.variant_a) or 'listed'}), "
                    f"'{self.variant_b}' ({ent.source_of(self.variant_b) or 'listed'})")
        return (f"alias table{src}: '{self.variant_a}' is a listed variant of '{ent.canonical}' "
                f"({ent.kind}) and the other name resembles its variant '{self.variant_b}' "
                f"({self.score:.2f})")


def _keys(form: NameForm) -> set[str]:
    if form.empty:
        return set()
    return {form.compact, form.sorted_compact, form.alt_compact}


class AliasTable:
    """Entities with their variants, indexed by folded key."""

    def __init__(self, entities: Iterable[AliasEntity] = ()) -> None:
        self.entities: list[AliasEntity] = []
        self._index: dict[str, set[int]] = {}
        for ent in entities:
            self.add(ent)

    def __len__(self) -> int:
        return len(self.entities)

    def add(self, entity: AliasEntity) -> None:
        idx = len(self.entities)
        self.entities.append(entity)
        for name in entity.names():
            for key in _keys(normalise_name(name)):
                self._index.setdefault(key, set()).add(idx)

    def extend(self, other: AliasTable) -> AliasTable:
        for ent in other.entities:
            self.add(ent)
        return self

    def lookup_ids(self, form: NameForm) -> set[int]:
        ids: set[int] = set()
        for key in _keys(form):
            ids |= self._index.get(key, set())
        return ids

    def lookup(self, name: str) -> list[AliasEntity]:
        """Entities that list ``name`` (any spelling that folds to a listed variant)."""
        return [self.entities[i] for i in sorted(self.lookup_ids(normalise_name(name)))]

    def matched_variant(self, entity: AliasEntity, form: NameForm) -> str:
        keys = _keys(form)
        for name in entity.names():
            if keys & _keys(normalise_name(name)):
                return name
        return entity.canonical


def _variant(value: Any, where: str) -> Variant:
    if isinstance(value, str):
        return Variant(value)
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return Variant(value["name"], str(value.get("source") or ""))
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return Variant(name, str(getattr(value, "source", "") or ""))
    raise InputError(f"{where}: variant must be a string or {{name, source}}, got {value!r:.80}")


def entity_from_mapping(entry: Any, where: str, origin: str) -> AliasEntity:
    """Duck-typed: a dict or any object with ``canonical``, ``variants``, ``kind``, ``note``."""
    get = entry.get if isinstance(entry, dict) else (lambda k, d=None: getattr(entry, k, d))
    canonical = get("canonical")
    if not isinstance(canonical, str) or not canonical.strip():
        raise InputError(f"{where}.canonical: missing or empty")
    variants = get("variants") or []
    if not isinstance(variants, (list, tuple)):
        raise InputError(f"{where}.variants: must be a list")
    kind = str(get("kind") or "other")
    if kind not in KINDS:
        raise InputError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    return AliasEntity(
        canonical=canonical.strip(),
        kind=kind,
        variants=[_variant(v, f"{where}.variants[{i}]") for i, v in enumerate(variants)],
        note=str(get("note") or ""),
        origin=origin,
    )


def table_from_data(data: Any, file: str) -> AliasTable:
    """Alias table from parsed YAML: ``{format, entries: [...]}`` or a bare list of entries."""
    if data is None:
        return AliasTable()
    entries = data.get("entries", data.get("aliases")) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise InputError(f"{file}: expected a list of alias entries under 'entries'")
    return AliasTable(entity_from_mapping(e, f"{file}: entries[{i}]", file) for i, e in enumerate(entries))


@lru_cache(maxsize=1)
def _bundled() -> AliasTable:
    text = resources.files("sevenfold").joinpath("data/names/gazetteer.yaml").read_text(encoding="utf-8")
    return table_from_data(yaml.safe_load(text), "gazetteer")


def bundled_aliases() -> AliasTable:
    """A fresh copy of the bundled, cited gazetteer (safe to extend)."""
    return AliasTable(_bundled().entities)


def load_alias_file(path: str | Path) -> AliasTable:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: alias file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read alias file: {exc}") from None
    from sevenfold.safe_yaml import load_yaml  # aliases, expansion and recursion bounded as in case files

    data = load_yaml(text, str(p))
    return table_from_data(data, str(p))


def aliases_from_case(case: Any, origin: str = "case") -> AliasTable:
    """Alias entities from a case, duck-typed: top-level ``aliases`` plus each actor's and source's
    ``name`` + ``aliases`` (the case author already says those spellings are one party)."""
    table = AliasTable()
    for i, entry in enumerate(getattr(case, "aliases", None) or []):
        table.add(entity_from_mapping(entry, f"{origin}: aliases[{i}]", origin))
    for kind_name, kind in (("actors", "organisation"), ("sources", "person")):
        for item in getattr(case, kind_name, None) or []:
            names = [getattr(item, "name", "") or "", *(getattr(item, "aliases", None) or [])]
            names = [n for n in names if isinstance(n, str) and n.strip()]
            if len(names) >= 2:
                table.add(AliasEntity(
                    canonical=names[0], kind=kind,
                    variants=[Variant(n, f"{kind_name}[{getattr(item, 'id', '?')}]") for n in names[1:]],
                    origin=f"{origin} {kind_name}[{getattr(item, 'id', '?')}]"))
    return table


def default_user_alias_file() -> Path:
    """``$SEVENFOLD_ALIASES`` or ``$XDG_DATA_HOME/sevenfold/aliases.yaml`` (~/.local/share/...)."""
    env = os.environ.get("SEVENFOLD_ALIASES")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sevenfold" / "aliases.yaml"


def user_aliases(path: str | Path | None = None) -> AliasTable:
    """The user's alias file, or an empty table when it does not exist yet."""
    p = Path(path) if path else default_user_alias_file()
    return load_alias_file(p) if p.exists() else AliasTable()


def add_user_alias(canonical: str, variant: str, kind: str = "other", note: str = "",
                   path: str | Path | None = None) -> Path:
    """Append ``variant`` to ``canonical``'s entry in the user alias file (created if needed).

    The file is rewritten atomically (temporary file in the same directory + ``os.replace``): a
    crash leaves the old file or the new one, never half of it.
    """
    for label, value in (("canonical", canonical), ("variant", variant)):
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"alias add: {label} must be a non-empty name")
    if kind not in KINDS:
        raise InputError(f"alias add: --kind {kind!r} is not one of {', '.join(KINDS)}")
    p = Path(path) if path else default_user_alias_file()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        lock = open(p.with_name(p.name + ".lock"), "a+")  # noqa: SIM115 - held across the rewrite
    except OSError as exc:
        raise InputError(f"{p}: cannot create alias file directory or lock: {exc}") from None
    with lock:
        try:
            import fcntl

            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # concurrent adds: no lost update
        except (ImportError, OSError):  # pragma: no cover - non-POSIX: atomic replace still holds
            pass
        return _add_locked(p, canonical, variant, kind, note)


def _add_locked(p: Path, canonical: str, variant: str, kind: str, note: str) -> Path:
    if p.exists():
        load_alias_file(p)  # refuse to extend a file we cannot read back
        from sevenfold.safe_yaml import load_yaml

        data = load_yaml(p.read_text(encoding="utf-8"), str(p)) or {}
    else:
        data = {}
    if isinstance(data, list):
        data = {"entries": data}
    data.setdefault("format", ALIAS_FORMAT)
    entries = data.setdefault("entries", [])
    canonical, variant = canonical.strip(), variant.strip()
    for entry in entries:
        if isinstance(entry, dict) and entry.get("canonical") == canonical:
            variants = entry.setdefault("variants", [])
            names = [v if isinstance(v, str) else v.get("name") for v in variants]
            if variant not in names:
                variants.append(variant)
            if kind != "other":
                entry["kind"] = kind
            break
    else:
        entries.append({"canonical": canonical, "kind": kind, "variants": [variant],
                        **({"note": note} if note else {})})
    try:
        fd, tmp = tempfile.mkstemp(prefix=".aliases-", suffix=".yaml", dir=p.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump(data, fh, allow_unicode=True, sort_keys=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except OSError as exc:
        raise InputError(f"{p}: cannot write alias file: {exc}") from None
    return p
