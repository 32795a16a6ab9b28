"""Runs the typed usage example (tests/typed_usage.py; mypy --strict checks it)."""

from __future__ import annotations

from conftest import DEMO
from typed_usage import main


def test_typed_usage() -> None:
    verified, expired = main(DEMO)
    assert verified == "verified"
    assert expired.startswith("expired: the layout expired at 2036-01-01T00:00:00Z")
