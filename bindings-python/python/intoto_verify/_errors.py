"""Exceptions: one base class, a class per verdict, a class per family of failure codes.

Verification returns a report (:class:`~intoto_verify.Report` for layouts,
:class:`~intoto_verify.AttestationReport` for attestations); these are raised only on
request (``raise_for_failure()`` or ``raise_on_failure=True``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Type

if TYPE_CHECKING:
    from ._report import AnyReport, Failure

__all__ = [
    "EnvelopeSignatureError",
    "ExpiredError",
    "InspectionError",
    "IntotoVerifyError",
    "InvalidInput",
    "InvalidKeyError",
    "LinkMissingError",
    "MalformedEnvelopeError",
    "MalformedLayoutError",
    "MalformedStatementError",
    "ParameterError",
    "PayloadTypeError",
    "PolicyError",
    "RuleError",
    "SignatureError",
    "SubjectMismatchError",
    "SublayoutError",
    "ThresholdError",
    "VerificationFailed",
    "error_for",
]


class IntotoVerifyError(Exception):
    """Base class of every error of this package.

    ``code`` is the core's stable failure code (``"layout-expired"``, ...), ``report`` the
    full report (a :class:`~intoto_verify.Report` or an
    :class:`~intoto_verify.AttestationReport`) and ``failure`` its
    :class:`~intoto_verify.Failure`.
    """

    code: Optional[str]
    report: Optional[AnyReport]

    def __init__(
        self, message: str, *, code: Optional[str] = None, report: Optional[AnyReport] = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.report = report

    @property
    def failure(self) -> Optional[Failure]:
        """The report's failure, if there is a report."""
        return None if self.report is None else self.report.failure

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


class VerificationFailed(IntotoVerifyError):
    """The metadata was evaluated and does not verify (verdict ``fail``)."""


class InvalidInput(IntotoVerifyError, ValueError):
    """The input could not be evaluated (verdict ``error``): a malformed layout, envelope
    or Statement, a key that does not load, an invalid request."""


class MalformedLayoutError(InvalidInput):
    """``layout-malformed``: not JSON, not an envelope, or not a valid layout;
    ``limit-exceeded``: beyond a size limit (``failure.path`` names it)."""


class InvalidKeyError(InvalidInput):
    """``key-invalid``: a verification key cannot be loaded."""


class MalformedEnvelopeError(InvalidInput):
    """``envelope-malformed``: not JSON, not a DSSE envelope, or no signature."""


class MalformedStatementError(InvalidInput):
    """``statement-malformed``, ``predicate-malformed``: the verified payload is not a
    valid in-toto Statement, or its predicate does not fit its predicateType's schema."""


class SignatureError(VerificationFailed):
    """``layout-signature-missing``, ``layout-signature-invalid``, and for attestations
    (subclass :class:`EnvelopeSignatureError`) ``envelope-signature-invalid``,
    ``envelope-threshold-unmet``."""


class EnvelopeSignatureError(SignatureError):
    """``envelope-signature-invalid`` (no trusted key verified a signature),
    ``envelope-threshold-unmet`` (fewer distinct trusted keys than the threshold)."""


class ExpiredError(VerificationFailed):
    """``layout-expired``."""


class ParameterError(VerificationFailed):
    """``parameter-missing``, ``parameter-invalid``."""


class LinkMissingError(VerificationFailed):
    """``link-missing``: fewer link files than the step's threshold."""


class ThresholdError(VerificationFailed):
    """``threshold-unmet``, ``threshold-links-disagree``."""


class SublayoutError(VerificationFailed):
    """``sublayout-failed`` (see ``failure.cause``), ``sublayout-too-deep``."""


class RuleError(VerificationFailed):
    """``rule-disallowed``, ``rule-required-missing``, ``rule-pattern-invalid``,
    ``artifact-name-unsafe``."""


class InspectionError(VerificationFailed):
    """``inspection-failed``, ``inspection-result-missing``."""


class PayloadTypeError(VerificationFailed):
    """``payload-type-unsupported``: the envelope's payloadType does not announce an
    in-toto Statement."""


class SubjectMismatchError(VerificationFailed):
    """``subject-mismatch``: no Statement subject matches the artifact's digest."""


class PolicyError(VerificationFailed):
    """The Statement does not say what the policy requires (``failure.expected`` and
    ``failure.actual`` say what): ``predicate-type-mismatch``, ``builder-id-mismatch``,
    ``build-type-mismatch``, ``source-uri-mismatch``, ``source-ref-mismatch``,
    ``source-tag-mismatch``, ``source-branch-mismatch``, ``external-parameter-mismatch``,
    ``vsa-verifier-mismatch``, ``vsa-resource-uri-mismatch``, ``vsa-policy-mismatch``,
    ``vsa-result-not-passed``, ``vsa-level-unmet``."""


#: The class raised for each failure code of the core (``FAILURE_CODES``). A code not
#: listed (a newer core) raises ``VerificationFailed`` or ``InvalidInput`` by verdict.
ERROR_CLASSES: Dict[str, Type[IntotoVerifyError]] = {
    # requests, keys (layouts and attestations)
    "layout-keys-missing": InvalidInput,
    "verification-keys-missing": InvalidInput,
    "key-invalid": InvalidKeyError,
    "request-invalid": InvalidInput,
    # layouts
    "layout-malformed": MalformedLayoutError,
    "limit-exceeded": MalformedLayoutError,
    "layout-signature-missing": SignatureError,
    "layout-signature-invalid": SignatureError,
    "layout-expired": ExpiredError,
    "parameter-missing": ParameterError,
    "parameter-invalid": ParameterError,
    "link-missing": LinkMissingError,
    "threshold-unmet": ThresholdError,
    "threshold-links-disagree": ThresholdError,
    "sublayout-failed": SublayoutError,
    "sublayout-too-deep": SublayoutError,
    "artifact-name-unsafe": RuleError,
    "rule-disallowed": RuleError,
    "rule-required-missing": RuleError,
    "rule-pattern-invalid": RuleError,
    "inspection-failed": InspectionError,
    "inspection-result-missing": InspectionError,
    # attestations
    "envelope-malformed": MalformedEnvelopeError,
    "envelope-signature-invalid": EnvelopeSignatureError,
    "envelope-threshold-unmet": EnvelopeSignatureError,
    "payload-type-unsupported": PayloadTypeError,
    "statement-malformed": MalformedStatementError,
    "predicate-malformed": MalformedStatementError,
    "subject-mismatch": SubjectMismatchError,
    "predicate-type-mismatch": PolicyError,
    "builder-id-mismatch": PolicyError,
    "build-type-mismatch": PolicyError,
    "source-uri-mismatch": PolicyError,
    "source-ref-mismatch": PolicyError,
    "source-tag-mismatch": PolicyError,
    "source-branch-mismatch": PolicyError,
    "external-parameter-mismatch": PolicyError,
    "vsa-verifier-mismatch": PolicyError,
    "vsa-resource-uri-mismatch": PolicyError,
    "vsa-policy-mismatch": PolicyError,
    "vsa-result-not-passed": PolicyError,
    "vsa-level-unmet": PolicyError,
}


def error_for(report: AnyReport) -> IntotoVerifyError:
    """The exception for a report that did not pass (the verdict decides between
    ``VerificationFailed`` and ``InvalidInput``; the code picks the subclass)."""
    base: Type[IntotoVerifyError] = InvalidInput if report.verdict == "error" else VerificationFailed
    failure = report.failure
    code = None if failure is None else failure.code
    cls = ERROR_CLASSES.get(code or "", base)
    if not issubclass(cls, base):
        cls = base
    from ._report import AttestationReport

    if failure is not None:
        message = failure.message
    elif isinstance(report, AttestationReport):
        message = "the attestation did not verify"
    else:
        message = "verification did not pass"
    return cls(message, code=code, report=report)
