#!/usr/bin/env python3
"""Makes the demo attestation for examples/demo/demo-project.tar.gz.

Writes, next to this script:

  demo-project.intoto.jsonl   a DSSE envelope (one line) of an in-toto Statement v1 with a
                              SLSA provenance v1 predicate whose subject is the tarball
                              (sha256 and sha512 of its bytes)
  builder.pub                 the signer's Ed25519 public key (PEM SubjectPublicKeyInfo)

The envelope is made and signed by the Python reference stack (securesystemslib 1.6.0
`dsse.Envelope.sign` with a `CryptoSigner`, cryptography 50), so the browser example
verifies a signature it did not make itself. The private key is generated in memory and
thrown away: running the script again gives a new key and a new signature with the same
Statement. Everything the provenance says is a demo: the builder and the source live
under the reserved `.example` domain; nothing was built by a real CI system.

    /work/refvenv/bin/python examples/browser/demo-attestation/make-demo-attestation.py
"""

import hashlib
import json
import pathlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner

HERE = pathlib.Path(__file__).resolve().parent
TARBALL = HERE.parent.parent / "demo" / "demo-project.tar.gz"

BUILDER_ID = "https://builder.intoto-verify.example/demo-builder@v1"
SOURCE = "git+https://git.intoto-verify.example/demo-project@refs/tags/v0.1.0"
BUILD_TYPE = "https://builder.intoto-verify.example/demo-build-type/v1"


def main() -> None:
    data = TARBALL.read_bytes()
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [
            {
                "name": TARBALL.name,
                "digest": {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "sha512": hashlib.sha512(data).hexdigest(),
                },
            }
        ],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {
                    "source": SOURCE,
                    "command": "tar --exclude .git --sort=name --owner=0 --group=0 --numeric-owner -czvf demo-project.tar.gz demo-project",
                },
                "resolvedDependencies": [{"uri": SOURCE}],
            },
            "runDetails": {
                "builder": {"id": BUILDER_ID},
                "metadata": {"invocationId": "demo-1"},
            },
        },
    }
    payload = json.dumps(statement, separators=(",", ":"), sort_keys=True).encode()

    private = Ed25519PrivateKey.generate()
    signer = CryptoSigner(private)
    envelope = Envelope(payload=payload, payload_type="application/vnd.in-toto+json", signatures={})
    envelope.sign(signer)
    # The reference verifies its own envelope before anything is written.
    envelope.verify([signer.public_key], 1)

    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (HERE / "builder.pub").write_bytes(pem)
    line = json.dumps(envelope.to_dict(), separators=(",", ":"))
    (HERE / "demo-project.intoto.jsonl").write_text(line + "\n")
    print(f"signed by keyid {signer.public_key.keyid}")
    print(f"subject {TARBALL.name} sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
