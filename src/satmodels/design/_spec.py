"""Survey designs as plain, validated data (pydantic; JSON-friendly).

A :class:`Design` names the columns of a stratified, clustered sample
(first-stage strata and primary sampling units, a finite-population
correction and the sampling weights); a :class:`ReplicateDesign` names the
replicate-weight columns of a jackknife, balanced repeated replication or
bootstrap design and how their variance is scaled.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .._validation import FrozenModel

__all__ = ["Design", "ReplicateDesign", "ReplicateMethod"]

ReplicateMethod = Literal["JK1", "JKn", "BRR", "Fay", "bootstrap", "other"]


class Design(FrozenModel):
    """A stratified cluster sample, for Taylor-linearisation variances.

    Parameters
    ----------
    strata : str, optional
        Column of first-stage stratum labels (one stratum when omitted).
    clusters : str, optional
        Column of primary sampling unit (PSU) labels, unique within a
        stratum (each respondent is its own PSU when omitted).
    fpc : str, optional
        Column of the finite-population correction, constant within a
        stratum: the population number of PSUs of the stratum (a value
        above 1) or the sampling fraction (a value in (0, 1]), as
        ``survey::svydesign`` takes it. Omitted: sampling with replacement.
    weights : str, optional
        Column of sampling weights (1 when omitted).
    """

    strata: str | None = None
    clusters: str | None = None
    fpc: str | None = None
    weights: str | None = None

    def columns(self) -> list[str]:
        """Return the design's columns (labels and numbers)."""
        return [c for c in (self.strata, self.clusters, self.fpc, self.weights) if c]


class ReplicateDesign(FrozenModel):
    r"""Replicate weights, for replication variances.

    The variance of an estimate :math:`\\hat\\theta` is
    ``scale * sum_r rscales[r] * (theta_r - centre)^2`` over the replicate
    estimates :math:`\\theta_r` (Wolter 2007; Lumley 2010, sec. 2.8), the
    centre being the mean of the replicates (or the full-sample estimate
    with ``mse=True``). The defaults of ``scale`` and ``rscales`` per
    ``method`` follow ``survey::svrepdesign``: JK1 ``(R - 1) / R``; BRR
    ``1 / R``; Fay ``1 / (R (1 - rho)^2)``; bootstrap ``1 / (R - 1)``;
    JKn and other need ``rscales`` (and ``scale``, default 1).

    Parameters
    ----------
    replicates : sequence of str
        The replicate-weight columns (full weights, not factors).
    method : {"JK1", "JKn", "BRR", "Fay", "bootstrap", "other"}
    weights : str, optional
        Column of the full-sample weights (1 when omitted).
    rho : float, optional
        Fay's coefficient in [0, 1) (``method="Fay"``).
    scale : float, optional
    rscales : sequence of float, optional
        One per replicate.
    mse : bool, default False
        Centre the squared deviations at the full-sample estimate.
    """

    replicates: tuple[str, ...] = Field(min_length=2)
    method: ReplicateMethod
    weights: str | None = None
    rho: float | None = Field(default=None, ge=0, lt=1)
    scale: float | None = Field(default=None, gt=0)
    rscales: tuple[float, ...] | None = None
    mse: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> ReplicateDesign:
        if len(set(self.replicates)) != len(self.replicates):
            msg = f"replicate columns must be unique, got {list(self.replicates)}"
            raise ValueError(msg)
        if self.method == "Fay" and self.rho is None:
            msg = "method 'Fay' needs rho (Fay's coefficient, e.g. 0.5)"
            raise ValueError(msg)
        if self.method != "Fay" and self.rho is not None:
            msg = f"rho is Fay's coefficient; method {self.method!r} takes none"
            raise ValueError(msg)
        if self.method in {"JKn", "other"} and self.rscales is None:
            msg = f"method {self.method!r} needs rscales, one per replicate"
            raise ValueError(msg)
        if self.rscales is not None and len(self.rscales) != len(self.replicates):
            msg = (
                f"rscales must have one value per replicate ({len(self.replicates)}), "
                f"got {len(self.rscales)}"
            )
            raise ValueError(msg)
        if self.rscales is not None and any(not r > 0 for r in self.rscales):
            msg = f"rscales must be positive, got {list(self.rscales)}"
            raise ValueError(msg)
        return self

    def factors(self) -> tuple[float, tuple[float, ...]]:
        """Return ``(scale, rscales)`` with the method's defaults filled in."""
        r = len(self.replicates)
        default = {
            "JK1": (r - 1) / r,
            "BRR": 1 / r,
            "Fay": 1 / (r * (1 - (self.rho or 0.0)) ** 2),
            "bootstrap": 1 / (r - 1),
        }.get(self.method, 1.0)
        scale = default if self.scale is None else self.scale
        rscales = self.rscales if self.rscales is not None else (1.0,) * r
        return scale, rscales

    def columns(self) -> list[str]:
        """Return the design's weight columns."""
        return [*([self.weights] if self.weights else []), *self.replicates]
