"""Expected outcomes of the shared vector suite (tests/suite/README.md)."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from conftest import SUITE, load_json

ERROR_KINDS: Dict[str, str] = load_json(SUITE / "error-kinds.json")["codes"]
DIFFERENCES: Dict[str, Dict[str, str]] = load_json(SUITE / "differences.json")["cases"]


def error_kind(failure: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The manifest's error kind of a JSON failure (`sublayout-failed` maps through its cause)."""
    if not failure:
        return None
    code = str(failure.get("code", ""))
    if code == "sublayout-failed" and failure.get("cause"):
        return error_kind(failure["cause"])
    return ERROR_KINDS.get(code, code)


def expected_kinds(case: Mapping[str, Any]) -> List[str]:
    exp = case["expected"]
    kinds = [exp["error_kind"]] if exp.get("error_kind") else []
    kinds += list(exp.get("acceptable_error_kinds") or [])
    return kinds


def check(case: Mapping[str, Any], report: Mapping[str, Any]) -> Optional[str]:
    """None if `report` (JSON form) is what the suite expects for `case`, else why not."""
    cid = case["id"]
    failure = report.get("failure") or {}
    if cid in DIFFERENCES:
        want = DIFFERENCES[cid]["code"]
        if failure.get("code") != want:
            return f"deliberate difference: expected code {want}, got {failure.get('code')}"
        return None
    if case["expected"]["verdict"] == "pass":
        if report.get("verdict") != "pass":
            return f"expected pass, got {report.get('verdict')}: {failure}"
        return None
    kinds = expected_kinds(case)
    got = error_kind(failure)
    if report.get("verdict") == "pass" or got not in kinds:
        return f"expected {kinds}, got {report.get('verdict')} {got}: {failure.get('message')}"
    return None
