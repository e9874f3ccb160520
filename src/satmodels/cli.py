"""The ``satmodels`` command.

::

    satmodels demo [--format text|json]
    satmodels ratio FILE --expected COL [COL ...] --perceived COL [COL ...]
                   [--scale MIN MAX] [--weights COL] [--nan-policy raise|omit]
                   [--confidence-level 0.95] [--format text|json]

Errors in the input end the command with exit code 2 and one line on
standard error naming the problem (no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import numpy as np

from ._version import __version__
from .exceptions import SatmodelsError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="satmodels",
        description="Customer-satisfaction measurement models.",
    )
    parser.add_argument(
        "--version", action="version", version=f"satmodels {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo", help="run a complete study on the bundled sample survey"
    )
    demo.add_argument("--format", choices=("text", "json"), default="text")

    ratio = sub.add_parser(
        "ratio", help="satisfaction ratio c = b / a of a CSV/Parquet file"
    )
    ratio.add_argument("file", help="CSV or Parquet file, one row per respondent")
    ratio.add_argument(
        "--expected",
        nargs="+",
        required=True,
        metavar="COL",
        help="column(s) of expected values a",
    )
    ratio.add_argument(
        "--perceived",
        nargs="+",
        required=True,
        metavar="COL",
        help="column(s) of perceived values b, paired with --expected",
    )
    ratio.add_argument(
        "--scale",
        nargs=2,
        type=float,
        metavar=("MIN", "MAX"),
        help="declared answer scale, e.g. 1 7",
    )
    ratio.add_argument("--weights", metavar="COL", help="column of case weights")
    ratio.add_argument("--nan-policy", choices=("raise", "omit"), default="raise")
    ratio.add_argument("--confidence-level", type=float, default=0.95)
    ratio.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _run_ratio(args: argparse.Namespace) -> str:
    from .data._io import read_columns  # noqa: PLC0415 - keep start-up light
    from .ratio import satisfaction_ratio  # noqa: PLC0415

    if len(args.expected) != len(args.perceived):
        msg = (
            f"--expected names {len(args.expected)} column(s) but --perceived names "
            f"{len(args.perceived)}; they are paired one to one."
        )
        raise SatmodelsError(msg)
    wanted = list(dict.fromkeys([*args.expected, *args.perceived]))
    if args.weights:
        wanted.append(args.weights)
    cols = read_columns(args.file, wanted)
    a = np.column_stack([cols[c] for c in args.expected])
    b = np.column_stack([cols[c] for c in args.perceived])
    res = satisfaction_ratio(
        b,
        a,
        items=[f"{p}/{e}" for p, e in zip(args.perceived, args.expected, strict=True)],
        scale=None if args.scale is None else tuple(args.scale),
        weights=None if not args.weights else cols[args.weights],
        nan_policy=args.nan_policy,
        confidence_level=args.confidence_level,
    )
    if args.format == "json":
        return json.dumps(res.to_dict(), indent=2)
    return str(res.summary())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``satmodels`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from ._demo import demo_report  # noqa: PLC0415

            out = demo_report(args.format)
        else:
            out = _run_ratio(args)
    except (SatmodelsError, ValueError, OSError) as exc:
        message = " ".join(str(exc).split())
        print(f"satmodels: error: {message}", file=sys.stderr)
        return 2
    try:
        print(out)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
