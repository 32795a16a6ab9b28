"""Shared paths and fixtures; prints how many cases of each shared suite ran."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO / "tests" / "conformance"
CONFORMANCE_ATTEST = REPO / "tests" / "conformance-attest"
REGRESSION = REPO / "tests" / "regression"
SUITE = REPO / "tests" / "suite"
DEMO = REPO / "examples" / "demo"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def layout_cases() -> List[Dict[str, Any]]:
    manifest = load_json(CONFORMANCE / "manifest.json")
    return [c for c in manifest["cases"] if c["kind"] == "layout-verify"]


def rust_cli() -> Optional[Path]:
    """The Rust `intoto-verify` release binary, if one was built."""
    candidates = []
    if os.environ.get("CARGO_TARGET_DIR"):
        candidates.append(Path(os.environ["CARGO_TARGET_DIR"]) / "release" / "intoto-verify")
    candidates.append(REPO / "target" / "release" / "intoto-verify")
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    return None


# Counts of the shared suites: {(suite, runner): {outcome: n}}, outcomes "ran", "ran in
# part", "skipped: <reason>", ...; printed at the end of the run.
SUITE_COUNTS: Dict[Tuple[str, str], Dict[str, int]] = {}


def count(suite: str, runner: str, outcome: str) -> None:
    by_outcome = SUITE_COUNTS.setdefault((suite, runner), {})
    by_outcome[outcome] = by_outcome.get(outcome, 0) + 1


# Measurements worth a line in the summary (the Hasher's rate, ...).
NOTES: List[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for note in NOTES:
        terminalreporter.write_line(note)
    for (suite, runner), c in sorted(SUITE_COUNTS.items()):
        parts = [f"{n} {outcome}" for outcome, n in sorted(c.items(), key=lambda kv: kv[0] != "ran")]
        terminalreporter.write_line(f"{suite} through {runner}: " + "; ".join(parts))


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A fresh copy of examples/demo (inspections write into it)."""
    dest = tmp_path / "demo"
    shutil.copytree(DEMO, dest)
    return dest
