"""verify_layout, verify_attestation and friends: turn Python values into the core's
request, return a report.

Nothing here decides anything about verification: inputs are read and converted (an
artifact is streamed through the native :class:`~intoto_verify.Hasher`), the native
module runs the Rust core (without the GIL), and its JSON report becomes a
:class:`~intoto_verify.Report` or :class:`~intoto_verify.AttestationReport`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import (
    Any,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Protocol,
    TypedDict,
    Union,
)

from . import _native
from ._native import Digests, Hasher
from ._report import AttestationReport, Report

__all__ = [
    "Artifact",
    "ArtifactDigest",
    "Content",
    "InspectionResult",
    "Links",
    "Now",
    "Policy",
    "Readable",
    "VerificationKey",
    "digest_artifact",
    "read_link_dir",
    "verify_attestation",
    "verify_attestation_request",
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
    limits: Optional[Mapping[str, int]] = None,
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
    * ``limits``: the other limits, any of ``max_entries`` (JSON entries per array or
      object, 1,000,000), ``max_steps`` (steps plus inspections, 10,000), ``max_links``
      (link files a layout names, 100,000), ``max_artifacts`` (per side of a link,
      1,000,000), ``max_signatures`` (1,024), ``max_pattern_length`` (bytes, 4,096),
      ``max_sublayout_depth`` (8). Beyond one, the report fails with ``limit-exceeded``
      and ``failure.path`` names it (a link beyond one has status ``limit-exceeded``).
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
    if limits is not None:
        if not isinstance(limits, Mapping):
            raise TypeError(f"limits: expected a mapping, not {type(limits).__name__}")
        request["limits"] = {str(k): int(v) for k, v in limits.items()}
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
    limits: Optional[Mapping[str, int]] = None,
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
        limits=limits,
        raise_on_failure=raise_on_failure,
    )


# ---------------------------------------------------------------------------------------
# Attestations
# ---------------------------------------------------------------------------------------

#: How much of an artifact file is read and hashed at a time.
CHUNK_SIZE = 1 << 20


class Readable(Protocol):
    """A binary file object: anything with ``read(size) -> bytes`` (``open(..., "rb")``,
    ``io.BytesIO``, a socket or HTTP response body)."""

    def read(self, size: int, /) -> bytes: ...


Artifact = Union[bytes, bytearray, memoryview, "os.PathLike[str]", Readable]
"""An artifact: its bytes (``bytes``, ``bytearray``, ``memoryview``), a file
(``os.PathLike``) or a binary file object; files and file objects are streamed through
the native :class:`~intoto_verify.Hasher` in chunks, never read whole."""

ArtifactDigest = Union[Mapping[str, str], str, Iterable[str], Digests]
"""An artifact's digests: ``{"sha256": "..."}``, ``"sha256:..."``, a list of
``"ALG:VALUE"`` strings, or the :class:`~intoto_verify.Digests` of a
:class:`~intoto_verify.Hasher`."""


@dataclass(frozen=True)
class VerificationKey:
    """A verification key for an attestation with what is known about it: ``pem`` (the
    PEM SubjectPublicKeyInfo as bytes or str, or an ``os.PathLike`` file), ``scheme``
    (securesystemslib name such as ``"rsa-pkcs1v15-sha256"``; default: the key type's
    default) and ``keyid`` (a signature with a different keyid hint is then not tried
    with this key)."""

    pem: Content
    scheme: Optional[str] = None
    keyid: Optional[str] = None


class Policy(TypedDict, total=False):
    """What the verified Statement must say (docs/attestations.md, "Policy options").
    Every field is optional; an unknown field is a ``request-invalid`` report."""

    predicate_type: str
    builder_id: str
    build_type: str
    source_uri: str
    source_ref: str
    source_tag: str
    source_branch: str
    external_parameters: Mapping[str, str]
    verifier_id: str
    resource_uri: str
    policy_uri: str
    verified_levels: List[str]


Key = Union[Content, VerificationKey, Mapping[str, Any]]


def _verification_key(value: object, what: str) -> Union[bytes, str, Dict[str, Any]]:
    if isinstance(value, VerificationKey):
        out: Dict[str, Any] = {"pem": _content(value.pem, f"{what}.pem")}
        if value.scheme is not None:
            out["scheme"] = value.scheme
        if value.keyid is not None:
            out["keyid"] = value.keyid
        return out
    if isinstance(value, Mapping):
        out = dict(value)
        if "pem" in out:
            out["pem"] = _content(out["pem"], f"{what}.pem")
        return out
    return _content(value, what)


def _verification_keys(keys: Union[Key, Iterable[Key]]) -> List[Union[bytes, str, Dict[str, Any]]]:
    if isinstance(keys, (*_BYTES, str, os.PathLike, VerificationKey, Mapping)):
        return [_verification_key(keys, "verification_keys")]
    try:
        items = list(keys)
    except TypeError:
        raise TypeError(
            "verification_keys: expected a key (bytes, str, os.PathLike, VerificationKey or "
            f"a mapping with 'pem') or an iterable of keys, not {type(keys).__name__}"
        ) from None
    return [_verification_key(k, f"verification_keys[{i}]") for i, k in enumerate(items)]


def digest_artifact(artifact: Artifact, *, chunk_size: int = CHUNK_SIZE) -> Digests:
    """SHA-256, SHA-384 and SHA-512 of an artifact in one pass, with the native
    :class:`~intoto_verify.Hasher`.

    ``artifact``: ``bytes``/``bytearray``/``memoryview`` (the content), an
    ``os.PathLike`` (a file, opened and read in ``chunk_size`` chunks) or a binary file
    object (read from its current position to its end in ``chunk_size`` chunks; not
    closed). A ``str`` raises ``TypeError``: give ``pathlib.Path(name)`` or the bytes.
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size: expected a positive int, not {chunk_size!r}")
    hasher = Hasher()
    if isinstance(artifact, _BYTES):
        hasher.update(artifact)
    elif isinstance(artifact, str):
        raise TypeError(
            "artifact: a str is neither the content nor a file; give bytes (the content) or "
            "pathlib.Path (a file to read)"
        )
    elif isinstance(artifact, os.PathLike):
        with open(artifact, "rb") as f:
            _feed(hasher, f, chunk_size)
    elif callable(getattr(artifact, "read", None)):
        _feed(hasher, artifact, chunk_size)
    else:
        raise TypeError(
            "artifact: expected bytes, os.PathLike (a file) or a binary file object, "
            f"not {type(artifact).__name__}"
        )
    return hasher.finalize()


def _feed(hasher: Hasher, f: Readable, chunk_size: int) -> None:
    while True:
        chunk = f.read(chunk_size)
        if not chunk:
            if chunk is None:  # a non-blocking stream with nothing to read yet
                raise ValueError("artifact: the file object is non-blocking (read returned None)")
            return
        if isinstance(chunk, str):
            raise TypeError("artifact: the file object is in text mode; open it with 'rb'")
        hasher.update(chunk)


def _artifact_digest(value: ArtifactDigest) -> Union[Dict[str, str], str, List[str]]:
    if isinstance(value, Digests):
        return dict(value.to_digest_set())
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (*_BYTES,)):
        raise TypeError("artifact_digest: expected ALG:VALUE text, not bytes")
    try:
        return list(value)
    except TypeError:
        raise TypeError(
            "artifact_digest: expected a mapping {algorithm: hex}, an 'ALG:VALUE' str, a list "
            f"of them or Digests, not {type(value).__name__}"
        ) from None


def verify_attestation_request(
    request: Mapping[str, Any], *, raise_on_failure: bool = False
) -> AttestationReport:
    """Verifies an attestation request in the core's own shape (``envelope``,
    ``verification_keys``, ``threshold``, ``artifact``, ``artifact_digest``, ``policy``,
    ``envelope_only``, ``max_bytes``, ``max_depth``; byte fields as ``bytes`` or ``str``;
    camelCase aliases; unknown fields are an error).

    A request that does not fit gives a report with verdict ``error`` and code
    ``request-invalid``.
    """
    report = AttestationReport.from_json(_native.verify_attestation(request))
    if raise_on_failure:
        report.raise_for_failure()
    return report


def verify_attestation(
    envelope: Content,
    verification_keys: Union[Key, Iterable[Key]],
    *,
    artifact: Optional[Artifact] = None,
    artifact_digest: Optional[ArtifactDigest] = None,
    threshold: int = 1,
    policy: Optional[Mapping[str, Any]] = None,
    predicate_type: Optional[str] = None,
    builder_id: Optional[str] = None,
    build_type: Optional[str] = None,
    source_uri: Optional[str] = None,
    source_ref: Optional[str] = None,
    source_tag: Optional[str] = None,
    source_branch: Optional[str] = None,
    external_parameters: Optional[Mapping[str, str]] = None,
    verifier_id: Optional[str] = None,
    resource_uri: Optional[str] = None,
    policy_uri: Optional[str] = None,
    verified_levels: Optional[Union[str, Iterable[str]]] = None,
    envelope_only: bool = False,
    max_bytes: Optional[int] = None,
    max_depth: Optional[int] = None,
    raise_on_failure: bool = False,
) -> AttestationReport:
    """Verifies an in-toto attestation (a DSSE envelope holding a Statement); returns an
    :class:`AttestationReport`.

    Checks, in order (docs/attestations.md): the envelope's signatures (at least
    ``threshold`` distinct trusted keys), its payloadType, the Statement, the subject
    binding to the artifact, the predicate type and the policy.

    * ``envelope``: ``bytes``/``str`` are the content (JSON, or one line of a
      ``.intoto.jsonl``); an ``os.PathLike`` is a file and is read.
    * ``verification_keys``: one key or an iterable of keys: PEM (``bytes``, ``str``, or
      an ``os.PathLike`` file), a :class:`VerificationKey` or a mapping
      ``{"pem", "scheme"?, "keyid"?}``.
    * ``artifact``: the artifact's bytes, a file (``os.PathLike``) or a binary file
      object; files are streamed through the native hasher in 1 MiB chunks. Or give
      ``artifact_digest`` (``{"sha256": hex}``, ``"sha256:hex"``, a list of those, or
      :class:`Digests`), not both. With neither, no subject is bound (a warning says so).
    * ``policy``: a mapping of policy options (:class:`Policy`), and/or the same options
      as keyword arguments (``predicate_type``, ``builder_id``, ``build_type``,
      ``source_uri``, ``source_ref``, ``source_tag``, ``source_branch``,
      ``external_parameters``, ``verifier_id``, ``resource_uri``, ``policy_uri``,
      ``verified_levels``); an option given both ways raises ``TypeError``.
    * ``envelope_only``: verify the envelope's signatures only (any payload).
    * ``max_bytes``, ``max_depth``: limits for the envelope and Statement (core defaults:
      256 MiB, 128).
    * ``raise_on_failure``: raise the matching :class:`IntotoVerifyError` instead of
      returning a report that did not pass.

    Wrong Python types raise ``TypeError``; a file that cannot be read raises ``OSError``.
    Everything about the attestation itself (and an invalid digest, scheme or threshold)
    is in the report.
    """
    request: Dict[str, Any] = {
        "envelope": _content(envelope, "envelope"),
        "verification_keys": _verification_keys(verification_keys),
    }
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise TypeError(f"threshold: expected an int, not {type(threshold).__name__}")
    request["threshold"] = threshold
    if artifact is not None and artifact_digest is not None:
        raise TypeError("give artifact or artifact_digest, not both")
    if artifact is not None:
        request["artifact_digest"] = dict(digest_artifact(artifact).to_digest_set())
    elif artifact_digest is not None:
        request["artifact_digest"] = _artifact_digest(artifact_digest)
    merged: Dict[str, Any] = {}
    if policy is not None:
        if not isinstance(policy, Mapping):
            raise TypeError(f"policy: expected a mapping, not {type(policy).__name__}")
        merged.update(policy)
    levels: Optional[List[str]] = None
    if verified_levels is not None:
        levels = [verified_levels] if isinstance(verified_levels, str) else list(verified_levels)
    for name, value in (
        ("predicate_type", predicate_type),
        ("builder_id", builder_id),
        ("build_type", build_type),
        ("source_uri", source_uri),
        ("source_ref", source_ref),
        ("source_tag", source_tag),
        ("source_branch", source_branch),
        ("external_parameters", None if external_parameters is None
            else _str_map(external_parameters, "external_parameters")),
        ("verifier_id", verifier_id),
        ("resource_uri", resource_uri),
        ("policy_uri", policy_uri),
        ("verified_levels", levels),
    ):  # fmt: skip
        if value is None:
            continue
        if name in merged:
            raise TypeError(f"policy option {name} given both in policy and as a keyword")
        merged[name] = value
    if merged:
        request["policy"] = merged
    if envelope_only:
        request["envelope_only"] = True
    if max_bytes is not None:
        request["max_bytes"] = int(max_bytes)
    if max_depth is not None:
        request["max_depth"] = int(max_depth)
    return verify_attestation_request(request, raise_on_failure=raise_on_failure)
