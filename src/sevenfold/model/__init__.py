"""The case model: validated domain objects of the ``sevenfold/1`` format.

>>> from sevenfold.model import load_case
>>> case = load_case("zarubin-1937.yaml")   # doctest: +SKIP
"""

from sevenfold.model.case import Case, check_references
from sevenfold.model.dates import (
    HistDate,
    date_bounds,
    date_end,
    date_start,
    may_be_on_or_after,
    surely_after,
)
from sevenfold.model.entries import (
    FORMAT,
    Actor,
    AliasEntry,
    Burn,
    CaseMeta,
    Claim,
    ClaimRef,
    Document,
    Hypothesis,
    Outcome,
    Rating,
    Report,
    Source,
    TrackRecord,
)
from sevenfold.model.io import (
    case_from_data,
    case_to_data,
    dump_case,
    load_case,
    loads_case,
    parse_text,
    read_text,
)
from sevenfold.model.schema import case_json_schema

__all__ = [
    "FORMAT", "Actor", "AliasEntry", "Burn", "Case", "CaseMeta", "Claim", "ClaimRef", "Document", "HistDate",
    "Hypothesis", "Outcome", "Rating", "Report", "Source", "TrackRecord", "case_from_data", "case_json_schema",
    "case_to_data", "check_references", "date_bounds", "date_end", "date_start", "dump_case", "load_case",
    "loads_case", "may_be_on_or_after", "parse_text", "read_text", "surely_after",
]
