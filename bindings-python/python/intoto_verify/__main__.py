"""``python -m intoto_verify``: the ``intoto-verify`` command line.

The Rust CLI itself runs (through the native module), so flags, output and exit codes
(0 verified, 1 verification failed, 2 usage error) are the same as the binary's.
Inspections run in the current working directory.
"""

from __future__ import annotations

import os
import sys
from typing import IO, List, Optional, Sequence

from . import _native

__all__ = ["main"]


def _write(stream: IO[str], data: bytes) -> None:
    if not data:
        return
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stream (for example io.StringIO)
        stream.write(data.decode("utf-8", "replace"))
        stream.flush()


def _prog() -> str:
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if not argv0 or os.path.basename(argv0) in ("__main__.py", "-c", "-m"):
        return "python -m intoto_verify"
    return os.path.basename(argv0)


def main(argv: Optional[Sequence[str]] = None, *, prog: Optional[str] = None) -> int:
    """Runs the command line with ``argv`` (default ``sys.argv[1:]``), writes its output to
    ``sys.stdout`` and ``sys.stderr`` and returns the exit code."""
    args: List[str] = [prog or _prog(), *(sys.argv[1:] if argv is None else argv)]
    code, out, err = _native.run_cli(args)
    _write(sys.stdout, out)
    _write(sys.stderr, err)
    return code


if __name__ == "__main__":
    sys.exit(main())
