"""Benchmark: ``satmodels ratio`` on a CSV larger than one wants in memory.

Run from the repository root::

    python bench/cli_large.py [ROWS] [--in-memory] [--repeats=7]

Writes (once) a survey CSV of ROWS rows (default 3,600,000: ~200 MB) to
/tmp with bench/_make_large_csv.py (never committed), then measures in the
same run, each as the median of a few repetitions:

1. DuckDB itself: one query summing the 13 columns the command reads
   (``read_csv`` with its own type detection) -- the floor, timed without
   and with ``import duckdb`` (the command imports it too), until its
   connection is closed (the command closes its own: 7 ms of freeing
   DuckDB's buffers), and as a whole process;
2. ``satmodels ratio FILE --expected e1..e6 --perceived p1..p6 --weights w
   --scale 1 10`` in a fresh process (DuckDB scans the file and returns
   sums): wall time, CPU time and peak resident memory;
3. with ``--in-memory``, once each, the same command forced onto the
   in-memory path (the one a file takes when the scan refuses it): its
   columns read by DuckDB (``read_columns`` from 16 MB on), and read by
   the pure-Python reader (files under 16 MB, and every file before).

The machine is shared (2 cores, several engineers): wall times vary with
the load, which is printed; CPU times are steadier, and the paired ratio
(each run of the command over the DuckDB run just before it) cancels most
of the drift between runs. satmodels runs from its bytecode, compiled
first, as an installed package does (bench/_installed.py). Output is also
written to bench/results/cli_large.txt.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _installed import installed_env

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "cli_large.txt"
PAIRS = 6
ARGS = [
    "ratio",
    "--expected", *[f"e{j}" for j in range(1, PAIRS + 1)],
    "--perceived", *[f"p{j}" for j in range(1, PAIRS + 1)],
    "--weights", "w", "--scale", "1", "10",
]  # fmt: skip

CHILD = r"""
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from satmodels import cli
if sys.argv[1] in ("memory", "python"):
    cli._ENGINE_MIN_BYTES = 1 << 62
if sys.argv[1] == "python":
    from satmodels.data import _io
    _io._COLUMNS_MIN_BYTES = 1 << 62
import contextlib, io
if sys.argv[1] == "imports":  # what the command imports before DuckDB scans
    import duckdb, satmodels._ratio_scan, satmodels.data._engine_source
    code = 0
else:
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(sys.argv[2:])
print(json.dumps({
    "code": code,
    "wall": time.perf_counter() - t0,
    "cpu": time.process_time() - c0,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

DUCK = r"""
import json, resource, sys, time
i0, j0 = time.perf_counter(), time.process_time()
import duckdb
t0, c0 = time.perf_counter(), time.process_time()
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
cols = sys.argv[3:]
if sys.argv[2] == "sums":
    sql = ("SELECT count(*), " + ", ".join(f"sum({c})" for c in cols)
           + f" FROM read_csv('{sys.argv[1]}')")
else:  # "same": the statistics the command reports, written plainly
    pairs = [(f"e{j}", f"p{j}") for j in range(1, len(cols) // 2 + 1)]
    proj = ["w", *cols]
    for j, (a, b) in enumerate(pairs):
        proj.append(f"CASE WHEN {a} IS NOT NULL AND {b} IS NOT NULL THEN w END AS w{j}")
        proj += [f"{a} AS a{j}", f"{b} AS b{j}", f"{b} / {a} AS c{j}"]
    every = " AND ".join(f"{a} IS NOT NULL AND {b} IS NOT NULL" for a, b in pairs)
    k = len(pairs)
    proj.append(f"CASE WHEN {every} THEN w END AS w{k}")
    proj.append("(" + " + ".join(a for a, _ in pairs) + f") / {k} AS a{k}")
    proj.append("(" + " + ".join(b for _, b in pairs) + f") / {k} AS b{k}")
    proj.append("(" + " + ".join(f"{b} / {a}" for a, b in pairs) + f") / {k} AS c{k}")
    aggs = ["count(*)"]
    for j in range(k + 1):
        w, a, b, c = f"w{j}", f"a{j}", f"b{j}", f"c{j}"
        aggs += [f"count({w})", f"sum({w})", f"sum({w} * {w})"]
        aggs += [f"sum({w} * {x})" for x in (a, b, c)]
        aggs += [f"sum({w} * {w} * {x})" for x in (a, b, c)]
        aggs += [f"sum({w} * {w} * {x} * {y})" for x, y in ((a, a), (b, b), (c, c), (a, b))]
        if j < k:
            aggs += [f"sum(CASE WHEN {c} {op} {t} THEN {w} END)"
                     for op, t in (("<", 0.8), ("<", 0.95), ("<=", 1.05), ("<=", 1.2))]
    aggs += [f"count({x})" for x in cols] + [f"min({x})" for x in cols]
    aggs += [f"max({x})" for x in cols]
    sql = (f"SELECT {', '.join(aggs)} FROM (SELECT {', '.join(proj)} "
           f"FROM read_csv('{sys.argv[1]}'))")
con.execute(sql).fetchall()
con.close()  # as the command closes its connection (DuckDB frees its buffers)
print(json.dumps({
    "wall": time.perf_counter() - t0,
    "cpu": time.process_time() - c0,
    "wall_import": time.perf_counter() - i0,
    "cpu_import": time.process_time() - j0,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _run(code: str, *argv: str) -> dict[str, float]:
    env = installed_env(PYTHONPATH=str(ROOT / "src"))  # from bytecode
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    took = time.perf_counter() - start  # the process: start-up and exit too
    return json.loads(out.stdout.strip().splitlines()[-1]) | {"process": took}  # type: ignore[no-any-return]


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    """Write the file if needed, time DuckDB and the command, report ratios."""
    rows = (
        int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 3_600_000
    )
    in_memory = "--in-memory" in sys.argv
    repeats = next(
        (int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--repeats=")), 7
    )
    path = Path(f"/tmp/satmodels_large_{rows}.csv")
    if not path.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "_make_large_csv.py"), str(path),
             str(rows)],
            check=True,
        )  # fmt: skip
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    say(f"# satmodels ratio CLI on a large CSV ({stamp})")
    say(
        f"# machine: {os.cpu_count()} cores, shared; load average "
        f"{' '.join(f'{v:.1f}' for v in os.getloadavg())} at the start"
    )
    size = path.stat().st_size
    say(f"# file: {rows:,} rows x 17 columns, {size / 1e6:.0f} MB (13 columns read)")
    cols = [f"e{j}" for j in range(1, PAIRS + 1)]
    cols += [f"p{j}" for j in range(1, PAIRS + 1)]
    cols.append("w")
    duck, same, ours, imports = [], [], [], []
    for _ in range(repeats):  # interleaved: the load drifts within seconds
        duck.append(_run(DUCK, str(path), "sums", *cols[:-1], "w"))
        same.append(_run(DUCK, str(path), "same", *cols[:-1]))
        ours.append(_run(CHILD, "engine", ARGS[0], str(path), *ARGS[1:]))
        assert ours[-1]["code"] == 0, ours[-1]
        imports.append(_run(CHILD, "imports"))
    dw, dc = _median(duck, "wall"), _median(duck, "cpu")
    ow, oc = _median(ours, "wall"), _median(ours, "cpu")
    say(f"\nmedian of {repeats} interleaved runs, each in a fresh process")
    say(
        f"DuckDB: sum of the 13 columns        : {dw:6.2f} s wall  {dc:6.2f} s CPU"
        f"  peak {_median(duck, 'peak_mb'):6.0f} MB"
    )
    say(
        f"satmodels ratio (DuckDB scan + sums): {ow:6.2f} s wall  {oc:6.2f} s CPU"
        f"  peak {_median(ours, 'peak_mb'):6.0f} MB"
    )
    say(
        f"ratio to DuckDB's own sums          : {ow / dw:6.2f}x wall {oc / dc:6.2f}x "
        "CPU (target <= 1.5x; CPU includes Python start-up and imports)"
    )
    diw, dic = _median(duck, "wall_import"), _median(duck, "cpu_import")
    say(
        f"DuckDB's sums with `import duckdb`  : {diw:6.2f} s wall  {dic:6.2f} s CPU"
        f"  -> ratio {ow / diw:4.2f}x wall {oc / dic:4.2f}x CPU (both import their "
        "engine)"
    )
    sw_, sc_ = _median(same, "wall_import"), _median(same, "cpu_import")
    say(
        f"DuckDB: the command's statistics    : {sw_:6.2f} s wall  {sc_:6.2f} s CPU"
        f"  -> ratio {ow / sw_:4.2f}x wall {oc / sc_:4.2f}x CPU (one plain query: "
        "the same sums, grade counts and checks; with `import duckdb`)"
    )
    iw, ic = _median(imports, "wall"), _median(imports, "cpu")
    say(
        f"of which start-up before the scan   : {iw:6.2f} s wall  {ic:6.2f} s CPU"
        f"  -> scan and result {(ow - iw) / dw:4.2f}x wall {(oc - ic) / dc:4.2f}x CPU"
    )
    paired = sorted(
        o["wall"] / d["wall_import"] for o, d in zip(ours, duck, strict=True)
    )
    dp, op = _median(duck, "process"), _median(ours, "process")
    say(
        f"whole processes (interpreter start-up and exit included): DuckDB "
        f"{dp:.2f} s, satmodels ratio {op:.2f} s -> ratio {op / dp:4.2f}x"
    )
    say(
        f"paired (each run over the DuckDB run just before it, both importing): "
        f"median {statistics.median(paired):.2f}x, range {paired[0]:.2f}-"
        f"{paired[-1]:.2f}x wall"
    )
    say(f"peak memory                         : {max(r['peak_mb'] for r in ours):.0f} MB"
        " (target < 300 MB)")  # fmt: skip
    if in_memory:
        for mode, label in (
            ("memory", "columns read by DuckDB, in memory"),
            ("python", "pure-Python reader (the fallback)"),
        ):
            old = _run(CHILD, mode, ARGS[0], str(path), *ARGS[1:])
            say(
                f"{label:36s}: {old['wall']:6.2f} s wall {old['cpu']:6.2f} s CPU"
                f"  peak {old['peak_mb']:6.0f} MB (one run)"
            )
    say(f"# load average at the end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    out = OUT if rows == 3_600_000 else OUT.with_name(f"cli_large_{rows}.txt")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
