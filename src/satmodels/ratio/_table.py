"""The estimates table of c = b / a, from the aggregates of the items.

Shared by the rows (:func:`~satmodels.ratio.satisfaction_ratio`) and the
sums of an engine or a file's scan (:mod:`satmodels.ratio._engine`);
numpy only, and scipy.special for items with fewer than 100,000
respondents (:mod:`satmodels.stats._student`).
"""

from __future__ import annotations

import numpy as np

from .._typing import FloatArray
from ..results._estimates import Estimates, estimates
from ._kernels import Aggregates, fieller, t_quantile

__all__ = ["estimates_table"]


def estimates_table(  # noqa: PLR0917
    item: Aggregates,
    overall: Aggregates,
    names: tuple[str, ...],
    level: float,
    backend: str | None,
    segment: str | None,
) -> Estimates:
    """Rows: ratio of means (Fieller), mean ratio, mean a, mean b (t)."""

    def cat(x: FloatArray, y: FloatArray) -> FloatArray:
        return np.concatenate([x, y])

    n = cat(item.n, overall.n)
    labels = [*names, "overall"]
    k = len(labels)
    abar, bbar = cat(item.abar, overall.abar), cat(item.bbar, overall.bbar)
    vaa, vbb = cat(item.vaa, overall.vaa), cat(item.vbb, overall.vbb)
    f_lo, f_hi = fieller(abar, bbar, vaa, vbb, cat(item.vab, overall.vab),
                         t_quantile(level, n))  # fmt: skip
    with np.errstate(invalid="ignore"):
        se_a, se_b = np.sqrt(vaa), np.sqrt(vbb)
    args = {
        "name": labels * 4,
        "kind": ["ratio_of_means"] * k
        + ["mean_ratio"] * k
        + ["expected_mean"] * k
        + ["perceived_mean"] * k,
        "estimate": np.concatenate(
            [cat(item.rom, overall.rom), cat(item.cbar, overall.cbar), abar, bbar]
        ),
        "standard_error": np.concatenate(
            [cat(item.se_r, overall.se_r), cat(item.se_c, overall.se_c), se_a, se_b]
        ),
        "n": np.tile(n, 4),
        "df": np.tile(n - 1, 4),
        "interval": ["fieller"] * k + ["t"] * (3 * k),
        "confidence_level": level,
        "segment": segment,
        "backend": backend,
    }
    wald = estimates(**args)  # type: ignore[arg-type]
    return estimates(
        **args,  # type: ignore[arg-type]
        ci_low=np.concatenate([f_lo, wald.ci_low[k:]]),
        ci_high=np.concatenate([f_hi, wald.ci_high[k:]]),
    )
