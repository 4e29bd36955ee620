"""Truth discovery over conflicting claims, with learned source reliability and copy detection.

>>> from sevenfold.fusion import ClaimMatrix, AccuCopy
>>> claims = ClaimMatrix.read("claims.csv")            # doctest: +SKIP
>>> model = AccuCopy().fit(claims)                     # doctest: +SKIP
>>> model.truth_table(), model.copy_pairs(0.5)         # doctest: +SKIP

Methods (contract name → class) are in :data:`METHODS`; see docs/fusion.md.
"""

from sevenfold.fusion.backends import FusionBackend, available_backends, get_backend, register_backend
from sevenfold.fusion.base import FitResult, FusionEstimator
from sevenfold.fusion.case import CaseFusion, case_fusion, case_trust_and_copying
from sevenfold.fusion.copying import CopyPair, copy_pairs
from sevenfold.fusion.evaluate import Accuracy, accuracy
from sevenfold.fusion.matrix import ClaimMatrix, as_claim_matrix
from sevenfold.fusion.methods.accu import Accu, AccuCopy
from sevenfold.fusion.methods.crh import CRH
from sevenfold.fusion.methods.estimates import ThreeEstimates, TwoEstimates
from sevenfold.fusion.methods.linkanalysis import AverageLog, Investment, PooledInvestment, Sums
from sevenfold.fusion.methods.ltm import LTM
from sevenfold.fusion.methods.truthfinder import TruthFinder
from sevenfold.fusion.methods.voting import MajorityVoting
from sevenfold.fusion.normalize import ValueNormalizer, identity_key, numeric_key, set_key, text_key
from sevenfold.fusion.registry import METHODS, make_method, method_names
from sevenfold.fusion.table_io import read_claims, read_gold, write_table

__all__ = [
    "CRH", "LTM", "METHODS", "Accu", "AccuCopy", "Accuracy", "AverageLog", "CaseFusion", "ClaimMatrix", "CopyPair",
    "FitResult", "FusionBackend", "FusionEstimator", "Investment", "MajorityVoting", "PooledInvestment", "Sums",
    "ThreeEstimates", "TruthFinder", "TwoEstimates", "ValueNormalizer", "accuracy", "as_claim_matrix",
    "available_backends", "case_fusion", "case_trust_and_copying",
    "copy_pairs", "fuse", "get_backend", "identity_key", "make_method", "method_names",
    "numeric_key", "read_claims", "read_gold", "register_backend", "set_key", "text_key", "write_table",
]


def fuse(claims: object, method: str = "accu", **params: object) -> FusionEstimator:
    """Fit the named method on ``claims`` (a ClaimMatrix, claims file, Arrow table or case)."""
    return make_method(method, **params).fit(claims)
