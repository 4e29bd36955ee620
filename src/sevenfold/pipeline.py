"""The one pipeline: provenance → fusion → assessment, producing one ``Assessment``.

Each stage is optional in the sense that a case without claims skips fusion, and an engine that
is not installed leaves its fields ``None``; no stage invents what it cannot compute.
"""

from __future__ import annotations

from typing import Any

from sevenfold.assess import assess_case
from sevenfold.assess.result import Assessment
from sevenfold.model import Case


#: alert kinds decided by the assessment engine; provenance's versions of them are not repeated
ASSESSMENT_ALERT_KINDS = frozenset({"coerced_only", "interested_only"})


def _origins(case: Case, copy_pairs: Any) -> Any:
    try:
        from sevenfold.provenance import origin_groups
    except ImportError:
        return None
    return origin_groups(case, copy_pairs=copy_pairs)


def _fusion(case: Case) -> tuple[Any, Any]:
    """Source trust and copy pairs learned from the case's structured claims (if any)."""
    if not any(r.claims for r in case.reports):
        return None, None
    try:
        from sevenfold.fusion import case_trust_and_copying
    except ImportError:
        return None, None
    return case_trust_and_copying(case)


def run_assessment(case: Case) -> Assessment:
    trust, copy_pairs = _fusion(case)
    origins = _origins(case, copy_pairs)
    kwargs: dict[str, Any] = {}
    if origins is not None:
        kwargs["origins"] = origins
    if trust is not None:
        kwargs["fusion_trust"] = trust
    if copy_pairs is not None:
        kwargs["copy_pairs"] = copy_pairs
    result = assess_case(case, **kwargs)
    try:
        from sevenfold.provenance import provenance_alerts
    except ImportError:
        return result
    if origins is not None:
        # support-based alerts are the assessment's: it knows which reports actually favour a
        # hypothesis over its rivals (not merely rated consistent with it)
        known = {(a.kind, tuple(a.reports), a.hypothesis) for a in result.alerts}
        for alert in provenance_alerts(case, origins):
            if alert.kind in ASSESSMENT_ALERT_KINDS:
                continue
            if (alert.kind, tuple(alert.reports), alert.hypothesis) not in known:
                result.alerts.append(alert)
    return result
