"""Normalising a name in any script into the matching forms that :mod:`compare` scores.

``normalise_name("Ген. В. М. Зарубин")`` → tokens ``('v', 'm', 'zarubin')`` with the first two marked
as initials, title "Ген." stripped, key ``'v m zarubin'``, compact key ``'vmzarubin'``.

Bad input is handled, never fatal: empty or punctuation/digit-only names normalise to an *empty* form
(which matches nothing), bidirectional control characters are dropped, mixed scripts are romanised run
by run, and names longer than :func:`max_name_chars` are truncated with a :class:`NameTruncatedWarning`.
Only a value that is not a string raises (:class:`~sevenfold.errors.InputError`).
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import jellyfish
import yaml

from sevenfold.errors import InputError
from sevenfold.names.fold import ascii_base, fold_ascii
from sevenfold.names.romanise import romanise
from sevenfold.names.scripts import RIGHT_TO_LEFT, scripts_of
from sevenfold.names.wadegiles import wade_giles_to_pinyin

DEFAULT_MAX_NAME_CHARS = 256


class NameTruncatedWarning(UserWarning):
    """A name longer than the limit was cut before matching."""


def max_name_chars() -> int:
    """Longest name compared in full (``SEVENFOLD_LIMIT_NAME_CHARS``, default 256 characters)."""
    raw = os.environ.get("SEVENFOLD_LIMIT_NAME_CHARS", "")
    try:
        value = int(raw) if raw else DEFAULT_MAX_NAME_CHARS
    except ValueError:
        raise InputError(f"SEVENFOLD_LIMIT_NAME_CHARS: not an integer: {raw!r}") from None
    if value < 1:
        raise InputError(f"SEVENFOLD_LIMIT_NAME_CHARS: must be at least 1, got {value}")
    return value


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    """Folded titles and ranks that are stripped (bundled ``data/names/titles.yaml``)."""
    text = resources.files("sevenfold").joinpath("data/names/titles.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return frozenset(fold_ascii(ascii_base(romanise(str(t)))) for t in data["titles"])


@lru_cache(maxsize=1)
def legal_forms() -> tuple[tuple[str, ...], ...]:
    """Folded token sequences of organisations' legal forms, longest first (``titles.yaml``)."""
    text = resources.files("sevenfold").joinpath("data/names/titles.yaml").read_text(encoding="utf-8")
    forms = set()
    for entry in yaml.safe_load(text).get("legal_forms", []):
        toks = tuple(fold_ascii(ascii_base(t)) for t, _ in _raw_tokens(romanise(str(entry))) if ascii_base(t))
        if toks:
            forms.add(toks)
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


@lru_cache(maxsize=1)
def _legal_forms_by_first_token() -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for form in legal_forms():  # longest first, kept in that order per first token
        index.setdefault(form[0], []).append(form)
    return {k: tuple(v) for k, v in index.items()}


def _strip_legal_forms(kept: list[tuple[str, bool]]) -> tuple[list[tuple[str, bool]], list[str]]:
    index = _legal_forms_by_first_token()
    folded = [fold_ascii(b) for b, _ in kept]
    if not any(f in index for f in folded):
        return kept, []
    drop = [False] * len(kept)
    for i, tok in enumerate(folded):
        for form in index.get(tok, ()):
            n = len(form)
            if not any(drop[i:i + n]) and tuple(folded[i:i + n]) == form:
                drop[i:i + n] = [True] * n
                break
    if all(drop) or not any(drop):
        return kept, []
    return ([bi for bi, d in zip(kept, drop, strict=True) if not d],
            [f for f, d in zip(folded, drop, strict=True) if d])


@dataclass(frozen=True)
class NameForm:
    """A name reduced to matching keys. ``tokens`` are folded; ``initials[i]`` marks an initial."""

    raw: str
    romanised: str
    scripts: tuple[str, ...]
    tokens: tuple[str, ...]
    initials: tuple[bool, ...]
    alt_tokens: tuple[str, ...]  # pinyin reading when the Latin name is Wade-Giles, else == tokens
    heads: tuple[str, ...] = ()  # first letter of each token *before* folding (initials compare to it)
    stripped: tuple[str, ...] = ()
    truncated: bool = False
    notes: tuple[str, ...] = field(default=())
    bases: tuple[str, ...] = ()  # each token's ASCII spelling before folding (``khalkhin``, not ``halhin``)

    @property
    def empty(self) -> bool:
        return not self.tokens

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        return "".join(self.tokens)

    @property
    def alt_compact(self) -> str:
        return "".join(self.alt_tokens)

    @property
    def sorted_compact(self) -> str:
        """Tokens in sorted order, joined: order-free (family-name-first vs last)."""
        return "".join(sorted(self.tokens))

    @property
    def phonetic(self) -> str:
        """Metaphone of the compact key (jellyfish); '' for an empty name."""
        return jellyfish.metaphone(self.compact) if self.compact.isalpha() else ""

    @property
    def has_initials(self) -> bool:
        return any(self.initials)


_CONTROL_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn"}
# Separators between tokens; hyphens and apostrophes *join* (Tse-tung, Ch'ang-ch'un, Kuz'kina).
_SEPARATORS = re.compile(r"[\s,;:/\\|()\[\]{}<>«»\"“”„・_+=*&^%$#@!?~.]+")
# BGN/PCGN writes a middle dot between letters that would otherwise read as a digraph (t·s): it joins.
_JOINERS = re.compile(r"[-‐‑‒–—'’ʹʺʼ`·]")
_INITIAL = re.compile(r"[^\W\d_]{1,2}\.?")
_INITIALS_RUN = re.compile(r"^(?:[^\W\d_]{1,2}\.){2,}$")


def _clean(raw: str) -> str:
    if raw.isascii() and raw.isprintable():  # the common case: nothing to normalise or drop
        return raw
    text = unicodedata.normalize("NFKC", raw)
    # Bidi controls (RLO, LRM, ...), zero-width characters and other invisibles are dropped; any
    # control character becomes a space so that words do not merge.
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text
                   if unicodedata.category(ch) not in _CONTROL_CATEGORIES - {"Cc"})


def _reorder_comma(text: str) -> str:
    """'Zarubin, V. M.' → 'V. M. Zarubin' (one comma, family name first)."""
    if text.count(",") == 1:
        family, given = (part.strip() for part in text.split(","))
        if family and given and len(family.split()) <= 2:
            return f"{given} {family}"
    return text


def _raw_tokens(text: str) -> list[tuple[str, bool]]:
    """(token, is_initial) pairs from romanised text; 'V.M.' splits into two initials."""
    out: list[tuple[str, bool]] = []
    for chunk in text.split():
        if _INITIALS_RUN.match(chunk):
            out.extend((part, True) for part in chunk.split(".") if part)
            continue
        is_initial = bool(_INITIAL.fullmatch(chunk)) and (
            len(chunk.rstrip(".")) == 1 or chunk.endswith(".")
        )
        for piece in _SEPARATORS.split(_JOINERS.sub("", chunk)):
            if piece:
                out.append((piece, is_initial))
    return out


_CACHE: dict[tuple[str, int], NameForm] = {}
_CACHE_MAX = 500_000


def _normalise_cached(raw: str, limit: int) -> NameForm:
    form = _CACHE.get((raw, limit))
    if form is None:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        form = _CACHE[(raw, limit)] = _normalise_uncached(raw, limit)
    return form


def clear_cache() -> None:
    """Forget normalised names (benchmarks measure cold runs with this)."""
    _CACHE.clear()


def _normalise_uncached(raw: str, limit: int) -> NameForm:
    notes: list[str] = []
    text = _clean(raw)
    truncated = len(text) > limit
    if truncated:
        text = text[:limit]
        notes.append(f"truncated to {limit} characters")
    scripts = scripts_of(text)
    if RIGHT_TO_LEFT & set(scripts):
        notes.append("right-to-left script romanised")
    if len(scripts) > 1:
        notes.append("mixed scripts: " + ", ".join(scripts))
    text = _reorder_comma(text)
    latin = romanise(text)
    base: list[tuple[str, bool]] = []
    for tok, is_initial in _raw_tokens(latin):
        b = ascii_base(tok)
        if b:
            base.append((b[0] if is_initial else b, is_initial))
    title_set = titles()
    is_title = [fold_ascii(b) in title_set and not i for b, i in base]
    kept = [bi for bi, t in zip(base, is_title, strict=True) if not t]
    stripped = tuple(fold_ascii(b) for (b, _), t in zip(base, is_title, strict=True) if t)
    if not kept:  # a name that is only titles ("General") keeps them
        kept, stripped = base, ()
    kept, legal = _strip_legal_forms(kept)
    stripped = (*stripped, *legal)
    tokens = tuple(fold_ascii(b) for b, _ in kept)
    wg = wade_giles_to_pinyin(tuple(b for b, i in kept if not i)) if kept and not any(
        i for _, i in kept) else None
    alt = tuple(fold_ascii(t) for t in wg) if wg else tokens
    if not any(ch.isalpha() for t in tokens for ch in t):
        # Punctuation- or digit-only names carry no name to match ("123", "!!!", "--").
        tokens, alt = (), ()
        notes.append("nothing to match after normalisation (no letters)")
    return NameForm(
        raw=raw,
        romanised=" ".join(latin.split()),
        scripts=scripts,
        tokens=tokens,
        initials=tuple(i for _, i in kept) if tokens else (),
        alt_tokens=alt,
        heads=tuple(b[:1] for b, _ in kept) if tokens else (),
        stripped=stripped,
        truncated=truncated,
        notes=tuple(notes),
        bases=tuple(b for b, _ in kept) if tokens else (),
    )


def _normalise_chunk(args: tuple[list[str], int]) -> list[NameForm]:
    names, limit = args
    return [_normalise_cached(n, limit) for n in names]


def normalise_many(names: list[str], processes: int | None = None) -> list[NameForm]:
    """Normalise many names; large batches are spread over the CPU cores (fork start method).

    Truncation warnings are not raised here (the caller counts ``form.truncated``)."""
    for n in names:
        if not isinstance(n, str):
            raise InputError(f"name must be text, got {type(n).__name__}: {n!r:.60}")
    limit = max_name_chars()
    procs = processes if processes is not None else (os.cpu_count() or 1)
    missing = [n for n in names if (n, limit) not in _CACHE]
    if procs < 2 or len(missing) < PARALLEL_MIN_NAMES:
        return [_normalise_cached(n, limit) for n in names]
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return [_normalise_cached(n, limit) for n in names]
    size = -(-len(missing) // (procs * 4))
    chunks = [(missing[i:i + size], limit) for i in range(0, len(missing), size)]
    with ctx.Pool(procs) as pool:
        parts = pool.map(_normalise_chunk, chunks)
    if len(_CACHE) + len(missing) >= _CACHE_MAX:
        _CACHE.clear()
    for chunk, part in zip(chunks, parts, strict=True):
        for n, f in zip(chunk[0], part, strict=True):
            _CACHE[(n, limit)] = f
    return [_normalise_cached(n, limit) for n in names]


PARALLEL_MIN_NAMES = 5000


def normalise_name(raw: object) -> NameForm:
    """Normalise one name (any script). Raises :class:`InputError` only for a non-string value."""
    if not isinstance(raw, str):
        raise InputError(f"name must be text, got {type(raw).__name__}: {raw!r:.60}")
    limit = max_name_chars()
    form = _normalise_cached(raw, limit)
    if form.truncated:
        warnings.warn(
            f"name of {len(raw)} characters truncated to {limit} for matching: {raw[:40]!r}...",
            NameTruncatedWarning,
            stacklevel=2,
        )
    return form
