"""tests/regression (tests/regression/README.md): the advisories and known bugs of in-toto
verifiers, with the exact failure code expected.

* through the library (`verify_layout`): every case but the `cli_only` ones (they run an
  inspection, which needs a process runner), with links = every file below `link_dir`,
  as core/tests/conformance_layout.rs `regression_cases` does;
* through `python -m intoto_verify`: every case, in a fresh copy of its folder, with the
  arguments of cli/tests/conformance.rs `regression_cases_through_the_cli`; a case with
  `ambient` runs a second time with those files written into its working directory and
  those environment variables set, and must give the same answer.

A case marked `known_failure` is skipped with its reason (none at the moment).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import pytest
from conftest import REGRESSION, count, load_json
from test_cli_suite import cli_args
from test_suite import read_tree

import intoto_verify

CASES: List[Dict[str, Any]] = load_json(REGRESSION / "manifest.json")["cases"]
SUITE_NAME = "tests/regression"
IDS = [c["id"] for c in CASES]


def test_manifest_is_there() -> None:
    assert len(CASES) >= 40
    assert all(c["kind"] == "layout-verify" for c in CASES)


def mismatch(case: Mapping[str, Any], report: Mapping[str, Any]) -> Optional[str]:
    """None if the JSON report has the case's verdict, code and cause code, else why not."""
    exp = case["expected"]
    failure = report.get("failure") or {}
    cause = failure.get("cause") or {}
    ok = (
        (report.get("verdict") == "pass") == (exp["verdict"] == "pass")
        and failure.get("code") == exp.get("code")
        and (exp.get("cause_code") is None or cause.get("code") == exp["cause_code"])
    )
    if ok:
        return None
    return (f"expected {exp['verdict']} {exp.get('code')} (cause {exp.get('cause_code')}), "
            f"got {report.get('verdict')} {failure.get('code')} (cause {cause.get('code')}): "
            f"{failure.get('message')}")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_regression_case(case: Dict[str, Any]) -> None:
    if case.get("cli_only"):
        count(SUITE_NAME, "verify_layout", "skipped: cli_only (runs an inspection)")
        pytest.skip("cli_only: runs an inspection, which needs a process runner "
                    "(runs through python -m intoto_verify)")
    if case.get("known_failure"):
        count(SUITE_NAME, "verify_layout", "skipped: known_failure")
        pytest.skip(f"known failure: {case['known_failure']}")
    d = REGRESSION / "cases" / case["id"]
    inputs = case["inputs"]
    report = intoto_verify.verify_layout(
        d / inputs["layout"],
        [d / k["path"] for k in inputs["layout_keys"]],
        read_tree(d / inputs.get("link_dir", ".")),
        now=inputs["verification_time"],
        parameters=inputs.get("substitution_parameters"),
    )
    count(SUITE_NAME, "verify_layout", "ran")
    problem = mismatch(case, report.to_dict())
    assert problem is None, f"{case['id']}: {problem}"


def run_cli(case: Mapping[str, Any], work: Path, env: Optional[Dict[str, str]] = None
            ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "intoto_verify", *cli_args(dict(case), work)],
        cwd=work / case["inputs"].get("working_dir", "."),
        env=None if env is None else {**os.environ, **env},
        capture_output=True,
        timeout=120,
    )


def check_cli(case: Mapping[str, Any], proc: subprocess.CompletedProcess[bytes], label: str) -> None:
    detail = f"{case['id']}{label}: exit {proc.returncode}\n{proc.stdout[:600]!r}\n{proc.stderr[:600]!r}"
    report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    problem = mismatch(case, report)
    assert problem is None, f"{problem}\n{detail}"
    assert proc.returncode == (0 if case["expected"]["verdict"] == "pass" else 1), detail


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_regression_case_cli(case: Dict[str, Any], tmp_path: Path) -> None:
    if case.get("known_failure"):
        count(SUITE_NAME, "python -m intoto_verify", "skipped: known_failure")
        pytest.skip(f"known failure: {case['known_failure']}")
    assert case["inputs"]["layout_keys"], "every regression case has layout keys"
    work = tmp_path / "case"
    shutil.copytree(REGRESSION / "cases" / case["id"], work)
    check_cli(case, run_cli(case, work), "")
    count(SUITE_NAME, "python -m intoto_verify", "ran")
    ambient = case.get("ambient")
    if ambient:
        run_dir = work / case["inputs"].get("working_dir", ".")
        for name, text in ambient.get("files", {}).items():
            (run_dir / name).write_text(text, encoding="utf-8")
        check_cli(case, run_cli(case, work, dict(ambient.get("env", {}))), " (with ambient config)")
        count(SUITE_NAME, "python -m intoto_verify", "also ran with ambient config")
