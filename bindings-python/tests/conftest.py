"""Shared paths and fixtures; prints how many shared-suite cases ran."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO / "tests" / "conformance"
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


# Counts of the shared vector suite, per runner: {"library": {"ran": n, "skipped": n}}.
SUITE_COUNTS: Dict[str, Dict[str, int]] = {}


def count(runner: str, what: str) -> None:
    SUITE_COUNTS.setdefault(runner, {"ran": 0, "skipped": 0})[what] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for runner, c in sorted(SUITE_COUNTS.items()):
        terminalreporter.write_line(
            f"shared suite (layout-verify) through {runner}: {c['ran']} ran, {c['skipped']} skipped"
        )


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A fresh copy of examples/demo (inspections write into it)."""
    dest = tmp_path / "demo"
    shutil.copytree(DEMO, dest)
    return dest
