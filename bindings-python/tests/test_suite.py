"""The shared vector suite (tests/suite/README.md) through the library API.

Every `layout-verify` case of tests/conformance/manifest.json: cases whose inspections
must really run need a process runner, so here they are skipped with that reason (they
run through `python -m intoto_verify` in test_cli_suite.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
from conftest import CONFORMANCE, count, layout_cases
from suite_util import check

import intoto_verify

CASES = layout_cases()
SUITE_NAME = "tests/conformance layout-verify"


def read_tree(directory: Path) -> Dict[str, bytes]:
    """Every file below `directory`, by `/`-separated relative name (the suite's rule)."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_suite_is_there() -> None:
    assert len(CASES) >= 100


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_layout_case(case: Dict[str, Any]) -> None:
    if case["inspections"]["needed"]:
        count(SUITE_NAME, "verify_layout", "skipped: inspections must run (test_cli_suite.py runs them)")
        pytest.skip("inspections must run: needs a process runner (runs in test_cli_suite.py)")
    d = CONFORMANCE / "cases" / case["id"]
    inputs = case["inputs"]
    report = intoto_verify.verify_layout(
        d / inputs["layout"],
        [d / k["path"] for k in inputs["layout_keys"]],
        read_tree(d / inputs.get("link_dir", ".")),
        now=inputs["verification_time"],
        parameters=inputs.get("substitution_parameters"),
    )
    count(SUITE_NAME, "verify_layout", "ran")
    problem = check(case, report.to_dict())
    assert problem is None, f"{case['id']}: {problem}"
