"""Exceptions: one base class, a class per verdict, a class per family of failure codes.

Verification returns a :class:`~intoto_verify.Report`; these are raised only on request
(:meth:`Report.raise_for_failure` or ``verify_layout(..., raise_on_failure=True)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Type

if TYPE_CHECKING:
    from ._report import Failure, Report

__all__ = [
    "ExpiredError",
    "InspectionError",
    "IntotoVerifyError",
    "InvalidInput",
    "InvalidKeyError",
    "LinkMissingError",
    "MalformedLayoutError",
    "ParameterError",
    "RuleError",
    "SignatureError",
    "SublayoutError",
    "ThresholdError",
    "VerificationFailed",
    "error_for",
]


class IntotoVerifyError(Exception):
    """Base class of every error of this package.

    ``code`` is the core's stable failure code (``"layout-expired"``, ...), ``report`` the
    full :class:`~intoto_verify.Report` and ``failure`` its :class:`~intoto_verify.Failure`.
    """

    code: Optional[str]
    report: Optional[Report]

    def __init__(
        self, message: str, *, code: Optional[str] = None, report: Optional[Report] = None
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
    """The input could not be evaluated (verdict ``error``): a malformed layout, a key
    that does not load, an invalid request."""


class MalformedLayoutError(InvalidInput):
    """``layout-malformed``: not JSON, not an envelope, or not a valid layout."""


class InvalidKeyError(InvalidInput):
    """``key-invalid``: a verification key cannot be loaded."""


class SignatureError(VerificationFailed):
    """``layout-signature-missing``, ``layout-signature-invalid``."""


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


#: The class raised for each failure code. A code not listed (a newer core) raises
#: ``VerificationFailed`` or ``InvalidInput`` by verdict.
ERROR_CLASSES: Dict[str, Type[IntotoVerifyError]] = {
    "layout-malformed": MalformedLayoutError,
    "layout-keys-missing": InvalidInput,
    "key-invalid": InvalidKeyError,
    "request-invalid": InvalidInput,
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
}


def error_for(report: Report) -> IntotoVerifyError:
    """The exception for a report that did not pass (the verdict decides between
    ``VerificationFailed`` and ``InvalidInput``; the code picks the subclass)."""
    base: Type[IntotoVerifyError] = InvalidInput if report.verdict == "error" else VerificationFailed
    failure = report.failure
    code = None if failure is None else failure.code
    cls = ERROR_CLASSES.get(code or "", base)
    if not issubclass(cls, base):
        cls = base
    message = "verification did not pass" if failure is None else failure.message
    return cls(message, code=code, report=report)
