"""Reference values of Student's t for many degrees of freedom, by mpmath.

Writes ``student_t_mpmath.json`` next to this script: for each (df, t)
the lower tail P(T <= -t) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2)
(Abramowitz & Stegun eq. 26.7.1), and for each (df, q) the quantile
solved from it, all at 40 significant digits with mpmath's
``betainc`` (an implementation independent of scipy's Boost and of
satmodels.stats._student). Regenerate with ``pip install mpmath`` and
``python tests/golden/student_t_mpmath.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath  # type: ignore[import-untyped,import-not-found,unused-ignore]
from scipy import special

mpmath.mp.dps = 40
DFS = ["100000", "370000", "1000000", "3599999", "10000000", "1e9", "1e12", "1e15"]
TS = ["1e-8", "0.01", "0.5", "1", "1.5", "1.73", "1.7321", "1.75", "2", "3", "5",
      "10", "20", "37"]  # fmt: skip
QS = ["1e-300", "1e-20", "1e-6", "0.025", "0.3", "0.49", "0.50001", "0.5006", "0.6",
      "0.975", "0.995", "0.999999999"]  # fmt: skip


def lower_tail(df: mpmath.mpf, t: mpmath.mpf) -> mpmath.mpf:
    """P(T <= -|t|) for Student's t with df degrees of freedom."""
    x = df / (df + t * t)
    return mpmath.betainc(df / 2, mpmath.mpf(1) / 2, 0, x, regularized=True) / 2


def quantile(df: mpmath.mpf, q: mpmath.mpf, start: float) -> mpmath.mpf:
    """Solve P(T <= t) = q for t by Newton from ``start`` (scipy's value).

    The root is mpmath's: the start only chooses which root to polish.
    """
    lower = q < mpmath.mpf(1) / 2
    p = q if lower else 1 - q
    root = mpmath.findroot(
        lambda s: mpmath.log(lower_tail(df, s)) - mpmath.log(p), abs(start)
    )
    return -root if lower else root


def _mp(text: str) -> mpmath.mpf:
    """The double nearest ``text``, exactly."""
    return mpmath.mpf(float(text))


def main() -> None:
    """Write the reference file."""
    # at the doubles the tests pass (0.999999999 is not 1 - 1e-9 in binary)
    cdf = [
        {
            "df": d,
            "t": t,
            "lower": mpmath.nstr(lower_tail(_mp(d), _mp(t)), 25),
        }
        for d in DFS
        for t in TS
    ]
    ppf = [
        {
            "df": d,
            "q": q,
            "t": mpmath.nstr(
                quantile(_mp(d), _mp(q), float(special.stdtrit(float(d), float(q)))),
                25,
            ),
        }
        for d in DFS
        for q in QS
    ]
    out = Path(__file__).with_name("student_t_mpmath.json")
    out.write_text(json.dumps({"cdf": cdf, "quantile": ppf}, indent=1) + "\n")


if __name__ == "__main__":
    main()
