"""The one pipeline: fusion → provenance → assessment, producing one ``Assessment``.

Fusion runs first only because provenance needs its copy pairs (a copier's reports share the
original's origin); the assessment then counts origins, not reports, and blends fusion trust into
source reliability. A case without structured claims skips fusion; nothing is invented where a stage
has nothing to work on.
"""

from __future__ import annotations

from typing import Any

from sevenfold.assess import assess_case
from sevenfold.assess.result import Assessment
from sevenfold.fusion import case_trust_and_copying
from sevenfold.model import Case
from sevenfold.provenance import origin_groups, provenance_alerts

#: alert kinds decided by the assessment engine; provenance's versions of them are not repeated
ASSESSMENT_ALERT_KINDS = frozenset({"coerced_only", "interested_only"})


def run_assessment(case: Case) -> Assessment:
    trust: dict[str, float] | None = None
    copy_pairs: list[Any] | None = None
    if any(r.claims for r in case.reports):
        trust, copy_pairs = case_trust_and_copying(case)
    origins = origin_groups(case, copy_pairs=copy_pairs)
    result = assess_case(case, origins=origins, fusion_trust=trust, copy_pairs=copy_pairs)
    # support-based alerts are the assessment's: it knows which reports actually favour a hypothesis
    # over its rivals (not merely rated consistent with it)
    known = {(a.kind, tuple(a.reports), a.hypothesis) for a in result.alerts}
    for alert in provenance_alerts(case, origins):
        if alert.kind in ASSESSMENT_ALERT_KINDS:
            continue
        if (alert.kind, tuple(alert.reports), alert.hypothesis) not in known:
            result.alerts.append(alert)
    return result
