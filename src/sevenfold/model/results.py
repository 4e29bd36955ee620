"""Result types every front end renders: the ``Assessment`` (contracts.md) and a burn's ``BurnImpact``.

Field names and meanings are a public contract: add fields, never rename or remove. A field a
stage cannot compute is ``None`` (JSON ``null``), never invented.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, computed_field

from sevenfold.model.entries import Burn

ASSESSMENT_VERSION = "1"

ConfidenceLevel = Literal["low", "moderate", "high"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contribution(_Out):
    """One origin's share of a log-odds: ``log_lr`` nats, and the terms of its reports (which sum to it)."""

    origin: str
    log_lr: float
    reports: list[str] = Field(default_factory=list)
    report_log_lr: dict[str, float] = Field(default_factory=dict)


class HypothesisWhy(_Out):
    """Why a hypothesis has its posterior: its log posterior odds against ``against`` (the strongest other
    hypothesis) = ``log_prior_odds`` + ``evidence``, and ``evidence`` = the listed ``contributions`` +
    ``rest`` (the ``rest_origins`` origins not listed). Natural logarithms (nats)."""

    against: str
    log_posterior_odds: float | None = None
    log_prior_odds: float | None = None
    evidence: float = 0.0
    contributions: list[Contribution] = Field(default_factory=list)
    rest: float = 0.0
    rest_origins: int = 0


class WeightFactor(_Out):
    """One factor of a report's weight (``value`` multiplies it; a cap or a zero replaces it)."""

    factor: str
    value: float
    detail: str = ""


class ReportWhy(_Out):
    """Why a report has its credibility and weight, what it moves, and, when it moves nothing, why not."""

    p_true: float | None = None
    p_true_prior: float | None = None
    bayes_factor: float | None = None
    true_under: list[str] = Field(default_factory=list)
    fed_under: list[str] = Field(default_factory=list)
    corroborated: bool | None = None
    fed_by: dict[str, float] = Field(default_factory=dict)
    weight_factors: list[WeightFactor] = Field(default_factory=list)
    share: float | None = None
    log_lr_top: float | None = None
    unmoved: str | None = None
    unmoved_kind: str | None = None


class ChangeWhy(_Out):
    """Why a what-if moved a hypothesis: the change of its log odds against ``against`` (its strongest
    rival before the change), per origin whose reports changed; ``contributions`` + ``rest`` = ``change``."""

    against: str
    log_odds_before: float | None = None
    log_odds_after: float | None = None
    change: float = 0.0
    contributions: list[Contribution] = Field(default_factory=list)
    rest: float = 0.0
    rest_origins: int = 0


class HypothesisResult(_Out):
    id: str
    statement: str = ""
    posterior: float | None = None
    estimative: str | None = None
    inconsistency: float | None = None
    prior: float | None = None
    deception_by: str | None = None
    per_analyst: dict[str, float] | None = None
    why: HypothesisWhy | None = None


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
    why: ReportWhy | None = None


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
    # the engine's per-report log-posterior terms (not serialised), for explaining a what-if's deltas
    _terms: Any = PrivateAttr(default=None)

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
    #: the what-if the shifts come from (``sevenfold.what_if`` as JSON, without its two whole assessments)
    what_if: dict[str, Any] | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        """The burn's id (``burn.id``), kept at the top level for API clients that read it there."""
        return self.burn.id

    @computed_field  # type: ignore[prop-decorator]
    @property
    def falls(self) -> list[str]:
        """Every report that falls: ``reports`` then ``derived``, by id."""
        return [r.id for r in self.reports] + [r.id for r in self.derived]

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
