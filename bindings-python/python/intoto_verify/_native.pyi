"""The native module of intoto_verify (Rust, pyo3). Use the package's functions instead."""

from typing import Any, Sequence

__all__ = ["run_cli", "verify_layout", "verify_layout_json", "__version__"]

__version__: str

def verify_layout(request: Any) -> str:
    """Verifies a request dict in the core's shape; returns the report as JSON. Never raises
    for a bad request: that is a report with code ``request-invalid``."""

def verify_layout_json(request: str) -> str:
    """Verifies a request given as JSON text; returns the report as JSON."""

def run_cli(args: Sequence[str]) -> tuple[int, bytes, bytes]:
    """Runs the ``intoto-verify`` command line (``args[0]`` is the program name); returns
    ``(exit_code, stdout, stderr)``."""
