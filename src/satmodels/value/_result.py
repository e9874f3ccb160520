"""The result of a customer-delivered-value analysis."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary
from ..stats.moments import MissingReport

__all__ = ["DeliveredValueResult"]

#: The rows every result carries besides its components.
TOTALS = ("total_value", "total_cost", "delivered_value", "value_ratio")


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveredValueResult(ResultMixin):
    """Total customer value, total customer cost and delivered value.

    Attributes
    ----------
    estimates : Estimates
        Rows of kind ``"component"`` (one per value or cost component,
        named ``product``, ``service``, ``personnel``, ``image``,
        ``money``, ``time``, ``energy``, ``effort``) and of kinds
        ``"total_value"``, ``"total_cost"``, ``"delivered_value"``
        (difference) and ``"value_ratio"`` (ratio), with t intervals
        (``n_resamples=0``) or bootstrap percentile intervals.
    confidence_level : float
    components : dict of str to float
        Mean score of each component (the mean of its items).
    value_components, cost_components : tuple of str
        Which components make up the value and the cost.
    total_value, total_cost : float
        Weighted sums of the value and cost components.
    delivered_value : float
        ``total_value - total_cost``.
    value_ratio : float
        ``total_value / total_cost`` (NaN when the total cost is 0).
    se : dict of str to float
        Standard error of each total (t: delta method; bootstrap: the
        replicates' standard deviation).
    n : int
        Respondents used (every item answered, positive weight).
    n_resamples : int
        Bootstrap replicates (0: t intervals).
    missing_report : MissingReport or None
    segments : dict of str to DeliveredValueResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    components: dict[str, float]
    value_components: tuple[str, ...]
    cost_components: tuple[str, ...]
    total_value: float
    total_cost: float
    delivered_value: float
    value_ratio: float
    se: dict[str, float] = field(repr=False)
    n: int
    n_resamples: int = 0
    missing_report: MissingReport | None = field(default=None, repr=False)
    segments: dict[str, DeliveredValueResult] | None = None
    _backend: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        seg = "" if self.segments is None else f", segments={list(self.segments)}"
        return (
            f"DeliveredValueResult(total_value={self.total_value:.4g}, total_cost="
            f"{self.total_cost:.4g}, delivered_value={self.delivered_value:.4g}, "
            f"value_ratio={self.value_ratio:.4g}, n={self.n}, "
            f"confidence_level={self.confidence_level}{seg})"
        )

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table (backend: the input's by default)."""
        return self.estimates.to_frame(backend)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Bounds of every row of ``estimates`` (t rows recomputed at a new level)."""
        return self.estimates.confidence_interval(confidence_level)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the public fields, the estimates as rows, the segments."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, Estimates | MissingReport):
                value = value.to_dict()
            elif f.name == "segments" and value is not None:
                value = {k: v.to_dict() for k, v in value.items()}
            out[f.name] = value
        return dict(jsonable(out))

    def compare(self, reference: str) -> Estimates:
        r"""Each segment against ``reference`` (e.g. own brand vs competitors).

        Differences (segment minus reference) of every component and total,
        with normal intervals from independent samples,
        :math:`se = \sqrt{se_a^2 + se_b^2}`, at ``confidence_level``.

        Raises
        ------
        InputError
            No segments, or an unknown ``reference``.
        """
        if not self.segments or reference not in self.segments:
            have = [] if not self.segments else list(self.segments)
            msg = (
                f"The 'reference' parameter of compare must be one of the "
                f"segments {have}. Got {reference!r} instead."
            )
            raise InputError(msg)
        base = self.segments[reference].estimates
        names: list[str] = []
        kinds: list[str] = []
        diff: list[float] = []
        ses: list[float] = []
        segs: list[str] = []
        for label, res in self.segments.items():
            if label == reference:
                continue
            est = res.estimates
            for i, (k, nm) in enumerate(zip(est.kind, est.name, strict=True)):
                j = base.name.index(nm)
                names.append(nm)
                kinds.append(k)
                segs.append(f"{label} - {reference}")
                diff.append(float(est.estimate[i] - base.estimate[j]))
                se = math.hypot(
                    float(est.standard_error[i]), float(base.standard_error[j])
                )
                ses.append(se)
        return estimates(
            name=names,
            estimate=np.asarray(diff),
            kind=kinds,
            standard_error=np.asarray(ses),
            interval="normal",
            segment=segs,
            confidence_level=self.confidence_level,
            backend=self._backend,
        )

    def summary(self) -> Summary:
        """Return the estimates table with the definitions."""
        notes = [
            "delivered value = total customer value - total customer cost; "
            "value ratio = total value / total cost (Kotler 1991).",
            "value: "
            + ", ".join(self.value_components)
            + "; cost: "
            + ", ".join(self.cost_components)
            + ".",
        ]
        report = self.missing_report
        if report is not None and report.rows_excluded:
            notes.append(
                f"{report.rows_excluded} of {report.rows_total} row(s) excluded: "
                + ", ".join(f"{k} {v}" for k, v in report.reasons.items())
                + "."
            )
        return Summary(
            title="Customer delivered value",
            tables=self.estimates.summary().tables,
            notes=tuple(notes),
        )
