"""The native module of intoto_verify (Rust, pyo3). Use the package's functions instead."""

from typing import Any, Dict, Sequence, Tuple, final

__all__ = [
    "FAILURE_CODES",
    "Digests",
    "Hasher",
    "run_cli",
    "verify_attestation",
    "verify_attestation_json",
    "verify_layout",
    "verify_layout_json",
    "__version__",
]

__version__: str

FAILURE_CODES: Tuple[Tuple[str, bool], ...]
"""Every failure code of the core, in its order, with whether it means verdict ``error``."""

def verify_layout(request: Any) -> str:
    """Verifies a request dict in the core's shape; returns the report as JSON. Never raises
    for a bad request: that is a report with code ``request-invalid``."""

def verify_layout_json(request: str) -> str:
    """Verifies a request given as JSON text; returns the report as JSON."""

def verify_attestation(request: Any) -> str:
    """Verifies an attestation request dict in the core's shape; returns the report as
    JSON. Never raises for a bad request: that is a report with code ``request-invalid``."""

def verify_attestation_json(request: str) -> str:
    """Verifies an attestation request given as JSON text; returns the report as JSON."""

def run_cli(args: Sequence[str]) -> tuple[int, bytes, bytes]:
    """Runs the ``intoto-verify`` command line (``args[0]`` is the program name); returns
    ``(exit_code, stdout, stderr)``."""

@final
class Digests:
    """The digests a :class:`Hasher` computed (lowercase hex) and the length hashed."""

    @property
    def sha256(self) -> str: ...
    @property
    def sha384(self) -> str: ...
    @property
    def sha512(self) -> str: ...
    @property
    def length(self) -> int: ...
    def __new__(cls, sha256: str, sha384: str, sha512: str, length: int) -> Digests: ...
    def __getnewargs__(self) -> Tuple[str, str, str, int]: ...
    def to_digest_set(self) -> Dict[str, str]:
        """``{"sha256": ..., "sha384": ..., "sha512": ...}``: an in-toto DigestSet."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Hasher:
    """SHA-256, SHA-384 and SHA-512 of one byte stream, in one pass and constant memory.
    The GIL is released while large chunks are hashed."""

    def __new__(cls) -> Hasher: ...
    def update(self, data: bytes | bytearray | memoryview) -> None:
        """Feeds the next chunk (any bytes-like object, any size)."""
    @property
    def length(self) -> int:
        """How many bytes were fed so far."""
    def finalize(self) -> Digests:
        """The digests of everything fed; the hasher cannot be used afterwards."""
