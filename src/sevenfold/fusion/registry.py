"""Contract names (``sevenfold fuse --method NAME``) → estimator classes."""

from __future__ import annotations

from typing import Any

from sevenfold.errors import InputError
from sevenfold.fusion.base import FusionEstimator
from sevenfold.fusion.methods.accu import Accu, AccuCopy
from sevenfold.fusion.methods.crh import CRH
from sevenfold.fusion.methods.estimates import ThreeEstimates, TwoEstimates
from sevenfold.fusion.methods.linkanalysis import AverageLog, Investment, PooledInvestment, Sums
from sevenfold.fusion.methods.ltm import LTM
from sevenfold.fusion.methods.truthfinder import TruthFinder
from sevenfold.fusion.methods.voting import MajorityVoting

METHODS: dict[str, type[FusionEstimator]] = {
    cls.name: cls
    for cls in (MajorityVoting, Sums, AverageLog, Investment, PooledInvestment, TruthFinder, TwoEstimates,
                ThreeEstimates, Accu, AccuCopy, CRH, LTM)
}


def method_names() -> list[str]:
    return list(METHODS)


def make_method(name: str, **params: Any) -> FusionEstimator:
    """Instantiate a method by its contract name, e.g. ``make_method("accu-copy", prior=0.1)``."""
    try:
        cls = METHODS[name]
    except KeyError:
        raise InputError(f"unknown fusion method '{name}'; choose one of: {', '.join(METHODS)}") from None
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:  # an unknown name, or a value of the wrong kind (seed=abc)
        raise InputError(f"{name}: bad parameter: {exc}") from None
