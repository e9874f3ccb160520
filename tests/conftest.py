"""Shared fixtures: the eager-frame constructors and the hypothesis profile."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

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
@pytest.fixture(scope="session")
def dask_client() -> Iterator[object]:
    """A real two-worker Dask cluster (threads, to start fast)."""
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.dataframe")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="session")
def spark() -> object:
    """A PySpark local[2] session (quiet, no UI, two shuffle partitions)."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

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
    session.sparkContext.setLogLevel("ERROR")
    return session
