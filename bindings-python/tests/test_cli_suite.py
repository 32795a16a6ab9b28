"""The shared vector suite through `python -m intoto_verify`, inspections included.

Each case runs in a fresh copy of its folder, with the same arguments as the Rust CLI's
runner (cli/tests/conformance.rs).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
from conftest import CONFORMANCE, count, layout_cases
from suite_util import DIFFERENCES, check

CASES = layout_cases()
SUITE_NAME = "tests/conformance layout-verify"


def cli_args(case: Dict[str, Any], work: Path) -> List[str]:
    inputs = case["inputs"]
    args = [
        "-l", str(work / inputs["layout"]),
        "--link-dir", str(work / inputs.get("link_dir", ".")),
        "--now", inputs["verification_time"],
        "--format", "json",
    ]  # fmt: skip
    keys = inputs["layout_keys"]
    if keys:
        args += ["--verification-keys", *[str(work / k["path"]) for k in keys]]
    for k, v in (inputs.get("substitution_parameters") or {}).items():
        args += ["--param", f"{k}={v}"]
    return args


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_layout_case_cli(case: Dict[str, Any], tmp_path: Path) -> None:
    work = tmp_path / "case"
    shutil.copytree(CONFORMANCE / "cases" / case["id"], work)
    run_dir = work / case["inputs"].get("working_dir", ".")
    proc = subprocess.run(
        [sys.executable, "-m", "intoto_verify", *cli_args(case, work)],
        cwd=run_dir,
        capture_output=True,
        timeout=120,
    )
    count(SUITE_NAME, "python -m intoto_verify", "ran")
    detail = f"exit {proc.returncode}\n{proc.stdout[:600]!r}\n{proc.stderr[:600]!r}"
    if not case["inputs"]["layout_keys"] and case["id"] not in DIFFERENCES:
        # No keys: the command line is refused (exit 2), like in-toto-verify.
        assert case["expected"]["verdict"] != "pass"
        assert proc.returncode == 2, detail
        return
    report = json.loads(proc.stdout)
    problem = check(case, report)
    assert problem is None, f"{case['id']}: {problem}\n{detail}"
    assert proc.returncode == (0 if report["verdict"] == "pass" else 1), detail
