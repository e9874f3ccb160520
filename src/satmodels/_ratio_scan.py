r"""c = b / a of a file too large for memory: the sums computed by DuckDB.

The command line (``satmodels ratio FILE``) hands a large CSV or Parquet
file to DuckDB (:func:`satmodels.data._engine_source.engine_source`); :func:`scan`
asks it, in one pass over the file, for what
:func:`~satmodels.ratio.satisfaction_ratio` needs: the weighted sums of
its aggregates (:mod:`satmodels.ratio._kernels`), the weighted counts of
the five grades, the missing-data account, and what reveals everything the
in-memory path refuses or warns about (infinite, huge, NaN or off-scale
answers, a <= 0, b < 0, bad or missing weights, missing answers under
``nan_policy="raise"``, an item with fewer than two respondents). Only a
few rows come back: memory does not grow with the file.
:func:`satmodels.ratio._engine.ratio_from_engine` turns them into the
result.

Answers on a rating scale (few distinct pairs in the first rows) are
grouped by answer (a hash table of a few hundred groups per item, and
one of a few thousand for the respondents' means), within which a, b and
c = b / a are constants, and the groups are summed in numpy; other
answers are summed row by row in SQL, a pair that is not observed masked
by NULL (``x + 0 * a + 0 * b``: DuckDB spends several times more on
``FILTER`` or ``CASE``).

This module imports neither the models nor scipy, so that the interpreter
stays small while DuckDB scans (the ratio package is imported after).

Numerics: the centred sums of squares come from sums of the values shifted
by the weighted means (groups) or pilot means (rows), the shifted-data
algorithm of Chan, Golub & LeVeque (1983), so no large sums cancel.

References
----------
.. [1] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for
   computing the sample variance: analysis and recommendations. The
   American Statistician, 37(3), 242-247.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._typing import FloatArray
    from .data._engine_source import EngineSource

__all__ = ["Sums", "scan"]

#: Rows read for the pilot means that shift the sums.
_PILOT_ROWS = 10_000
#: Answers larger than this go to the in-memory path (its magnitude check).
_LARGE = 1e100
_SUMS = (
    "n",
    "sw",
    "sww",
    "sa",
    "sb",
    "sc",
    "qa",
    "qb",
    "qc",
    "paa",
    "pbb",
    "pcc",
    "pab",
)


@dataclass(slots=True)
class Sums:
    """What a scan returned: per-triple sums, grade counts or groups, account.

    ``blocks`` and ``shift`` hold the ``_SUMS`` and shifts of each item and
    of the overall triple (last). Grade counts are summed in SQL
    (``grades``, items x 5) or left to the caller as each item's distinct
    ratios and their summed weights (``groups``).
    """

    blocks: list[dict[str, float]]
    shift: list[tuple[float, float, float]]
    grades: FloatArray | None
    n_rows: int
    no_pair: int
    zero_w: int
    rows_used: int
    missing: list[int]
    weighted: bool
    groups: list[tuple[FloatArray, FloatArray]] | None = None


def scan(
    src: EngineSource,
    columns: Sequence[str],
    *,
    perceived: Sequence[str],
    expected: Sequence[str],
    weights: str | None,
    scale: tuple[float, float] | None,
    nan_policy: str,
) -> Sums | None:
    """Scan a file opened by :func:`~satmodels.data._engine_source.engine_source`.

    ``columns`` are the file's columns in the order of ``src`` (``q0``,
    ``q1``, ...). Returns the sums, or None whenever the in-memory path
    would raise or warn (see the module docstring) and when DuckDB cannot
    read the file (a ragged row, a cell that is not a number, bytes that
    are not UTF-8, a query over its memory budget, ...), so that the
    in-memory path can say why. A file whose scan fails or is refused
    with the missing-value markers of its head is scanned once more with
    all of them (``src.retry``), so a marker first met late in the file
    changes the speed, never the result.
    """
    q = {c: f"q{k}" for k, c in enumerate(columns)}
    a_cols, b_cols = [q[c] for c in expected], [q[c] for c in perceived]
    w = q[weights] if weights is not None else "1.0"
    head = None
    if src.positions:
        at = dict(zip(columns, src.positions, strict=True))
        head = (src.head, [at[c] for c in expected], [at[c] for c in perceived])
    for relation in src.relations:
        sums = _scan(
            src.connection, relation, a_cols, b_cols, w, head=head,
            weighted=weights is not None, scale=scale, nan_policy=nan_policy,
        )  # fmt: skip
        if sums is not None:
            return sums
    return None


def _scan(
    con: Any,  # noqa: ANN401 - a DuckDB connection
    relation: str,
    a_cols: list[str],
    b_cols: list[str],
    w: str,
    *,
    head: tuple[str, list[int], list[int]] | None = None,
    weighted: bool,
    scale: tuple[float, float] | None,
    nan_policy: str,
) -> Sums | None:
    """Scan one ``FROM`` item of :func:`scan`'s source.

    ``head``: the CSV's first megabyte and the field numbers of a and b in
    its lines, for :func:`_few_values`.
    """
    import duckdb  # noqa: PLC0415 - only reached when engine_source found it
    import numpy as np  # noqa: PLC0415 - loaded while DuckDB scans (cli)

    k = len(a_cols)
    try:
        if _few_values(con, relation, a_cols, b_cols, head=head):
            grouped = _grouped(con, relation, a_cols, b_cols, w)
            return _from_groups(
                grouped, k, scale=scale, weighted=weighted,
                raise_nan=nan_policy == "raise",
            )  # fmt: skip
        # continuous answers: the grade counts are summed in SQL
        from .ratio._grade import DEFAULT_THRESHOLDS  # noqa: PLC0415

        cuts = [tuple(DEFAULT_THRESHOLDS)] * k
        shift = _pilot(con, relation, a_cols, b_cols)
        row = _one(con, _query(relation, a_cols, b_cols, w, shift, cuts))
    except duckdb.Error:
        return None
    if row is None or any(v is None for v in row[: 13 * (k + 1)]):
        return None  # no rows, or an item without respondents: in memory
    vals = [float("nan") if v is None else float(v) for v in row]
    per = len(_SUMS)
    blocks = [
        dict(zip(_SUMS, vals[i * per : (i + 1) * per], strict=True))
        for i in range(k + 1)
    ]
    pos = (k + 1) * per
    below = np.array(vals[pos : pos + 4 * k]).reshape(k, 4)
    total = np.array([blocks[j]["sw"] for j in range(k)])[:, None]
    grades = np.diff(np.concatenate([np.zeros((k, 1)), below, total], axis=1))
    pos += 4 * k
    n_rows, any_obs, rows_used, zero_w = (int(v) for v in vals[pos : pos + 4])
    pos += 4
    count = vals[pos : pos + 2 * k]  # non-missing answers: b..., a...
    lo_hi = vals[pos + 2 * k : pos + 6 * k]  # min, max of every answer column
    pair_min = vals[pos + 6 * k : pos + 8 * k]  # min a, min b over pairs (shifted back)
    w_stats = vals[pos + 8 * k :]  # count, min, max of the weights
    if _refused(
        count,
        lo_hi,
        pair_min,
        w_stats,
        n_rows,
        weighted=weighted,
        scale=scale,
    ):
        return None
    if nan_policy == "raise" and any(c_ < n_rows for c_ in count):
        return None
    return Sums(
        blocks=blocks,
        shift=shift,
        grades=grades,
        n_rows=n_rows,
        no_pair=n_rows - any_obs,
        zero_w=zero_w,
        rows_used=rows_used,
        missing=[n_rows - int(c_) for c_ in count],
        weighted=weighted,
    )


def _sql_sums(tag: str) -> list[str]:
    """Return the SQL sums of one masked triple, in ``_SUMS`` order.

    The projection of :func:`_query` holds, per triple, the weight ``w``,
    the shifted ``a``, ``b``, ``c`` (NULL in the rows the triple does not
    use, so plain sums skip them; a zero weight adds zeros) and their
    products with ``w`` and ``w**2`` (computed once a row, not once a sum).
    """
    w, a, b, c = (f"{x}{tag}" for x in "wabc")
    wa, wb, wc, qa, qb, qc = (f"{x}{tag}" for x in ("wa", "wb", "wc", "qa", "qb", "qc"))
    return [
        f"count_if({w} > 0)", f"sum({w})", f"sum(ww{tag})",
        f"sum({wa})", f"sum({wb})", f"sum({wc})",
        f"sum({qa})", f"sum({qb})", f"sum({qc})",
        f"sum({qa} * {a})", f"sum({qb} * {b})", f"sum({qc} * {c})",
        f"sum({qa} * {b})",
    ]  # fmt: skip


def _products(tag: str) -> list[str]:
    """Projection terms of one triple used by :func:`_sql_sums`."""
    w = f"w{tag}"
    return [
        f"{w} * {w} AS ww{tag}",
        *(f"{w} * {x}{tag} AS w{x}{tag}" for x in "abc"),
        *(f"{w} * {w} * {x}{tag} AS q{x}{tag}" for x in "abc"),
    ]


#: Distinct (a, b) pairs per item (and row means) in the pilot rows below
#: which the answers are taken as a rating scale: then DuckDB groups the
#: rows by answer, a hash table of at most a few thousand groups, and
#: numpy sums the groups; otherwise :func:`_query` sums rows.
_FEW = 1_000
#: Lines of a CSV's head read in Python instead (:func:`_few_in_text`); at
#: least ``_TEXT_MIN`` of them, else DuckDB reads the pilot rows.
_TEXT_ROWS = 2_000
_TEXT_MIN = 200


def _few_values(
    con: Any,  # noqa: ANN401 - a DuckDB connection
    relation: str,
    a_cols: list[str],
    b_cols: list[str],
    *,
    head: tuple[str, list[int], list[int]] | None = None,
) -> bool:
    """Whether the answers look like a rating scale (group them by answer).

    Judged from the CSV's head in Python when it can be (5 ms, where a
    DuckDB query over the first rows costs 35 ms at the command's start),
    else from DuckDB's first ``_PILOT_ROWS`` rows. Either way a guess
    that decides the speed and the memory of the scan, never its result.
    """
    if head is not None:
        few = _few_in_text(*head)
        if few is not None:
            return few
    k = len(a_cols)
    parts = [f"count(DISTINCT ({a}, {b}))" for a, b in zip(a_cols, b_cols, strict=True)]
    parts.append(f"count(DISTINCT (({' + '.join(a_cols)}), ({' + '.join(b_cols)})))")
    sql = (
        f"SELECT {', '.join(parts)} FROM "  # noqa: S608 - our own names
        f"(SELECT * FROM {relation} LIMIT {_PILOT_ROWS})"
    )
    row = _one(con, sql) or ()
    return len(row) == k + 1 and all(v is not None and v <= _FEW for v in row)


def _few_in_text(text: str, at_a: list[int], at_b: list[int]) -> bool | None:
    """Judge :func:`_few_values` from the first lines of a CSV's text.

    Counts each item's distinct (a, b) cells as written (``7`` and ``7.0``
    count twice: a guess on the side of summing rows) and the distinct
    sums of the rows' a and b. None (ask DuckDB) for a head with quotes,
    a short row or fewer than ``_TEXT_MIN`` complete lines.
    """
    lines = text.split("\n", _TEXT_ROWS + 1)[1:-1]  # no header, no cut line
    if len(lines) < _TEXT_MIN:
        return None
    limit = min(_FEW, len(lines) // 2)
    need = max(at_a + at_b)
    pairs: list[set[tuple[str, str]]] = [set() for _ in at_a]
    sums: set[tuple[float, float]] = set()
    for line in lines:
        cells = line.split(",")
        if len(cells) <= need or '"' in line:
            return None
        a = [cells[i].strip() for i in at_a]
        b = [cells[i].strip() for i in at_b]
        for seen, x, y in zip(pairs, a, b, strict=True):
            seen.add((x, y))
        try:
            sums.add((sum(map(float, a)), sum(map(float, b))))
        except ValueError:  # a missing answer: the row has no means
            continue
    return all(len(p) <= limit for p in pairs) and len(sums) <= limit


def _grouped(
    con: Any,  # noqa: ANN401 - a DuckDB connection
    relation: str,
    a_cols: list[str],
    b_cols: list[str],
    w: str,
    *,
    fanout: bool | None = None,
) -> list[tuple[Any, ...]]:
    """Weights summed by answer, in one scan: a hash table per grouping.

    Groupings: each item's (a, b); and the row means (A, B) over the items
    of the rows with every pair observed, with the sums of w C, w^2 C,
    w^2 C^2 of their mean ratio C, split by ``st`` = 2 [any pair observed]
    + [w > 0] (NULL for a NULL weight) for the missing-data account and the
    weight checks (a grouping of its own cost a tenth of the scan).

    Each returned row: the grouping (0..k-1 an item, k the row means), its
    keys (a, b, NULL or A, B, st), count, count of positive weights, sum w,
    sum w^2 and the three C sums (NULL for an item).

    DuckDB 2 streams a CTE to several consumers as it is read (its
    ``STREAMING_FANOUT``, duckdb/duckdb#23750): the groupings are then a
    ``UNION ALL`` of one ``GROUP BY`` each, and the items skip the C sums
    (``GROUPING SETS`` computes every aggregate for every set): 13% less
    time and CPU on bench/cli_large.py's 203 MB file. Older DuckDB
    materializes such a CTE (memory would grow with the file) and gets the
    ``GROUPING SETS`` query; ``fanout`` forces either form (the tests
    compare them).
    """
    k = len(a_cols)
    if fanout is None:
        import duckdb  # noqa: PLC0415 - only reached when engine_source found it

        fanout = int(duckdb.__version__.split(".", 1)[0]) >= 2
    ratio = " + ".join(f"{b} / {a}" for a, b in zip(a_cols, b_cols, strict=True))
    any_pair = ", ".join(
        f"0 * {a} + 0 * {b}" for a, b in zip(a_cols, b_cols, strict=True)
    )
    proj = [
        *a_cols, *b_cols, f"{w} AS wt",
        f"(({' + '.join(a_cols)}) / {k}) AS fa",
        f"(({' + '.join(b_cols)}) / {k}) AS fb",
        f"(({ratio}) / {k}) AS fc",
        f"(coalesce({any_pair}) IS NOT NULL)::INTEGER * 2 + ({w} > 0)::INTEGER AS st",
    ]  # fmt: skip
    base = "count(*), count_if(wt > 0), sum(wt), sum(wt * wt)"
    c_sums = "sum(wt * fc), sum(wt * wt * fc), sum(wt * wt * fc * fc)"
    rows = f"SELECT {', '.join(proj)} FROM {relation}"  # noqa: S608 - our own names
    if fanout:
        none = "NULL::DOUBLE, NULL::DOUBLE, NULL::DOUBLE"
        parts = [
            f"SELECT {j} AS g, {a} AS k1, {b} AS k2, NULL::INTEGER AS k3, {base}, "  # noqa: S608
            f"{none} FROM t GROUP BY {a}, {b}"
            for j, (a, b) in enumerate(zip(a_cols, b_cols, strict=True))
        ]
        means = f"SELECT {k}, fa, fb, st, {base}, {c_sums} FROM t"  # noqa: S608
        parts.append(f"{means} GROUP BY fa, fb, st")
        sql = f"WITH t AS ({rows}) {' UNION ALL '.join(parts)}"
        return list(con.execute(sql).fetchall())
    keys = [*a_cols, *b_cols, "fa", "fb", "st"]
    sets = [f"({a}, {b})" for a, b in zip(a_cols, b_cols, strict=True)]
    sets.append("(fa, fb, st)")
    sql = (
        f"SELECT GROUPING({', '.join(keys)}), {', '.join(keys)}, {base}, "  # noqa: S608
        f"{c_sums} FROM ({rows}) GROUP BY GROUPING SETS ({', '.join(sets)})"
    )
    # GROUPING(...) has a bit per key (the first key the highest), set
    # where the key is not grouped: item j groups keys j and k + j
    nkeys = len(keys)
    every = (1 << nkeys) - 1
    which = {
        every - (1 << (nkeys - 1 - j)) - (1 << (nkeys - 1 - k - j)): j for j in range(k)
    }
    out: list[tuple[Any, ...]] = []
    for row in con.execute(sql).fetchall():
        g = which.get(row[0], k)
        vals = row[1 + nkeys :]
        if g < k:
            out.append((g, row[1 + g], row[1 + k + g], None, *vals))
        else:
            out.append((k, row[1 + 2 * k], row[2 + 2 * k], row[3 + 2 * k], *vals))
    return out


def _from_groups(
    rows: list[tuple[Any, ...]],
    k: int,
    *,
    scale: tuple[float, float] | None,
    weighted: bool,
    raise_nan: bool,
) -> Sums | None:
    """Turn the grouped weights into the sums of :func:`_result` (None: refuse).

    Within a group a, b and c = b / a are constants, so each sum over rows
    is the group's value times its sum of w or w^2; the shifts are the
    exact weighted means (computed from the groups first).
    """
    import numpy as np  # noqa: PLC0415 - loaded while DuckDB scans (cli)

    items: list[list[tuple[float, float, float, float, float]]] = [[] for _ in range(k)]
    overall: list[tuple[float, ...]] = []
    nulls = [0] * (2 * k)  # b..., a...
    n_rows = no_pair = zero_w = rows_used = 0
    for row in rows:
        g = row[0]
        n_all, n_pos, sw, sww = (
            float("nan") if v is None else float(v) for v in row[4:8]
        )
        if g < k:
            j = g
            a, b = row[1], row[2]
            if a is None or b is None:
                if a is None:
                    nulls[k + j] += int(n_all)
                if b is None:
                    nulls[j] += int(n_all)
                continue
            a, b = float(a), float(b)
            for x in (a, b):
                if not -_LARGE <= x <= _LARGE:  # NaN, infinite, too large
                    return None
                if scale is not None and not scale[0] <= x <= scale[1]:
                    return None
            if a <= 0 or b < 0:
                return None
            items[j].append((a, b, n_pos, sw, sww))
        else:
            st = row[3]
            if weighted and _bad_weights(st, sw):
                return None
            n_rows += int(n_all)
            if st < 2:  # no pair observed
                no_pair += int(n_all)
            elif st == 3:  # a pair observed, w > 0
                rows_used += int(n_all)
            else:
                zero_w += int(n_all)
            if row[1] is None or row[2] is None:
                continue
            c_sums = [float("nan") if v is None else float(v) for v in row[8:]]
            fa, fb = float(row[1]), float(row[2])
            overall.append((fa, fb, n_pos, sw, sww, *c_sums))
    if n_rows == 0 or (raise_nan and any(nulls)):
        return None
    blocks, shifts = [], []
    groups: list[tuple[FloatArray, FloatArray]] = []
    for j in range(k):
        if not items[j]:
            return None
        arr = np.array(items[j])
        a, b, n_pos, sw, sww = arr.T
        used = n_pos > 0
        wsum = sw.sum()
        if not wsum > 0:
            return None
        c = b / a
        shift = (float(sw @ a / wsum), float(sw @ b / wsum), float(sw @ c / wsum))
        da, db, dc = a - shift[0], b - shift[1], c - shift[2]
        blocks.append(_block(n_pos, sw, sww, da, db, dc, dc * dc * sww, dc * sww))
        shifts.append(shift)
        groups.append((c[used], sw[used]))
    if not overall:
        return None
    arr = np.array(overall)
    fa, fb, n_pos, sw, sww, swc, sqc, spc = arr.T
    wsum = sw.sum()
    if not wsum > 0:
        return None
    shift = (float(sw @ fa / wsum), float(sw @ fb / wsum), float(swc.sum() / wsum))
    sc = shift[2]
    da, db = fa - shift[0], fb - shift[1]
    blocks.append(
        _block(n_pos, sw, sww, da, db, None, spc - 2 * sc * sqc + sc * sc * sww,
               sqc - sc * sww, swc - sc * sw)
    )  # fmt: skip
    shifts.append(shift)
    return Sums(
        blocks=blocks,
        shift=shifts,
        grades=None,
        groups=groups,
        n_rows=n_rows,
        no_pair=no_pair,
        zero_w=zero_w,
        rows_used=rows_used,
        missing=list(nulls),
        weighted=weighted,
    )


def _bad_weights(st: int | None, w_sum: float) -> bool:
    """Whether a group of :func:`_grouped`'s last set holds a bad weight.

    ``st`` is NULL for a NULL weight; a NaN or infinite weight makes the
    group's sum of weights NaN or infinite (DuckDB orders NaN above every
    number, so it lands among the positive weights); the group of weights
    <= 0 sums below 0 exactly when one of them is negative.
    """
    return st is None or not math.isfinite(w_sum) or (st % 2 == 0 and w_sum < 0)


def _block(  # noqa: PLR0917
    n_pos: FloatArray,
    sw: FloatArray,
    sww: FloatArray,
    da: FloatArray,
    db: FloatArray,
    dc: FloatArray | None,
    pcc: FloatArray,
    qc: FloatArray,
    sc: FloatArray | None = None,
) -> dict[str, float]:
    """Return the ``_SUMS`` of one triple from per-group values and weights."""
    import numpy as np  # noqa: PLC0415 - loaded while DuckDB scans (cli)

    return {
        "n": float(n_pos.sum()),
        "sw": float(sw.sum()),
        "sww": float(sww.sum()),
        "sa": float(sw @ da),
        "sb": float(sw @ db),
        "sc": float(sw @ dc) if dc is not None else float(np.sum(np.asarray(sc))),
        "qa": float(sww @ da),
        "qb": float(sww @ db),
        "qc": float(np.sum(qc)),
        "paa": float(sww @ (da * da)),
        "pbb": float(sww @ (db * db)),
        "pcc": float(np.sum(pcc)),
        "pab": float(sww @ (da * db)),
    }


def _one(con: Any, sql: str) -> tuple[Any, ...] | None:  # noqa: ANN401 - DuckDB
    """Return the one row of an aggregate query (built from our own expressions)."""
    rows = con.execute(sql).fetchall()
    return tuple(rows[0]) if rows else None


def _pilot(
    con: Any,  # noqa: ANN401 - a DuckDB connection
    relation: str,
    a_cols: list[str],
    b_cols: list[str],
) -> list[tuple[float, float, float]]:
    """Shifts: means of a, b, c over the first rows (per item, then overall)."""
    import numpy as np  # noqa: PLC0415 - loaded while DuckDB scans (cli)

    k = len(a_cols)
    parts = []
    for a, b in zip(a_cols, b_cols, strict=True):
        o = f"0 * {a} + 0 * {b}"
        parts += [f"avg({a} + {o})", f"avg({b} + {o})", f"avg({b} / {a} + {o})"]
    sql = (
        f"SELECT {', '.join(parts)} FROM "  # noqa: S608 - our own names
        f"(SELECT * FROM {relation} LIMIT {_PILOT_ROWS})"
    )
    row = _one(con, sql) or ()
    vals = [0.0 if v is None or not math.isfinite(v) else float(v) for v in row]
    vals += [0.0] * (3 * k - len(vals))
    out = [(vals[3 * j], vals[3 * j + 1], vals[3 * j + 2]) for j in range(k)]
    out.append(tuple(float(np.mean([s[i] for s in out])) for i in range(3)))  # type: ignore[arg-type]
    return out


def _query(  # noqa: PLR0917 - the pieces of one scan
    relation: str,
    a_cols: list[str],
    b_cols: list[str],
    w: str,
    shift: list[tuple[float, float, float]],
    cuts: list[tuple[float, ...]],
) -> str:
    """One aggregate query: the sums, grade counts, account and checks.

    A projection masks each item's weight and shifted a, b, c with NULL
    where its pair is not observed (a missing answer propagates through
    ``0 * x``: one addition a value, where ``FILTER`` or ``CASE`` cost
    DuckDB several times more); the aggregates are plain sums over it.
    Grade counts are cumulative (c < t1, c < t2, c <= t3, c <= t4, all).
    """
    k = len(a_cols)
    zero = [f"(0 * {a} + 0 * {b})" for a, b in zip(a_cols, b_cols, strict=True)]
    every = " + ".join(zero)
    proj = [*a_cols, *b_cols, f"{w} AS wt", f"coalesce({', '.join(zero)}) AS anypair"]
    ratio = [f"{b} / {a}" for a, b in zip(a_cols, b_cols, strict=True)]

    def mean_of(xs: list[str]) -> str:
        return f"(({' + '.join(xs)}) / {k})"

    triples = [
        (f"{w} + {z}", f"{a} + {z}", f"{b} + {z}", f"{c} + {z}")
        for a, b, c, z in zip(a_cols, b_cols, ratio, zero, strict=True)
    ]
    triples.append(
        (f"{w} + {every}", mean_of(a_cols) + f" + {every}",
         mean_of(b_cols) + f" + {every}", mean_of(ratio) + f" + {every}")
    )  # fmt: skip
    for j, (wj, aj, bj, cj) in enumerate(triples):
        sa, sb, sc = (repr(float(s)) for s in shift[j])
        proj += [
            f"{wj} AS w{j}", f"{aj} - {sa} AS a{j}", f"{bj} - {sb} AS b{j}",
            f"{cj} - {sc} AS c{j}", f"{cj} AS r{j}",
        ]  # fmt: skip
    aggs: list[str] = []
    for j in range(k + 1):
        aggs += _sql_sums(str(j))
    for j in range(k):
        t1, t2, t3, t4 = (repr(float(v)) for v in cuts[j])
        r = f"r{j}"
        aggs += [
            f"sum(w{j} * ({r} < {t1})::DOUBLE)",
            f"sum(w{j} * ({r} < {t2})::DOUBLE)",
            f"sum(w{j} * ({r} <= {t3})::DOUBLE)",
            f"sum(w{j} * ({r} <= {t4})::DOUBLE)",
        ]
    answers = [*b_cols, *a_cols]
    aggs += [
        "count(*)",
        "count(anypair)",
        "count_if(anypair IS NOT NULL AND wt > 0)",
        "count_if(anypair IS NOT NULL AND wt <= 0)",
        *(f"count({x})" for x in answers),
        *(f"min({x})" for x in answers),
        *(f"max({x})" for x in answers),
        *(f"min(a{j} + {s[0]!r})" for j, s in enumerate(shift[:k])),
        *(f"min(b{j} + {s[1]!r})" for j, s in enumerate(shift[:k])),
        "count(wt)",
        "min(wt)",
        "max(wt)",
    ]
    products = [term for j in range(k + 1) for term in _products(str(j))]
    return (
        f"SELECT {', '.join(aggs)} FROM "  # noqa: S608 - our own names
        f"(SELECT *, {', '.join(products)} FROM "
        f"(SELECT {', '.join(proj)} FROM {relation}))"
    )


def _refused(
    count: list[float],
    lo_hi: list[float],
    pair_min: list[float],
    w_stats: list[float],
    n_rows: int,
    *,
    weighted: bool,
    scale: tuple[float, float] | None,
) -> bool:
    """Say whether the in-memory path would refuse the file (it says why)."""
    m = len(lo_hi) // 2
    lows, highs = lo_hi[:m], lo_hi[m:]
    for n, lo, hi in zip(count, lows, highs, strict=True):
        if n == 0:
            continue  # an empty column
        if not (lo >= -_LARGE and hi <= _LARGE):
            return True  # a NaN (DuckDB orders it last), infinite or too large
        if scale is not None and (lo < scale[0] or hi > scale[1]):
            return True
    k = len(pair_min) // 2
    if any(v <= 0 for v in pair_min[:k]) or any(v < 0 for v in pair_min[k:]):
        return True
    if weighted:
        w_count, w_lo, w_hi = w_stats
        if w_count < n_rows or not (w_lo >= 0 and math.isfinite(w_hi)):
            return True
    return False
