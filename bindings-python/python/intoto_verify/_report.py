"""The verification report as typed, read-only objects.

The core produces the report as JSON (the same JSON the CLI prints with ``--format json``);
:meth:`Report.from_dict` turns it into these dataclasses. Fields the core adds later are
kept in :meth:`Report.to_dict` even before this module knows them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Mapping, Optional, cast

Verdict = Literal["pass", "fail", "error"]
"""The overall answer: ``pass``, ``fail`` (does not verify) or ``error`` (cannot be
evaluated)."""

__all__ = [
    "Failure",
    "InspectionReport",
    "KeyCheck",
    "LayoutInfo",
    "LinkReport",
    "Report",
    "ReportWarning",
    "RuleOutcome",
    "StepReport",
    "Verdict",
]


def _opt_str(d: Mapping[str, Any], key: str) -> Optional[str]:
    v = d.get(key)
    return None if v is None else str(v)


def _str_list(v: Any) -> List[str]:
    return [str(x) for x in v] if v else []


@dataclass(frozen=True)
class Failure:
    """Why verification did not pass, and where.

    ``code`` is stable and machine-readable (``"layout-expired"``, ``"rule-disallowed"``,
    ...); the other fields say which step, inspection, rule, artifacts, key or file the
    failure is about, when it is about one.
    """

    code: str
    message: str
    step: Optional[str] = None
    inspection: Optional[str] = None
    side: Optional[str] = None
    """``"materials"`` or ``"products"``, for rule failures."""
    rule: Optional[List[str]] = None
    rule_index: Optional[int] = None
    artifacts: List[str] = field(default_factory=list)
    keyid: Optional[str] = None
    path: Optional[str] = None
    """The link file or request field at fault."""
    cause: Optional[Failure] = None
    """For ``sublayout-failed``: the sublayout's own failure."""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Failure:
        cause = d.get("cause")
        rule = d.get("rule")
        idx = d.get("rule_index")
        return cls(
            code=str(d.get("code", "")),
            message=str(d.get("message", "")),
            step=_opt_str(d, "step"),
            inspection=_opt_str(d, "inspection"),
            side=_opt_str(d, "side"),
            rule=None if rule is None else _str_list(rule),
            rule_index=None if idx is None else int(idx),
            artifacts=_str_list(d.get("artifacts")),
            keyid=_opt_str(d, "keyid"),
            path=_opt_str(d, "path"),
            cause=None if cause is None else Failure.from_dict(cause),
        )

    @property
    def root_cause(self) -> Failure:
        """The innermost failure (follows ``cause`` through sublayouts)."""
        f = self
        while f.cause is not None:
            f = f.cause
        return f


@dataclass(frozen=True)
class ReportWarning:
    """A non-fatal observation (``command-mismatch``, ``inspections-skipped``, ...)."""

    code: str
    message: str
    step: Optional[str] = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ReportWarning:
        return cls(
            code=str(d.get("code", "")),
            message=str(d.get("message", "")),
            step=_opt_str(d, "step"),
        )


@dataclass(frozen=True)
class KeyCheck:
    """The check of one layout key: ``verified``, ``no-signature`` or ``invalid``."""

    keyid: str
    status: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> KeyCheck:
        return cls(keyid=str(d.get("keyid", "")), status=str(d.get("status", "")))


@dataclass(frozen=True)
class LayoutInfo:
    """What is known about the layout once it parsed."""

    format: str
    """``"metablock"`` or ``"dsse"``."""
    expires: str
    readme: str
    signatures: List[KeyCheck] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LayoutInfo:
        return cls(
            format=str(d.get("format", "")),
            expires=str(d.get("expires", "")),
            readme=str(d.get("readme", "")),
            signatures=[KeyCheck.from_dict(k) for k in d.get("signatures") or []],
        )


@dataclass(frozen=True)
class RuleOutcome:
    """What one artifact rule did: the rule (after substitution) and what it consumed."""

    rule: List[str]
    consumed_count: int
    consumed: List[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RuleOutcome:
        return cls(
            rule=_str_list(d.get("rule")),
            consumed_count=int(d.get("consumed_count", 0)),
            consumed=_str_list(d.get("consumed")),
        )


@dataclass(frozen=True)
class LinkReport:
    """One authorised functionary's link file for a step, and what happened to it."""

    path: str
    keyid: str
    status: str
    """``accepted``, ``duplicate``, ``missing``, ``unparseable``, ``no-signature``,
    ``bad-signature``, ``name-mismatch``, ``unknown-key`` or ``sublayout-failed``."""
    detail: Optional[str] = None
    format: Optional[str] = None
    sublayout: Optional[Report] = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LinkReport:
        sub = d.get("sublayout")
        return cls(
            path=str(d.get("path", "")),
            keyid=str(d.get("keyid", "")),
            status=str(d.get("status", "")),
            detail=_opt_str(d, "detail"),
            format=_opt_str(d, "format"),
            sublayout=None if sub is None else Report.from_dict(sub),
        )


@dataclass(frozen=True)
class StepReport:
    """What happened in one step."""

    name: str
    threshold: int
    links: List[LinkReport] = field(default_factory=list)
    materials: List[RuleOutcome] = field(default_factory=list)
    products: List[RuleOutcome] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> StepReport:
        return cls(
            name=str(d.get("name", "")),
            threshold=int(d.get("threshold", 0)),
            links=[LinkReport.from_dict(x) for x in d.get("links") or []],
            materials=[RuleOutcome.from_dict(x) for x in d.get("materials") or []],
            products=[RuleOutcome.from_dict(x) for x in d.get("products") or []],
        )


@dataclass(frozen=True)
class InspectionReport:
    """What happened in one inspection."""

    name: str
    run: List[str] = field(default_factory=list)
    return_value: Optional[int] = None
    materials: List[RuleOutcome] = field(default_factory=list)
    products: List[RuleOutcome] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> InspectionReport:
        rv = d.get("return_value")
        return cls(
            name=str(d.get("name", "")),
            run=_str_list(d.get("run")),
            return_value=None if rv is None else int(rv),
            materials=[RuleOutcome.from_dict(x) for x in d.get("materials") or []],
            products=[RuleOutcome.from_dict(x) for x in d.get("products") or []],
        )


@dataclass(frozen=True)
class Report:
    """The whole answer of a verification.

    ``verdict`` is ``"pass"``, ``"fail"`` (the metadata was evaluated and does not verify)
    or ``"error"`` (the input could not be evaluated). A report is returned, not raised;
    call :meth:`raise_for_failure` to turn a non-pass into an exception.
    """

    verdict: Verdict
    failure: Optional[Failure] = None
    layout: Optional[LayoutInfo] = None
    steps: List[StepReport] = field(default_factory=list)
    inspections: List[InspectionReport] = field(default_factory=list)
    warnings: List[ReportWarning] = field(default_factory=list)
    _data: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Report:
        """Builds a report from its JSON form (as :meth:`to_dict` returns it)."""
        failure = d.get("failure")
        layout = d.get("layout")
        return cls(
            verdict=cast(Verdict, str(d.get("verdict", "error"))),
            failure=None if failure is None else Failure.from_dict(failure),
            layout=None if layout is None else LayoutInfo.from_dict(layout),
            steps=[StepReport.from_dict(x) for x in d.get("steps") or []],
            inspections=[InspectionReport.from_dict(x) for x in d.get("inspections") or []],
            warnings=[ReportWarning.from_dict(x) for x in d.get("warnings") or []],
            _data=json.loads(json.dumps(d)),
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Builds a report from its JSON text (as the CLI's ``--format json`` prints)."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a report is a JSON object")
        return cls.from_dict(data)

    @property
    def passed(self) -> bool:
        """Whether the verdict is ``pass``."""
        return self.verdict == "pass"

    @property
    def code(self) -> Optional[str]:
        """The failure code, or ``None`` when the verdict is ``pass``."""
        return None if self.failure is None else self.failure.code

    def to_dict(self) -> Dict[str, Any]:
        """The report as plain JSON data (a fresh copy), exactly as the core produced it."""
        data: Dict[str, Any] = json.loads(json.dumps(self._data))
        return data

    def to_json(self, *, indent: Optional[int] = None) -> str:
        """The report as JSON text."""
        return json.dumps(self._data, indent=indent)

    def raise_for_failure(self) -> Report:
        """Returns the report if it passed, else raises the matching
        :class:`~intoto_verify.IntotoVerifyError` subclass (with this report attached)."""
        if self.passed:
            return self
        from ._errors import error_for

        raise error_for(self)
