"""A small typed use of the package: checked with `mypy --strict` (test.sh) and run by
test_typed_usage.py. The README's examples are this file's `readme_example`,
`readme_attestation_example` and `readme_hasher_example`."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

import intoto_verify
from intoto_verify import (
    AttestationReport,
    Digests,
    Failure,
    Hasher,
    IntotoVerifyError,
    PolicyCheck,
    Report,
    StepReport,
)


def readme_example(demo: Path) -> Report:
    import intoto_verify

    report = intoto_verify.verify_layout(
        demo / "root.layout",                  # a Path is read; bytes or str are the content
        [demo / "keys" / "owner.pub"],
        demo / "links",                        # a directory, or {name: content}
        now=datetime(2026, 11, 25, tzinfo=timezone.utc),
        skip_inspections=True,
    )
    print(report.verdict, report.code)         # pass None
    return report


def readme_attestation_example(corpus: Path) -> AttestationReport:
    import intoto_verify

    report = intoto_verify.verify_attestation(
        corpus / "cases/vsa-bcid-gke-pass/vsa.intoto.jsonl",   # a Path is read; bytes or str are the content
        intoto_verify.VerificationKey(corpus / "trust/google-bcid-vsa-signing.pub.pem",
                                      keyid="keystore://76574:prod:vsa_signing_public_key"),
        artifact_digest="gce_image_id:8970095005306000053",   # or artifact=Path(...), bytes, a file object
        verifier_id="https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1",
        resource_uri="gce_image://gke-node-images:gke-12615-gke1418000-cos-101-17162-463-29-c-cgpv1-pre",
        verified_levels=["SLSA_BUILD_LEVEL_2"],
    )
    print(report.verdict, report.predicate_type)   # pass https://slsa.dev/verification_summary/v1
    return report


def readme_hasher_example(artifact: Path) -> Digests:
    from intoto_verify import Hasher

    hasher = Hasher()
    with open(artifact, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            hasher.update(chunk)                   # any chunk size; large ones release the GIL
    digests = hasher.finalize()                    # sha256, sha384, sha512 (hex), length
    print(digests.length, digests.sha256[:16])     # 274 9540262b8b09c653
    return digests


def failing_steps(report: Report) -> List[str]:
    steps: List[StepReport] = report.steps
    return [s.name for s in steps if any(link.status != "accepted" for link in s.links)]


def explain(report: Report) -> str:
    try:
        report.raise_for_failure()
    except intoto_verify.ExpiredError as e:
        return f"expired: {e.message}"
    except IntotoVerifyError as e:
        failure: Optional[Failure] = e.failure
        where = "" if failure is None or failure.step is None else f" (step {failure.step})"
        return f"{e.code}{where}"
    return "verified"


def explain_attestation(report: AttestationReport) -> str:
    try:
        report.raise_for_failure()
    except intoto_verify.PolicyError as e:
        failure = e.failure
        assert failure is not None
        return f"{e.code}: expected {failure.expected}, found {failure.actual}"
    except intoto_verify.SubjectMismatchError:
        return "not about this artifact"
    except IntotoVerifyError as e:
        return str(e)
    checks: List[PolicyCheck] = report.checks
    return "verified: " + ", ".join(c.check for c in checks)


def attestation_main(corpus: Path, artifact: Path) -> List[str]:
    report = readme_attestation_example(corpus)
    digests = readme_hasher_example(artifact)
    same: Digests = intoto_verify.digest_artifact(artifact)
    assert same == digests
    digest_set: Dict[str, str] = digests.to_digest_set()
    unbound = intoto_verify.verify_attestation(
        (corpus / "cases/vsa-bcid-gke-pass/vsa.intoto.jsonl").read_bytes(),
        (corpus / "trust/google-bcid-vsa-signing.pub.pem").read_text(),
        artifact_digest=digest_set,
    )
    stricter = intoto_verify.verify_attestation(
        corpus / "cases/vsa-bcid-gke-pass/vsa.intoto.jsonl",
        {"pem": corpus / "trust/google-bcid-vsa-signing.pub.pem"},
        artifact_digest="gce_image_id:8970095005306000053",
        policy={"verified_levels": ["SLSA_BUILD_LEVEL_3"]},
    )
    return [explain_attestation(report), explain_attestation(unbound),
            explain_attestation(stricter)]


def main(demo: Path) -> List[str]:
    report = readme_example(demo)
    expired = intoto_verify.verify_layout(
        (demo / "root.layout").read_bytes(),
        (demo / "keys" / "owner.pub").read_text(),
        intoto_verify.read_link_dir(demo / "links"),
        now="2036-01-01T00:00:00Z",
    )
    return [explain(report), explain(expired), *failing_steps(expired)]


def hash_stream(chunks: List[bytes]) -> Digests:
    h: Hasher = Hasher()
    for c in chunks:
        h.update(c)
    return h.finalize()
