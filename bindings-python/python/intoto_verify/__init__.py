"""intoto_verify: an in-toto verifier with a Rust core.

>>> import intoto_verify
>>> report = intoto_verify.verify_layout(layout_bytes, [owner_pem], links, now="2026-01-01T00:00:00Z")  # doctest: +SKIP
>>> report.verdict, report.code  # doctest: +SKIP
('pass', None)

Verification returns a :class:`Report`; :meth:`Report.raise_for_failure` (or
``raise_on_failure=True``) raises a subclass of :class:`IntotoVerifyError` instead.
``python -m intoto_verify`` is the ``intoto-verify`` command line (same flags and exit
codes).
"""

from __future__ import annotations

from . import _native
from ._api import (
    Content,
    InspectionResult,
    Links,
    Now,
    read_link_dir,
    verify_layout,
    verify_layout_files,
    verify_request,
)
from ._errors import (
    ERROR_CLASSES,
    ExpiredError,
    InspectionError,
    IntotoVerifyError,
    InvalidInput,
    InvalidKeyError,
    LinkMissingError,
    MalformedLayoutError,
    ParameterError,
    RuleError,
    SignatureError,
    SublayoutError,
    ThresholdError,
    VerificationFailed,
)
from ._report import (
    Failure,
    InspectionReport,
    KeyCheck,
    LayoutInfo,
    LinkReport,
    Report,
    ReportWarning,
    RuleOutcome,
    StepReport,
    Verdict,
)

__version__: str = _native.__version__

__all__ = [
    "ERROR_CLASSES",
    "Content",
    "ExpiredError",
    "Failure",
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
    "MalformedLayoutError",
    "Now",
    "ParameterError",
    "Report",
    "ReportWarning",
    "RuleError",
    "RuleOutcome",
    "SignatureError",
    "StepReport",
    "SublayoutError",
    "ThresholdError",
    "Verdict",
    "VerificationFailed",
    "__version__",
    "read_link_dir",
    "verify_layout",
    "verify_layout_files",
    "verify_request",
]
