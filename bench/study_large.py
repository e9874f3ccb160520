"""Benchmark: the sample study (every analysis) on a large survey file.

Run from the repository root::

    python bench/study_large.py [ROWS]

Writes (once) ROWS respondents (default 400,000: ~150 MB) of the sample
survey's generator (``satmodels.datasets.make_survey``, seed 7) to a CSV
in /tmp (never committed) and a copy of the sample study spec pointing at
it, then runs ``satmodels.study.run`` on it in fresh processes:

1. as it comes: the file is over ``ENGINE_MIN_BYTES``, so DuckDB computes
   every analysis's statistics (memory should not grow with the file);
2. forced in memory (``ENGINE_MIN_BYTES`` raised): the study's columns read
   into memory, the analyses on the rows (the path of files under 16 MB);

and prints wall time, CPU time and peak resident memory of each, and the
largest relative difference of the headline estimates between the two
(the ACSI bootstrap differs by design: Poisson weights on the engine,
multinomial resamples in memory; its point estimates agree). Output also
goes to bench/results/study_large.txt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "study_large.txt"

CHILD = r"""
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import warnings
from satmodels.study import run
from satmodels.study import _data
if sys.argv[1] == "memory":
    _data.ENGINE_MIN_BYTES = 1 << 62
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    res = run(sys.argv[2])
print(json.dumps({
    "wall": time.perf_counter() - t0,
    "cpu": time.process_time() - c0,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "n": res.n,
    "headline": {f"{h.analysis}:{h.label}": h.estimate for h in res.headline},
}))
"""


def _write(rows: int) -> Path:
    from satmodels.datasets import make_survey, sample_study_path, sample_survey_csv

    path = Path(f"/tmp/satmodels_study_{rows}.csv")
    spec = path.with_suffix(".toml")
    if not path.exists():
        block = 50_000
        with path.open("w") as fh:
            for start in range(0, rows, block):
                survey = make_survey(min(block, rows - start), rng=7 + start)
                text = sample_survey_csv(survey)
                fh.write(text if start == 0 else text.split("\n", 1)[1])
    toml = sample_study_path().read_text()
    spec.write_text(toml.replace('data = "sample_survey.csv"', f'data = "{path}"'))
    return spec


def _child(mode: str, spec: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(spec)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Run both modes and print the comparison."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
    spec = _write(rows)
    data = Path(f"/tmp/satmodels_study_{rows}.csv")
    lines = [
        f"# sample study (11 analyses) on a large file "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        f"# machine: {os.cpu_count()} cores, shared; load average "
        f"{' '.join(f'{v:.1f}' for v in os.getloadavg())} at the start",
        f"# file: {rows:,} rows x 78 columns, {data.stat().st_size / 1e6:.0f} MB",
        "",
    ]
    got = {mode: _child(mode, spec) for mode in ("engine", "memory")}
    for mode, label in (("engine", "DuckDB (the default)"), ("memory", "in memory")):
        r = got[mode]
        lines.append(
            f"{label:22s}: {r['wall']:7.2f} s wall {r['cpu']:7.2f} s CPU  "
            f"peak {r['peak_mb']:7.0f} MB  n = {r['n']}"
        )
    eng, mem = got["engine"]["headline"], got["memory"]["headline"]
    assert isinstance(eng, dict)
    assert isinstance(mem, dict)
    diff = max(abs(eng[k] - mem[k]) / max(abs(mem[k]), 1e-300) for k in mem)
    lines += [
        f"largest relative difference of the {len(mem)} headline estimates: {diff:.1e}",
        f"# load average at the end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}",
    ]
    text = "\n".join(lines)
    print(text)
    OUT.write_text(text + "\n")


if __name__ == "__main__":
    main()
