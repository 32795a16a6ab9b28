"""intoto_verify: an in-toto verifier with a Rust core.

>>> import intoto_verify
>>> report = intoto_verify.verify_layout(layout_bytes, [owner_pem], links, now="2026-01-01T00:00:00Z")  # doctest: +SKIP
>>> report.verdict, report.code  # doctest: +SKIP
('pass', None)
>>> report = intoto_verify.verify_attestation(envelope, builder_pem, artifact=Path("app.tgz"),
...                                           builder_id="https://github.com/actions/runner/github-hosted")  # doctest: +SKIP

Verification returns a :class:`Report` (layouts) or an :class:`AttestationReport`;
``raise_for_failure()`` (or ``raise_on_failure=True``) raises a subclass of
:class:`IntotoVerifyError` instead. :class:`Hasher` computes an artifact's SHA-256/384/512
in one streaming pass. ``python -m intoto_verify`` is the ``intoto-verify`` command line
(same flags and exit codes).
"""

from __future__ import annotations

from typing import Dict, Literal

from . import _native
from ._api import (
    Artifact,
    ArtifactDigest,
    Content,
    InspectionResult,
    Links,
    Now,
    Policy,
    Readable,
    VerificationKey,
    digest_artifact,
    read_link_dir,
    verify_attestation,
    verify_attestation_request,
    verify_layout,
    verify_layout_files,
    verify_request,
)
from ._errors import (
    ERROR_CLASSES,
    EnvelopeSignatureError,
    ExpiredError,
    InspectionError,
    IntotoVerifyError,
    InvalidInput,
    InvalidKeyError,
    LinkMissingError,
    MalformedEnvelopeError,
    MalformedLayoutError,
    MalformedStatementError,
    ParameterError,
    PayloadTypeError,
    PolicyError,
    RuleError,
    SignatureError,
    SubjectMismatchError,
    SublayoutError,
    ThresholdError,
    VerificationFailed,
)
from ._native import Digests, Hasher
from ._report import (
    AnyReport,
    AttestationReport,
    EnvelopeInfo,
    EnvelopeSignature,
    Failure,
    InspectionReport,
    KeyCheck,
    LayoutInfo,
    LinkReport,
    MatchedSubject,
    PolicyCheck,
    Report,
    ReportWarning,
    RuleOutcome,
    Signer,
    StatementInfo,
    StepReport,
    Verdict,
)

__version__: str = _native.__version__

FAILURE_CODES: Dict[str, Literal["fail", "error"]] = {
    code: ("error" if is_error else "fail") for code, is_error in _native.FAILURE_CODES
}
"""Every failure code of the core (layouts and attestations), in its order, with the
verdict it comes with: ``"fail"`` (does not verify) or ``"error"`` (cannot be evaluated)."""

__all__ = [
    "ERROR_CLASSES",
    "FAILURE_CODES",
    "AnyReport",
    "Artifact",
    "ArtifactDigest",
    "AttestationReport",
    "Content",
    "Digests",
    "EnvelopeInfo",
    "EnvelopeSignature",
    "EnvelopeSignatureError",
    "ExpiredError",
    "Failure",
    "Hasher",
    "InspectionError",
    "InspectionReport",
    "InspectionResult",
    "IntotoVerifyError",
    "InvalidInput",
    "InvalidKeyError",
    "KeyCheck",
    "LayoutInfo",
    "LinkMissingError",
    "LinkReport",
    "Links",
    "MalformedEnvelopeError",
    "MalformedLayoutError",
    "MalformedStatementError",
    "MatchedSubject",
    "Now",
    "ParameterError",
    "PayloadTypeError",
    "Policy",
    "PolicyCheck",
    "PolicyError",
    "Readable",
    "Report",
    "ReportWarning",
    "RuleError",
    "RuleOutcome",
    "SignatureError",
    "Signer",
    "StatementInfo",
    "StepReport",
    "SubjectMismatchError",
    "SublayoutError",
    "ThresholdError",
    "Verdict",
    "VerificationFailed",
    "VerificationKey",
    "__version__",
    "digest_artifact",
    "read_link_dir",
    "verify_attestation",
    "verify_attestation_request",
    "verify_layout",
    "verify_layout_files",
    "verify_request",
]
