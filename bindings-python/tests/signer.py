"""A test signer: Ed25519 (RFC 8032) in plain Python, and DSSE envelopes signed with it.

The verifier under test never signs, and the tests should need nothing beyond the standard
library and pytest, so the attestation tests sign their envelopes here (as the Rust CLI
tests do with a fixed-seed Ed25519 key). Slow and not constant-time: for tests only.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Optional, Tuple

_P = 2**255 - 19
_Q = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

Point = Tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T)


def _add(a: Point, b: Point) -> Point:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % _P
    bb = (y1 + x1) * (y2 + x2) % _P
    cc = 2 * t1 * t2 * _D % _P
    dd = 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, point: Point) -> Point:
    out: Point = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            out = _add(out, point)
        point = _add(point, point)
        s >>= 1
    return out


def _compress(point: Point) -> bytes:
    x, y, z, _ = point
    zinv = pow(z, _P - 2, _P)
    x, y = x * zinv % _P, y * zinv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _recover_x(y: int, sign: int) -> int:
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x & 1) != sign:
        x = _P - x
    return x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
_G: Point = (_GX, _GY, 1, _GX * _GY % _P)


def _hash_int(data: bytes) -> int:
    return int.from_bytes(hashlib.sha512(data).digest(), "little") % _Q


def _expand(secret: bytes) -> Tuple[int, bytes]:
    h = hashlib.sha512(secret).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def public_key(secret: bytes) -> bytes:
    """The 32-byte Ed25519 public key of a 32-byte secret."""
    a, _ = _expand(secret)
    return _compress(_mul(a, _G))


def sign(secret: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``message``."""
    a, prefix = _expand(secret)
    pub = _compress(_mul(a, _G))
    r = _hash_int(prefix + message)
    big_r = _compress(_mul(r, _G))
    s = (r + _hash_int(big_r + pub + message) * a) % _Q
    return big_r + s.to_bytes(32, "little")


def public_pem(secret: bytes) -> str:
    """The SubjectPublicKeyInfo PEM of the secret's public key."""
    der = bytes.fromhex("302a300506032b6570032100") + public_key(secret)
    return "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding (byte lengths)."""
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


#: The test signer's secret (a fixed seed, like the Rust CLI tests' key) and public key.
SECRET = bytes([0x42] * 32)
PEM = public_pem(SECRET)


def envelope(payload_type: str, payload: bytes, *, secret: bytes = SECRET,
             keyid: Optional[str] = None, signed: Optional[bytes] = None) -> bytes:
    """A DSSE envelope of ``payload`` signed over ``signed`` (default: its PAE)."""
    sig = sign(secret, pae(payload_type, payload) if signed is None else signed)
    signature = {"sig": base64.b64encode(sig).decode()}
    if keyid is not None:
        signature["keyid"] = keyid
    return json.dumps({"payload": base64.b64encode(payload).decode(), "payloadType": payload_type,
                       "signatures": [signature]}).encode()
