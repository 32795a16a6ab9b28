//! Signature verification for every [`Scheme`].
//!
//! What is accepted, scheme by scheme:
//!
//! * `ed25519`: 64-byte signatures, strict RFC 8032 verification (canonical `S`,
//!   small-order keys and `R` rejected: `ed25519-dalek`'s `verify_strict`).
//! * `rsassa-pss-sha224/256/384/512`: RSASSA-PSS with MGF1 over the same hash and **any
//!   salt length**, the length being recovered from the encoded message, like
//!   securesystemslib's `PSS.AUTO`. The signature must be exactly as long as the modulus.
//! * `rsa-pkcs1v15-sha224/256/384/512`: RSASSA-PKCS1-v1_5 with the DigestInfo prefix.
//! * `ecdsa-sha2-nistp256/384/521`: ECDSA on the key's curve with SHA-256 / SHA-384 /
//!   SHA-512. The signature may be ASN.1 DER (what securesystemslib and Sigstore write) or
//!   raw `r || s` of twice the field size (IEEE P1363, what the DSSE test vector and some
//!   KMS-backed signers write). Both `s` and `n - s` verify, as with pyca/cryptography.
//!
//! # RSA key size
//!
//! securesystemslib sets no minimum key size when verifying. This crate does: a
//! signature only verifies under an RSA key of at least [`MIN_RSA_BITS`] (2048) bits,
//! otherwise [`SignatureError::RsaKeyTooSmall`]. Smaller keys (down to 1024 bits) still
//! *load*, so a layout that merely lists one can be read and reported on; they just never
//! count towards a threshold. No in-toto, in-toto-golang or in-toto-rs test key is smaller
//! than 2048 bits.
//!
//! # Backends
//!
//! The RustCrypto crates (`rsa`, `p256`, `p384`, `p521`, `ed25519-dalek`) decide every
//! verdict, on every target. On targets other than wasm32, RSA and ECDSA P-256
//! signatures are first offered to `ring`, 2.4-3.3x faster (docs/benchmarks.md): if it
//! accepts, the signature is valid; if it does not (PSS with a salt other than the hash
//! length, SHA-224, a public exponent or modulus size it does not take, or simply an
//! invalid signature), the RustCrypto path decides as if `ring` had not been asked.
//! `ring` only accepts signatures that are valid by the standards those crates
//! implement, so the verdicts are the same with or without it. (ring's P-384 measured no
//! faster than `p384`, it has no P-521, and `ed25519-dalek` already beats OpenSSL.)

use crate::keys::{Material, PublicKey, Scheme};
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use std::fmt;

/// Smallest RSA modulus, in bits, whose signatures verify.
pub const MIN_RSA_BITS: usize = 2048;

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature is well-formed but does not verify over the message with this key.
    Invalid {
        /// The key's primary keyid.
        keyid: String,
        /// The scheme used.
        scheme: Scheme,
    },
    /// The signature bytes cannot be a signature of this scheme (wrong length, not DER,
    /// scalars out of range, ...).
    Malformed {
        /// The key's primary keyid.
        keyid: String,
        /// The scheme used.
        scheme: Scheme,
        /// What is wrong with the bytes.
        reason: String,
    },
    /// The RSA key is smaller than [`MIN_RSA_BITS`].
    RsaKeyTooSmall {
        /// The key's primary keyid.
        keyid: String,
        /// The key's modulus size.
        bits: usize,
        /// The minimum.
        min: usize,
    },
    /// The key cannot verify anything (e.g. an Ed25519 key that is not a curve point).
    UnusableKey {
        /// The key's primary keyid.
        keyid: String,
        /// Why.
        reason: &'static str,
    },
}

impl SignatureError {
    /// A stable kebab-case code for the variant.
    ///
    /// ```
    /// use intoto_verify::keys::PublicKey;
    /// let key = PublicKey::from_pem(b"-----BEGIN PUBLIC KEY-----
    /// MCowBQYDK2VwAyEAT2bavrzzBiiWN4YAGYTAt1wXXNzzvEhVkzomKPDNCg8=
    /// -----END PUBLIC KEY-----").unwrap();
    /// assert_eq!(key.verify(b"msg", &[0u8; 64]).unwrap_err().code(), "invalid-signature");
    /// assert_eq!(key.verify(b"msg", &[0u8; 3]).unwrap_err().code(), "malformed-signature");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::Invalid { .. } => "invalid-signature",
            SignatureError::Malformed { .. } => "malformed-signature",
            SignatureError::RsaKeyTooSmall { .. } => "rsa-key-too-small",
            SignatureError::UnusableKey { .. } => "unusable-key",
        }
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::Invalid { keyid, scheme } => {
                write!(f, "invalid {scheme} signature by key {keyid}")
            }
            SignatureError::Malformed {
                keyid,
                scheme,
                reason,
            } => write!(f, "malformed {scheme} signature for key {keyid}: {reason}"),
            SignatureError::RsaKeyTooSmall { keyid, bits, min } => write!(
                f,
                "RSA key {keyid} has {bits} bits; signatures need at least {min}"
            ),
            SignatureError::UnusableKey { keyid, reason } => {
                write!(f, "key {keyid} cannot verify signatures: {reason}")
            }
        }
    }
}

impl std::error::Error for SignatureError {}

/// ECDSA over a prehash: tries DER first, then raw `r || s` if the length fits.
/// A macro rather than a generic function: the `ecdsa` trait bounds for DER decoding
/// are long and say nothing.
macro_rules! ecdsa_verify {
    ($curve:ident, $vk:expr, $prehash:expr, $signature:expr, $field_len:expr, $malformed:expr, $invalid:expr) => {{
        use ecdsa::signature::hazmat::PrehashVerifier as _;
        let signature: &[u8] = $signature;
        let der = $curve::ecdsa::Signature::from_der(signature).ok();
        let raw = if signature.len() == 2 * $field_len {
            $curve::ecdsa::Signature::from_slice(signature).ok()
        } else {
            None
        };
        if der.is_none() && raw.is_none() {
            Err($malformed(format!(
                "neither an ASN.1 DER ECDSA signature nor raw r||s of {} bytes (got {} bytes)",
                2 * $field_len,
                signature.len()
            )))
        } else if der
            .iter()
            .chain(raw.iter())
            .any(|sig| $vk.verify_prehash($prehash, sig).is_ok())
        {
            Ok(())
        } else {
            Err($invalid())
        }
    }};
}

/// Verifies `signature` over `message` with `key` under `key.scheme()`.
///
/// `Ok(())` means the signature is valid. See the [module docs](self) for what each
/// scheme accepts.
///
/// ```
/// use intoto_verify::{keys::PublicKey, signature};
/// let key = PublicKey::from_pem(b"-----BEGIN PUBLIC KEY-----
/// MCowBQYDK2VwAyEAT2bavrzzBiiWN4YAGYTAt1wXXNzzvEhVkzomKPDNCg8=
/// -----END PUBLIC KEY-----").unwrap();
/// let err = signature::verify(&key, b"message", &[7u8; 64]).unwrap_err();
/// assert_eq!(err.code(), "invalid-signature");
/// ```
pub fn verify(key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
    if native::accepts(key, message, signature) {
        return Ok(());
    }
    verify_portable(key, message, signature)
}

/// [`verify`] with the RustCrypto crates alone: what decides every verdict.
fn verify_portable(
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let scheme = key.scheme();
    let malformed = |reason: String| SignatureError::Malformed {
        keyid: key.keyid().to_owned(),
        scheme,
        reason,
    };
    let invalid = || SignatureError::Invalid {
        keyid: key.keyid().to_owned(),
        scheme,
    };
    match key.material() {
        Material::Ed25519(raw) => {
            let vk = ed25519_dalek::VerifyingKey::from_bytes(raw).map_err(|_| {
                SignatureError::UnusableKey {
                    keyid: key.keyid().to_owned(),
                    reason: "the Ed25519 public key is not a valid curve point",
                }
            })?;
            let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| {
                malformed(format!(
                    "Ed25519 signatures are 64 bytes, got {}",
                    signature.len()
                ))
            })?;
            vk.verify_strict(message, &sig).map_err(|_| invalid())
        }
        Material::Rsa(pk) => {
            use rsa::traits::PublicKeyParts as _;
            let bits = pk.n().as_ref().bit_width_vartime() as usize;
            if bits < MIN_RSA_BITS {
                return Err(SignatureError::RsaKeyTooSmall {
                    keyid: key.keyid().to_owned(),
                    bits,
                    min: MIN_RSA_BITS,
                });
            }
            if signature.len() != pk.size() {
                return Err(malformed(format!(
                    "RSA signatures for this key are {} bytes, got {}",
                    pk.size(),
                    signature.len()
                )));
            }
            let result = match scheme {
                Scheme::RsassaPssSha224 => pss::<Sha224>(pk, message, signature),
                Scheme::RsassaPssSha256 => pss::<Sha256>(pk, message, signature),
                Scheme::RsassaPssSha384 => pss::<Sha384>(pk, message, signature),
                Scheme::RsassaPssSha512 => pss::<Sha512>(pk, message, signature),
                Scheme::RsaPkcs1v15Sha224 => pkcs1v15::<Sha224>(pk, message, signature),
                Scheme::RsaPkcs1v15Sha256 => pkcs1v15::<Sha256>(pk, message, signature),
                Scheme::RsaPkcs1v15Sha384 => pkcs1v15::<Sha384>(pk, message, signature),
                Scheme::RsaPkcs1v15Sha512 => pkcs1v15::<Sha512>(pk, message, signature),
                // PublicKey never pairs RSA material with another scheme.
                _ => false,
            };
            if result {
                Ok(())
            } else {
                Err(invalid())
            }
        }
        Material::P256(vk) => ecdsa_verify!(
            p256,
            vk,
            &Sha256::digest(message),
            signature,
            32,
            malformed,
            invalid
        ),
        Material::P384(vk) => ecdsa_verify!(
            p384,
            vk,
            &Sha384::digest(message),
            signature,
            48,
            malformed,
            invalid
        ),
        Material::P521(vk) => ecdsa_verify!(
            p521,
            vk,
            &Sha512::digest(message),
            signature,
            66,
            malformed,
            invalid
        ),
    }
}

/// The native fast path (see [Backends](self#backends)): `true` only for a signature that
/// is valid; `false` says nothing.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use crate::keys::{PublicKey, Scheme};
    use ring::signature::{self as ring_sig, VerificationAlgorithm};
    use spki::der::Decode as _;

    // ring's RSA algorithms take keys of 2048 bits and more only, so the fast path never
    // accepts a signature that the portable path would refuse as `RsaKeyTooSmall`.
    const _: () = assert!(super::MIN_RSA_BITS <= 2048);

    pub(super) fn accepts(key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
        let algorithms: &[&'static dyn VerificationAlgorithm] = match key.scheme() {
            Scheme::RsassaPssSha256 => &[&ring_sig::RSA_PSS_2048_8192_SHA256],
            Scheme::RsassaPssSha384 => &[&ring_sig::RSA_PSS_2048_8192_SHA384],
            Scheme::RsassaPssSha512 => &[&ring_sig::RSA_PSS_2048_8192_SHA512],
            Scheme::RsaPkcs1v15Sha256 => &[&ring_sig::RSA_PKCS1_2048_8192_SHA256],
            Scheme::RsaPkcs1v15Sha384 => &[&ring_sig::RSA_PKCS1_2048_8192_SHA384],
            Scheme::RsaPkcs1v15Sha512 => &[&ring_sig::RSA_PKCS1_2048_8192_SHA512],
            Scheme::EcdsaSha2Nistp256 => &[
                &ring_sig::ECDSA_P256_SHA256_ASN1,
                &ring_sig::ECDSA_P256_SHA256_FIXED,
            ],
            _ => return false,
        };
        // The subjectPublicKey bits: PKCS#1 RSAPublicKey DER or an uncompressed SEC1
        // point, the two forms ring takes.
        let Ok(spki) = spki::SubjectPublicKeyInfoRef::from_der(key.spki_der()) else {
            return false;
        };
        let Some(public) = spki.subject_public_key.as_bytes() else {
            return false;
        };
        algorithms.iter().any(|&algorithm| {
            ring_sig::UnparsedPublicKey::new(algorithm, public)
                .verify(message, signature)
                .is_ok()
        })
    }
}

/// wasm32 has the portable path only.
#[cfg(target_arch = "wasm32")]
mod native {
    use crate::keys::PublicKey;

    pub(super) fn accepts(_key: &PublicKey, _message: &[u8], _signature: &[u8]) -> bool {
        false
    }
}

fn pss<D>(pk: &rsa::PublicKey, message: &[u8], signature: &[u8]) -> bool
where
    D: Digest + sha2::digest::FixedOutputReset,
{
    let hashed = D::digest(message);
    let padding = rsa::Pss::<D> {
        blinded: false,
        digest: D::new(),
        salt_len: None,
    };
    pk.verify(padding, &hashed, signature).is_ok()
}

fn pkcs1v15<D>(pk: &rsa::PublicKey, message: &[u8], signature: &[u8]) -> bool
where
    D: Digest + spki::der::oid::AssociatedOid,
{
    let hashed = D::digest(message);
    pk.verify(rsa::pkcs1v15::Pkcs1v15Sign::new::<D>(), &hashed, signature)
        .is_ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// The benchmark fixtures (benches/fixtures/, made with OpenSSL): key, scheme,
    /// signature over `message.bin`, and whether the native fast path takes it.
    fn fixtures() -> Vec<(PublicKey, Vec<u8>, bool)> {
        macro_rules! fixture {
            ($name:literal) => {
                include_bytes!(concat!("../benches/fixtures/", $name)).as_slice()
            };
        }
        let native = cfg!(not(target_arch = "wasm32"));
        let rsa2048 = fixture!("rsa2048.pub.pem");
        let p256 = fixture!("ecdsa-p256.pub.pem");
        let p256_der = fixture!("ecdsa-p256-sha256.sig");
        let p256_raw = p256::ecdsa::Signature::from_der(p256_der)
            .unwrap()
            .to_bytes();
        let cases: Vec<(&[u8], Scheme, &[u8], bool)> = vec![
            (
                fixture!("ed25519.pub.pem"),
                Scheme::Ed25519,
                fixture!("ed25519.sig"),
                false,
            ),
            (
                rsa2048,
                Scheme::RsassaPssSha256,
                fixture!("rsa2048-pss-sha256.sig"),
                native,
            ),
            // A salt longer than the hash: ring refuses it, the portable path takes it.
            (
                rsa2048,
                Scheme::RsassaPssSha256,
                fixture!("rsa2048-pss-sha256-saltmax.sig"),
                false,
            ),
            (
                rsa2048,
                Scheme::RsaPkcs1v15Sha256,
                fixture!("rsa2048-pkcs1v15-sha256.sig"),
                native,
            ),
            (
                fixture!("rsa3072.pub.pem"),
                Scheme::RsassaPssSha256,
                fixture!("rsa3072-pss-sha256.sig"),
                native,
            ),
            (
                fixture!("rsa4096.pub.pem"),
                Scheme::RsaPkcs1v15Sha256,
                fixture!("rsa4096-pkcs1v15-sha256.sig"),
                native,
            ),
            (p256, Scheme::EcdsaSha2Nistp256, p256_der, native),
            (p256, Scheme::EcdsaSha2Nistp256, p256_raw.as_slice(), native),
            (
                fixture!("ecdsa-p384.pub.pem"),
                Scheme::EcdsaSha2Nistp384,
                fixture!("ecdsa-p384-sha384.sig"),
                false,
            ),
            (
                fixture!("ecdsa-p521.pub.pem"),
                Scheme::EcdsaSha2Nistp521,
                fixture!("ecdsa-p521-sha512.sig"),
                false,
            ),
        ];
        cases
            .into_iter()
            .map(|(pem, scheme, sig, native)| {
                (
                    PublicKey::from_pem_with_scheme(pem, scheme).unwrap(),
                    sig.to_vec(),
                    native,
                )
            })
            .collect()
    }

    /// Both paths accept every valid fixture (the portable one on its own too) and both
    /// refuse it over another message: the fast path never decides alone.
    #[test]
    fn native_and_portable_paths_agree() {
        let message = include_bytes!("../benches/fixtures/message.bin");
        let mut other = message.to_vec();
        other[0] ^= 1;
        for (key, sig, native) in fixtures() {
            let what = format!("{} {}", key.describe(), key.scheme());
            assert_eq!(native::accepts(&key, message, &sig), native, "{what}");
            assert_eq!(verify_portable(&key, message, &sig), Ok(()), "{what}");
            assert_eq!(verify(&key, message, &sig), Ok(()), "{what}");
            assert!(!native::accepts(&key, &other, &sig), "{what}");
            let portable = verify_portable(&key, &other, &sig).unwrap_err();
            assert_eq!(portable.code(), "invalid-signature", "{what}");
            assert_eq!(verify(&key, &other, &sig), Err(portable), "{what}");
        }
    }

    #[test]
    fn error_codes_are_distinct_kebab_case() {
        let k = String::new;
        let all = [
            SignatureError::Invalid {
                keyid: k(),
                scheme: Scheme::Ed25519,
            },
            SignatureError::Malformed {
                keyid: k(),
                scheme: Scheme::Ed25519,
                reason: k(),
            },
            SignatureError::RsaKeyTooSmall {
                keyid: k(),
                bits: 0,
                min: 0,
            },
            SignatureError::UnusableKey {
                keyid: k(),
                reason: "",
            },
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(SignatureError::code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
    }
}
