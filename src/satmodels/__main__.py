"""``python -m satmodels``: the same as the ``satmodels`` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
