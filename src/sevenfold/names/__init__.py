"""Multilingual names: transliteration-aware matching, alias tables, case resolution, record dedupe.

>>> from sevenfold.names import match_names
>>> match_names("Ежов", "Jeschow").match
True

Public API (everything else is internal):

- :func:`normalise_name` → :class:`NameForm` (romanised, folded tokens, initials, keys)
- :class:`NameMatcher` / :func:`match_names` → :class:`MatchResult` ``(score, match, explanation)``;
  ``NameMatcher.score_pairs`` scores many pairs vectorised
- alias tables: :func:`bundled_aliases`, :func:`aliases_from_case`, :func:`load_alias_file`,
  :func:`user_aliases`, :func:`add_user_alias`
- :func:`resolve_case` (suggested merges of a case's sources/actors and text mentions)
- :func:`dedupe_records` (Splink, DuckDB or Spark)
"""

from sevenfold.names.aliases import (
    AliasEntity,
    AliasTable,
    Variant,
    add_user_alias,
    aliases_from_case,
    bundled_aliases,
    default_user_alias_file,
    load_alias_file,
    user_aliases,
)
from sevenfold.names.compare import DEFAULT_THRESHOLD
from sevenfold.names.matcher import MatchResult, NameMatcher, match_names
from sevenfold.names.normalise import NameForm, NameTruncatedWarning, max_name_chars, normalise_name
from sevenfold.names.romanise import engines, romanise


def resolve_case(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`sevenfold.names.resolve.resolve_case` (imported lazily: pulls in networkx)."""
    from sevenfold.names.resolve import resolve_case as _resolve

    return _resolve(*args, **kwargs)


def dedupe_records(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`sevenfold.names.dedupe.dedupe_records` (imported lazily: pulls in Splink)."""
    from sevenfold.names.dedupe import dedupe_records as _dedupe

    return _dedupe(*args, **kwargs)


__all__ = [
    "DEFAULT_THRESHOLD", "AliasEntity", "AliasTable", "MatchResult", "NameForm", "NameMatcher",
    "NameTruncatedWarning", "Variant", "add_user_alias", "aliases_from_case", "bundled_aliases",
    "dedupe_records", "default_user_alias_file", "engines", "load_alias_file", "match_names",
    "max_name_chars", "normalise_name", "resolve_case", "romanise", "user_aliases",
]
