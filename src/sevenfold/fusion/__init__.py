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
from sevenfold.fusion.normalize import (
    NORMALIZER_KINDS,
    ValueNormalizer,
    author_key,
    identity_key,
    numeric_key,
    parse_normalizer,
    quantity_key,
    set_key,
    text_key,
    time_key,
)
from sevenfold.fusion.registry import METHODS, make_method, method_names
from sevenfold.fusion.run import DEFAULT_METHOD, FuseResult, default_method, run_fuse
from sevenfold.fusion.table_io import read_claims, read_gold, write_table

__all__ = [
    "CRH", "DEFAULT_METHOD", "LTM", "METHODS", "NORMALIZER_KINDS", "Accu", "AccuCopy", "Accuracy", "AverageLog",
    "CaseFusion", "ClaimMatrix", "CopyPair", "FitResult", "FuseResult", "FusionBackend", "FusionEstimator",
    "Investment", "MajorityVoting", "PooledInvestment", "Sums", "ThreeEstimates", "TruthFinder", "TwoEstimates",
    "ValueNormalizer", "accuracy", "as_claim_matrix", "author_key", "available_backends", "case_fusion",
    "case_trust_and_copying", "copy_pairs", "default_method", "fuse", "get_backend", "identity_key", "make_method",
    "method_names", "numeric_key", "parse_normalizer", "quantity_key", "read_claims", "read_gold", "register_backend",
    "run_fuse", "set_key", "text_key", "time_key", "write_table",
]


def fuse(claims: object, method: str | None = None, **params: object) -> FusionEstimator:
    """Fit the named method on ``claims`` (a ClaimMatrix, claims file, Arrow table or case); without a
    name, the method :func:`default_method` picks for the claims (as ``sevenfold fuse`` and the case
    pipeline do)."""
    if method is None:
        backend = str(params.get("backend", "numpy"))
        cm = None if backend == "spark" else as_claim_matrix(claims)
        method = default_method(None if cm is None else cm.n_sources, backend)
        claims = claims if cm is None else cm
    return make_method(method, **params).fit(claims)
