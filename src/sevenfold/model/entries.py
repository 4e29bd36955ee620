"""Pydantic models of the ``sevenfold/1`` case format (see docs/case-format.md).

Entries keep unknown keys (``extra="allow"``; exposed as ``entry.extra``); the case's top level
forbids them. Field order follows the published format.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from sevenfold.model.dates import HistDate
from sevenfold.model.vocab import CONSISTENCY_CODES, Consistency

FORMAT: Literal["sevenfold/1"] = "sevenfold/1"


def _id_text(value: Any, info: Any) -> Any:
    """Accept ids written as numbers in YAML (``id: 7``) as their text; refuse ids holding characters
    that do not print (controls, NUL, zero-width and bidi controls, separators other than a space), since
    ``s1`` and ``s1\u200b`` would be two ids that look alike. Data read back from a store (validation
    context ``{"stored": True}``) is not refused, so a store written before the rule still opens."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        if not value.isprintable() and not (info.context or {}).get("stored"):
            bad = next(c for c in value if not c.isprintable())
            name = unicodedata.name(bad, "a control character")
            raise ValueError(f"an id cannot hold U+{ord(bad):04X} ({name}) at character {value.index(bad) + 1}: "
                             "control, zero-width, bidi-control and separator characters (other than a space) "
                             "make ids that look alike but differ")
        return value
    return value


EntryId = Annotated[str, BeforeValidator(_id_text), Field(min_length=1, max_length=200)]


def _note_text(value: Any) -> Any:
    """A note written as a number or left empty (``note:``) is still a note."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return value


NoteText = Annotated[str, BeforeValidator(_note_text)]

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
Verdict = Literal["confirmed", "refuted", "unresolved"]
EntityKind = Literal["person", "place", "organisation", "codename", "event", "other"]
#: What a document is: ``original`` records reports at first hand (reports sharing one share an origin);
#: the other kinds are where reports are *read* (a later edition, compilation, study, press piece or
#: post-mortem), never a common origin of what they print.
DocumentKind = Literal["original", "edition", "compilation", "study", "press", "post-mortem"]
DOCUMENT_KIND_SYNONYMS: dict[str, str] = {
    "primary": "original", "source": "original", "archival": "original", "archive": "original",
    "documentary-edition": "edition", "collection": "compilation", "anthology": "compilation",
    "monograph": "study", "book": "study", "secondary": "study", "article": "study",
    "newspaper": "press", "news": "press", "media": "press",
    "postmortem": "post-mortem", "post_mortem": "post-mortem", "inquiry": "post-mortem",
    "commission": "post-mortem", "commission-report": "post-mortem",
}


def _document_kind(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "-")
        return DOCUMENT_KIND_SYNONYMS.get(key, DOCUMENT_KIND_SYNONYMS.get(key.replace("-", "_"), key))
    return value


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
    note: NoteText = ""


class Actor(Entry):
    id: EntryId
    name: str = ""
    aliases: list[str] = Field(default_factory=list)


MAX_TRACK_RECORD = 10**9  # reports, far above any real record; larger numbers overflowed the assessment


class TrackRecord(Entry):
    confirmed: int = Field(default=0, ge=0, le=MAX_TRACK_RECORD)
    refuted: int = Field(default=0, ge=0, le=MAX_TRACK_RECORD)


class SuspectedControl(Entry):
    """``sources[].suspected_control``: the probability ``p`` that actor ``by`` runs the source (from
    ``since``, when given). The assessment mixes its reports as fed with probability ``p``."""

    by: EntryId
    p: float = Field(json_schema_extra={"minimum": 0.0, "maximum": 1.0})  # checked by _p_number
    since: HistDate | None = None

    @field_validator("p", mode="before")
    @classmethod
    def _p_number(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"a control probability must be a number in [0, 1], got {v!r}")
        if v != v:
            raise ValueError("a control probability must be a number in [0, 1], got NaN")
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"a control probability must lie in [0, 1], got {v}")
        return v


class Source(Entry):
    id: EntryId
    name: str = ""
    aliases: list[str] = Field(default_factory=list)
    kind: SourceKind = "human"
    access: Access = "unknown"
    # hypothesis ids are directional (what the source wants believed); other text is descriptive
    interests: list[str] = Field(default_factory=list)
    controlled_by: EntryId | None = None
    compromised_since: HistDate | None = None
    suspected_control: SuspectedControl | None = None
    track_record: TrackRecord | None = None
    note: NoteText = ""

    @field_validator("interests", mode="before")
    @classmethod
    def _interests_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Document(Entry):
    id: EntryId
    kind: Annotated[DocumentKind, BeforeValidator(_document_kind)] = "original"
    citation: str = ""
    title: str = ""
    date: HistDate | None = None
    language: str | None = None
    note: NoteText = ""


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
        if isinstance(v, float) and v - v != 0.0:  # inf - inf is NaN: JSON and the store cannot hold it
            raise ValueError(f"{v!r} is not a claim value: write a number that is finite")
        return v


class Report(Entry):
    id: EntryId
    source: EntryId
    # the originating sub-source when `source` only relayed the report (default: the source itself)
    origin: EntryId | None = None
    date: HistDate | None = None
    date_note: NoteText = ""
    document: EntryId | None = None
    # the document where the report was read (a later edition, compilation, study ...): never an origin
    cited_in: EntryId | None = None
    modality: Modality = "observation"
    # intermediaries after `source`, in travel order: first received it from the source, last is
    # nearest the reader (see sevenfold.model.custody)
    via: list[EntryId] = Field(default_factory=list)
    derived_from: list[EntryId] = Field(default_factory=list)
    # an all-source assessment of these reports: no weight of its own, its inputs stay independent
    synthesis_of: list[EntryId] = Field(default_factory=list)
    against_interest: bool = False
    text: str = ""
    note: NoteText = ""
    claims: list[Claim] = Field(default_factory=list)


class Hypothesis(Entry):
    id: EntryId
    statement: str = ""
    prior: float | None = Field(default=None, ge=0.0, le=1.0)
    deception_by: EntryId | None = None
    # a deception hypothesis's cover story: the hypotheses its planted evidence is made to look like
    mimics: list[EntryId] = Field(default_factory=list)
    # a deception hypothesis's reach: the chance that it fools a channel nobody suspects (default: the
    # engine's DECEPTION_REACH); lower it for channels the deceiver could not touch
    reach: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("mimics", mode="before")
    @classmethod
    def _mimics_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _reach_of_a_deception(self) -> Hypothesis:
        if self.reach is not None and self.deception_by is None:
            raise ValueError("reach is the reach of a deception: give deception_by, or drop reach")
        return self


class Rating(Entry):
    report: EntryId
    hypothesis: EntryId
    consistency: Consistency | None = None
    likelihood: float | None = Field(default=None, validate_default=True)
    analyst: str | None = None

    @field_validator("likelihood")
    @classmethod
    def _likelihood_range(cls, v: float | None, info: ValidationInfo) -> float | None:
        """The one check that a rating rates something (the CLI, the web and the Workspace rely on it); it
        names ``likelihood``, so a form shows it next to the field. A bad consistency is reported alone."""
        if v is None and "consistency" in info.data and info.data["consistency"] is None:
            raise ValueError(f"a rating needs a consistency ({'|'.join(CONSISTENCY_CODES)}) or a likelihood")
        if v is not None and not (0.0 < v <= 1.0):
            raise ValueError(f"likelihood must lie in (0, 1], got {v}")
        return v


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
    note: NoteText = ""

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
    note: NoteText = ""
    recorded_at: str | None = None


class AliasEntry(Entry):
    """A case-specific alias: variants that name the same person, place or codename."""

    canonical: str = Field(min_length=1)
    variants: list[str] = Field(default_factory=list)
    kind: EntityKind = "other"
    note: NoteText = ""
