"""verify_layout and friends: turn Python values into the core's request, return a Report.

Nothing here decides anything about verification: inputs are read and converted, the
native module runs the Rust core (without the GIL), and its JSON report becomes a
:class:`~intoto_verify.Report`.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, TypedDict, Union

from . import _native
from ._report import Report

__all__ = [
    "Content",
    "InspectionResult",
    "Links",
    "Now",
    "read_link_dir",
    "verify_layout",
    "verify_layout_files",
    "verify_request",
]

Content = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]
"""A layout, key or link: ``bytes`` (or ``bytearray``/``memoryview``) and ``str`` are the
content itself (a ``str`` is PEM or JSON text, never a file name); an ``os.PathLike``
(``pathlib.Path``) is a file, read here."""

Links = Union[Mapping[str, Content], "os.PathLike[str]"]
"""Link files: a mapping of names (``"build.1234abcd.link"``, ``"sub.1234abcd/x.abcdef12.link"``)
to contents, or an ``os.PathLike`` directory read with :func:`read_link_dir`."""

Now = Union[datetime, str, int]
"""The verification time: an aware ``datetime``, an RFC 3339 string, or Unix seconds."""


class _InspectionResultRequired(TypedDict):
    return_value: int


class InspectionResult(_InspectionResultRequired, total=False):
    """A recorded inspection result: the command's exit code and the artifacts before
    (``materials``) and after (``products``) it ran, as ``{name: {algorithm: hex}}``."""

    materials: Mapping[str, Mapping[str, str]]
    products: Mapping[str, Mapping[str, str]]


_BYTES = (bytes, bytearray, memoryview)
# Sublayout link directories are named `{step}.{keyid[:8]}`.
_SUBLAYOUT_DIR = re.compile(r".+\.[0-9a-fA-F]{8}")
_MAX_DIR_DEPTH = 32


def _content(value: object, what: str) -> Union[bytes, str]:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value
    if isinstance(value, os.PathLike):
        return Path(value).read_bytes()
    raise TypeError(
        f"{what}: expected bytes or str (the content) or os.PathLike (a file to read), "
        f"not {type(value).__name__}"
    )


def _keys(layout_keys: Union[Content, Iterable[Content]]) -> List[Union[bytes, str]]:
    if isinstance(layout_keys, (*_BYTES, str, os.PathLike)):
        return [_content(layout_keys, "layout_keys")]
    try:
        items = list(layout_keys)
    except TypeError:
        raise TypeError(
            "layout_keys: expected a key (bytes, str or os.PathLike) or an iterable of keys, "
            f"not {type(layout_keys).__name__}"
        ) from None
    return [_content(k, f"layout_keys[{i}]") for i, k in enumerate(items)]


def _links(links: Optional[Links]) -> Dict[str, Union[bytes, str]]:
    if links is None:
        return {}
    if isinstance(links, os.PathLike):
        return dict(read_link_dir(links))
    if isinstance(links, (str, *_BYTES)) or not isinstance(links, Mapping):
        raise TypeError(
            "links: expected a mapping of link names to contents or an os.PathLike "
            f"directory (pathlib.Path), not {type(links).__name__}"
        )
    out: Dict[str, Union[bytes, str]] = {}
    for name, value in links.items():
        if not isinstance(name, str):
            raise TypeError(f"links: names must be str, not {type(name).__name__}")
        out[name] = _content(value, f"links[{name!r}]")
    return out


def _now(now: Optional[Now]) -> str:
    if now is None:
        now = datetime.now(timezone.utc)
    if isinstance(now, datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now: a naive datetime is ambiguous; give it a tzinfo (e.g. UTC)")
        utc = now.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
        return utc.isoformat() + "Z"
    if isinstance(now, bool):
        raise TypeError("now: expected a datetime, an RFC 3339 str or Unix seconds, not bool")
    if isinstance(now, int):
        return str(now)
    if isinstance(now, str):
        return now
    raise TypeError(
        f"now: expected a datetime, an RFC 3339 str or Unix seconds, not {type(now).__name__}"
    )


def _str_map(value: Mapping[str, str], what: str) -> Dict[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what}: expected a mapping of str to str, not {type(value).__name__}")
    out: Dict[str, str] = {}
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"{what}: keys and values must be str (at {k!r})")
        out[k] = v
    return out


def read_link_dir(directory: Union[str, "os.PathLike[str]"]) -> Dict[str, bytes]:
    """Reads the link files of ``directory`` as the CLI's ``--link-dir`` would find them.

    Returns ``{name: bytes}`` for every ``*.link`` file in ``directory`` and, for
    sublayouts, in subdirectories named ``{step}.{keyid[:8]}`` (recursively), with
    ``/``-separated names relative to ``directory``. Other files are not read.
    """
    root = Path(directory)
    out: Dict[str, bytes] = {}

    def walk(d: Path, prefix: str, depth: int) -> None:
        for entry in sorted(d.iterdir()):
            if entry.is_dir():
                if depth < _MAX_DIR_DEPTH and _SUBLAYOUT_DIR.fullmatch(entry.name):
                    walk(entry, f"{prefix}{entry.name}/", depth + 1)
            elif entry.name.endswith(".link") and entry.is_file():
                out[prefix + entry.name] = entry.read_bytes()

    walk(root, "", 0)
    return out


def verify_request(request: Mapping[str, Any], *, raise_on_failure: bool = False) -> Report:
    """Verifies a request in the core's own shape (``layout``, ``layout_keys``, ``links``,
    ``now``, ``parameters``, ``inspections``, ``skip_inspections``, ``max_bytes``,
    ``max_depth``; byte fields as ``bytes`` or ``str``; unknown fields are an error).

    A request that does not fit gives a report with verdict ``error`` and code
    ``request-invalid``.
    """
    report = Report.from_json(_native.verify_layout(request))
    if raise_on_failure:
        report.raise_for_failure()
    return report


def verify_layout(
    layout: Content,
    layout_keys: Union[Content, Iterable[Content]],
    links: Optional[Links] = None,
    *,
    now: Optional[Now] = None,
    parameters: Optional[Mapping[str, str]] = None,
    inspections: Optional[Mapping[str, InspectionResult]] = None,
    skip_inspections: bool = False,
    max_bytes: Optional[int] = None,
    max_depth: Optional[int] = None,
    raise_on_failure: bool = False,
) -> Report:
    """Verifies a signed layout and the links of its steps; returns a :class:`Report`.

    * ``layout``, each key and each link: ``bytes``/``str`` are the content (a ``str`` is
      PEM or JSON text, not a file name); an ``os.PathLike`` such as ``pathlib.Path`` is
      a file and is read.
    * ``layout_keys``: one key or an iterable of keys (PEM SubjectPublicKeyInfo); every one
      must have signed the layout.
    * ``links``: ``{name: content}`` (``"build.1234abcd.link"``) or a directory
      (``os.PathLike``) read with :func:`read_link_dir`.
    * ``now``: an aware ``datetime``, an RFC 3339 string or Unix seconds; default: the
      current UTC time.
    * ``parameters``: substitution parameters for ``{KEY}`` placeholders.
    * ``inspections``: recorded results by inspection name (``"untar"``, or
      ``"sub.1234abcd/untar"`` inside a sublayout); nothing is ever run. Without a result
      an inspection fails with ``inspection-result-missing``, unless
      ``skip_inspections`` is set (a warning then says that their rules were not checked).
    * ``max_bytes``, ``max_depth``: limits for each layout and link (core defaults:
      256 MiB, 128).
    * ``raise_on_failure``: raise the matching :class:`IntotoVerifyError` instead of
      returning a report that did not pass.

    Wrong Python types raise ``TypeError``; a file that cannot be read raises ``OSError``.
    Everything about the metadata itself is in the report.
    """
    request: Dict[str, Any] = {
        "layout": _content(layout, "layout"),
        "layout_keys": _keys(layout_keys),
        "links": _links(links),
        "now": _now(now),
        "skip_inspections": bool(skip_inspections),
    }
    if parameters is not None:
        request["parameters"] = _str_map(parameters, "parameters")
    if inspections is not None:
        if not isinstance(inspections, Mapping):
            raise TypeError(
                f"inspections: expected a mapping, not {type(inspections).__name__}"
            )
        request["inspections"] = {str(k): dict(v) for k, v in inspections.items()}
    if max_bytes is not None:
        request["max_bytes"] = int(max_bytes)
    if max_depth is not None:
        request["max_depth"] = int(max_depth)
    return verify_request(request, raise_on_failure=raise_on_failure)


def verify_layout_files(
    layout: Union[str, "os.PathLike[str]"],
    layout_keys: Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]],
    link_dir: Union[str, "os.PathLike[str]"] = ".",
    *,
    now: Optional[Now] = None,
    parameters: Optional[Mapping[str, str]] = None,
    inspections: Optional[Mapping[str, InspectionResult]] = None,
    skip_inspections: bool = False,
    max_bytes: Optional[int] = None,
    max_depth: Optional[int] = None,
    raise_on_failure: bool = False,
) -> Report:
    """Like the CLI: ``layout``, ``layout_keys`` (one or several) and ``link_dir`` are file
    and directory names (``str`` or ``os.PathLike``); links are read with
    :func:`read_link_dir`. The keyword arguments are those of :func:`verify_layout`.
    Inspections are not run: give their results or ``skip_inspections=True`` (or use
    ``python -m intoto_verify``, which runs them).
    """
    if isinstance(layout_keys, (str, os.PathLike)):
        key_paths = [Path(layout_keys)]
    else:
        key_paths = [Path(k) for k in layout_keys]
    return verify_layout(
        Path(layout),
        key_paths,
        read_link_dir(link_dir),
        now=now,
        parameters=parameters,
        inspections=inspections,
        skip_inspections=skip_inspections,
        max_bytes=max_bytes,
        max_depth=max_depth,
        raise_on_failure=raise_on_failure,
    )
