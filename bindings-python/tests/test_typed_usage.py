"""Runs the typed usage example (tests/typed_usage.py; mypy --strict checks it)."""

from __future__ import annotations

from conftest import CONFORMANCE_ATTEST, DEMO
from typed_usage import attestation_main, hash_stream, main

import intoto_verify


def test_typed_usage() -> None:
    verified, expired = main(DEMO)
    assert verified == "verified"
    assert expired.startswith("expired: the layout expired at 2036-01-01T00:00:00Z")


def test_typed_attestation_usage() -> None:
    verified, unbound, stricter = attestation_main(CONFORMANCE_ATTEST, DEMO / "demo-project.tar.gz")
    assert verified == "verified: vsa-verifier-id, vsa-resource-uri, vsa-verification-result, vsa-verified-level"
    assert unbound == "not about this artifact"
    assert stricter == ("vsa-level-unmet: expected SLSA_BUILD_LEVEL_3, found BCID_L1, "
                        "SLSA_BUILD_LEVEL_2")
    assert hash_stream([b"a", b"bc"]) == intoto_verify.digest_artifact(b"abc")
