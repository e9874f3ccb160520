r"""The house of quality (Quality Function Deployment).

Customer requirements (the "whats", rows) with their importance, related
to technical characteristics (the "hows", columns) by a matrix of
strengths on a declared scale (9/3/1 by default); optionally the planning
matrix (own and competitors' performance, planned level, improvement ratio, sales
points), the Kano adjustment of the improvement ratio (Tan & Shen 2000) and
the roof (correlations among characteristics). The technical importance is
the importance-weighted column sum of the matrix.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np

from .._typing import FloatArray
from .._validation import validated
from ..data import Kind, read
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import estimates
from ..scales import Scale, as_scale
from ._inputs import (
    DEFAULT_KANO_EXPONENTS,
    RELATIONSHIP_SCALE,
    ROOF_SCALE,
    HouseOptions,
    labels,
    vector,
)
from ._result import HouseResult
from ._sources import categories_of, importance_of, performance_of, subset

__all__ = ["house"]

_WHERE = "house"
_LEVEL = 0.95
_ROWS: tuple[Kind, ...] = ("rows",)


def _matrix(
    relationships: object, characteristics: Sequence[str] | None
) -> tuple[FloatArray, tuple[str, ...], str | None]:
    """Read the relationship matrix once (array, mapping or frame)."""
    try:
        tab = read(
            relationships,
            where=_WHERE,
            columns=characteristics,
            accept=_ROWS,
        )
    except InputError as exc:
        msg = str(exc).replace("'data' parameter", "'relationships' parameter")
        msg = msg.replace("'columns' parameter", "'characteristics' parameter")
        raise InputError(msg) from exc
    cols = tab.columns
    if characteristics is not None:
        cols = tuple(labels(characteristics, len(cols), "characteristics", _WHERE, "c"))
    x = np.array(tab.matrix(), dtype=np.float64)
    return x, tuple(cols), tab.backend


def _check_levels(
    x: FloatArray,
    scale: Scale | None,
    rows: Sequence[str],
    cols: Sequence[str],
    param: str,
) -> None:
    bad = ~np.isfinite(x)
    if scale is not None:
        bad |= scale.invalid_mask(x)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        rule = (
            f"on the declared {scale.describe()} scale"
            if scale is not None
            else "finite"
        )
        msg = (
            f"The '{param}' parameter of {_WHERE} must hold values {rule} "
            f"(0 for no relationship). Got {float(x[i, j])!r} for ({rows[i]!r}, "
            f"{cols[j]!r}) ({int(bad.sum())} such cell(s))."
        )
        raise InputError(msg)


def _roof(
    roof: object, cols: Sequence[str], levels: Scale | None
) -> tuple[FloatArray, tuple[tuple[str, str, float], ...]]:
    """Return a symmetric roof (from a full or one-triangle matrix), trade-offs."""
    try:
        z = np.array(roof, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The 'roof' parameter of {_WHERE} must be a numeric matrix: {exc}"
        raise InputError(msg) from exc
    n = len(cols)
    if z.shape != (n, n):
        msg = (
            f"The 'roof' parameter of {_WHERE} must be {n} x {n} (one row and "
            f"column per characteristic). Got shape {z.shape}."
        )
        raise InputError(msg)
    np.fill_diagonal(z, 0.0)
    _check_levels(z, levels, cols, cols, "roof")
    upper, lower = np.triu(z, 1), np.tril(z, -1)
    if not lower.any():
        z = upper + upper.T
    elif not upper.any():
        z = lower + lower.T
    elif not np.array_equal(z, z.T):
        i, j = (int(v) for v in np.argwhere(z != z.T)[0])
        msg = (
            f"The 'roof' parameter of {_WHERE} must be symmetric or give one "
            f"triangle only. Got {float(z[i, j])!r} for ({cols[i]!r}, {cols[j]!r}) but "
            f"{float(z[j, i])!r} for ({cols[j]!r}, {cols[i]!r})."
        )
        raise InputError(msg)
    pairs = [
        (cols[i], cols[j], float(z[i, j]))
        for i in range(n)
        for j in range(i + 1, n)
        if z[i, j] < 0
    ]
    pairs.sort(key=lambda p: p[2])
    return z, tuple(pairs)


def _planning(
    names: Sequence[str],
    performance: object,
    competitors: object,
    planned: object,
    sales_points: object,
) -> tuple[FloatArray, dict[str, FloatArray], FloatArray, FloatArray]:
    own = vector(
        performance_of(performance),
        names,
        "performance",
        _WHERE,
        minimum=0.0,
        strict=True,
    )
    others: dict[str, FloatArray] = {}
    if competitors is not None:
        if not isinstance(competitors, Mapping):
            msg = (
                f"The 'competitors' parameter of {_WHERE} must map a competitor's "
                f"name to its performance per requirement. Got "
                f"{type(competitors).__name__} instead."
            )
            raise InputError(msg)
        for name, perf in competitors.items():
            others[str(name)] = vector(
                perf, names, f"competitors[{name!r}]", _WHERE, minimum=0.0
            )
    if planned is None or (isinstance(planned, str) and planned == "best"):
        goal = np.max(np.vstack([own, *others.values()]), axis=0)
    else:
        goal = vector(planned, names, "planned", _WHERE, minimum=0.0, strict=True)
    points = (
        np.ones(len(names))
        if sales_points is None
        else vector(
            sales_points, names, "sales_points", _WHERE, minimum=0.0, strict=True
        )
    )
    return own, others, goal, points


def _merged_exponents(given: object) -> dict[str, object]:
    """Merge the user's exponents over the defaults (a mapping, or refused)."""
    if given is None:
        return dict(DEFAULT_KANO_EXPONENTS)
    if not isinstance(given, Mapping):
        msg = (
            f"The 'kano_exponents' parameter of {_WHERE} must map Kano categories "
            f"to exponents, e.g. {{'I': 1.0}}. Got {given!r} instead."
        )
        raise InputError(msg)
    return {**DEFAULT_KANO_EXPONENTS, **given}


def _exponents(
    cats: Sequence[str], names: Sequence[str], table: Mapping[str, float]
) -> FloatArray:
    out = []
    for name, cat in zip(names, cats, strict=True):
        if cat not in table:
            msg = (
                f"Requirement {name!r} is Kano category {cat!r}, which Tan & Shen "
                f"(2000) do not adjust; give its exponent in the 'kano_exponents' "
                f"parameter of {_WHERE} (e.g. {{{cat!r}: 1.0}} leaves it "
                "unadjusted)."
            )
            raise InputError(msg)
        out.append(table[cat])
    return np.asarray(out, dtype=np.float64)


def house(
    relationships: object,
    *,
    importance: object,
    requirements: Sequence[str] | None = None,
    characteristics: Sequence[str] | None = None,
    scale: Scale | tuple[float, float] | None = RELATIONSHIP_SCALE,
    performance: object = None,
    competitors: object = None,
    planned: object = None,
    sales_points: object = None,
    kano: object = None,
    kano_exponents: Mapping[str, float] | None = None,
    roof: object = None,
    roof_scale: Scale | tuple[float, float] | None = ROOF_SCALE,
) -> HouseResult:
    r"""Build a house of quality and rank the technical characteristics.

    Parameters
    ----------
    relationships : array_like, mapping or dataframe, shape (m, n)
        Strength of the relationship between each customer requirement
        (row) and technical characteristic (column), on ``scale``; 0 means
        none. A mapping or frame names the characteristics by its columns.
    importance : sequence, mapping or result
        Customer importance per requirement: numbers in requirement order, a
        mapping by requirement, or a result that measured it (an
        :func:`~satmodels.ipa` or :func:`~satmodels.key_drivers` result, a
        :func:`~satmodels.csi_index` result (global node weights), a
        :func:`~satmodels.kano.analyze` result with stated importance, or a
        previous :class:`HouseResult`, whose technical importance becomes
        this phase's importance: the four-phase cascade).
    requirements : sequence of str, optional
        Row labels. Default: the labels of a mapping or result
        ``importance`` (in its order), else ``r1``, ``r2``, ...
    characteristics : sequence of str, optional
        Column labels of an array (as ``columns=`` elsewhere); selects the
        columns of a mapping or frame.
    scale : Scale, (min, max) or None
        Scale of the relationship strengths: default
        :data:`RELATIONSHIP_SCALE` (levels 0, 1, 3, 9); any
        ``Scale.levels(...)`` (e.g. 0, 1, 3, 5), a ``(min, max)`` pair (any
        number in between, as everywhere in the library), or None (any
        finite number).
    performance : sequence, mapping or IPAResult, optional
        Own current performance per requirement (> 0); switches on the
        planning matrix. An IPA result gives its performance means.
    competitors : mapping of str to sequence or mapping, optional
        Each competitor's performance per requirement.
    planned : sequence, mapping or "best", optional
        Planned (target) performance per requirement (> 0). Default
        ``"best"``: the best of own and competitors' performance.
    sales_points : sequence or mapping, optional
        Sales point per requirement (> 0; customarily 1, 1.2 or 1.5).
        Default 1.
    kano : KanoResult, mapping or sequence, optional
        Kano category per requirement; adjusts the improvement ratio
        (needs ``performance``).
    kano_exponents : mapping of str to float, optional
        Exponent of the improvement ratio per category, merged over the
        defaults A: 2, O: 1, M: 0.5 (:data:`DEFAULT_KANO_EXPONENTS`).
        Categories I, R and Q have no default: a requirement in one of them
        is refused unless its exponent is given (``{"I": 1.0}`` leaves
        indifferent requirements unadjusted).
    roof : array_like, shape (n, n), optional
        Correlations among characteristics on ``roof_scale`` (full
        symmetric matrix or one triangle).
    roof_scale : Scale, (min, max) or None
        Scale of the roof: default :data:`ROOF_SCALE` (levels -2, -1, 0, 1,
        2: strong negative ... strong positive).

    Returns
    -------
    HouseResult

    Raises
    ------
    InputError
        A matrix cell not on the declared scale, not finite or missing
        (naming requirement, characteristic and value); labels that are not
        unique or do not match the matrix; importance, performance, planned
        or sales points missing for a requirement or out of range; a Kano
        category without an exponent; ``kano`` without ``performance``.

    Warns
    -----
    SatmodelsWarning
        A requirement no characteristic addresses (a row of zeros), a
        characteristic related to no requirement (a column of zeros).

    Notes
    -----
    With importance :math:`I_i`, improvement ratio :math:`IR_i = T_i / P_i`
    (planned over own performance), sales point :math:`S_i` and
    relationships :math:`r_{ij}`, the planning matrix's raw weight is
    :math:`w_i = I_i \cdot IR_i \cdot S_i` (Cohen 1995, ch. 8; Akao 1990),
    normalised :math:`w_i / \sum_k w_k`; without the planning matrix
    :math:`w_i = I_i`. The technical importance of characteristic j is
    :math:`t_j = \sum_i w_i r_{ij}`, relative :math:`t_j / \sum_k t_k`
    (Hauser & Clausing 1988).

    Kano adjustment (Tan & Shen 2000): the improvement ratio is replaced by
    :math:`IR_i^{k_c}` with :math:`k_c` the exponent of requirement i's
    Kano category (A: 2, O: 1, M: 1/2), so that for an improvement
    (:math:`IR > 1`) an attractive requirement's ratio is amplified and a
    must-be requirement's damped: satisfaction rises more than
    proportionally with the performance of an attractive attribute and less
    than proportionally with a must-be one. Tested against hand
    computations (docs/qfd.md, tests/test_qfd.py).

    References
    ----------
    1. Akao, Y. (1990). Quality Function Deployment: Integrating Customer
       Requirements into Product Design. Productivity Press.
    2. Cohen, L. (1995). Quality Function Deployment: How to Make QFD Work
       for You. Addison-Wesley.
    3. Hauser, J. R. & Clausing, D. (1988). The house of quality. Harvard
       Business Review, 66(3), 63-73.
    4. Tan, K. C. & Shen, X. X. (2000). Integrating Kano's model in the
       planning matrix of quality function deployment. Total Quality
       Management, 11(8), 1141-1151.

    Examples
    --------
    >>> from satmodels import qfd
    >>> res = qfd.house(
    ...     [[9, 3, 0], [0, 9, 1], [3, 0, 9]],
    ...     importance=[5, 3, 2],
    ...     requirements=["easy to close", "quiet", "no leaks"],
    ...     characteristics=["closing force", "seal", "insulation"],
    ... )
    >>> res.technical_importance
    {'closing force': 51.0, 'seal': 42.0, 'insulation': 21.0}
    >>> res.priority
    ('closing force', 'seal', 'insulation')
    """
    x, cols, backend = _matrix(relationships, characteristics)
    source, origin = importance_of(importance, _WHERE)
    if requirements is None and isinstance(source, Mapping):
        requirements = [str(k) for k in source]
        if len(requirements) != x.shape[0]:
            msg = (
                f"The 'importance' parameter of {_WHERE} labels "
                f"{len(requirements)} requirement(s) but the relationship matrix "
                f"has {x.shape[0]} row(s); give 'requirements' to choose them."
            )
            raise InputError(msg)
    names = labels(requirements, x.shape[0], "requirements", _WHERE, "r")
    opts = validated(
        HouseOptions,
        _WHERE,
        kano_exponents=_merged_exponents(kano_exponents),
    )
    rel_scale = as_scale(scale, _WHERE)
    top_scale = as_scale(roof_scale, _WHERE, "roof_scale")
    _check_levels(x, rel_scale, names, cols, "relationships")
    imp = vector(subset(source, names), names, "importance", _WHERE, minimum=0.0)
    if not imp.any():
        msg = f"The 'importance' parameter of {_WHERE} is 0 for every requirement."
        raise InputError(msg)
    plan = None
    cats = None
    expo = np.ones(len(names))
    if performance is not None:
        plan = _planning(names, performance, competitors, planned, sales_points)
    elif any(v is not None for v in (competitors, planned, sales_points, kano)):
        given = [
            p
            for p, v in (
                ("competitors", competitors),
                ("planned", planned),
                ("sales_points", sales_points),
                ("kano", kano),
            )
            if v is not None
        ]
        msg = (
            f"The {given} parameter(s) of {_WHERE} belong to the planning matrix "
            "and need 'performance' (own current performance per requirement); "
            "the Kano adjustment acts on the improvement ratio planned / "
            "performance."
        )
        raise InputError(msg)
    if kano is not None:
        cats = categories_of(kano, names, _WHERE)
        expo = _exponents(cats, names, opts.kano_exponents)
    with np.errstate(over="ignore", invalid="ignore"):
        if plan is not None:
            own, _, goal, points = plan
            raw = imp * (goal / own) ** expo * points
        else:
            raw = imp.copy()
        total = float(raw.sum())
        tech = raw @ x
    if not (np.isfinite(total) and np.isfinite(tech).all()):
        msg = (
            f"The weights of {_WHERE} overflow (importance x improvement ratio x "
            "sales point x relationship is not finite): rescale 'importance'."
        )
        raise InputError(msg)
    weight = raw / total
    tech_total = float(tech.sum())
    share = tech / tech_total if tech_total != 0 else np.full(len(cols), np.nan)
    order = sorted(range(len(cols)), key=lambda j: -tech[j])
    unaddressed = tuple(n for n, row in zip(names, x, strict=True) if not row.any())
    unused = tuple(c for c, col in zip(cols, x.T, strict=True) if not col.any())
    if unaddressed or unused:
        parts = []
        if unaddressed:
            parts.append(f"requirement(s) {list(unaddressed)} have no relationship")
        if unused:
            parts.append(f"characteristic(s) {list(unused)} relate to no requirement")
        warnings.warn(
            f"{_WHERE}: " + "; ".join(parts) + ".", SatmodelsWarning, stacklevel=2
        )
    if tech_total == 0:
        warnings.warn(
            f"{_WHERE}: every technical importance is 0; the relative importance "
            "is NaN.",
            SatmodelsWarning,
            stacklevel=2,
        )
    roof_matrix, tradeoffs = (
        (None, ()) if roof is None else _roof(roof, cols, top_scale)
    )
    return _result(
        names=names,
        cols=cols,
        x=x,
        imp=imp,
        origin=origin,
        plan=plan,
        cats=cats,
        expo=expo,
        raw=raw,
        normalized=weight,
        tech=tech,
        share=share,
        order=order,
        roof=(roof_matrix, tradeoffs),
        empty=(unaddressed, unused),
        backend=backend,
    )


def _as_dict(names: Sequence[str], values: FloatArray) -> dict[str, float]:
    return {n: float(v) for n, v in zip(names, values, strict=True)}


def _result(
    *,
    names: tuple[str, ...],
    cols: tuple[str, ...],
    x: FloatArray,
    imp: FloatArray,
    origin: str,
    plan: tuple[FloatArray, dict[str, FloatArray], FloatArray, FloatArray] | None,
    cats: tuple[str, ...] | None,
    expo: FloatArray,
    raw: FloatArray,
    normalized: FloatArray,
    tech: FloatArray,
    share: FloatArray,
    order: list[int],
    roof: tuple[FloatArray | None, tuple[tuple[str, str, float], ...]],
    empty: tuple[tuple[str, ...], tuple[str, ...]],
    backend: str | None,
) -> HouseResult:
    kinds: list[str] = ["normalized_weight"] * len(names)
    kinds += ["raw_weight"] * len(names)
    rows: list[str] = [*names, *names]
    values: list[float] = [*normalized.tolist(), *raw.tolist()]
    extra: dict[str, object] = {}
    if plan is not None:
        own, others, goal, points = plan
        ratio = goal / own
        adjusted = ratio**expo
        kinds += ["improvement_ratio"] * len(names) + ["adjusted_ratio"] * len(names)
        rows += [*names, *names]
        values += [*ratio.tolist(), *adjusted.tolist()]
        extra = {
            "performance": _as_dict(names, own),
            "planned": _as_dict(names, goal),
            "improvement_ratio": _as_dict(names, ratio),
            "adjusted_ratio": _as_dict(names, adjusted),
            "sales_points": _as_dict(names, points),
            "competitors": {k: _as_dict(names, v) for k, v in others.items()},
        }
    kinds += ["technical_importance"] * len(cols) + ["technical_share"] * len(cols)
    rows += [*cols, *cols]
    values += [*tech.tolist(), *share.tolist()]
    est = estimates(
        name=rows,
        estimate=values,
        kind=kinds,
        interval="none",
        confidence_level=_LEVEL,
        backend=backend,
    )
    return HouseResult(
        estimates=est,
        confidence_level=_LEVEL,
        requirements=names,
        characteristics=cols,
        relationships=x,
        importance=_as_dict(names, imp),
        importance_source=origin,
        kano_category=None if cats is None else dict(zip(names, cats, strict=True)),
        kano_exponent=None if cats is None else _as_dict(names, expo),
        raw_weight=_as_dict(names, raw),
        normalized_weight=_as_dict(names, normalized),
        technical_importance=_as_dict(cols, tech),
        technical_share=_as_dict(cols, share),
        priority=tuple(cols[j] for j in order),
        roof=roof[0],
        tradeoffs=roof[1],
        unaddressed=empty[0],
        unused=empty[1],
        **extra,  # type: ignore[arg-type]
    )
