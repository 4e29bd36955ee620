"""Provenance: which reports are really independent, and what falls when a source is burned.

>>> from sevenfold.provenance import origin_groups, provenance_alerts, burn_source
>>> origins = origin_groups(case)                      # doctest: +SKIP
>>> alerts = provenance_alerts(case, origins)          # doctest: +SKIP
>>> new_case, impact = burn_source(case, "zarubin", since="1936-09")   # doctest: +SKIP

See docs/provenance.md for the rules, thresholds and alert kinds.
"""

from sevenfold.provenance.alerts import (
    CONSISTENCY_SCORE,
    HEARSAY_DEPTH,
    compromise_dates,
    interest_reasons,
    provenance_alerts,
    supporting_reports,
)
from sevenfold.provenance.burn import (
    POSTERIOR_SHIFT,
    BurnImpact,
    FallenReport,
    HypothesisShift,
    burn_source,
    fallen_reports,
    make_burn,
    unburn,
)
from sevenfold.provenance.copies import detect_copy_pairs
from sevenfold.provenance.evaluate import adjusted_rand_index, origin_labels
from sevenfold.provenance.origins import (
    OriginPartition,
    derived_cycles,
    origin_graph,
    origin_groups,
    origin_links,
    partition,
    visible_reports,
)
from sevenfold.provenance.rules import RULES, Link, OriginRules
from sevenfold.provenance.textdup import near_duplicate_pairs

__all__ = [
    "CONSISTENCY_SCORE", "HEARSAY_DEPTH", "POSTERIOR_SHIFT", "RULES", "BurnImpact", "FallenReport",
    "HypothesisShift", "Link", "OriginPartition", "OriginRules", "adjusted_rand_index", "burn_source",
    "compromise_dates", "derived_cycles", "detect_copy_pairs", "fallen_reports", "interest_reasons", "make_burn",
    "near_duplicate_pairs", "origin_graph", "origin_groups", "origin_labels", "origin_links", "partition",
    "provenance_alerts", "supporting_reports", "unburn", "visible_reports",
]
