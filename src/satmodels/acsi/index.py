r"""0-100 satisfaction indices, their aggregation, and IPMA.

**Index of a latent** (Fornell et al. 1996, p. 10; the ACSI methodology
report, ACSI 2020, "Calculating the indices"): the standardized PLS outer
weights are turned into weights for the *unstandardized* indicators,
:math:`v_i = w_i / s_i`, normalized to sum to one within the block, and
applied to the indicator means rescaled by the declared answer scale:

.. math::

    \mathrm{index} = \sum_i \frac{v_i}{\sum_k v_k}\,
        \frac{\bar x_i - \min}{\max - \min} \times 100 .

With an unscaled fit (``scaled=False``) the weights already refer to the
raw indicators and are used as they are. The minimum and maximum come from
the declared scale, never from the data, so the index of a block whose
answers all sit at the top of the scale is 100. Negative weights (possible
in formative blocks) can push an index outside [0, 100]; the result then
says so.

**Aggregation** of company indices into industry, sector and national
indices (Fornell et al. 1996, p. 10) is :func:`satmodels.csi.aggregate`,
the library's one aggregation.

**IPMA** (Ringle & Sarstedt 2016, section "IPMA procedure"): the importance
of a predecessor for a target latent is its *unstandardized* total effect
on the target when all latent scores are on the 0-100 scale; performance is
its 0-100 index. An indicator's importance is its normalized unstandardized
weight times its latent's unstandardized total effect; its performance is
its rescaled mean.

References
----------
.. [1] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant,
   B. E. (1996). The American Customer Satisfaction Index: nature, purpose,
   and findings. Journal of Marketing, 60(4), 7-18.
.. [2] American Customer Satisfaction Index (2020). ACSI methodology
   report. Ann Arbor, MI.
.. [3] Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your
   PLS-SEM results: the importance-performance map analysis. Industrial
   Management & Data Systems, 116(9), 1865-1886.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray
from ..results._base import ResultMixin
from ..results._estimates import Estimates
from ..results._summary import Summary, table
from ._pls_kernel import Layout

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["IPMAResult", "indices", "ipma", "raw_weights"]


def raw_weights(w: FloatArray, sd: FloatArray, *, scaled: bool) -> FloatArray:
    """Own-block weights on the raw indicators, (..., p): ``w / sd`` if scaled."""
    return w / sd if scaled else w


def block_sums(v: FloatArray, lay: Layout) -> FloatArray:
    """Sum of ``v`` (..., p) within each block, (..., J)."""
    return v @ lay.mask.astype(np.float64)


def indices(
    v: FloatArray, mean: FloatArray, lo: float, hi: float, lay: Layout
) -> FloatArray:
    """0-100 index of each latent, batched: ``v`` and ``mean`` are (..., p)."""
    perf = (mean - lo) / (hi - lo) * 100.0
    mask = lay.mask.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return ((v * perf) @ mask) / (v @ mask)


def normalized_weights(v: FloatArray, lay: Layout) -> FloatArray:
    """Raw weights normalized to sum to one within each block, (..., p)."""
    sums = block_sums(v, lay)
    return v / sums[..., lay.block]


def ipma(
    total: FloatArray, v: FloatArray, lo: float, hi: float, lay: Layout
) -> tuple[FloatArray, FloatArray]:
    """Unstandardized total effects on the 0-100 scale, and indicator importances.

    The 0-100 score of latent k is ``a_k Y_k + const`` with
    ``a_k = 100 / (hi - lo) / |sum_i v_i|`` because ``Y_k = sum_i v_i x_i``
    (raw weights ``v``) has unit variance; an unstandardized total effect
    is therefore ``total[s, t] * a_t / a_s``.

    Returns
    -------
    unstd_total : ndarray, (J, J)
        ``[source, target]`` total effects between 0-100 latent scores.
    indicator_total : ndarray, (p, J)
        ``[indicator, target]``: normalized weight times its latent's
        unstandardized total effect on the target.
    """
    sums = block_sums(v, lay)
    a = 100.0 / (hi - lo) / np.abs(sums)
    unstd = total * a[None, :] / a[:, None]
    norm = normalized_weights(v, lay)
    return unstd, norm[:, None] * unstd[lay.block, :]


@dataclass(frozen=True, slots=True, kw_only=True)
class IPMAResult(ResultMixin):
    """Importance-performance map of a target latent (Ringle & Sarstedt 2016).

    Attributes
    ----------
    target : str
        The target latent.
    latents : tuple of str
        Latents with a total effect on the target.
    importance : ndarray
        Their unstandardized total effects on the target (0-100 scores): a
        one-point rise of the latent's index raises the target's index by
        this much.
    performance : ndarray
        Their 0-100 indices.
    indicators : tuple of str
        The indicators of those latents.
    indicator_importance, indicator_performance : ndarray
        Per indicator: normalized unstandardized weight times its latent's
        importance, and the rescaled mean (0-100).
    estimates : Estimates
        The same numbers as rows of kind ``"importance"``,
        ``"performance"``, ``"indicator_importance"`` and
        ``"indicator_performance"`` (no standard errors).
    confidence_level : float
        Level of the fit the map comes from.
    """

    target: str
    latents: tuple[str, ...]
    importance: FloatArray
    performance: FloatArray
    indicators: tuple[str, ...]
    indicator_importance: FloatArray
    indicator_performance: FloatArray
    estimates: Estimates
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = [
            {
                "level": "latent",
                "name": lv,
                "importance": float(self.importance[k]),
                "performance": float(self.performance[k]),
            }
            for k, lv in enumerate(self.latents)
        ]
        rows += [
            {
                "level": "indicator",
                "name": ind,
                "importance": float(self.indicator_importance[k]),
                "performance": float(self.indicator_performance[k]),
            }
            for k, ind in enumerate(self.indicators)
        ]
        return rows

    def summary(self) -> Summary:
        """Return the latent and indicator maps as tables."""
        recs = self._records()
        head = ("name", "importance", "performance")
        lat = [
            (r["name"], r["importance"], r["performance"])
            for r in recs[: len(self.latents)]
        ]
        ind = [
            (r["name"], r["importance"], r["performance"])
            for r in recs[len(self.latents) :]
        ]
        return Summary(
            title=f"Importance-performance map for {self.target}",
            tables=(table("Latents", head, lat), table("Indicators", head, ind)),
            notes=(
                "Importance: unstandardized total effect on the target's 0-100 "
                "index; performance: 0-100 index (Ringle & Sarstedt 2016).",
            ),
        )

    def plot(
        self,
        ax: Axes | None = None,
        *,
        level: Literal["latent", "indicator"] = "latent",
    ) -> Axes:
        """Draw the importance-performance map (:func:`satmodels.plot.ipma_map`).

        Importance (total effect on the target's 0-100 index) along x,
        performance (0-100) along y, one labelled point per latent or
        indicator (Ringle & Sarstedt 2016).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; default a new figure.
        level : {"latent", "indicator"}
            Map the latents (default) or their indicators.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from satmodels import acsi
        >>> from satmodels.datasets import load_sample_survey
        >>> r = acsi.fit(load_sample_survey(), scale=(1, 10)).ipma("LOY")
        >>> ax = r.plot()
        >>> ax.get_xlabel()
        'importance (total effect on LOY)'
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        return charts.ipma_map(self, ax=ax, level=level)

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return :attr:`estimates` as a long table (backend of the input)."""
        return self.estimates.to_frame(backend)

    def __repr__(self) -> str:
        pairs = ", ".join(
            f"{lv}: {imp:.2f}/{perf:.1f}"
            for lv, imp, perf in zip(
                self.latents, self.importance, self.performance, strict=True
            )
        )
        return f"IPMAResult(target={self.target!r}, importance/performance: {pairs})"
