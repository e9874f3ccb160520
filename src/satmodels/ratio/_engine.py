r"""The result of ``satmodels ratio`` on a large file, from DuckDB's sums.

:func:`satmodels._ratio_scan.scan` sums a file in DuckDB;
:func:`ratio_from_engine` turns the sums into the
:class:`~satmodels.ratio.RatioResult` that
:func:`~satmodels.ratio.satisfaction_ratio` returns on the rows, with the
variances of :func:`~satmodels.ratio._kernels.aggregates` (Cochran 1977,
eqs. 6.9 and 6.13) from shifted sums:
:math:`\sum w^2 (x - \bar x)(y - \bar y) = P_{xy} - d_y Q_x - d_x Q_y +
d_x d_y \sum w^2` with :math:`x' = x - s_x`, :math:`P_{xy} = \sum w^2 x'
y'`, :math:`Q_x = \sum w^2 x'` and :math:`d_x = \sum w x' / \sum w`.
Agreement with the in-memory path is checked to 1e-10 in the tests.

References
----------
.. [1] Cochran, W. G. (1977). Sampling Techniques (3rd ed.), ch. 6. Wiley.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..stats._report import MissingReport
from ._grade import DEFAULT_THRESHOLDS, grade_codes, grade_name
from ._kernels import Aggregates
from ._result import RatioResult
from ._table import estimates_table

if TYPE_CHECKING:
    from .._ratio_scan import Sums

__all__ = ["ratio_from_engine", "result_from_sums"]


def _aggregates(
    rows: list[dict[str, float]], shifts: Sequence[Sequence[float]]
) -> Aggregates:
    """Compute :func:`~satmodels.ratio._kernels.aggregates` from the sums."""
    out: dict[str, list[float]] = {k: [] for k in Aggregates.__slots__}
    for s, (sa, sb, sc) in zip(rows, shifts, strict=True):
        n, w_sum, ww = s["n"], s["sw"], s["sww"]
        d = {x: s[f"s{x}"] / w_sum if w_sum > 0 else math.nan for x in "abc"}
        mean = {"a": sa + d["a"], "b": sb + d["b"], "c": sc + d["c"]}

        def centred(
            x: str, y: str, s: dict[str, float] = s, d: dict[str, float] = d
        ) -> float:
            return (
                s[f"p{x}{y}"]
                - d[y] * s[f"q{x}"]
                - d[x] * s[f"q{y}"]
                + d[x] * d[y] * s["sww"]
            )

        # fewer than two respondents: NaN variances (the caller warns)
        f = n / (n - 1) / w_sum**2 if n >= 2 else math.nan
        rom = mean["b"] / mean["a"]
        k = sb - rom * sa
        g2 = (
            s["pbb"] - 2 * rom * s["pab"] + rom * rom * s["paa"]
            + 2 * k * (s["qb"] - rom * s["qa"]) + k * k * ww
        )  # fmt: skip
        vaa, vbb, vcc = (f * centred(x, x) for x in "abc")
        for key, value in (
            ("n", n),
            ("abar", mean["a"]),
            ("bbar", mean["b"]),
            ("cbar", mean["c"]),
            ("rom", rom),
            ("se_c", math.sqrt(max(vcc, 0.0))),
            ("se_r", math.sqrt(max(f * g2 / mean["a"] ** 2, 0.0))),
            ("vaa", vaa),
            ("vbb", vbb),
            ("vab", f * centred("a", "b")),
        ):
            out[key].append(float(value))
    return Aggregates(**{k: np.array(v) for k, v in out.items()})


def ratio_from_engine(
    sums: Sums,
    *,
    perceived: Sequence[str],
    expected: Sequence[str],
    items: Sequence[str],
    confidence_level: float,
) -> RatioResult | None:
    """Build :func:`satisfaction_ratio`'s result from a scan, or None.

    None when an item or the overall aggregate rests on fewer than two
    respondents (the in-memory path then warns). The result's ``ratios``
    (per respondent) are not kept: it has no rows (shape ``(0, items)``);
    everything the summary and ``to_dict`` show is there.
    """
    names = tuple(items)
    cuts: dict[str, tuple[float, ...]] = {
        **dict.fromkeys(names, DEFAULT_THRESHOLDS),
        "overall": DEFAULT_THRESHOLDS,
    }
    if sums.grades is None:
        assert sums.groups is not None  # noqa: S101 - one of the two is set
        grades = np.zeros((len(names), 5))
        for j, (c, sw) in enumerate(sums.groups):
            grades[j] = np.bincount(
                grade_codes(c, cuts[names[j]]), weights=sw, minlength=5
            )
        sums.grades = grades
    if any(bl["n"] < 2 for bl in sums.blocks):
        return None  # the small-sample warnings (or errors): in memory
    if not all(math.isfinite(v) for bl in sums.blocks for v in bl.values()):
        return None
    return result_from_sums(sums, names, cuts, perceived, expected, confidence_level)


def result_from_sums(  # noqa: PLR0917
    scan: Sums,
    names: tuple[str, ...],
    cuts: dict[str, tuple[float, ...]],
    perceived: Sequence[str],
    expected: Sequence[str],
    confidence_level: float,
    *,
    backend: str | None = None,
    segment: str | None = None,
) -> RatioResult:
    """Build the result from the sums (a file's scan or a lazy frame's).

    An item or overall aggregate on fewer than two respondents gets NaN
    standard errors and intervals (the lazy path warns, as the rows do).
    """
    k = len(names)
    n_rows = scan.n_rows
    with np.errstate(divide="ignore", invalid="ignore"):
        item = _aggregates(scan.blocks[:-1], scan.shift[:-1])
        overall = _aggregates(scan.blocks[-1:], scan.shift[-1:])
        est = estimates_table(item, overall, names, confidence_level, backend, segment)
    reasons = {
        key: v
        for key, v in (("no complete pair", scan.no_pair), ("zero weight", scan.zero_w))
        if v
    }
    report = MissingReport(
        rows_total=n_rows,
        rows_used=scan.rows_used,
        rows_excluded=n_rows - scan.rows_used,
        reasons=reasons,
        column_missing=dict(zip([*perceived, *expected], scan.missing, strict=True)),
        missing="pairwise",
    )
    return RatioResult(
        estimates=est,
        confidence_level=confidence_level,
        items=names,
        perceived=tuple(perceived),
        expected=tuple(expected),
        n=item.n.astype(np.int64),
        expected_mean=item.abar,
        perceived_mean=item.bbar,
        mean_ratio=item.cbar,
        mean_ratio_se=item.se_c,
        ratio_of_means=item.rom,
        ratio_of_means_se=item.se_r,
        grade_counts=np.asarray(scan.grades),
        item_grade=tuple(
            grade_name(float(r), cuts[nm])
            for r, nm in zip(item.rom, names, strict=True)
        ),
        overall_n=int(overall.n[0]),
        overall_expected_mean=float(overall.abar[0]),
        overall_perceived_mean=float(overall.bbar[0]),
        overall_mean_ratio=float(overall.cbar[0]),
        overall_mean_ratio_se=float(overall.se_c[0]),
        overall_ratio_of_means=float(overall.rom[0]),
        overall_ratio_of_means_se=float(overall.se_r[0]),
        overall_grade=grade_name(float(overall.rom[0]), cuts["overall"]),
        ratios=np.empty((0, k)),
        n_omitted={nm: n_rows - int(v) for nm, v in zip(names, item.n, strict=True)},
        thresholds=dict(cuts),
        weighted=scan.weighted,
        missing_report=report,
        _item_var=(item.vaa, item.vbb, item.vab),
        _overall_var=(
            float(overall.abar[0]),
            float(overall.bbar[0]),
            float(overall.vaa[0]),
            float(overall.vbb[0]),
            float(overall.vab[0]),
        ),
    )
