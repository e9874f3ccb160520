"""Kano columns on the shared reader: pairs by name, answers to joint codes.

:func:`read_pairs` resolves the column keywords (``functional`` /
``dysfunctional`` lists paired by position, or ``pairs``) and reads
``data`` once through :func:`satmodels.data.read`. Below it only the
:class:`~satmodels.data.Table` is used: its rows are encoded to joint
answer codes (in memory), or the engine counts the answer pairs through
:meth:`~satmodels.data.Table.pair_counts` (lazy frames).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from .._typing import FloatArray, IntArray
from ..data import Table, read
from ..data._table import Kind
from ..exceptions import InputError
from ..scales import Scale
from . import _kernels as K  # noqa: N812 - short kernel namespace
from ._kernels import Int8Array
from ._options import KanoOptions
from ._table import ANSWER_NAMES

__all__ = [
    "Counted",
    "Counts",
    "Group",
    "KanoInput",
    "block",
    "count_groups",
    "count_lazy",
    "count_rows",
    "encode",
    "read_pairs",
    "weighted_column_means",
]


@dataclass(frozen=True, slots=True)
class KanoInput:
    """The Table and the Kano columns of one call."""

    table: Table
    functional: tuple[str, ...]
    dysfunctional: tuple[str, ...]
    attributes: tuple[str, ...]
    importance: tuple[str, ...]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(functional, dysfunctional) column of every attribute."""
        return list(zip(self.functional, self.dysfunctional, strict=True))


def _names(value: object, param: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    try:
        out: tuple[object, ...] = tuple(value)  # type: ignore[arg-type]
    except TypeError as exc:
        msg = (
            f"The '{param}' parameter of {where} must be a column name or a list "
            f"of column names. Got {value!r} instead."
        )
        raise InputError(msg) from exc
    bad = [v for v in out if not isinstance(v, str)]
    if bad or not out:
        msg = (
            f"The '{param}' parameter of {where} must name at least one column "
            f"by string. Got {value!r} instead."
        )
        raise InputError(msg)
    return tuple(str(v) for v in out)


def _columns(
    functional: object, dysfunctional: object, pairs: object, where: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if pairs is not None:
        if functional is not None or dysfunctional is not None:
            msg = (
                f"{where} takes either 'pairs' or the 'functional' and "
                "'dysfunctional' lists, not both."
            )
            raise InputError(msg)
        try:
            pair_list = [tuple(p) for p in pairs]  # type: ignore[attr-defined]
        except TypeError:
            pair_list = []
        ok = bool(pair_list) and all(
            len(p) == 2 and all(isinstance(c, str) for c in p) for p in pair_list
        )
        if not ok:
            msg = (
                f"The 'pairs' parameter of {where} must be a non-empty list of "
                f"(functional column, dysfunctional column) pairs. Got {pairs!r}."
            )
            raise InputError(msg)
        return tuple(str(p[0]) for p in pair_list), tuple(str(p[1]) for p in pair_list)
    if functional is None or dysfunctional is None:
        msg = (
            f"{where} needs the answer columns: functional=[...] and "
            "dysfunctional=[...] (paired by list position), or "
            "pairs=[(functional, dysfunctional), ...]."
        )
        raise InputError(msg)
    f = _names(functional, "functional", where)
    d = _names(dysfunctional, "dysfunctional", where)
    if len(f) != len(d):
        msg = (
            f"The 'functional' and 'dysfunctional' parameters of {where} must "
            f"name as many columns each. Got {len(f)} and {len(d)}."
        )
        raise InputError(msg)
    return f, d


def read_pairs(
    data: object,
    *,
    where: str,
    functional: object,
    dysfunctional: object,
    pairs: object,
    attributes: object,
    importance: object = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    segments: object = None,
    accept: Collection[Kind] = ("rows", "lazy"),
) -> KanoInput:
    """Resolve the Kano column keywords and read ``data`` once."""
    f, d = _columns(functional, dysfunctional, pairs, where)
    p = len(f)
    names = f if attributes is None else _names(attributes, "attributes", where)
    if len(names) != p:
        msg = (
            f"The 'attributes' parameter of {where} names {len(names)} "
            f"attribute(s) but there are {p} answer pair(s)."
        )
        raise InputError(msg)
    if len(set(names)) != p:
        msg = f"The attribute names of {where} must be distinct. Got {list(names)}."
        raise InputError(msg)
    imp: tuple[str, ...] = ()
    if importance is not None:
        imp = _names(importance, "importance", where)
        if len(imp) != p:
            msg = (
                f"The 'importance' parameter of {where} must name one column per "
                f"attribute ({p}). Got {list(imp)}."
            )
            raise InputError(msg)
    roles: dict[str, Sequence[str]] = {"functional": f, "dysfunctional": d}
    if imp:
        roles["importance"] = imp
    table = read(
        data,
        where=where,
        columns=columns,
        roles=roles,
        weights=weights,
        segments=segments,
        accept=accept,
    )
    return KanoInput(
        table=table, functional=f, dysfunctional=d, attributes=names, importance=imp
    )


def _encode_side(
    values: FloatArray,
    opts: KanoOptions,
    *,
    side: str,
    columns: Sequence[str],
    attributes: Sequence[str],
    where: str,
) -> Int8Array:
    idx, bad = K.encode_numeric(values, tuple(float(c) for c in opts.answers.codes))
    if bad is not None:
        row, col = (int(v) for v in np.argwhere(bad)[0])
        msg = (
            f"Attribute {attributes[col]!r} in {where}: the '{side}' answer in row "
            f"{row + 1} (column {columns[col]!r}) is {float(values[row, col])!r}, "
            f"which is not one of the answer codes {tuple(opts.answers.codes)!r} "
            f"({', '.join(ANSWER_NAMES)})."
        )
        raise InputError(msg)
    return idx


def block(table: Table, names: Sequence[str]) -> FloatArray:
    """Rows of ``names``: a view when they are adjacent columns of the table."""
    cols = table.columns
    k = len(names)
    start = cols.index(names[0]) if names and names[0] in cols else -1
    if start >= 0 and tuple(cols[start : start + k]) == tuple(names):
        return table.matrix()[:, start : start + k]
    return table.matrix(names)


def encode(inp: KanoInput, opts: KanoOptions, where: str) -> Int8Array:
    """Joint answer codes ``6 f + d`` (n, p) of the rows; 5 marks a missing side."""
    fi, di = (
        _encode_side(
            block(inp.table, cols),
            opts,
            side=side,
            columns=cols,
            attributes=inp.attributes,
            where=where,
        )
        for side, cols in (
            ("functional", inp.functional),
            ("dysfunctional", inp.dysfunctional),
        )
    )
    if opts.nan_policy == "raise":
        miss = (fi == K.MISSING) | (di == K.MISSING)
        if miss.any():
            row, col = (int(v) for v in np.argwhere(miss)[0])
            msg = (
                f"Attribute {inp.attributes[col]!r} in {where}: row {row + 1} has "
                "a missing 'functional' or 'dysfunctional' answer and "
                "nan_policy='raise'."
            )
            raise InputError(msg)
    return K.joint_codes(fi, di)


def importance_matrix(
    inp: KanoInput, scale: Scale | None, where: str
) -> FloatArray | None:
    """Return the importance ratings (n, p), rescaled to 0-100 by ``scale``."""
    if not inp.importance:
        return None
    arr = block(inp.table, inp.importance)
    if scale is not None:
        scale.check(arr, columns=inp.importance, name="importance", where=where)
        arr = scale.rescale(arr)
    bad = ~(np.isfinite(arr) | np.isnan(arr)) | (np.nan_to_num(arr) < 0)
    if bad.any():
        row, col = (int(v) for v in np.argwhere(bad)[0])
        msg = (
            f"The 'importance' parameter of {where} must hold finite, non-negative "
            f"ratings (or NaN for missing). Column {inp.importance[col]!r}, row "
            f"{row + 1} is {float(arr[row, col])!r}."
        )
        raise InputError(msg)
    return arr


@dataclass(frozen=True, slots=True)
class Counts:
    """Joint tables of one group of respondents, shape (p, 6, 6) each.

    ``tables`` counts respondents (rows with a positive weight), ``weighted``
    sums their case weights and ``squared`` their squared weights (Kish's
    effective n); without weights all three are the counts. ``importance``
    sums importance x case weight (or None).
    """

    tables: FloatArray
    weighted: FloatArray
    squared: FloatArray
    importance: FloatArray | None
    rows: int
    has_weights: bool


def count_rows(
    joint: Int8Array,
    weights: FloatArray | None,
    importance: FloatArray | None,
    groups: IntArray | None = None,
    n_groups: int = 1,
) -> list[Counts]:
    """Count the joint codes of rows in memory, one :class:`Counts` per group."""
    n, p = joint.shape
    kw = {"groups": groups, "n_groups": n_groups}
    sizes = (
        np.bincount(groups, minlength=n_groups) if groups is not None else np.array([n])
    )
    if weights is None:
        tables = K.tables_from_joint(joint, **kw)  # type: ignore[arg-type]
        wt = sq = tables
        if groups is not None:
            sizes = np.bincount(groups, minlength=n_groups)
    else:
        w = np.broadcast_to(weights[:, None], (n, p))
        used = (w > 0).astype(np.float64)
        tables = K.tables_from_joint(joint, weights=used, **kw)  # type: ignore[arg-type]
        wt = K.tables_from_joint(joint, weights=w, **kw)  # type: ignore[arg-type]
        sq = K.tables_from_joint(joint, weights=w * w, **kw)  # type: ignore[arg-type]
        pos = weights > 0
        sizes = (
            np.bincount(groups[pos], minlength=n_groups)
            if groups is not None
            else np.array([int(pos.sum())])
        )
    imp = None
    if importance is not None:
        iw = np.where(np.isnan(importance), 0.0, importance)
        if weights is not None:
            iw = iw * weights[:, None]
        imp = K.tables_from_joint(joint, weights=iw, **kw)  # type: ignore[arg-type]
    return [
        Counts(
            tables=tables[g],
            weighted=wt[g],
            squared=sq[g],
            importance=None if imp is None else imp[g],
            rows=int(sizes[g]),
            has_weights=weights is not None,
        )
        for g in range(n_groups)
    ]


def count_lazy(table: Table, inp: KanoInput, opts: KanoOptions) -> Counts:
    """Count the answer pairs on the engine (:meth:`Table.pair_counts`).

    The engine reports pairs with a missing answer as one total per pair;
    it is stored in the (missing, missing) cell of ``tables``, so
    ``n_missing`` is exact while the split by side is not available.
    """
    codes = [float(c) for c in opts.answers.codes]

    def full(pc_counts: object, missing: object) -> FloatArray:
        arr = np.asarray(pc_counts, dtype=np.float64)
        got_a = [float(c) for c in pc.categories_a]
        got_b = [float(c) for c in pc.categories_b]
        ia = [got_a.index(c) for c in codes]
        ib = [got_b.index(c) for c in codes]
        arr = arr[:, ia, :][:, :, ib]
        out = np.zeros((arr.shape[0], 6, 6))
        out[:, :5, :5] = arr
        out[:, 5, 5] = np.asarray(missing, dtype=np.float64)
        return out

    pc = table.pair_counts(inp.pairs, codes, codes, nan_policy=opts.nan_policy)
    tables = weighted = squared = full(pc.counts, pc.missing)
    if table.weighted:
        weighted = full(pc.weighted_counts, np.zeros(len(inp.pairs)))
        # Kish's n needs the squared weights: the same grouped pass sums them
        squared = full(pc.weight_sq_sums, np.zeros(len(inp.pairs)))
    return Counts(
        tables=tables,
        weighted=weighted,
        squared=squared,
        importance=None,
        rows=int(pc.rows_total),
        has_weights=table.weighted,
    )


def weighted_column_means(x: FloatArray, w: FloatArray | None) -> FloatArray:
    """Column means ignoring NaN (weighted); NaN for an all-NaN column."""
    ok = ~np.isnan(x)
    ww = ok.astype(np.float64) if w is None else ok * w[:, None]
    total = ww.sum(axis=0)
    s = np.where(ok, x, 0.0)
    s = (s * ww).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(total > 0, s / total, np.nan)
    return out


@dataclass(frozen=True, slots=True)
class Group:
    """Counts of one group of respondents and its mean stated importance."""

    counts: Counts
    importance_mean: FloatArray | None


@dataclass(frozen=True, slots=True)
class Counted:
    """All respondents, and each segment (or None), counted once.

    ``joint`` holds the joint answer codes of rows in memory (None for a
    lazy frame, which the engine counts).
    """

    whole: Group
    segments: dict[str, Group] | None
    joint: Int8Array | None


def count_groups(
    inp: KanoInput, opts: KanoOptions, scale: Scale | None, where: str
) -> Counted:
    """Count the answer pairs of all respondents and of each segment.

    Rows in memory are encoded once and counted per segment in one pass;
    a lazy frame is counted on the engine, every segment in one grouped
    aggregation.

    Raises
    ------
    InputError
        Stated importance with a lazy frame, answers off their codes or
        scale, and missing answers under ``nan_policy="raise"``.
    """
    t = inp.table
    if t.kind == "lazy":
        if inp.importance:
            msg = (
                f"The 'importance' parameter of {where} needs the rows in memory; "
                "'data' is a lazy frame. Collect the frame first."
            )
            raise InputError(msg)
        lazy_segs = None
        if t.segment_column is not None:
            # every segment counted by one grouped aggregation on the engine
            codes = tuple(float(c) for c in opts.answers.codes)
            need = (tuple((a, b) for a, b in inp.pairs), codes, codes)
            lazy_segs = {
                label: Group(count_lazy(sub, inp, opts), None)
                for label, sub in t.by_segment(pairs=[need]).items()
            }
        return Counted(Group(count_lazy(t, inp, opts), None), lazy_segs, None)
    joint = encode(inp, opts, where)
    imp = importance_matrix(inp, scale, where)
    w = t.weights
    segs = None
    if t.segments is not None:
        labels, groups = np.unique(t.segments.astype(str), return_inverse=True)
        parts = count_rows(joint, w, imp, groups.astype(np.int64), len(labels))
        segs = {}
        for g, label in enumerate(labels.tolist()):
            mask = groups == g
            segs[str(label)] = Group(
                parts[g],
                None
                if imp is None
                else weighted_column_means(imp[mask], None if w is None else w[mask]),
            )
    whole = Group(
        count_rows(joint, w, imp)[0],
        None if imp is None else weighted_column_means(imp, w),
    )
    return Counted(whole, segs, joint)
