"""Sections of the demonstration report, one module per part of the library."""

from __future__ import annotations
