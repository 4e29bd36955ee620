"""The one pipeline: fusion → provenance → assessment, producing one ``Assessment``.

Fusion runs first only because provenance needs its copy pairs (a copier's reports share the
original's origin); the assessment then counts origins, not reports, and blends fusion trust into
source reliability. A case without structured claims skips fusion; nothing is invented where a stage
has nothing to work on.
"""

from __future__ import annotations

from sevenfold.ach import assess_case
from sevenfold.ach.result import Alert, Assessment
from sevenfold.fusion import CaseFusion, case_fusion
from sevenfold.fusion.methods.accu import START_WARN_SHARE
from sevenfold.model import Case
from sevenfold.provenance import origin_groups, provenance_alerts

#: alert kinds decided by the assessment engine; provenance's versions of them are not repeated
ASSESSMENT_ALERT_KINDS = frozenset({"coerced_only", "interested_only"})


def run_assessment(case: Case) -> Assessment:
    fusion = case_fusion(case) if any(r.claims for r in case.reports) else CaseFusion()
    origins = origin_groups(case, copy_pairs=fusion.copy_pairs)
    result = assess_case(case, origins=origins, fusion_trust=fusion.trust, copy_pairs=fusion.copy_pairs)
    if fusion.trust is not None and any(share >= START_WARN_SHARE for share in fusion.start_disagreement.values()):
        result.alerts.append(_fusion_start_alert(fusion))
    # support-based alerts are the assessment's: it knows which reports actually favour a hypothesis
    # over its rivals (not merely rated consistent with it)
    known = {(a.kind, tuple(a.reports), a.hypothesis) for a in result.alerts}
    for alert in provenance_alerts(case, origins):
        if alert.kind in ASSESSMENT_ALERT_KINDS:
            continue
        if (alert.kind, tuple(alert.reports), alert.hypothesis) not in known:
            result.alerts.append(alert)
    return result


def _fusion_start_alert(fusion: CaseFusion) -> Alert:
    """The learned trust depends on where fusion starts (docs/fusion.md, ACCU-COPY's starts)."""
    share = max(fusion.start_disagreement.values())
    n = round(share * fusion.items)
    items = "; ".join(f"{o} / {a}" for o, a in fusion.contested)
    return Alert(kind="fusion_depends_on_start", sources=sorted(fusion.trust or {}), message=(
        f"Source trust learned from the claims depends on where the fit starts: started without "
        f"discounting copies, the claims settle on different values for {n} of {fusion.items} items "
        f"({share:.0%}). The trust used here discounts copies; before leaning on it, check the copy "
        f"pairs and verify a contested item" + (f" (most stated first: {items})" if items else "")
        + ". A confirmed outcome on it anchors the fit."))
