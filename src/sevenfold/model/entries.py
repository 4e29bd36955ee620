"""Pydantic models of the ``sevenfold/1`` case format (see docs/case-format.md).

Entries keep unknown keys (``extra="allow"``; exposed as ``entry.extra``); the case's top level
forbids them. Field order follows the published format.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from sevenfold.model.dates import HistDate

FORMAT = "sevenfold/1"


def _id_text(value: Any) -> Any:
    """Accept ids written as numbers in YAML (``id: 7``) as their text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


EntryId = Annotated[str, BeforeValidator(_id_text), Field(min_length=1, max_length=200)]

SourceKind = Literal["human", "document", "official", "intercept", "open", "technical"]
Access = Literal["direct", "indirect", "unknown"]
Modality = Literal[
    "observation",
    "hearsay",
    "document",
    "confession",
    "coerced_confession",
    "official_statement",
    "intercept",
    "assessment",
]
Consistency = Literal["CC", "C", "N", "I", "II", "NA"]
Verdict = Literal["confirmed", "refuted", "unresolved"]
EntityKind = Literal["person", "place", "organisation", "codename", "event", "other"]


class Entry(BaseModel):
    """Base of every entry: unknown keys are kept (``extra``)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, validate_assignment=False)

    @property
    def extra(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def is_case_id_slug(text: str) -> bool:
    """A case id is a slug, in any script: a letter or digit, then letters, digits, combining marks (the
    vowel signs of Devanagari, a decomposed accent) and '-', '_' or '.'. Case ids name files, URLs and
    HTTP headers, so spaces, slashes, quotes and line breaks are out."""
    if not text or unicodedata.category(text[0])[0] not in "LN":
        return False
    return all(c in "-_." or unicodedata.category(c)[0] in "LNM" for c in text)


class CaseMeta(Entry):
    id: EntryId
    title: str = ""
    question: str = ""
    as_of: HistDate | None = None
    language: str | None = None


class Actor(Entry):
    id: EntryId
    name: str = ""
    aliases: list[str] = Field(default_factory=list)


MAX_TRACK_RECORD = 10**9  # reports, far above any real record; larger numbers overflowed the assessment


class TrackRecord(Entry):
    confirmed: int = Field(default=0, ge=0, le=MAX_TRACK_RECORD)
    refuted: int = Field(default=0, ge=0, le=MAX_TRACK_RECORD)


class Source(Entry):
    id: EntryId
    name: str = ""
    aliases: list[str] = Field(default_factory=list)
    kind: SourceKind = "human"
    access: Access = "unknown"
    interests: list[str] = Field(default_factory=list)
    controlled_by: EntryId | None = None
    compromised_since: HistDate | None = None
    track_record: TrackRecord | None = None

    @field_validator("interests", mode="before")
    @classmethod
    def _interests_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Document(Entry):
    id: EntryId
    citation: str = ""
    title: str = ""
    date: HistDate | None = None
    language: str | None = None


ClaimValue = str | bool | int | float | list[Any] | dict[str, Any]


class Claim(Entry):
    object: str = Field(min_length=1)
    attribute: str = Field(min_length=1)
    value: ClaimValue

    @field_validator("value")
    @classmethod
    def _finite(cls, v: Any) -> Any:
        if isinstance(v, float) and v != v:  # NaN is not a statement anyone made
            raise ValueError("NaN is not a claim value")
        return v


class Report(Entry):
    id: EntryId
    source: EntryId
    date: HistDate | None = None
    document: EntryId | None = None
    modality: Modality = "observation"
    via: list[EntryId] = Field(default_factory=list)
    derived_from: list[EntryId] = Field(default_factory=list)
    text: str = ""
    claims: list[Claim] = Field(default_factory=list)


class Hypothesis(Entry):
    id: EntryId
    statement: str = ""
    prior: float | None = Field(default=None, ge=0.0, le=1.0)
    deception_by: EntryId | None = None
    # a deception hypothesis's cover story: the hypotheses its planted evidence is made to look like
    mimics: list[EntryId] = Field(default_factory=list)

    @field_validator("mimics", mode="before")
    @classmethod
    def _mimics_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Rating(Entry):
    report: EntryId
    hypothesis: EntryId
    consistency: Consistency | None = None
    likelihood: float | None = None
    analyst: str | None = None

    @field_validator("likelihood")
    @classmethod
    def _likelihood_range(cls, v: float | None) -> float | None:
        if v is not None and not (0.0 < v <= 1.0):
            raise ValueError(f"likelihood must lie in (0, 1], got {v}")
        return v

    @model_validator(mode="after")
    def _something_rated(self) -> Rating:
        if self.consistency is None and self.likelihood is None:
            raise ValueError("a rating needs a consistency (CC|C|N|I|II|NA) or a likelihood")
        return self


class ClaimRef(Entry):
    object: str = Field(min_length=1)
    attribute: str = Field(min_length=1)
    value: ClaimValue | None = None


class Outcome(Entry):
    report: EntryId | None = None
    claim: ClaimRef | None = None
    hypothesis: EntryId | None = None
    verdict: Verdict
    date: HistDate | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one_target(self) -> Outcome:
        n = sum(x is not None for x in (self.report, self.claim, self.hypothesis))
        if n != 1:
            raise ValueError("an outcome names exactly one of report, claim or hypothesis")
        return self


class Burn(Entry):
    """A recorded compromise of a source (``sevenfold burn``): from ``since`` its reports may be fed."""

    id: EntryId
    source: EntryId
    since: HistDate
    actor: EntryId | None = None
    note: str = ""
    recorded_at: str | None = None


class AliasEntry(Entry):
    """A case-specific alias: variants that name the same person, place or codename."""

    canonical: str = Field(min_length=1)
    variants: list[str] = Field(default_factory=list)
    kind: EntityKind = "other"
    note: str = ""
