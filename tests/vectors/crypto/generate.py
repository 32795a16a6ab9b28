#!/usr/bin/env python3
"""Generate tests/vectors/crypto/vectors.json: keys, signatures and DSSE envelopes.

Run with a Python that has pyca/cryptography and securesystemslib (the team's
reference venv: /work/refvenv/bin/python, cryptography 50.0.2, securesystemslib 1.6.0):

    /work/refvenv/bin/python tests/vectors/crypto/generate.py

Keys and signatures are random, so every run writes different bytes; the expectations
do not change. Every "valid" signature is checked with pyca/cryptography here, every
"invalid" one is checked to fail, and keyids come from securesystemslib
(SSlibKey.from_crypto) plus the legacy rule computed with its encode_canonical, so the
Rust tests compare against the reference implementation, not against themselves.
"""

import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from securesystemslib.formats import encode_canonical
from securesystemslib.signer import SSlibKey

HERE = os.path.dirname(os.path.abspath(__file__))
HASHES = {
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
CURVE_ORDERS = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
    "secp521r1": int(
        "01FF" + "F" * 63 + "A" + "51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
        16,
    ),
}


def pem_of(pub):
    return pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def legacy_keyid(keytype, scheme, public):
    d = {
        "keytype": keytype,
        "scheme": scheme,
        "keyid_hash_algorithms": ["sha256", "sha512"],
        "keyval": {"public": public},
    }
    return hashlib.sha256(encode_canonical(d).encode()).hexdigest()


def key_entry(priv):
    pub = priv.public_key()
    k = SSlibKey.from_crypto(pub)
    public = k.keyval["public"]
    entry = {
        "pem": pem_of(pub),
        "spki_der_hex": pub.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ).hex(),
        "keytype": k.keytype,
        "scheme": k.scheme,
        "keyid": k.keyid,
        "keyid_legacy": legacy_keyid(
            k.keytype, k.scheme, public if k.keytype == "ed25519" else public.rstrip("\n")
        ),
        "sslib": k.to_dict(),
    }
    if isinstance(pub, rsa.RSAPublicKey):
        entry["pkcs1_pem"] = pub.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
        ).decode()
    return entry


def pss(h, salt):
    return padding.PSS(mgf=padding.MGF1(h()), salt_length=salt)


def check(pub, sig, msg, scheme, valid):
    """Verify like securesystemslib does (PSS.AUTO, DER ECDSA)."""
    try:
        if isinstance(pub, rsa.RSAPublicKey):
            kind, hname = scheme.split("-")[1], scheme.split("-")[2]
            h = HASHES[hname]
            pad = (
                padding.PSS(mgf=padding.MGF1(h()), salt_length=padding.PSS.AUTO)
                if kind == "pss"
                else padding.PKCS1v15()
            )
            pub.verify(sig, msg, pad, h())
        elif isinstance(pub, ec.EllipticCurvePublicKey):
            h = {"ecdsa-sha2-nistp256": hashes.SHA256, "ecdsa-sha2-nistp384": hashes.SHA384,
                 "ecdsa-sha2-nistp521": hashes.SHA512}[scheme]
            n = pub.curve.key_size
            size = (n + 7) // 8
            if len(sig) == 2 * size and sig[0] != 0x30:
                r, s = int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big")
                sig = encode_dss_signature(r, s)
            pub.verify(sig, msg, ec.ECDSA(h()))
        else:
            pub.verify(sig, msg)
        ok = True
    except InvalidSignature:
        ok = False
    assert ok == valid, (scheme, valid)


def main():
    message = b"in-toto verifier crypto vector\n"
    wrong = b"in-toto verifier crypto vector.\n"
    privs = {
        "rsa2048": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "rsa3072": rsa.generate_private_key(public_exponent=65537, key_size=3072),
        "rsa1024": rsa.generate_private_key(public_exponent=65537, key_size=1024),
        "p256": ec.generate_private_key(ec.SECP256R1()),
        "p256b": ec.generate_private_key(ec.SECP256R1()),
        "p384": ec.generate_private_key(ec.SECP384R1()),
        "p521": ec.generate_private_key(ec.SECP521R1()),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
        "ed25519b": ed25519.Ed25519PrivateKey.generate(),
    }
    keys = {name: key_entry(p) for name, p in privs.items()}
    unsupported = {
        "p224": pem_of(ec.generate_private_key(ec.SECP224R1()).public_key()),
        "secp256k1": pem_of(ec.generate_private_key(ec.SECP256K1()).public_key()),
        "ed448": pem_of(__import__(
            "cryptography.hazmat.primitives.asymmetric.ed448", fromlist=["x"]
        ).Ed448PrivateKey.generate().public_key()),
    }

    sigs = []

    def add(key, scheme, sig, note, expect="valid", msg=message, **extra):
        if expect in ("valid", "invalid"):
            check(privs[key].public_key(), sig, msg, scheme, expect == "valid")
        sigs.append(dict(key=key, scheme=scheme, message_hex=msg.hex(), sig_hex=sig.hex(),
                         note=note, expect=expect, **extra))

    rsa2048 = privs["rsa2048"]
    for salt in (0, 20, 32, 64, padding.PSS.MAX_LENGTH):
        sig = rsa2048.sign(message, pss(hashes.SHA256, salt), hashes.SHA256())
        label = "max" if salt is padding.PSS.MAX_LENGTH else salt
        add("rsa2048", "rsassa-pss-sha256", sig, f"PSS SHA-256 salt length {label}",
            salt_len=(2048 // 8 - 32 - 2) if label == "max" else salt)
    for hname, salt in (("sha224", 28), ("sha384", 0), ("sha384", 48), ("sha512", 0), ("sha512", 64)):
        h = HASHES[hname]
        sig = privs["rsa3072"].sign(message, pss(h, salt), h())
        add("rsa3072", f"rsassa-pss-{hname}", sig, f"PSS {hname} salt length {salt}", salt_len=salt)
    for hname, h in HASHES.items():
        sig = rsa2048.sign(message, padding.PKCS1v15(), h())
        add("rsa2048", f"rsa-pkcs1v15-{hname}", sig, f"PKCS#1 v1.5 {hname}")
    # PSS whose MGF1 uses SHA-1: securesystemslib uses MGF1 with the signature hash.
    sig = rsa2048.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA1()), salt_length=32),
                       hashes.SHA256())
    add("rsa2048", "rsassa-pss-sha256", sig, "PSS SHA-256 with MGF1-SHA-1", expect="invalid")
    # A PKCS#1 v1.5 signature checked as PSS and vice versa.
    sig = rsa2048.sign(message, padding.PKCS1v15(), hashes.SHA256())
    add("rsa2048", "rsassa-pss-sha256", sig, "PKCS#1 v1.5 signature under a PSS scheme", expect="invalid")
    sig = rsa2048.sign(message, pss(hashes.SHA256, 32), hashes.SHA256())
    add("rsa2048", "rsa-pkcs1v15-sha256", sig, "PSS signature under a PKCS#1 v1.5 scheme", expect="invalid")
    # Too small a key: pyca verifies it, we refuse (documented minimum 2048 bits).
    sig = privs["rsa1024"].sign(message, pss(hashes.SHA256, 32), hashes.SHA256())
    check(privs["rsa1024"].public_key(), sig, message, "rsassa-pss-sha256", True)
    add("rsa1024", "rsassa-pss-sha256", sig, "1024-bit RSA key (pyca accepts)", expect="rsa-key-too-small")

    for key, scheme, h in (("p256", "ecdsa-sha2-nistp256", hashes.SHA256),
                           ("p384", "ecdsa-sha2-nistp384", hashes.SHA384),
                           ("p521", "ecdsa-sha2-nistp521", hashes.SHA512)):
        priv = privs[key]
        der = priv.sign(message, ec.ECDSA(h()))
        size = (priv.curve.key_size + 7) // 8
        r, s = decode_dss_signature(der)
        raw = r.to_bytes(size, "big") + s.to_bytes(size, "big")
        add(key, scheme, der, f"{scheme} DER", encoding="der")
        add(key, scheme, raw, f"{scheme} raw r||s", encoding="raw")
        n = CURVE_ORDERS[priv.curve.name]
        high = encode_dss_signature(r, n - s)
        add(key, scheme, high, f"{scheme} DER with s replaced by n - s (pyca accepts)", encoding="der")
        other = {"ecdsa-sha2-nistp256": hashes.SHA384, "ecdsa-sha2-nistp384": hashes.SHA256,
                 "ecdsa-sha2-nistp521": hashes.SHA256}[scheme]
        add(key, scheme, priv.sign(message, ec.ECDSA(other())),
            f"{scheme} signed over the wrong hash", expect="invalid", encoding="der")
    add("ed25519", "ed25519", privs["ed25519"].sign(message), "Ed25519")

    # DSSE envelopes.
    def b64(data, urlsafe=False, pad=True):
        out = (base64.urlsafe_b64encode if urlsafe else base64.standard_b64encode)(data).decode()
        return out if pad else out.rstrip("=")

    def pae(ptype, body):
        t = ptype.encode()
        return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)

    def sign(name, data):
        p = privs[name]
        if isinstance(p, rsa.RSAPrivateKey):
            return p.sign(data, pss(hashes.SHA256, 32), hashes.SHA256())
        if isinstance(p, ec.EllipticCurvePrivateKey):
            h = {256: hashes.SHA256, 384: hashes.SHA384, 521: hashes.SHA512}[p.curve.key_size]
            return p.sign(data, ec.ECDSA(h()))
        return p.sign(data)

    ptype = "application/vnd.in-toto+json"
    # Pick a payload whose base64 uses '-'/'_' in the URL-safe alphabet and needs padding.
    for i in range(10000):
        stmt = {"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://example.com/p/v1",
                "subject": [{"name": "foo\u00ff\u00fe>?", "digest": {"sha256": "ab" * 32}}],
                "predicate": {"n": i}}
        payload = json.dumps(stmt, separators=(",", ":")).encode()
        enc = b64(payload, urlsafe=True)
        if ("-" in enc or "_" in enc) and enc.endswith("="):
            break
    else:
        sys.exit("no suitable payload")
    message_pae = pae(ptype, payload)

    def env(sigs_, urlsafe=False, pad=True, ptype_=ptype, payload_=payload):
        return {"payload": b64(payload_, urlsafe, pad), "payloadType": ptype_,
                "signatures": [dict(({"keyid": k} if k is not None else {}), sig=b64(s, urlsafe, pad))
                               for k, s in sigs_]}

    kid = {n: keys[n]["keyid"] for n in keys}
    envelopes = []

    def add_env(name, envelope, key_names, threshold, verified, count, note, verified_by=None):
        envelopes.append(dict(name=name, note=note, envelope=envelope, keys=key_names,
                              threshold=threshold, expect_verified=verified, expect_count=count,
                              expect_verified_by=verified_by))

    sig_ed = sign("ed25519", message_pae)
    sig_rsa = sign("rsa2048", message_pae)
    sig_p256 = sign("p256", message_pae)
    sig_p256_again = sign("p256", message_pae)
    assert sig_p256 != sig_p256_again
    url_sig = sig_rsa
    # 256 bytes always need padding; retry until the URL-safe form uses '-' or '_'.
    while not any(c in b64(url_sig, True) for c in "-_"):
        url_sig = sign("rsa2048", message_pae)

    add_env("standard-base64", env([(kid["ed25519"], sig_ed)]), ["ed25519"], 1, True, 1,
            "standard padded base64, keyid present", [[0]])
    add_env("urlsafe-unpadded", env([(kid["rsa2048"], url_sig)], urlsafe=True, pad=False),
            ["rsa2048"], 1, True, 1, "URL-safe base64 without padding", [[0]])
    add_env("urlsafe-padded", env([(kid["rsa2048"], url_sig)], urlsafe=True, pad=True),
            ["rsa2048"], 1, True, 1, "URL-safe base64 with padding", [[0]])
    add_env("no-keyid", env([(None, sig_p256)]), ["ed25519", "p256"], 1, True, 1,
            "signature without keyid: every key is tried", [[1]])
    add_env("empty-keyid", env([("", sig_p256)]), ["p256"], 1, True, 1,
            "empty keyid is the same as none", [[0]])
    add_env("misleading-keyid", env([(kid["ed25519"], sig_p256)]), ["ed25519", "p256"], 1, True, 1,
            "keyid names another key: it is only a hint", [[1]])
    add_env("same-key-twice-threshold-2", env([(kid["p256"], sig_p256), (kid["p256"], sig_p256_again)]),
            ["p256", "p256"], 2, False, 1,
            "two signatures by one key, key listed twice: counts once", [[0, 1], [0, 1]])
    add_env("same-key-twice-threshold-1", env([(kid["p256"], sig_p256), (kid["p256"], sig_p256_again)]),
            ["p256", "p256"], 1, True, 1, "as above, threshold 1", [[0, 1], [0, 1]])
    add_env("bad-then-good", env([(kid["ed25519"], sign("ed25519b", message_pae)), (kid["ed25519"], sig_ed)]),
            ["ed25519"], 1, True, 1, "an invalid signature before a valid one is skipped", [[], [0]])
    add_env("three-keys-threshold-3", env([(kid["ed25519"], sig_ed), (None, sig_p256), (kid["rsa2048"], sig_rsa)]),
            ["rsa2048", "ed25519", "p256b", "p256"], 3, True, 3, "three distinct keys", [[1], [3], [0]])
    add_env("threshold-not-met", env([(kid["ed25519"], sig_ed)]), ["ed25519", "p256"], 2, False, 1,
            "one of two required keys", [[0]])
    add_env("wrong-key", env([(kid["ed25519"], sig_ed)]), ["ed25519b"], 1, False, 0,
            "signed by a key that is not trusted", [[]])
    add_env("payload-type-tampered", env([(kid["ed25519"], sig_ed)], ptype_="application/json"),
            ["ed25519"], 1, False, 0, "payloadType changed after signing", [[]])
    add_env("raw-ecdsa", env([(None, b"".join(
        n.to_bytes(32, "big") for n in decode_dss_signature(sig_p256)))]),
            ["p256"], 1, True, 1, "ECDSA P-256 raw r||s signature", [[0]])
    add_env("unicode-payload-type", {
        "payload": b64(payload),
        "payloadType": "application/vnd.\u00e9xample+json",
        "signatures": [{"sig": b64(sign("ed25519", pae("application/vnd.\u00e9xample+json", payload)))}]},
            ["ed25519"], 1, True, 1, "PAE counts payloadType bytes, not characters", [[0]])

    out = {
        "generator": "tests/vectors/crypto/generate.py",
        "tools": {"cryptography": __import__("cryptography").__version__,
                  "securesystemslib": __import__("securesystemslib").__version__},
        "message_hex": message.hex(),
        "wrong_message_hex": wrong.hex(),
        "keys": keys,
        "unsupported_keys": unsupported,
        "signatures": sigs,
        "dsse": envelopes,
    }
    with open(os.path.join(HERE, "vectors.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(keys)} keys, {len(sigs)} signatures, {len(envelopes)} envelopes")


if __name__ == "__main__":
    main()
