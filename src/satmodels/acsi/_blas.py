"""Keep BLAS on one thread where threads only cost (small or thin products)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["one_blas_thread"]


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run BLAS/LAPACK single-threaded for the duration of the block.

    Used around semopy's optimisation and the thin n x p by p x J product
    of the latent scores. semopy inverts a p x p matrix (p ~ 16-30) hundreds
    of times; threaded BLAS gains nothing at that size, and on a busy
    machine thread hand-offs made each inversion ~1000x slower (a
    24-indicator ECSI fit took 25 s instead of 0.7 s). The scores product
    (p ~ 16, J ~ 6) took 35 ms threaded on a loaded 2-core machine and 2 ms
    on one thread at n = 100,000. ``threadpoolctl`` (a scikit-learn dependency, which
    semopy requires) limits the pools for the duration of the call only.
    """
    try:
        from threadpoolctl import (  # type: ignore[import-untyped]  # noqa: PLC0415
            threadpool_limits,
        )
    except ImportError:  # pragma: no cover - installed with semopy
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
