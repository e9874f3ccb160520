"""Read a survey with its design once: values, weights, PSUs, replicates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._typing import FloatArray, IntArray
from ..data import Kind, Table, read
from ..data._checks import canonical_label
from ..exceptions import InputError
from ._spec import Design, ReplicateDesign

__all__ = ["Prepared", "prepare", "without_design_columns"]

_ACCEPT: tuple[Kind, ...] = ("rows", "lazy")


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the estimators need, read and checked once."""

    table: Table
    weights: FloatArray
    psu: IntArray | None  # PSU index of each row (Taylor)
    stratum_of_psu: IntArray | None
    fraction: FloatArray | None  # sampling fraction per stratum
    replicates: FloatArray | None  # (n, R) replicate weights
    design: Design | ReplicateDesign
    reserved: frozenset[str]

    def names(self, role: str) -> list[str]:
        """Return the columns of a keyword, without the design's columns."""
        return [c for c in self.table.role(role) if c not in self.reserved]

    def values(self, role: str) -> FloatArray:
        """Return the matrix of a column keyword."""
        return self.table.matrix(self.names(role))


def _check_design(design: object, where: str) -> Design | ReplicateDesign:
    if not isinstance(design, Design | ReplicateDesign):
        msg = (
            f"The 'design' parameter of {where} must be a satmodels.design.Design "
            f"or ReplicateDesign. Got {type(design).__name__} instead."
        )
        raise InputError(msg)
    return design


def prepare(
    data: object,
    *,
    where: str,
    columns: Sequence[str] | None,
    roles: dict[str, Sequence[str] | None],
    design: object,
) -> Prepared:
    """Read ``data`` with the design's columns; build PSUs and replicates."""
    spec = _check_design(design, where)
    if isinstance(spec, Design):
        labels = [c for c in (spec.strata, spec.clusters) if c]
        numeric = [spec.fpc] if spec.fpc else []
    else:
        labels, numeric = [], list(spec.replicates)
    reserved = {c for c in (*labels, *numeric, spec.weights) if c}
    full_roles: dict[str, Any] = dict(roles)
    if numeric:
        full_roles["design"] = numeric
    table = read(
        data,
        where=where,
        columns=columns,
        roles=full_roles,
        weights=spec.weights,
        labels={"design": labels} if labels else None,
        accept=_ACCEPT,
        min_rows=2,
    )
    if table.kind == "lazy":
        if isinstance(spec, ReplicateDesign):
            msg = (
                f"{where} needs the rows in memory for a ReplicateDesign (each "
                "replicate's estimate is refitted); a Design (strata, clusters, "
                "fpc) runs on the engine. Collect the frame first."
            )
            raise InputError(msg)
        empty = np.zeros(0)
        return Prepared(table, empty, None, None, None, None, spec, frozenset(reserved))
    n = table.values.shape[0] if table.values is not None else 0
    w = np.ones(n) if table.weights is None else table.weights
    if isinstance(spec, ReplicateDesign):
        reps = table.matrix(list(spec.replicates))
        bad = ~np.isfinite(reps) | (reps < 0)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            msg = (
                f"The replicate weights of {where} must be finite and "
                f"non-negative. Got {reps[r, c]!r} in column "
                f"{spec.replicates[c]!r}, row {r + 1}."
            )
            raise InputError(msg)
        return Prepared(table, w, None, None, None, reps, spec, frozenset(reserved))
    psu, stratum_of_psu, fraction = _psus(table, spec, n, where)
    return Prepared(
        table, w, psu, stratum_of_psu, fraction, None, spec, frozenset(reserved)
    )


def stratum_fraction(
    value: float, n_h: int, spec: Design, label: str, where: str
) -> float:
    """Return the sampling fraction of a stratum from its fpc (f, or N_h PSUs)."""
    f = value if value <= 1 else n_h / value
    if f > 1:
        msg = (
            f"The fpc column {spec.fpc!r} of the design of {where} says "
            f"stratum {label!r} has {value:g} PSUs in the population, "
            f"fewer than the {n_h} sampled."
        )
        raise InputError(msg)
    return f


def _psus(
    table: Table, spec: Design, n: int, where: str
) -> tuple[IntArray, IntArray, FloatArray]:
    """PSU of each row, stratum of each PSU, sampling fraction per stratum."""
    strata = (
        table.labels[spec.strata] if spec.strata else np.full(n, "all", dtype=object)
    )
    s_levels, s_code = np.unique(strata.astype(str), return_inverse=True)
    if spec.clusters:
        clusters = table.labels[spec.clusters].astype(str)
        pairs = np.char.add(np.char.add(strata.astype(str), "\x00"), clusters)
        _, psu = np.unique(pairs, return_inverse=True)
    else:
        psu = np.arange(n)
    n_psu = int(psu.max()) + 1
    stratum_of_psu = np.zeros(n_psu, dtype=np.int64)
    stratum_of_psu[psu] = s_code
    n_h = np.bincount(stratum_of_psu, minlength=s_levels.size)
    lonely = np.flatnonzero(n_h < 2)
    if lonely.size:
        label = canonical_label(s_levels[lonely[0]])
        msg = (
            f"Stratum {label!r} of the design of {where} has a single PSU: its "
            "variance cannot be estimated (survey's lonely.psu = 'fail'). Merge "
            "it with a similar stratum."
        )
        raise InputError(msg)
    fraction = np.zeros(s_levels.size)
    if spec.fpc:
        fpc = table.column(spec.fpc)
        for h, level in enumerate(s_levels):
            label = canonical_label(level)
            values = np.unique(fpc[s_code == h])
            if values.size != 1 or not np.isfinite(values[0]) or values[0] <= 0:
                msg = (
                    f"The fpc column {spec.fpc!r} of the design of {where} must "
                    f"hold one positive value per stratum. Got {values.tolist()} "
                    f"in stratum {label!r}."
                )
                raise InputError(msg)
            f = stratum_fraction(float(values[0]), int(n_h[h]), spec, label, where)
            fraction[h] = f
    return psu.astype(np.int64), stratum_of_psu, fraction


def without_design_columns(
    data: object, columns: Sequence[str] | None, reserved: frozenset[str]
) -> tuple[object, list[str] | None]:
    """Return the data and ``columns`` a refitted function should see.

    The design's columns (strata, clusters, fpc, weights, replicates) are
    not answers: a function whose column keywords default to "every column"
    must not read them. A mapping or frame keeps its object and gets a
    ``columns`` selection without them; a bare array becomes a mapping of
    its named columns.
    """
    if not reserved:
        return data, None if columns is None else list(columns)
    if isinstance(data, Mapping):
        names = [str(k) for k in (data if columns is None else columns)]
        return data, [c for c in names if c not in reserved]
    if isinstance(data, np.ndarray | list | tuple):
        arr = np.asarray(data)
        if arr.ndim != 2 or columns is None or len(columns) != arr.shape[1]:
            return data, None if columns is None else list(columns)
        mapping = {str(c): arr[:, j] for j, c in enumerate(columns)}
        return mapping, [c for c in mapping if c not in reserved]
    from ..data._read import _narwhals  # noqa: PLC0415 - the one reader

    frame = _narwhals(data)
    names = [str(c) for c in (frame.columns if columns is None else columns)]
    return data, [c for c in names if c not in reserved]
