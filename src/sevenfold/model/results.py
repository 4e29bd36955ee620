"""Result types every front end renders: the ``Assessment`` (contracts.md) and a burn's ``BurnImpact``.

Field names and meanings are a public contract: add fields, never rename or remove. A field a
stage cannot compute is ``None`` (JSON ``null``), never invented.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sevenfold.model.entries import Burn

ASSESSMENT_VERSION = "1"

ConfidenceLevel = Literal["low", "moderate", "high"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HypothesisResult(_Out):
    id: str
    statement: str = ""
    posterior: float | None = None
    estimative: str | None = None
    inconsistency: float | None = None
    prior: float | None = None
    deception_by: str | None = None
    per_analyst: dict[str, float] | None = None


class SourceResult(_Out):
    id: str
    name: str = ""
    reliability: float | None = None
    admiralty: str | None = None
    reason: str | None = None
    fusion_trust: float | None = None
    burned: bool = False


class ReportResult(_Out):
    id: str
    source: str | None = None
    origin: str | None = None
    credibility: int | None = None
    diagnosticity: float | None = None
    weight: float | None = None
    reason: str | None = None


class OriginResult(_Out):
    id: str
    reports: list[str]
    why: list[str] = Field(default_factory=list)


class VerifyItem(_Out):
    target: str
    value: float | None = None
    why: str | None = None
    kind: str | None = None


class Alert(_Out):
    kind: str
    message: str
    reports: list[str] = Field(default_factory=list)
    hypothesis: str | None = None
    sources: list[str] = Field(default_factory=list)


class SensitivityRow(_Out):
    report: str
    if_removed_top: str | None = None
    if_removed_posterior: dict[str, float] | None = None
    if_controlled_top: dict[str, str] | None = None


class AnalystDisagreement(_Out):
    analysts: list[str]
    disagreement: float | None = None
    cells: list[dict[str, Any]] = Field(default_factory=list)
    pooled: dict[str, float] | None = None


class DeceptionBudget(_Out):
    """The smallest set of independent origins an adversary would have to control (their evidence then
    counts for nothing) for another hypothesis to lead. ``size`` is ``None`` when no set does it."""

    hypothesis: str
    flips_to: str | None = None
    origins: list[str] = Field(default_factory=list)
    size: int | None = None


class Assessment(_Out):
    """Everything a user sees about a case, as one JSON-serialisable object."""

    version: str = ASSESSMENT_VERSION
    method: str = "heuer-inconsistency"
    case: str
    title: str = ""
    question: str = ""
    as_of: str | None = None
    top: str | None = None
    confidence: ConfidenceLevel | None = None
    confidence_reason: str | None = None
    hypotheses: list[HypothesisResult] = Field(default_factory=list)
    sources: list[SourceResult] = Field(default_factory=list)
    reports: list[ReportResult] = Field(default_factory=list)
    origins: list[OriginResult] | None = None
    linchpins: list[str] | None = None
    verify_next: list[VerifyItem] | None = None
    alerts: list[Alert] = Field(default_factory=list)
    sensitivity: list[SensitivityRow] | None = None
    analysts: AnalystDisagreement | None = None
    notes: list[str] = Field(default_factory=list)
    deception_budget: DeceptionBudget | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class FallenReport(_Out):
    id: str
    source: str
    date: str | None = None
    why: str


class HypothesisShift(_Out):
    id: str
    before: float | None = None
    after: float | None = None
    change: float | None = None


class BurnImpact(_Out):
    """What falls when a source is burned: its reports from ``since`` and everything resting on them."""

    case: str
    burn: Burn
    reports: list[FallenReport] = Field(default_factory=list)
    derived: list[FallenReport] = Field(default_factory=list)
    hypotheses: list[HypothesisShift] = Field(default_factory=list)
    cycles: list[list[str]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
