"""Stated interests: which are directional (a hypothesis the speaker wants believed) and which descriptive.

``sources[].interests`` entries that are hypothesis ids point at the hypotheses the source wants
believed; any other text describes an interest without a direction. ``reports[].against_interest``
marks a statement that goes against its speaker's interest.
"""

from __future__ import annotations

from collections.abc import Collection

from sevenfold.model.entries import Report, Source


def directional_interests(source: Source, hypothesis_ids: Collection[str]) -> list[str]:
    """The hypotheses ``source`` wants believed (its interests that are hypothesis ids), in file order."""
    return [i for i in source.interests if i in hypothesis_ids]


def descriptive_interests(source: Source, hypothesis_ids: Collection[str]) -> list[str]:
    """Stated interests that name no hypothesis (free text): an interest of unknown direction."""
    return [i for i in source.interests if i not in hypothesis_ids]


def interested_in(report: Report, source: Source, hypothesis: str, hypothesis_ids: Collection[str]) -> bool:
    """Whether ``source``'s stated interests may shade ``report`` towards ``hypothesis``: not when the
    report is marked ``against_interest``; yes when the source wants ``hypothesis`` believed or states
    an interest of unknown direction; no when its interests all point at other hypotheses."""
    if report.against_interest or not source.interests:
        return False
    return hypothesis in directional_interests(source, hypothesis_ids) or bool(
        descriptive_interests(source, hypothesis_ids))
