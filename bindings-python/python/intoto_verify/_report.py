"""The verification reports as typed, read-only objects.

The core produces a report as JSON (the same JSON the CLI prints with ``--format json``);
:meth:`Report.from_dict` (layouts) and :meth:`AttestationReport.from_dict` (attestations)
turn it into these dataclasses. Fields the core adds later are kept in ``to_dict()`` even
before this module knows them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Mapping, Optional, Union, cast

Verdict = Literal["pass", "fail", "error"]
"""The overall answer: ``pass``, ``fail`` (does not verify) or ``error`` (cannot be
evaluated)."""

__all__ = [
    "AnyReport",
    "AttestationReport",
    "EnvelopeInfo",
    "EnvelopeSignature",
    "Failure",
    "InspectionReport",
    "KeyCheck",
    "LayoutInfo",
    "LinkReport",
    "MatchedSubject",
    "PolicyCheck",
    "Report",
    "ReportWarning",
    "RuleOutcome",
    "Signer",
    "StatementInfo",
    "StepReport",
    "Verdict",
]


def _opt_str(d: Mapping[str, Any], key: str) -> Optional[str]:
    v = d.get(key)
    return None if v is None else str(v)


def _str_list(v: Any) -> List[str]:
    return [str(x) for x in v] if v else []


def _int_list(v: Any) -> List[int]:
    return [int(x) for x in v] if v else []


def _copy(d: Mapping[str, Any]) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads(json.dumps(d))
    return data


def _object(text: str) -> Dict[str, Any]:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a report is a JSON object")
    return data


@dataclass(frozen=True)
class Failure:
    """Why verification did not pass, and where.

    ``code`` is stable and machine-readable (``"layout-expired"``, ``"rule-disallowed"``,
    ``"subject-mismatch"``, ...); the other fields say which step, inspection, rule,
    artifacts, key or file the failure is about, when it is about one, and for an
    attestation check the value required (``expected``) and found (``actual``).
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
    expected: Optional[str] = None
    """For an attestation check: the value required."""
    actual: Optional[str] = None
    """For an attestation check: the value found (``None`` when there is none)."""

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
            expected=_opt_str(d, "expected"),
            actual=_opt_str(d, "actual"),
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
            _data=_copy(d),
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Builds a report from its JSON text (as the CLI's ``--format json`` prints)."""
        return cls.from_dict(_object(text))

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
        return _copy(self._data)

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


# ---------------------------------------------------------------------------------------
# Attestations (docs/attestations.md)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvelopeSignature:
    """One signature of the envelope: its index, its keyid hint, the indices of the
    verification keys that verified it, and those not tried because the keyid declared
    for them differs from the signature's."""

    index: int
    keyid: Optional[str] = None
    verified_by: List[int] = field(default_factory=list)
    keyid_mismatch: List[int] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EnvelopeSignature:
        return cls(
            index=int(d.get("index", 0)),
            keyid=_opt_str(d, "keyid"),
            verified_by=_int_list(d.get("verified_by")),
            keyid_mismatch=_int_list(d.get("keyid_mismatch")),
        )


@dataclass(frozen=True)
class Signer:
    """A distinct trusted key that signed the envelope: the index of the (first)
    verification key with this key material, its securesystemslib keyid, the keyid given
    for it (if any) and the SHA-256 of its SubjectPublicKeyInfo."""

    key_index: int
    keyid: str
    fingerprint: str
    declared_keyid: Optional[str] = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Signer:
        return cls(
            key_index=int(d.get("key_index", 0)),
            keyid=str(d.get("keyid", "")),
            fingerprint=str(d.get("fingerprint", "")),
            declared_keyid=_opt_str(d, "declared_keyid"),
        )


@dataclass(frozen=True)
class EnvelopeInfo:
    """What is known about the DSSE envelope once it parsed."""

    payload_type: str
    payload_sha256: str
    """SHA-256 of the verified payload bytes, hex."""
    threshold: int
    signatures: List[EnvelopeSignature] = field(default_factory=list)
    signers: List[Signer] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EnvelopeInfo:
        return cls(
            payload_type=str(d.get("payload_type", "")),
            payload_sha256=str(d.get("payload_sha256", "")),
            threshold=int(d.get("threshold", 0)),
            signatures=[EnvelopeSignature.from_dict(x) for x in d.get("signatures") or []],
            signers=[Signer.from_dict(x) for x in d.get("signers") or []],
        )


@dataclass(frozen=True)
class StatementInfo:
    """The verified in-toto Statement: ``version`` (``"v1"`` or ``"v0.1"``), its
    ``predicate_type`` and its ``body`` as parsed from the verified payload bytes."""

    version: str
    predicate_type: str
    body: Dict[str, Any] = field(default_factory=dict)

    @property
    def subjects(self) -> List[Dict[str, Any]]:
        """The Statement's ``subject`` list."""
        subject = self.body.get("subject")
        return [dict(s) for s in subject] if isinstance(subject, list) else []

    @property
    def predicate(self) -> Optional[Dict[str, Any]]:
        """The Statement's ``predicate`` (``None`` when absent or null)."""
        p = self.body.get("predicate")
        return dict(p) if isinstance(p, dict) else None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> StatementInfo:
        body = d.get("body")
        return cls(
            version=str(d.get("version", "")),
            predicate_type=str(d.get("predicate_type", "")),
            body=_copy(body) if isinstance(body, dict) else {},
        )


@dataclass(frozen=True)
class MatchedSubject:
    """A Statement subject that matches the artifact: its index in ``subject``, its
    ``name`` and the algorithms whose values agree."""

    index: int
    name: Optional[str] = None
    algorithms: List[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MatchedSubject:
        return cls(
            index=int(d.get("index", 0)),
            name=_opt_str(d, "name"),
            algorithms=_str_list(d.get("algorithms")),
        )


@dataclass(frozen=True)
class PolicyCheck:
    """One policy check: what was checked (``"builder-id"``, ``"source-uri"``,
    ``"vsa-verified-level"``, ...), the failure code it raises, whether it passed, the
    value required and found, and where in the Statement the value was read."""

    check: str
    code: str
    passed: bool
    expected: str
    message: str
    actual: Optional[str] = None
    path: Optional[str] = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PolicyCheck:
        return cls(
            check=str(d.get("check", "")),
            code=str(d.get("code", "")),
            passed=bool(d.get("passed", False)),
            expected=str(d.get("expected", "")),
            message=str(d.get("message", "")),
            actual=_opt_str(d, "actual"),
            path=_opt_str(d, "path"),
        )


@dataclass(frozen=True)
class AttestationReport:
    """The whole answer of an attestation verification (``verify_attestation``).

    The same shape as :class:`Report` (``verdict``, ``failure``, ``warnings``) with the
    attestation's parts: the ``envelope`` and who signed it, the verified ``statement``,
    the ``artifact`` digests the subjects were matched against, the
    ``matched_subjects`` and the policy ``checks``.
    """

    verdict: Verdict
    failure: Optional[Failure] = None
    envelope: Optional[EnvelopeInfo] = None
    statement: Optional[StatementInfo] = None
    artifact: Optional[Dict[str, str]] = None
    """The artifact's digests (algorithm to hex) when an artifact or its digest was given."""
    matched_subjects: List[MatchedSubject] = field(default_factory=list)
    checks: List[PolicyCheck] = field(default_factory=list)
    warnings: List[ReportWarning] = field(default_factory=list)
    _data: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AttestationReport:
        """Builds a report from its JSON form (as :meth:`to_dict` returns it)."""
        failure = d.get("failure")
        envelope = d.get("envelope")
        statement = d.get("statement")
        artifact = d.get("artifact")
        return cls(
            verdict=cast(Verdict, str(d.get("verdict", "error"))),
            failure=None if failure is None else Failure.from_dict(failure),
            envelope=None if envelope is None else EnvelopeInfo.from_dict(envelope),
            statement=None if statement is None else StatementInfo.from_dict(statement),
            artifact=None if artifact is None else {str(k): str(v) for k, v in artifact.items()},
            matched_subjects=[MatchedSubject.from_dict(x) for x in d.get("matched_subjects") or []],
            checks=[PolicyCheck.from_dict(x) for x in d.get("checks") or []],
            warnings=[ReportWarning.from_dict(x) for x in d.get("warnings") or []],
            _data=_copy(d),
        )

    @classmethod
    def from_json(cls, text: str) -> AttestationReport:
        """Builds a report from its JSON text (as ``intoto-verify attestation --format
        json`` prints)."""
        return cls.from_dict(_object(text))

    @property
    def passed(self) -> bool:
        """Whether the verdict is ``pass``."""
        return self.verdict == "pass"

    @property
    def code(self) -> Optional[str]:
        """The failure code, or ``None`` when the verdict is ``pass``."""
        return None if self.failure is None else self.failure.code

    @property
    def predicate_type(self) -> Optional[str]:
        """The verified Statement's predicateType (``None`` before it parsed)."""
        return None if self.statement is None else self.statement.predicate_type

    def to_dict(self) -> Dict[str, Any]:
        """The report as plain JSON data (a fresh copy), exactly as the core produced it."""
        return _copy(self._data)

    def to_json(self, *, indent: Optional[int] = None) -> str:
        """The report as JSON text."""
        return json.dumps(self._data, indent=indent)

    def raise_for_failure(self) -> AttestationReport:
        """Returns the report if it passed, else raises the matching
        :class:`~intoto_verify.IntotoVerifyError` subclass (with this report attached)."""
        if self.passed:
            return self
        from ._errors import error_for

        raise error_for(self)


AnyReport = Union[Report, AttestationReport]
"""A layout :class:`Report` or an :class:`AttestationReport`."""
