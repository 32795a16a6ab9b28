#!/usr/bin/env python3
"""Verify a release directory's in-toto supply chain: a gate for CI or a package registry.

    python verify_release.py RELEASE_DIR [--key KEY]... [--artifact NAME] [--json]

RELEASE_DIR holds the release as it was handed over::

    root.layout            the signed layout
    keys/owner.pub         the layout key (or owner.pub next to root.layout)
    links/*.link           the functionaries' signed links
    demo-project.tar.gz    the artifact

Prints a short summary (verdict; each step and the signers whose links were accepted;
the failure's code, step or inspection, rule and artifacts) or, with ``--json``, the
verifier's JSON report (docs/report-schema.md). Exit code 0: verified; 1: not verified
(including metadata that cannot be evaluated); 2: usage error (a missing file, several
possible artifacts, a bad flag).

**Which key.** ``--key`` names the layout key: a path as given, else a file of that name in
RELEASE_DIR or RELEASE_DIR/keys. The default, ``owner.pub`` from the release itself, only
shows that the release is consistent with itself: whoever can replace the artifact can
replace the layout and the key too. A real gate pins the owner's key outside the release
(``--key /etc/release-keys/owner.pub``).

**Inspections are not run; the artifact's digest is their result.** The layout's
inspections (the demo's ``untar``: run ``tar xzf demo-project.tar.gz`` and record every
file of the working directory) are commands that ``intoto_verify.verify_layout`` never
runs: it takes their recorded results. This tool gives each inspection of the root layout
the same result: return value 0 and, as materials and products, the artifact with its
sha256 as this tool computed it from RELEASE_DIR. The inspection's rules are then
evaluated over that, so the artifact must MATCH what the signed steps produced (the
demo's ``MATCH demo-project.tar.gz WITH PRODUCTS FROM package``), and anything the rules
do not allow fails. That is the check a gate needs, and it runs nothing from the
release, needs no ``tar``, and writes nothing.

What it does not check is what the command itself would add, e.g. that the files inside
the tarball are the ones ``update-version`` produced (here already implied: the tarball's
digest is the one ``package`` recorded from those files). An inspection whose rules need
more than the artifact (``REQUIRE`` of an extracted file) fails with the code that
rule gives. The report still lists the inspection with ``return_value`` 0: read it as
"evaluated over the artifact's digest", as the summary says. To run the inspections for
real, as ``in-toto-verify`` does, run ``python -m intoto_verify -l root.layout
--verification-keys KEY --link-dir links`` in a scratch copy that holds only the files the
layout allows. Sublayouts' inspections get no result here.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import intoto_verify

LAYOUT = "root.layout"
DEFAULT_KEY = "owner.pub"


class UsageError(Exception):
    pass


def inspection_names(layout: bytes) -> List[str]:
    """The root layout's inspection names (Metablock or DSSE); [] if it does not parse (the
    verifier then reports the malformed layout)."""
    try:
        doc = json.loads(layout)
        signed = doc["signed"] if "signed" in doc else json.loads(base64.b64decode(doc["payload"]))
        return [i["name"] for i in signed.get("inspect") or [] if isinstance(i.get("name"), str)]
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def find_key(release: Path, name: str) -> Path:
    for candidate in (Path(name), release / name, release / "keys" / name):
        if candidate.is_file():
            return candidate
    raise UsageError(f"layout key {name!r} not found (as given, in {release} or {release / 'keys'})")


def find_artifact(release: Path, name: Optional[str]) -> Path:
    if name is not None:
        path = release / name
        if not path.is_file():
            raise UsageError(f"artifact {name!r} is not a file in {release}")
        return path
    candidates = sorted(
        p
        for p in release.iterdir()
        if p.is_file() and p.name != LAYOUT and not p.name.startswith(".") and p.suffix not in (".pub", ".link")
    )
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise UsageError(f"cannot tell which file of {release} is the artifact (found: {found}); name it with --artifact")
    return candidates[0]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def failure_lines(failure: intoto_verify.Failure, indent: str = "  ") -> List[str]:
    lines = [f"{indent}code        {failure.code}", f"{indent}message     {failure.message}"]
    if failure.step:
        lines.append(f"{indent}step        {failure.step}")
    if failure.inspection:
        lines.append(f"{indent}inspection  {failure.inspection}")
    if failure.rule:
        where = " ".join(
            x for x in (failure.side, None if failure.rule_index is None else f"rule {failure.rule_index + 1}") if x
        )
        lines.append(f"{indent}rule        {where + ': ' if where else ''}{' '.join(failure.rule)}")
    if failure.artifacts:
        lines.append(f"{indent}artifacts   {', '.join(failure.artifacts)}")
    if failure.keyid:
        lines.append(f"{indent}key         {failure.keyid}")
    if failure.path:
        lines.append(f"{indent}file        {failure.path}")
    if failure.cause is not None:
        lines.append(f"{indent}cause (in the sublayout):")
        lines.extend(failure_lines(failure.cause, indent + "  "))
    return lines


def summary(report: intoto_verify.Report, release: Path, keys: Sequence[Path],
            artifact: Optional[Path], digest: Optional[str], inspected: bool) -> str:
    if report.passed:
        lines = [f"PASS  {release}: the supply chain verifies"]
    else:
        lines = [f"FAIL  {release}: verdict {report.verdict}, {report.code}"]
        if report.failure is not None:
            lines.extend(failure_lines(report.failure))
    if report.layout is not None:
        lines.append(f"  layout      {LAYOUT}, expires {report.layout.expires}")
        for key, check in zip(keys, report.layout.signatures):
            lines.append(f"  layout key  {key} ({check.keyid[:8]}): {check.status}")
    if artifact is not None:
        lines.append(f"  artifact    {artifact.relative_to(release).as_posix()} sha256 {digest}")
    if not inspected:
        lines.append("  artifact    not checked: the layout has no inspection that matches it to the steps' products")
    for step in report.steps:
        signers = [f"{link.keyid[:8]} ({link.path})" for link in step.links if link.status == "accepted"]
        lines.append(f"  step {step.name}: {len(signers)} of {step.threshold} required: {', '.join(signers) or 'none'}")
        for link in step.links:
            if link.status != "accepted":
                detail = f": {link.detail}" if link.detail else ""
                lines.append(f"    {link.path}: {link.status}{detail}")
    for inspection in report.inspections:
        lines.append(f"  inspection {inspection.name}: not run; its rules were checked against the artifact's digest")
    for warning in report.warnings:
        lines.append(f"  warning     {warning.code}: {warning.message}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify_release.py",
        description="Verify RELEASE_DIR (root.layout, keys, links/, the artifact) with intoto_verify.",
    )
    parser.add_argument("release_dir", metavar="RELEASE_DIR", type=Path)
    parser.add_argument("--key", action="append", metavar="KEY",
                        help=f"layout key (PEM), repeatable; default {DEFAULT_KEY} in RELEASE_DIR or RELEASE_DIR/keys")
    parser.add_argument("--artifact", metavar="NAME",
                        help="the artifact, relative to RELEASE_DIR (default: the only other file there)")
    parser.add_argument("--json", action="store_true", help="print the JSON report")
    args = parser.parse_args(argv)

    release: Path = args.release_dir
    try:
        if not (release / LAYOUT).is_file():
            raise UsageError(f"{release / LAYOUT} not found")
        keys = [find_key(release, k) for k in (args.key or [DEFAULT_KEY])]
        layout = (release / LAYOUT).read_bytes()
        names = inspection_names(layout)
        artifact = digest = None
        inspections: Dict[str, intoto_verify.InspectionResult] = {}
        if names or args.artifact:
            artifact = find_artifact(release, args.artifact)
            digest = sha256_file(artifact)
            observed = {artifact.relative_to(release).as_posix(): {"sha256": digest}}
            inspections = {n: {"return_value": 0, "materials": observed, "products": observed} for n in names}
        link_dir = release / "links" if (release / "links").is_dir() else release
        report = intoto_verify.verify_layout_files(release / LAYOUT, keys, link_dir, inspections=inspections)
    except (UsageError, OSError) as e:
        print(f"verify_release.py: {e}", file=sys.stderr)
        return 2

    if args.json:
        print(report.to_json(indent=2))
    else:
        print(summary(report, release, keys, artifact, digest, inspected=bool(names)))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
