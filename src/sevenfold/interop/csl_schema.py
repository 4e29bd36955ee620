"""A pydantic model of the CSL-JSON input schema (citation-style-language/schema, csl-data.json, v1.0).

No PyPI package ships the schema file, so it is modelled here field for field: every item needs
``type`` (one of the CSL item types) and ``id``; name variables are lists of name objects, date
variables are ``{date-parts, season, circa, literal, raw, edtf}`` objects or EDTF strings; number-ish
variables accept strings or numbers; ``custom`` is a free object; no other key is allowed
(``additionalProperties: false``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "figure", "graphic", "hearing", "interview", "legal_case", "legislation",
    "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
    "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report",
    "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)
NAME_VARIABLES = (
    "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor",
    "curator", "director", "editor", "editorial-director", "executive-producer", "interviewer", "illustrator",
    "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author", "translator",
    "guest", "host", "narrator", "script-writer", "series-creator",
)
DATE_VARIABLES = ("accessed", "available-date", "container", "event-date", "issued", "original-date",
                  "submitted")
STRING_VARIABLES = (
    "language", "journalAbbreviation", "shortTitle", "abstract", "annote", "archive", "archive_collection",
    "archive_location", "archive-place", "authority", "call-number", "citation-label", "collection-title",
    "container-title", "container-title-short", "dimensions", "division", "DOI", "event", "event-place",
    "genre", "ISAN", "ISBN", "ISCI", "ISMN", "ISRC", "ISSN", "ISWC", "jurisdiction", "keyword", "medium",
    "note", "original-publisher", "original-publisher-place", "original-title", "part-title", "PMCID",
    "PMID", "publisher", "publisher-place", "references", "reviewed-title", "scale", "section", "source",
    "status", "title", "title-short", "translated-title", "translated-title-short", "URL", "version",
    "year-suffix", "citation-key", "event-title", "reviewed-genre", "volume-title", "volume-title-short",
)
NUMBER_VARIABLES = (
    "chapter-number", "citation-number", "collection-number", "edition", "first-reference-note-number",
    "issue", "locator", "number", "number-of-pages", "number-of-volumes", "page", "page-first", "part",
    "printing", "supplement", "volume",
)

StrOrNum = str | int | float
Flag = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)


class CslNameVariable(_Strict):
    family: str | None = None
    given: str | None = None
    dropping_particle: str | None = Field(None, alias="dropping-particle")
    non_dropping_particle: str | None = Field(None, alias="non-dropping-particle")
    suffix: str | None = None
    comma_suffix: Flag | None = Field(None, alias="comma-suffix")
    static_ordering: Flag | None = Field(None, alias="static-ordering")
    literal: str | None = None
    parse_names: Flag | None = Field(None, alias="parse-names")


class CslDateVariable(_Strict):
    date_parts: list[list[StrOrNum]] | None = Field(None, alias="date-parts", min_length=1, max_length=2)
    season: StrOrNum | None = None
    circa: Flag | None = None
    literal: str | None = None
    raw: str | None = None
    edtf: str | None = None

    def model_post_init(self, __context: Any) -> None:
        for part in self.date_parts or []:
            if not 1 <= len(part) <= 3:
                raise ValueError("each date-parts entry has 1 to 3 parts (year, month, day)")


def _field_name(key: str) -> str:
    return key.replace("-", "_")


_fields: dict[str, Any] = {
    "type": (Literal[CSL_TYPES], Field(...)),  # type: ignore[valid-type]
    "id": (str | int | float, Field(...)),
    "categories": (list[str] | None, None),
    "custom": (dict[str, Any] | None, None),
}
for _k in NAME_VARIABLES:
    _fields[_field_name(_k)] = (list[CslNameVariable] | None, Field(None, alias=_k))
for _k in DATE_VARIABLES:
    _fields[_field_name(_k)] = (CslDateVariable | str | None, Field(None, alias=_k))
for _k in STRING_VARIABLES:
    _fields[_field_name(_k)] = (str | None, Field(None, alias=_k))
for _k in NUMBER_VARIABLES:
    _fields[_field_name(_k)] = (StrOrNum | None, Field(None, alias=_k))

CslDataItem = create_model("CslDataItem", __base__=_Strict, **_fields)  # type: ignore[call-overload]


def csl_item_problems(item: Any) -> list[str]:
    """Every way ``item`` breaks the CSL-JSON schema, as 'field: message' strings ([] if valid)."""
    if not isinstance(item, dict):
        return ["not a JSON object"]
    try:
        CslDataItem.model_validate(item)
    except ValidationError as exc:
        out: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            loc = ".".join(str(x) for x in err["loc"] if not str(x).startswith(("list[", "str", "int", "float",
                                                                                 "bool", "CslDateVariable",
                                                                                 "literal[")))
            msg = "required field is missing" if err["type"] == "missing" else err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "not a CSL-JSON variable"
            elif err["type"] == "literal_error" and loc == "type":
                msg = f"{err['input']!r} is not a CSL item type (e.g. book, article-journal, manuscript)"
            out.setdefault(loc or "item", msg)  # a union reports once per branch: keep the first
        return [f"{k}: {v}" for k, v in out.items()]
    return []
