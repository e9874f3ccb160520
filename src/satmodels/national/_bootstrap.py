"""Company bootstrap: one PLS bootstrap of each company's respondents.

Without a design, companies are independent samples: each company's index
gets the percentile/BCa bootstrap standard error of its own respondents
(:func:`satmodels.acsi.fit` with ``n_resamples``), and the aggregation
propagates them (``csi.aggregate`` with ``se``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..acsi import PLSResult
from ..acsi import fit as acsi_fit
from ..data import Table
from ..data._checks import canonical_label
from ..exceptions import InputError

if TYPE_CHECKING:
    from ._index import _Setup

__all__ = ["_bootstrap_se"]

_WHERE = "national.index"


def _bootstrap_se(
    table: Table, setup: _Setup, reps: int, gen: np.random.Generator, level: float
) -> tuple[dict[str, PLSResult], dict[str, float]]:
    """One PLS bootstrap of each company's respondents (independent samples)."""
    if table.kind != "rows":
        msg = (
            f"The 'n_resamples' parameter of {_WHERE} needs the respondent rows "
            "in memory; for a lazy frame use a replicate design or no bootstrap."
        )
        raise InputError(msg)
    fits: dict[str, PLSResult] = {}
    se: dict[str, float] = {}
    inds = setup.spec.indicators
    for label, part in table.by_segment().items():
        c = canonical_label(label)
        cols = dict(zip(inds, part.matrix(inds).T, strict=True))
        res = acsi_fit(
            cols,
            model=setup.spec,
            scale=setup.scale,
            weights=part.weights,
            missing=setup.missing,
            nan_policy=setup.nan_policy,
            scores=False,
            n_resamples=reps,
            rng=gen,
            confidence_level=level,
        )
        fits[c] = res
        est = res.estimates
        row = [
            k
            for k in range(len(est))
            if est.kind[k] == "index" and est.name[k] == setup.latent
        ]
        se[c] = float(est.standard_error[row[0]])
    return fits, se
