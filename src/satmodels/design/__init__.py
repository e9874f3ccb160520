"""Design-based inference for stratified, clustered and replicate-weight surveys.

Satisfaction surveys are samples drawn within strata and clusters and
weighted to the population; treating case weights as a simple random sample
gets the standard errors wrong by the design effect. A :class:`Design`
(strata, PSUs, fpc, weights) gives Taylor-linearisation variances, a
:class:`ReplicateDesign` (JK1, JKn, BRR, Fay, bootstrap) replication
variances, for :func:`mean` (shares, NPS and CSAT as means of coded items),
:func:`total` and :func:`ratio` (c = b/a as a ratio of means), each with
its design effect; :func:`replicate` gives every other estimate of the
library (CSI, Kano, SERVQUAL, PLS and ML) design-based standard errors by
the stratified jackknife, the Rao-Wu bootstrap or given replicate weights.
"""

from __future__ import annotations

from ._estimators import mean, ratio, total
from ._replicate import ReplicatedResult, jackknife_weights, replicate
from ._result import DesignResult
from ._spec import Design, ReplicateDesign

__all__ = [
    "Design",
    "DesignResult",
    "ReplicateDesign",
    "ReplicatedResult",
    "jackknife_weights",
    "mean",
    "ratio",
    "replicate",
    "total",
]
