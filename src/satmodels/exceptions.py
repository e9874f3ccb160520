"""The satmodels error and warning hierarchy.

Every error raised by satmodels on purpose is a :class:`SatmodelsError`. Each
also inherits from the matching builtin, so ``except ValueError`` in a
caller's code keeps working (the scikit-learn ``InvalidParameterError``
pattern)::

    SatmodelsError(Exception)
    ├── InputError(SatmodelsError, ValueError)
    │       shape, range, scale and missing-data problems in user input
    ├── SpecificationError(SatmodelsError, ValueError)
    │       a bad model specification: unknown latent, cycle, duplicate path
    └── EstimationError(SatmodelsError, RuntimeError)
            non-convergence, singular matrices, a backend that failed

    SatmodelsWarning(UserWarning)
    ├── ConvergenceWarning
    ├── SmallSampleWarning
    └── AdmissibilityWarning
            a fitted model with an inadmissible or near-unidentified solution

Messages name the parameter (or column, item, latent), the rule and the value
received, e.g. ``"The 'weights' parameter of csi_index must sum to 1. Got 0.93
instead."``.
"""

from __future__ import annotations

__all__ = [
    "AdmissibilityWarning",
    "ConvergenceWarning",
    "EstimationError",
    "InputError",
    "SatmodelsError",
    "SatmodelsWarning",
    "SmallSampleWarning",
    "SpecificationError",
]


class SatmodelsError(Exception):
    """Base class of every error satmodels raises on purpose."""


class InputError(SatmodelsError, ValueError):
    """User input has the wrong shape, range, scale or missing values."""


class SpecificationError(SatmodelsError, ValueError):
    """A model specification is inconsistent (unknown name, cycle, duplicate)."""


class EstimationError(SatmodelsError, RuntimeError):
    """Estimation failed: no convergence, a singular matrix, a backend error."""


class SatmodelsWarning(UserWarning):
    """Base class of the warnings satmodels emits."""


class ConvergenceWarning(SatmodelsWarning):
    """An iterative algorithm stopped before meeting its tolerance."""


class SmallSampleWarning(SatmodelsWarning):
    """A statistic rests on too few observations to be trusted."""


class AdmissibilityWarning(SatmodelsWarning):
    """A fitted solution is inadmissible or close to unidentified."""
