"""Shared fixtures: the eager-frame constructors and the hypothesis profile."""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# test modules share tests/adapters.py (imported by name under importlib mode)
sys.path.insert(0, str(Path(__file__).parent))
from plot_support import mpl  # noqa: F401 - the chart tests' fixture

# derandomize: CI sees the same examples on every run (no flaky landings);
# run with --hypothesis-seed=random or a "dev" profile to explore further.
settings.register_profile(
    "satmodels",
    deadline=None,
    derandomize=True,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=300)
settings.load_profile("satmodels")


def _numpy(data: dict[str, np.ndarray[Any, Any]]) -> object:
    return np.column_stack(list(data.values()))


def _pandas(data: dict[str, np.ndarray[Any, Any]]) -> object:
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(data)


def _polars(data: dict[str, np.ndarray[Any, Any]]) -> object:
    pl = pytest.importorskip("polars")
    return pl.DataFrame(data, nan_to_null=True)


def _pyarrow(data: dict[str, np.ndarray[Any, Any]]) -> object:
    pa = pytest.importorskip("pyarrow")
    return pa.table({k: pa.array(v, from_pandas=True) for k, v in data.items()})


CONSTRUCTORS: dict[str, Callable[[dict[str, np.ndarray[Any, Any]]], object]] = {
    "numpy": _numpy,
    "pandas": _pandas,
    "polars": _polars,
    "pyarrow": _pyarrow,
}


@pytest.fixture(params=list(CONSTRUCTORS))
def constructor_eager(
    request: pytest.FixtureRequest,
) -> Callable[[dict[str, np.ndarray[Any, Any]]], object]:
    """Build the same columns as numpy, pandas, polars or pyarrow input."""
    return CONSTRUCTORS[request.param]


# ----------------------------------------------------------------- engines
# Real engines, started by the tests themselves (never mocks), once per run.
# They must start on any machine: no fixed ports (another Dask cluster may
# hold 8787), and a missing Java skips the Spark tests with the reason, except
# under CI=true, where a skipped engine would hide a broken CI image.
def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> NoReturn:
    """Skip (locally) or fail (under CI=true) an engine that cannot start."""
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: engine tests must run in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def dask_client() -> Iterator[object]:
    """A real two-worker Dask cluster (threads, to start fast).

    ``dashboard_address=":0"`` lets the OS pick a free port: with ``None``
    distributed still tries the default 8787 and fails when it is taken;
    the scheduler itself is in-process (``processes=False``), so it needs no
    port at all.
    """
    try:
        distributed = importlib.import_module("distributed")
        importlib.import_module("dask.dataframe")
    except ImportError as exc:
        _unavailable(f"Dask is not installed: {exc}")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=":0",
        scheduler_port=0,
        worker_dashboard_address=None,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _java_missing() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return None
    if shutil.which("java"):
        return None
    return "Java is not installed (no JAVA_HOME, no 'java' on PATH): PySpark needs it"


@pytest.fixture(scope="session")
def spark() -> object:
    """A PySpark local[2] session (quiet, no UI, two shuffle partitions)."""
    try:
        importlib.import_module("pyspark")
    except ImportError as exc:
        _unavailable(f"PySpark is not installed: {exc}")
    reason = _java_missing()
    if reason is not None:
        _unavailable(reason)
    from pyspark.sql import SparkSession

    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("satmodels-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.driver.memory", "1g")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    except Exception as exc:  # py4j/JVM start-up errors of any kind
        _unavailable(f"PySpark could not start a local session: {exc}")
    session.sparkContext.setLogLevel("ERROR")
    return session
