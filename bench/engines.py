"""Moments on lazy engines: Dask (2 local workers), PySpark local[2], DuckDB, polars.

Run: ``python bench/engines.py [--rows 20000000] [--spark-rows 1000000]``.
The output is written to ``bench/results/engines.txt``.

(a) Dask with 2 local worker processes over ``--rows`` x 16 rows generated
    lazily chunk by chunk (``dask.array.map_blocks``; never materialised):
    Moments.from_data on the Dask frame, wall time and peak memory (RSS of
    this process and all its children, sampled every 50 ms), and agreement
    with an in-memory computation on the same data (the same chunks made in
    numpy one at a time, their Moments merged). The numpy floor is making
    the chunks plus ``np.cov`` of each chunk, measured in the same loop.
(b) PySpark local[2], DuckDB and polars LazyFrame over ``--spark-rows``
    x 16 rows: complete, agree with numpy, and their time relative to
    ``np.cov`` on the same array in memory.
(c) Poisson bootstrap on DuckDB, polars, PySpark and Dask (B replicates) vs
    the in-memory batched bootstrap.
(d) Category counts (answers 1-10) on every engine vs one ``np.bincount``
    (the floor) and pandas ``value_counts`` (a peer).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import psutil

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", message=".*large graph.*")

from satmodels import Moments  # noqa: E402

P = 16
CHUNK = 250_000
OUT = Path(__file__).parent / "results" / "engines.txt"
_L = np.tril(np.full((P, P), 0.35)) + np.eye(P) * 0.8
LINES: list[str] = []


def say(line: str = "") -> None:
    print(line, flush=True)
    LINES.append(line)


def make_chunk(seed: int, index: int, rows: int) -> np.ndarray[Any, Any]:
    """Chunk ``index``: correlated 1-10-like answers with 1% missing cells."""
    rng = np.random.default_rng([seed, index])
    x = 5.5 + rng.standard_normal((rows, P)) @ _L.T
    x[rng.random((rows, P)) < 0.01] = np.nan
    return x


class PeakRSS:
    """Sample the RSS of this process and its children in a thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRSS:
        self.peak = self._total()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def rel_err(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> float:
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def bench_dask(rows: int, seed: int) -> None:
    import dask.array as da
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    say(f"(a) Dask, 2 local worker processes, {rows:,} x {P} generated lazily")
    n_chunks = -(-rows // CHUNK)
    sizes = [min(CHUNK, rows - k * CHUNK) for k in range(n_chunks)]

    def block(block_info: dict[Any, Any] | None = None) -> np.ndarray[Any, Any]:
        assert block_info is not None
        k = block_info[None]["chunk-location"][0]
        return make_chunk(seed, k, sizes[k])

    cols = [f"q{i}" for i in range(P)]
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit="900MB",
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
    ):
        arr = da.map_blocks(
            block, chunks=(tuple(sizes), (P,)), dtype=np.float64, meta=np.empty((0, P))
        )
        ddf = dd.from_dask_array(arr, columns=cols)
        with PeakRSS() as mem:
            t0 = time.perf_counter()
            m_dask = Moments.from_data(ddf, columns=cols)
            t_dask = time.perf_counter() - t0
        peak_gb = mem.peak / 1e9

    # in memory, chunk by chunk: the same chunks, Moments merged; and the
    # numpy floor (make the chunk + np.cov of it) in the same loop
    t_gen = t_mom = t_cov = 0.0
    merged: Moments | None = None
    for k, size in enumerate(sizes):
        t0 = time.perf_counter()
        x = make_chunk(seed, k, size)
        t1 = time.perf_counter()
        m = Moments.from_data(x, columns=cols)
        t2 = time.perf_counter()
        keep = ~np.isnan(x).any(axis=1)
        np.cov(x[keep].T)
        t3 = time.perf_counter()
        merged = m if merged is None else merged.merge(m)
        t_gen += t1 - t0
        t_mom += t2 - t1
        t_cov += t3 - t2
    assert merged is not None
    floor = t_gen + t_cov
    say(
        f"    rows used {m_dask.n:,} of {m_dask.report.rows_total:,}; "
        f"excluded {m_dask.report.reasons}"
    )
    say(f"    dask wall time               {t_dask:8.1f} s")
    say(
        f"    peak RSS (process + workers) {peak_gb:8.2f} GB  (limit 2 GB: "
        f"{'ok' if peak_gb < 2 else 'EXCEEDED'})"
    )
    say(
        f"    numpy floor: make chunks {t_gen:.1f} s + np.cov per chunk {t_cov:.1f} s "
        f"= {floor:.1f} s"
    )
    say(f"    numpy chunks -> Moments merged: {t_gen + t_mom:.1f} s")
    say(f"    ratio dask / numpy floor     {t_dask / floor:8.2f}x")
    say(
        f"    agreement: covariance rel. err {rel_err(m_dask.covariance(), merged.covariance()):.1e}, "
        f"mean rel. err {rel_err(m_dask.mean, merged.mean):.1e}, "
        f"n equal: {m_dask.n == merged.n}, report equal: {m_dask.report == merged.report}"
    )
    say()


def bench_in_memory_engines(rows: int, seed: int, n_rep: int) -> None:
    import duckdb
    import pandas as pd
    import polars as pl

    say(f"(b) {rows:,} x {P} rows: engines vs np.cov in memory")
    n_chunks = -(-rows // CHUNK)
    x = np.vstack(
        [make_chunk(seed + 1, k, min(CHUNK, rows - k * CHUNK)) for k in range(n_chunks)]
    )
    cols = [f"q{i}" for i in range(P)]
    keep = ~np.isnan(x).any(axis=1)
    t0 = time.perf_counter()
    cov_np = np.cov(x[keep].T)
    t_floor = time.perf_counter() - t0
    t0 = time.perf_counter()
    m_np = Moments.from_data(x, columns=cols)
    t_mom = time.perf_counter() - t0
    say(f"    np.cov (floor, complete rows)   {t_floor:7.2f} s   1.00x")
    say(
        f"    satmodels numpy                 {t_mom:7.2f} s   {t_mom / t_floor:5.2f}x  "
        f"rel. err vs np.cov {rel_err(m_np.covariance(), cov_np):.1e}"
    )
    frame = pd.DataFrame(x, columns=cols)
    results: dict[str, float] = {}

    def run(name: str, data: object) -> None:
        t0 = time.perf_counter()
        m = Moments.from_data(data, columns=cols)
        dt = time.perf_counter() - t0
        results[name] = dt
        say(
            f"    {name:<31} {dt:7.2f} s  {dt / t_floor:6.2f}x  rel. err vs numpy "
            f"{rel_err(m.covariance(), m_np.covariance()):.1e}; report equal: "
            f"{m.report == m_np.report}"
        )

    run("polars LazyFrame", pl.from_pandas(frame).lazy())
    con = duckdb.connect()
    rel = con.from_df(frame)
    run("DuckDB relation", rel)

    from pyspark.sql import SparkSession

    t0 = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    sdf = spark.createDataFrame(frame).repartition(2).cache()
    sdf.count()
    say(f"    (Spark start-up and load: {time.perf_counter() - t0:.1f} s, not counted)")
    run("PySpark local[2]", sdf)

    say()
    say(f"(c) Poisson bootstrap, B = {n_rep}, {rows:,} x {P} (listwise)")
    t0 = time.perf_counter()
    b_np = Moments.bootstrap(
        x, columns=cols, n_resamples=n_rep, method="poisson", rng=1
    )
    t_bnp = time.perf_counter() - t0
    se_np = b_np.mean.std(axis=0, ddof=1)
    se_an = np.sqrt(m_np.variance() / m_np.n)
    say(
        f"    numpy (batched, in memory)      {t_bnp:7.2f} s   1.00x  "
        f"SE(mean) / analytic SE: {np.median(se_np / se_an):.3f}"
    )

    def boot(name: str, data: object) -> None:
        t0 = time.perf_counter()
        b = Moments.bootstrap(
            data, columns=cols, n_resamples=n_rep, method="poisson", rng=1
        )
        dt = time.perf_counter() - t0
        se = b.mean.std(axis=0, ddof=1)
        say(
            f"    {name:<31} {dt:7.2f} s  {dt / t_bnp:6.2f}x  "
            f"SE(mean) / analytic SE: {np.median(se / se_an):.3f}"
        )

    boot("DuckDB", rel)
    boot("polars LazyFrame", pl.from_pandas(frame).lazy())
    boot("PySpark local[2]", sdf)

    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        boot("Dask (2 workers)", dd.from_pandas(frame, npartitions=8))
        say()
        bench_counts(x, cols, spark, dd)
    spark.stop()
    say()


def bench_counts(x: np.ndarray[Any, Any], cols: list[str], spark: Any, dd: Any) -> None:
    """Category counts of 1-10 answers: engines vs one np.bincount."""
    import duckdb
    import pandas as pd
    import polars as pl

    from satmodels.stats.counts import CategoryCounts

    answers = np.clip(np.round(x), 1, 10)  # NaN stays NaN (missing)
    n, p = answers.shape
    say(f"(d) Category counts, {n:,} x {p} answers on 1-10 (1% missing)")
    cats = list(range(1, 11))
    t0 = time.perf_counter()
    codes = np.where(np.isnan(answers), -1, answers - 1).astype(np.int64)
    valid = codes >= 0
    flat = (codes + np.arange(p) * 10)[valid]
    floor_counts = np.bincount(flat, minlength=10 * p).reshape(p, 10)
    t_floor = time.perf_counter() - t0
    say(f"    np.bincount (floor)             {t_floor:7.2f} s   1.00x")
    frame = pd.DataFrame(answers, columns=cols)
    t0 = time.perf_counter()
    frame.apply(lambda c: c.value_counts().reindex(cats))
    t_pd = time.perf_counter() - t0
    say(f"    pandas value_counts (peer)      {t_pd:7.2f} s  {t_pd / t_floor:6.2f}x")

    def run(name: str, data: object) -> None:
        t0 = time.perf_counter()
        cc = CategoryCounts.from_data(data, columns=cols, categories=cats)
        dt = time.perf_counter() - t0
        same = bool(np.array_equal(cc.counts, floor_counts))
        say(f"    {name:<31} {dt:7.2f} s  {dt / t_floor:6.2f}x  counts equal: {same}")

    run("satmodels numpy", answers)
    run("polars LazyFrame", pl.from_pandas(frame).lazy())
    run("DuckDB relation", duckdb.connect().from_df(frame))
    run("Dask (2 workers)", dd.from_pandas(frame, npartitions=8))
    sdf = spark.createDataFrame(frame).repartition(2).cache()
    sdf.count()
    run("PySpark local[2]", sdf)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--spark-rows", type=int, default=1_000_000)
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    say("satmodels lazy-engine benchmark (bench/engines.py)")
    say(
        f"python {platform.python_version()}, {os.cpu_count()} cores "
        f"(shared with other jobs), {psutil.virtual_memory().total / 1e9:.0f} GB RAM"
    )
    say()
    bench_dask(args.rows, args.seed)
    bench_in_memory_engines(args.spark_rows, args.seed, args.replicates)
    if not args.no_write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text("\n".join(LINES) + "\n")
        print(f"written to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
