//! Public keys: loading, keyids and key identity.
//!
//! A [`PublicKey`] comes from one of:
//!
//! * a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) file, the way `in-toto-verify
//!   --verification-keys` takes it ([`PublicKey::from_pem`]); a PKCS#1 `RSA PUBLIC KEY`
//!   PEM is accepted too, as pyca/cryptography's `load_pem_public_key` does;
//! * SubjectPublicKeyInfo DER ([`PublicKey::from_spki_der`]);
//! * a raw 32-byte Ed25519 key ([`PublicKey::from_ed25519_bytes`], in-toto-rs' format);
//! * a securesystemslib key object, as found in a layout's `keys` map
//!   ([`PublicKey::from_sslib`]).
//!
//! Supported key types and their default schemes (securesystemslib's
//! `SSlibKey.from_crypto`): RSA → `rsassa-pss-sha256`, Ed25519 → `ed25519`, ECDSA on
//! P-256 / P-384 / P-521 → `ecdsa-sha2-nistp256` / `384` / `521` (keytype `ecdsa`).
//! Other curves (P-224, secp256k1, brainpool, ...) and other algorithms (DSA, Ed448, ...)
//! are rejected with [`KeyError::UnsupportedCurve`] / [`KeyError::UnsupportedAlgorithm`].
//! A scheme must fit the key: RSA keys take any RSA scheme, Ed25519 keys `ed25519`, and
//! an ECDSA key only the scheme of its own curve (securesystemslib checks the curve
//! before verifying too).
//!
//! # Keyids
//!
//! A keyid is the lowercase hex SHA-256 of the canonical JSON of a key dict. Which dict
//! depends on who computed it ([`KeyIdRule`]), so a key has a primary [`PublicKey::keyid`]
//! and a short list of [`PublicKey::keyid_aliases`]: every id in-toto 3.x, in-toto ≤ 2.x,
//! in-toto-golang or in-toto-rs could have given the same key. Two keys with the same
//! [`PublicKey::fingerprint`] are the same key material, whatever their keyids.
//!
//! ```
//! use intoto_verify::keys::{PublicKey, Scheme};
//!
//! let pem = b"-----BEGIN PUBLIC KEY-----
//! MCowBQYDK2VwAyEAT2bavrzzBiiWN4YAGYTAt1wXXNzzvEhVkzomKPDNCg8=
//! -----END PUBLIC KEY-----
//! ";
//! let key = PublicKey::from_pem(pem).unwrap();
//! assert_eq!(key.keytype(), "ed25519");
//! assert_eq!(key.scheme(), Scheme::Ed25519);
//! assert_eq!(
//!     key.keyid(),
//!     "c6d8bf2e4f48b41ac2ce8eca21415ca8ef68c133b47fc33df03d4070a7e1e9cc"
//! );
//! assert!(key.keyid_aliases().len() >= 2);
//! ```

use crate::json::{Map, Value};
use crate::signature::{self, SignatureError};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use spki::der::Decode as _;
use spki::ObjectIdentifier;
use std::fmt;

/// A signature scheme, named as securesystemslib names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scheme {
    /// `ed25519`: pure Ed25519 (RFC 8032), strict verification.
    Ed25519,
    /// `rsassa-pss-sha224`: RSASSA-PSS, SHA-224, MGF1-SHA-224, any salt length.
    ///
    /// Registered by securesystemslib after 1.6.0 (in-toto 3.1.0 rejects it).
    RsassaPssSha224,
    /// `rsassa-pss-sha256`: RSASSA-PSS, SHA-256, MGF1-SHA-256, any salt length.
    RsassaPssSha256,
    /// `rsassa-pss-sha384`: RSASSA-PSS, SHA-384, MGF1-SHA-384, any salt length.
    RsassaPssSha384,
    /// `rsassa-pss-sha512`: RSASSA-PSS, SHA-512, MGF1-SHA-512, any salt length.
    RsassaPssSha512,
    /// `rsa-pkcs1v15-sha224`: RSASSA-PKCS1-v1_5 with SHA-224.
    ///
    /// Registered by securesystemslib after 1.6.0 (in-toto 3.1.0 rejects it).
    RsaPkcs1v15Sha224,
    /// `rsa-pkcs1v15-sha256`: RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1v15Sha256,
    /// `rsa-pkcs1v15-sha384`: RSASSA-PKCS1-v1_5 with SHA-384.
    RsaPkcs1v15Sha384,
    /// `rsa-pkcs1v15-sha512`: RSASSA-PKCS1-v1_5 with SHA-512.
    RsaPkcs1v15Sha512,
    /// `ecdsa-sha2-nistp256`: ECDSA on P-256 with SHA-256.
    EcdsaSha2Nistp256,
    /// `ecdsa-sha2-nistp384`: ECDSA on P-384 with SHA-384.
    EcdsaSha2Nistp384,
    /// `ecdsa-sha2-nistp521`: ECDSA on P-521 with SHA-512.
    EcdsaSha2Nistp521,
}

impl Scheme {
    /// Every scheme this crate verifies.
    pub const ALL: &'static [Scheme] = &[
        Scheme::Ed25519,
        Scheme::RsassaPssSha224,
        Scheme::RsassaPssSha256,
        Scheme::RsassaPssSha384,
        Scheme::RsassaPssSha512,
        Scheme::RsaPkcs1v15Sha224,
        Scheme::RsaPkcs1v15Sha256,
        Scheme::RsaPkcs1v15Sha384,
        Scheme::RsaPkcs1v15Sha512,
        Scheme::EcdsaSha2Nistp256,
        Scheme::EcdsaSha2Nistp384,
        Scheme::EcdsaSha2Nistp521,
    ];

    /// The securesystemslib name, e.g. `rsassa-pss-sha256`.
    ///
    /// ```
    /// use intoto_verify::keys::Scheme;
    /// assert_eq!(Scheme::EcdsaSha2Nistp384.as_str(), "ecdsa-sha2-nistp384");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Ed25519 => "ed25519",
            Scheme::RsassaPssSha224 => "rsassa-pss-sha224",
            Scheme::RsassaPssSha256 => "rsassa-pss-sha256",
            Scheme::RsassaPssSha384 => "rsassa-pss-sha384",
            Scheme::RsassaPssSha512 => "rsassa-pss-sha512",
            Scheme::RsaPkcs1v15Sha224 => "rsa-pkcs1v15-sha224",
            Scheme::RsaPkcs1v15Sha256 => "rsa-pkcs1v15-sha256",
            Scheme::RsaPkcs1v15Sha384 => "rsa-pkcs1v15-sha384",
            Scheme::RsaPkcs1v15Sha512 => "rsa-pkcs1v15-sha512",
            Scheme::EcdsaSha2Nistp256 => "ecdsa-sha2-nistp256",
            Scheme::EcdsaSha2Nistp384 => "ecdsa-sha2-nistp384",
            Scheme::EcdsaSha2Nistp521 => "ecdsa-sha2-nistp521",
        }
    }

    /// The scheme with this securesystemslib name (exact, case-sensitive match).
    ///
    /// ```
    /// use intoto_verify::keys::Scheme;
    /// assert_eq!(Scheme::parse("rsa-pkcs1v15-sha512"), Some(Scheme::RsaPkcs1v15Sha512));
    /// assert_eq!(Scheme::parse("ecdsa-sha2-nistp224"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Scheme> {
        Scheme::ALL.iter().copied().find(|s| s.as_str() == name)
    }

    /// The keytype securesystemslib pairs with this scheme: `rsa`, `ecdsa` or `ed25519`.
    pub fn keytype(self) -> &'static str {
        match self {
            Scheme::Ed25519 => "ed25519",
            Scheme::EcdsaSha2Nistp256 | Scheme::EcdsaSha2Nistp384 | Scheme::EcdsaSha2Nistp521 => {
                "ecdsa"
            }
            _ => "rsa",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A way some in-toto implementation derives a keyid from a key.
///
/// Every rule hashes (SHA-256, lowercase hex) the canonical JSON of
/// `{"keytype", "scheme", "keyval": {"public": P}}`, plus for the legacy rules
/// `"keyid_hash_algorithms": ["sha256", "sha512"]`. `P` is the lowercase hex of the raw
/// key for Ed25519 and the SubjectPublicKeyInfo PEM as pyca/cryptography writes it
/// (64-character base64 lines) for RSA and ECDSA; keytype is `rsa`, `ecdsa` or `ed25519`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyIdRule {
    /// securesystemslib ≥ 1.0 / in-toto 3.x: no `keyid_hash_algorithms`, PEM with its
    /// trailing newline.
    Sslib1x,
    /// in-toto ≤ 2.x, in-toto-golang, in-toto-rs: `keyid_hash_algorithms`, PEM without
    /// the trailing newline.
    LegacyKha,
    /// `keyid_hash_algorithms` and the PEM with its trailing newline.
    LegacyKhaNewline,
    /// in-toto-golang's default for ECDSA keys: like [`KeyIdRule::LegacyKha`] but with the
    /// scheme `ecdsa-sha2-nistp256` whatever the curve. Same as `LegacyKha` for other keys.
    GoEcdsaDefaultScheme,
}

impl KeyIdRule {
    /// Every rule, in the order [`PublicKey::keyid_aliases`] lists them.
    pub const ALL: &'static [KeyIdRule] = &[
        KeyIdRule::Sslib1x,
        KeyIdRule::LegacyKha,
        KeyIdRule::LegacyKhaNewline,
        KeyIdRule::GoEcdsaDefaultScheme,
    ];
}

/// The key material, validated. Crate-private: the signature module dispatches on it.
#[derive(Clone)]
pub(crate) enum Material {
    Rsa(Box<rsa::PublicKey>),
    /// Raw key bytes; decompressed at verification time (as pyca/cryptography, a key
    /// that is not a curve point loads and then verifies nothing).
    Ed25519([u8; 32]),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
}

impl Material {
    /// A short human description, e.g. `RSA-3072` or `ECDSA P-384`.
    fn describe(&self) -> String {
        match self {
            Material::Rsa(k) => format!("RSA-{}", rsa_bits(k)),
            Material::Ed25519(_) => "Ed25519".to_owned(),
            Material::P256(_) => "ECDSA P-256".to_owned(),
            Material::P384(_) => "ECDSA P-384".to_owned(),
            Material::P521(_) => "ECDSA P-521".to_owned(),
        }
    }

    /// The canonical keytype of the material.
    fn keytype(&self) -> &'static str {
        match self {
            Material::Rsa(_) => "rsa",
            Material::Ed25519(_) => "ed25519",
            Material::P256(_) | Material::P384(_) | Material::P521(_) => "ecdsa",
        }
    }

    /// securesystemslib's default scheme for the material.
    fn default_scheme(&self) -> Scheme {
        match self {
            Material::Rsa(_) => Scheme::RsassaPssSha256,
            Material::Ed25519(_) => Scheme::Ed25519,
            Material::P256(_) => Scheme::EcdsaSha2Nistp256,
            Material::P384(_) => Scheme::EcdsaSha2Nistp384,
            Material::P521(_) => Scheme::EcdsaSha2Nistp521,
        }
    }

    /// Whether `scheme` can be used with this material.
    fn accepts(&self, scheme: Scheme) -> bool {
        match self {
            Material::Rsa(_) => scheme.keytype() == "rsa",
            _ => scheme == self.default_scheme(),
        }
    }

    /// The canonical SubjectPublicKeyInfo DER.
    fn spki_der(&self) -> Result<Vec<u8>, KeyError> {
        use spki::EncodePublicKey as _;
        let doc = match self {
            Material::Ed25519(raw) => {
                let mut der = ED25519_SPKI_PREFIX.to_vec();
                der.extend_from_slice(raw);
                return Ok(der);
            }
            Material::Rsa(k) => k.to_public_key_der(),
            Material::P256(k) => k.to_public_key_der(),
            Material::P384(k) => k.to_public_key_der(),
            Material::P521(k) => k.to_public_key_der(),
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|e| KeyError::InvalidKey {
                key: self.describe(),
                reason: format!("cannot encode as SubjectPublicKeyInfo: {e}"),
            })
    }
}

/// Smallest RSA modulus, in bits, that loads. Signatures additionally need
/// [`signature::MIN_RSA_BITS`].
pub const MIN_RSA_LOAD_BITS: usize = 1024;
/// Largest RSA modulus, in bits, that loads (bounds the cost of one verification).
pub const MAX_RSA_BITS: usize = 16384;

/// The 12-byte DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410).
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// Names for algorithm and curve OIDs we reject, so errors say more than a dotted number.
fn oid_name(oid: &ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.1.10" => "RSASSA-PSS-restricted RSA (1.2.840.113549.1.1.10)",
        "1.2.840.10040.4.1" => "DSA (1.2.840.10040.4.1)",
        "1.3.101.113" => "Ed448 (1.3.101.113)",
        "1.3.101.110" => "X25519 (1.3.101.110)",
        "1.3.101.111" => "X448 (1.3.101.111)",
        "1.2.840.10046.2.1" => "Diffie-Hellman (1.2.840.10046.2.1)",
        "1.3.132.0.33" => "P-224 (secp224r1, 1.3.132.0.33)",
        "1.2.840.10045.3.1.1" => "P-192 (secp192r1, 1.2.840.10045.3.1.1)",
        "1.3.132.0.10" => "secp256k1 (1.3.132.0.10)",
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1 (1.3.36.3.3.2.8.1.1.7)",
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1 (1.3.36.3.3.2.8.1.1.11)",
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1 (1.3.36.3.3.2.8.1.1.13)",
        other => return other.to_owned(),
    };
    name.to_owned()
}

fn rsa_bits(key: &rsa::PublicKey) -> usize {
    use rsa::traits::PublicKeyParts as _;
    key.n().as_ref().bit_width_vartime() as usize
}

/// Why a key could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The input is not a usable PEM document.
    Pem {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The PEM block holds a private key; a verifier needs the public key.
    PrivateKey {
        /// The PEM label, e.g. `RSA PRIVATE KEY`.
        label: String,
    },
    /// The PEM block holds something other than a public key (e.g. a `CERTIFICATE`).
    NotPublicKey {
        /// The PEM label.
        label: String,
    },
    /// The bytes are not a DER SubjectPublicKeyInfo (or PKCS#1 RSAPublicKey).
    Spki {
        /// The decoder's complaint.
        reason: String,
    },
    /// A public-key algorithm this crate does not verify with (DSA, Ed448, ...).
    UnsupportedAlgorithm {
        /// The algorithm's name and OID.
        algorithm: String,
    },
    /// An elliptic curve other than P-256, P-384 and P-521.
    UnsupportedCurve {
        /// The curve's name and OID.
        curve: String,
    },
    /// The key decodes but its material is not valid (not a curve point, bad RSA
    /// modulus, wrong Ed25519 length, ...).
    InvalidKey {
        /// What kind of key it claims to be.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// An RSA modulus outside [`MIN_RSA_LOAD_BITS`]..=[`MAX_RSA_BITS`].
    RsaKeySize {
        /// The modulus size.
        bits: usize,
        /// The smallest accepted size.
        min: usize,
        /// The largest accepted size.
        max: usize,
    },
    /// A key object's `keytype` is not one this crate knows.
    UnknownKeyType {
        /// The keytype as given.
        keytype: String,
    },
    /// A `scheme` this crate does not know.
    UnknownScheme {
        /// The scheme as given.
        scheme: String,
    },
    /// The scheme does not fit the key type or curve (e.g. `ecdsa-sha2-nistp256` with a
    /// P-384 key, `ed25519` with an RSA key).
    SchemeMismatch {
        /// The keytype (declared, or of the key material).
        keytype: String,
        /// The scheme.
        scheme: String,
        /// Why, e.g. `the key is ECDSA P-384`.
        reason: String,
    },
    /// A key object's `keytype` does not match the key in `keyval.public`.
    KeyTypeMismatch {
        /// The declared keytype.
        keytype: String,
        /// The key material found, e.g. `RSA-3072`.
        key: String,
    },
    /// A key object lacks a required field.
    MissingField {
        /// The field, e.g. `keyval.public`.
        field: &'static str,
    },
    /// A key object field has the wrong JSON type.
    FieldType {
        /// The field.
        field: &'static str,
        /// The JSON type expected.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
}

impl KeyError {
    /// A stable kebab-case code for the variant, for programs and bindings.
    ///
    /// ```
    /// use intoto_verify::keys::PublicKey;
    /// let err = PublicKey::from_pem(b"not a key").unwrap_err();
    /// assert_eq!(err.code(), "pem");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Pem { .. } => "pem",
            KeyError::PrivateKey { .. } => "private-key",
            KeyError::NotPublicKey { .. } => "not-public-key",
            KeyError::Spki { .. } => "spki",
            KeyError::UnsupportedAlgorithm { .. } => "unsupported-algorithm",
            KeyError::UnsupportedCurve { .. } => "unsupported-curve",
            KeyError::InvalidKey { .. } => "invalid-key",
            KeyError::RsaKeySize { .. } => "rsa-key-size",
            KeyError::UnknownKeyType { .. } => "unknown-keytype",
            KeyError::UnknownScheme { .. } => "unknown-scheme",
            KeyError::SchemeMismatch { .. } => "scheme-mismatch",
            KeyError::KeyTypeMismatch { .. } => "keytype-mismatch",
            KeyError::MissingField { .. } => "missing-field",
            KeyError::FieldType { .. } => "field-type",
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Pem { reason } => write!(f, "not a usable PEM public key: {reason}"),
            KeyError::PrivateKey { label } => write!(
                f,
                "the PEM block is a private key ({label}); give the public key instead"
            ),
            KeyError::NotPublicKey { label } => write!(
                f,
                "the PEM block is a {label}, not a PUBLIC KEY (SubjectPublicKeyInfo)"
            ),
            KeyError::Spki { reason } => {
                write!(f, "not a DER SubjectPublicKeyInfo: {reason}")
            }
            KeyError::UnsupportedAlgorithm { algorithm } => write!(
                f,
                "unsupported public-key algorithm {algorithm} (supported: RSA, ECDSA, Ed25519)"
            ),
            KeyError::UnsupportedCurve { curve } => write!(
                f,
                "unsupported elliptic curve {curve} (supported: P-256, P-384, P-521)"
            ),
            KeyError::InvalidKey { key, reason } => write!(f, "invalid {key} key: {reason}"),
            KeyError::RsaKeySize { bits, min, max } => write!(
                f,
                "RSA key of {bits} bits is outside the supported range {min}..={max}"
            ),
            KeyError::UnknownKeyType { keytype } => write!(
                f,
                "unknown keytype {keytype:?} (supported: rsa, ecdsa, ed25519, ecdsa-sha2-nistp256/384/521)"
            ),
            KeyError::UnknownScheme { scheme } => write!(f, "unknown signature scheme {scheme:?}"),
            KeyError::SchemeMismatch {
                keytype,
                scheme,
                reason,
            } => write!(
                f,
                "scheme {scheme:?} cannot be used with keytype {keytype:?}: {reason}"
            ),
            KeyError::KeyTypeMismatch { keytype, key } => write!(
                f,
                "keytype {keytype:?} does not match the key in keyval.public ({key})"
            ),
            KeyError::MissingField { field } => write!(f, "key object lacks {field:?}"),
            KeyError::FieldType {
                field,
                expected,
                found,
            } => write!(f, "key object field {field:?} must be {expected}, found {found}"),
        }
    }
}

impl std::error::Error for KeyError {}

/// A public key with its scheme, keyids and fingerprint.
///
/// Construction validates everything once (PEM, DER, curve, scheme/keytype fit);
/// afterwards the accessors cannot fail.
#[derive(Clone)]
pub struct PublicKey {
    keytype: &'static str,
    scheme: Scheme,
    material: Material,
    spki_der: Vec<u8>,
    fingerprint: [u8; 32],
    /// `keyval.public` as used for the primary keyid and [`PublicKey::to_sslib_value`].
    public: String,
    keyid_hash_algorithms: Option<Vec<String>>,
    keyid: String,
    aliases: Vec<String>,
    declared_keyid: Option<String>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("keytype", &self.keytype)
            .field("scheme", &self.scheme)
            .field("key", &self.material.describe())
            .field("keyid", &self.keyid)
            .field("fingerprint", &hex::encode(self.fingerprint))
            .finish()
    }
}

impl PublicKey {
    /// Loads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) with the default scheme for its
    /// type, as securesystemslib's `SSlibKey.from_crypto` does.
    ///
    /// Text before the `-----BEGIN` line and after the `-----END` line is ignored,
    /// line breaks may be LF or CRLF; only the first PEM block is read. A PKCS#1
    /// `RSA PUBLIC KEY` block is accepted too. Private keys, certificates and encrypted
    /// PEM are rejected with a [`KeyError`] that says so.
    ///
    /// The primary keyid follows [`KeyIdRule::Sslib1x`] (what `in-toto-verify` 3.x
    /// computes for `--verification-keys`).
    ///
    /// ```
    /// use intoto_verify::keys::{PublicKey, Scheme};
    /// let pem = b"-----BEGIN PUBLIC KEY-----
    /// MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcLYSZyFGeKdWNt5dWFbnv6N9NyHC
    /// oUNLcG6GZIxLwN8Q8MUdHdOOxGkDnyBRSJpIZ/r/oDECSTwfCYhdogweLA==
    /// -----END PUBLIC KEY-----
    /// ";
    /// let key = PublicKey::from_pem(pem).unwrap();
    /// assert_eq!((key.keytype(), key.scheme()), ("ecdsa", Scheme::EcdsaSha2Nistp256));
    /// assert_eq!(key.keyid(), "50d7e110ad65f3b2dba5c3cfc8c5ca259be9774cc26be3410044ffd4be3aa5f3");
    /// ```
    pub fn from_pem(pem: &[u8]) -> Result<PublicKey, KeyError> {
        let material = material_from_pem(pem)?;
        PublicKey::from_material(material, None)
    }

    /// Loads a PEM public key (as [`PublicKey::from_pem`]) for a given scheme.
    ///
    /// The scheme must fit the key: [`KeyError::SchemeMismatch`] otherwise.
    pub fn from_pem_with_scheme(pem: &[u8], scheme: Scheme) -> Result<PublicKey, KeyError> {
        let material = material_from_pem(pem)?;
        PublicKey::from_material(material, Some(scheme))
    }

    /// Loads a DER SubjectPublicKeyInfo with the default scheme for its type.
    ///
    /// For in-toto-rs compatibility an Ed25519 key whose AlgorithmIdentifier carries an
    /// explicit NULL parameter is accepted (RFC 8410 says it must be absent); the
    /// fingerprint is still that of the canonical encoding.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        PublicKey::from_material(material_from_spki(der)?, None)
    }

    /// Loads a DER SubjectPublicKeyInfo for a given scheme.
    pub fn from_spki_der_with_scheme(der: &[u8], scheme: Scheme) -> Result<PublicKey, KeyError> {
        PublicKey::from_material(material_from_spki(der)?, Some(scheme))
    }

    /// Loads a raw 32-byte Ed25519 public key (in-toto-rs' `.pub` format).
    pub fn from_ed25519_bytes(raw: &[u8]) -> Result<PublicKey, KeyError> {
        let raw: [u8; 32] = raw.try_into().map_err(|_| KeyError::InvalidKey {
            key: "Ed25519".to_owned(),
            reason: format!("raw public key must be 32 bytes, got {}", raw.len()),
        })?;
        PublicKey::from_material(Material::Ed25519(raw), None)
    }

    /// Loads a securesystemslib key object, as found in a layout's `keys` map:
    /// `{"keytype", "scheme", "keyval": {"public"}, "keyid_hash_algorithms"?, "keyid"?}`.
    ///
    /// `keyval.public` is a PEM string for `rsa` and `ecdsa` keys and 64 hex characters
    /// for `ed25519`. The legacy keytypes `ecdsa-sha2-nistp256/384/521` (keytype equal
    /// to the scheme) are accepted as securesystemslib does. Unknown fields are ignored.
    ///
    /// The primary keyid is computed over the object's own `keytype`, `scheme`,
    /// `keyval.public` (as given) and, if present, `keyid_hash_algorithms`. A `keyid`
    /// field is not trusted; it is available as [`PublicKey::declared_keyid`].
    ///
    /// ```
    /// use intoto_verify::{json, keys::PublicKey};
    /// let v = json::parse(br#"{"keytype": "ed25519", "scheme": "ed25519",
    ///     "keyid_hash_algorithms": ["sha256", "sha512"],
    ///     "keyval": {"public": "32b2b597295d7a9ef4c5cfd2d588f6b02dc983a58cf5677b1d7d20af82c7e1a2"}}"#,
    ///     json::JsonLimits::default()).unwrap();
    /// let key = PublicKey::from_sslib(&v).unwrap();
    /// assert_eq!(key.keyid(), "36a5529f72cf3b1cc096a28887350969212f9d6c46529658ab186fc0cb781699");
    /// ```
    pub fn from_sslib(value: &Value) -> Result<PublicKey, KeyError> {
        let obj = value.as_object().ok_or(KeyError::FieldType {
            field: "(key object)",
            expected: "an object",
            found: value.type_name(),
        })?;
        let keytype = get_str(obj, "keytype")?;
        let scheme_name = get_str(obj, "scheme")?;
        let keyval = match obj.get("keyval") {
            None => return Err(KeyError::MissingField { field: "keyval" }),
            Some(v) => v.as_object().ok_or(KeyError::FieldType {
                field: "keyval",
                expected: "an object",
                found: v.type_name(),
            })?,
        };
        let public = match keyval.get("public") {
            None => {
                return Err(KeyError::MissingField {
                    field: "keyval.public",
                })
            }
            Some(v) => v.as_str().ok_or(KeyError::FieldType {
                field: "keyval.public",
                expected: "a string",
                found: v.type_name(),
            })?,
        };
        let kha = match obj.get("keyid_hash_algorithms") {
            None => None,
            Some(v) => {
                let bad = || KeyError::FieldType {
                    field: "keyid_hash_algorithms",
                    expected: "an array of strings",
                    found: v.type_name(),
                };
                let items = v.as_array().ok_or_else(bad)?;
                let mut algs = Vec::with_capacity(items.len());
                for item in items {
                    algs.push(item.as_str().ok_or_else(bad)?.to_owned());
                }
                Some(algs)
            }
        };
        let declared_keyid = match obj.get("keyid") {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or(KeyError::FieldType {
                        field: "keyid",
                        expected: "a string",
                        found: v.type_name(),
                    })?
                    .to_owned(),
            ),
        };

        let keytype: &'static str = match keytype {
            "rsa" => "rsa",
            "ecdsa" => "ecdsa",
            "ed25519" => "ed25519",
            "ecdsa-sha2-nistp256" => "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384" => "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521" => "ecdsa-sha2-nistp521",
            other => {
                return Err(KeyError::UnknownKeyType {
                    keytype: other.to_owned(),
                })
            }
        };
        let scheme = Scheme::parse(scheme_name).ok_or_else(|| KeyError::UnknownScheme {
            scheme: scheme_name.to_owned(),
        })?;
        // securesystemslib's KEY_FOR_TYPE_AND_SCHEME: a legacy ECDSA keytype only goes
        // with the identical scheme.
        let pair_ok = if keytype.starts_with("ecdsa-") {
            keytype == scheme.as_str()
        } else {
            scheme.keytype() == keytype
        };
        if !pair_ok {
            return Err(KeyError::SchemeMismatch {
                keytype: keytype.to_owned(),
                scheme: scheme.as_str().to_owned(),
                reason: "securesystemslib registers no such keytype/scheme pair".to_owned(),
            });
        }

        let material = if keytype == "ed25519" {
            let bytes = hex::decode(public).map_err(|_| KeyError::InvalidKey {
                key: "Ed25519".to_owned(),
                reason: "keyval.public must be the hex of the raw 32-byte key".to_owned(),
            })?;
            let raw: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| KeyError::InvalidKey {
                    key: "Ed25519".to_owned(),
                    reason: format!(
                        "keyval.public must be 32 bytes (64 hex characters), got {} bytes",
                        bytes.len()
                    ),
                })?;
            Material::Ed25519(raw)
        } else {
            let material = material_from_pem(public.as_bytes())?;
            if material.keytype() != scheme.keytype() {
                return Err(KeyError::KeyTypeMismatch {
                    keytype: keytype.to_owned(),
                    key: material.describe(),
                });
            }
            material
        };
        if !material.accepts(scheme) {
            return Err(KeyError::SchemeMismatch {
                keytype: keytype.to_owned(),
                scheme: scheme.as_str().to_owned(),
                reason: format!("the key is {}", material.describe()),
            });
        }

        let spki_der = material.spki_der()?;
        let keyid = keyid_hex(keytype, scheme.as_str(), public, kha.as_deref());
        let mut key = PublicKey {
            keytype,
            scheme,
            fingerprint: Sha256::digest(&spki_der).into(),
            spki_der,
            material,
            public: public.to_owned(),
            keyid_hash_algorithms: kha,
            keyid,
            aliases: Vec::new(),
            declared_keyid,
        };
        key.aliases = key.compute_aliases();
        Ok(key)
    }

    fn from_material(material: Material, scheme: Option<Scheme>) -> Result<PublicKey, KeyError> {
        let scheme = scheme.unwrap_or_else(|| material.default_scheme());
        let keytype = material.keytype();
        if !material.accepts(scheme) {
            return Err(KeyError::SchemeMismatch {
                keytype: keytype.to_owned(),
                scheme: scheme.as_str().to_owned(),
                reason: format!("the key is {}", material.describe()),
            });
        }
        let spki_der = material.spki_der()?;
        let public = match &material {
            Material::Ed25519(raw) => hex::encode(raw),
            _ => pyca_pem(&spki_der),
        };
        let keyid = keyid_hex(keytype, scheme.as_str(), &public, None);
        let mut key = PublicKey {
            keytype,
            scheme,
            fingerprint: Sha256::digest(&spki_der).into(),
            spki_der,
            material,
            public,
            keyid_hash_algorithms: None,
            keyid,
            aliases: Vec::new(),
            declared_keyid: None,
        };
        key.aliases = key.compute_aliases();
        Ok(key)
    }

    fn compute_aliases(&self) -> Vec<String> {
        let mut out = vec![self.keyid.clone()];
        for rule in KeyIdRule::ALL {
            let id = self.keyid_by_rule(*rule);
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    /// The keytype: `rsa`, `ecdsa` or `ed25519`, or a legacy `ecdsa-sha2-nistp*` keytype
    /// as a key object declared it.
    pub fn keytype(&self) -> &str {
        self.keytype
    }

    /// The signature scheme this key verifies with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The primary keyid (lowercase hex). See [`PublicKey::from_pem`] and
    /// [`PublicKey::from_sslib`] for how it is computed.
    pub fn keyid(&self) -> &str {
        &self.keyid
    }

    /// Every keyid this key may legitimately be listed under: the primary keyid first,
    /// then the ids of each [`KeyIdRule`], without duplicates (at most five).
    pub fn keyid_aliases(&self) -> &[String] {
        &self.aliases
    }

    /// Whether `keyid` is one of [`PublicKey::keyid_aliases`].
    pub fn has_keyid(&self, keyid: &str) -> bool {
        self.aliases.iter().any(|a| a == keyid)
    }

    /// The keyid under one [`KeyIdRule`], computed from the key material and scheme
    /// (ignoring how the key was written in its input).
    ///
    /// ```
    /// use intoto_verify::keys::{KeyIdRule, PublicKey};
    /// let pem = b"-----BEGIN PUBLIC KEY-----
    /// MCowBQYDK2VwAyEAT2bavrzzBiiWN4YAGYTAt1wXXNzzvEhVkzomKPDNCg8=
    /// -----END PUBLIC KEY-----
    /// ";
    /// let key = PublicKey::from_pem(pem).unwrap();
    /// assert_eq!(key.keyid_by_rule(KeyIdRule::Sslib1x), key.keyid());
    /// assert_ne!(key.keyid_by_rule(KeyIdRule::LegacyKha), key.keyid());
    /// ```
    pub fn keyid_by_rule(&self, rule: KeyIdRule) -> String {
        const KHA: &[&str] = &["sha256", "sha512"];
        let keytype = self.material.keytype();
        let (with_newline, without_newline) = match &self.material {
            Material::Ed25519(raw) => {
                let h = hex::encode(raw);
                (h.clone(), h)
            }
            _ => {
                let pem = pyca_pem(&self.spki_der);
                let trimmed = pem.trim_end_matches('\n').to_owned();
                (pem, trimmed)
            }
        };
        let kha: Vec<String> = KHA.iter().map(|s| (*s).to_owned()).collect();
        match rule {
            KeyIdRule::Sslib1x => keyid_hex(keytype, self.scheme.as_str(), &with_newline, None),
            KeyIdRule::LegacyKha => {
                keyid_hex(keytype, self.scheme.as_str(), &without_newline, Some(&kha))
            }
            KeyIdRule::LegacyKhaNewline => {
                keyid_hex(keytype, self.scheme.as_str(), &with_newline, Some(&kha))
            }
            KeyIdRule::GoEcdsaDefaultScheme => {
                let scheme = if keytype == "ecdsa" {
                    Scheme::EcdsaSha2Nistp256
                } else {
                    self.scheme
                };
                keyid_hex(keytype, scheme.as_str(), &without_newline, Some(&kha))
            }
        }
    }

    /// The `keyid` field of the key object this key was loaded from, if it had one.
    /// Not checked against anything.
    pub fn declared_keyid(&self) -> Option<&str> {
        self.declared_keyid.as_deref()
    }

    /// SHA-256 of the canonical SubjectPublicKeyInfo DER: the identity of the key
    /// material. Two keys with equal fingerprints are the same key, whatever their
    /// keyids or schemes; thresholds count distinct fingerprints.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// The canonical SubjectPublicKeyInfo DER of the key.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The SubjectPublicKeyInfo PEM as pyca/cryptography writes it (64-character lines,
    /// trailing newline).
    pub fn to_pem(&self) -> String {
        pyca_pem(&self.spki_der)
    }

    /// A short description of the key material, e.g. `RSA-3072` or `ECDSA P-384`.
    pub fn describe(&self) -> String {
        self.material.describe()
    }

    /// The key as a securesystemslib key dict:
    /// `{"keytype", "scheme", "keyval": {"public"}}`, plus `keyid_hash_algorithms` if the
    /// key object had them. Its canonical JSON hashes to [`PublicKey::keyid`].
    pub fn to_sslib_value(&self) -> Value {
        let mut keyval = Map::new();
        keyval.insert("public".to_owned(), Value::String(self.public.clone()));
        let mut m = Map::new();
        m.insert("keytype".to_owned(), Value::String(self.keytype.to_owned()));
        m.insert(
            "scheme".to_owned(),
            Value::String(self.scheme.as_str().to_owned()),
        );
        m.insert("keyval".to_owned(), Value::Object(keyval));
        if let Some(kha) = &self.keyid_hash_algorithms {
            m.insert(
                "keyid_hash_algorithms".to_owned(),
                Value::Array(kha.iter().map(|s| Value::String(s.clone())).collect()),
            );
        }
        Value::Object(m)
    }

    /// Verifies `signature` over `message` with this key's scheme. See
    /// [`signature::verify`].
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        signature::verify(self, message, signature)
    }

    pub(crate) fn material(&self) -> &Material {
        &self.material
    }
}

fn get_str<'a>(obj: &'a Map, field: &'static str) -> Result<&'a str, KeyError> {
    match obj.get(field) {
        None => Err(KeyError::MissingField { field }),
        Some(v) => v.as_str().ok_or(KeyError::FieldType {
            field,
            expected: "a string",
            found: v.type_name(),
        }),
    }
}

/// `sha256(canonical_json({keyid_hash_algorithms?, keytype, keyval: {public}, scheme}))`
/// in lowercase hex. The keys are written in canonical (code point) order by hand, so
/// this cannot fail.
fn keyid_hex(keytype: &str, scheme: &str, public: &str, kha: Option<&[String]>) -> String {
    use crate::canonical::encode_str;
    let mut out = Vec::with_capacity(public.len() + 128);
    out.push(b'{');
    if let Some(kha) = kha {
        encode_str("keyid_hash_algorithms", &mut out);
        out.extend_from_slice(b":[");
        for (i, alg) in kha.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            encode_str(alg, &mut out);
        }
        out.extend_from_slice(b"],");
    }
    encode_str("keytype", &mut out);
    out.push(b':');
    encode_str(keytype, &mut out);
    out.push(b',');
    encode_str("keyval", &mut out);
    out.extend_from_slice(b":{");
    encode_str("public", &mut out);
    out.push(b':');
    encode_str(public, &mut out);
    out.extend_from_slice(b"},");
    encode_str("scheme", &mut out);
    out.push(b':');
    encode_str(scheme, &mut out);
    out.push(b'}');
    hex::encode(Sha256::digest(&out))
}

/// SubjectPublicKeyInfo PEM as pyca/cryptography serialises it: 64-character base64
/// lines, LF line ends, trailing newline.
fn pyca_pem(spki_der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(spki_der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 60);
    out.push_str("-----BEGIN PUBLIC KEY-----\n");
    for (i, c) in b64.chars().enumerate() {
        if i > 0 && i % 64 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out.push_str("\n-----END PUBLIC KEY-----\n");
    out
}

/// Reads the first PEM block and turns it into key material.
fn material_from_pem(input: &[u8]) -> Result<Material, KeyError> {
    let text = std::str::from_utf8(input).map_err(|_| KeyError::Pem {
        reason: "the input is not UTF-8 text",
    })?;
    let (_, after_begin) = text.split_once("-----BEGIN ").ok_or(KeyError::Pem {
        reason: "no '-----BEGIN ' line",
    })?;
    let (label, rest) = after_begin.split_once("-----").ok_or(KeyError::Pem {
        reason: "unterminated BEGIN line",
    })?;
    if label.is_empty()
        || label.len() > 64
        || !label
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
    {
        return Err(KeyError::Pem {
            reason: "malformed PEM label",
        });
    }
    let footer = format!("-----END {label}-----");
    let (body, _) = rest.split_once(footer.as_str()).ok_or(KeyError::Pem {
        reason: "no matching '-----END' line",
    })?;
    if label.ends_with("PRIVATE KEY") {
        return Err(KeyError::PrivateKey {
            label: label.to_owned(),
        });
    }
    if label != "PUBLIC KEY" && label != "RSA PUBLIC KEY" {
        return Err(KeyError::NotPublicKey {
            label: label.to_owned(),
        });
    }
    if body.contains(':') {
        return Err(KeyError::Pem {
            reason: "PEM headers (e.g. legacy encryption) are not supported",
        });
    }
    let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| KeyError::Pem {
            reason: "the PEM body is not valid base64",
        })?;
    if label == "RSA PUBLIC KEY" {
        rsa_from_pkcs1(&der)
    } else {
        material_from_spki(&der)
    }
}

/// Decodes a DER SubjectPublicKeyInfo.
fn material_from_spki(der: &[u8]) -> Result<Material, KeyError> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| KeyError::Spki {
        reason: e.to_string(),
    })?;
    let params = spki.algorithm.parameters;
    let params_absent_or_null = params.is_none_or(|p| p.is_null());
    let key_bytes = spki.subject_public_key.as_bytes().ok_or(KeyError::Spki {
        reason: "the subjectPublicKey BIT STRING has unused bits".to_owned(),
    })?;
    let oid = spki.algorithm.oid;
    if oid == OID_RSA_ENCRYPTION {
        if !params_absent_or_null {
            return Err(KeyError::Spki {
                reason: "rsaEncryption parameters must be NULL".to_owned(),
            });
        }
        rsa_from_pkcs1(key_bytes)
    } else if oid == OID_ED25519 {
        if !params_absent_or_null {
            return Err(KeyError::Spki {
                reason: "Ed25519 AlgorithmIdentifier must not have parameters".to_owned(),
            });
        }
        let raw: [u8; 32] = key_bytes.try_into().map_err(|_| KeyError::InvalidKey {
            key: "Ed25519".to_owned(),
            reason: format!("public key must be 32 bytes, got {}", key_bytes.len()),
        })?;
        Ok(Material::Ed25519(raw))
    } else if oid == OID_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters_oid()
            .map_err(|_| KeyError::UnsupportedCurve {
                curve: "explicit or missing curve parameters (only named curves are supported)"
                    .to_owned(),
            })?;
        let invalid = |name: &'static str| {
            move |_| KeyError::InvalidKey {
                key: format!("ECDSA {name}"),
                reason: "the public key is not a valid point on the curve".to_owned(),
            }
        };
        if curve == OID_P256 {
            p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                .map(Material::P256)
                .map_err(invalid("P-256"))
        } else if curve == OID_P384 {
            p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                .map(Material::P384)
                .map_err(invalid("P-384"))
        } else if curve == OID_P521 {
            p521::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                .map(Material::P521)
                .map_err(invalid("P-521"))
        } else {
            Err(KeyError::UnsupportedCurve {
                curve: oid_name(&curve),
            })
        }
    } else {
        Err(KeyError::UnsupportedAlgorithm {
            algorithm: oid_name(&oid),
        })
    }
}

/// Decodes a DER PKCS#1 RSAPublicKey.
fn rsa_from_pkcs1(der: &[u8]) -> Result<Material, KeyError> {
    use rsa::BoxedUint;
    let pk = rsa::pkcs1::RsaPublicKeyRef::from_der(der).map_err(|e| KeyError::Spki {
        reason: format!("not a PKCS#1 RSAPublicKey: {e}"),
    })?;
    let n = pk.modulus.as_bytes();
    let e = pk.public_exponent.as_bytes();
    let invalid = |reason: String| KeyError::InvalidKey {
        key: "RSA".to_owned(),
        reason,
    };
    let bits_of = |bytes: &[u8]| -> usize {
        match bytes.iter().position(|b| *b != 0) {
            None => 0,
            Some(first) => {
                let lead = bytes.get(first).copied().unwrap_or(0);
                (bytes.len() - first - 1) * 8 + (8 - lead.leading_zeros() as usize)
            }
        }
    };
    let n_bits = bits_of(n);
    if !(MIN_RSA_LOAD_BITS..=MAX_RSA_BITS).contains(&n_bits) {
        return Err(KeyError::RsaKeySize {
            bits: n_bits,
            min: MIN_RSA_LOAD_BITS,
            max: MAX_RSA_BITS,
        });
    }
    let precision = |bytes: &[u8]| -> Result<u32, KeyError> {
        u32::try_from(bytes.len().max(1) * 8).map_err(|_| invalid("integer too large".to_owned()))
    };
    let n = BoxedUint::from_be_slice(n, precision(n)?)
        .map_err(|_| invalid("cannot decode the modulus".to_owned()))?;
    let e = BoxedUint::from_be_slice(e, precision(e)?)
        .map_err(|_| invalid("cannot decode the public exponent".to_owned()))?;
    rsa::PublicKey::new_with_size_limits(n, e, MIN_RSA_LOAD_BITS..=MAX_RSA_BITS)
        .map(|k| Material::Rsa(Box::new(k)))
        .map_err(|err| invalid(err.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::json::{parse, JsonLimits};

    #[test]
    fn keyid_hex_matches_canonical_encoder() {
        let v = parse(
            br#"{"keytype":"rsa","scheme":"x","keyval":{"public":"a\"b\\c\n"},
                 "keyid_hash_algorithms":["sha256","sha512"]}"#,
            JsonLimits::default(),
        )
        .unwrap();
        let canon = crate::canonical::encode(&v).unwrap();
        let kha = vec!["sha256".to_owned(), "sha512".to_owned()];
        assert_eq!(
            keyid_hex("rsa", "x", "a\"b\\c\n", Some(&kha)),
            hex::encode(Sha256::digest(&canon))
        );
    }

    #[test]
    fn error_codes_are_distinct_kebab_case() {
        let s = String::new;
        let all = [
            KeyError::Pem { reason: "" },
            KeyError::PrivateKey { label: s() },
            KeyError::NotPublicKey { label: s() },
            KeyError::Spki { reason: s() },
            KeyError::UnsupportedAlgorithm { algorithm: s() },
            KeyError::UnsupportedCurve { curve: s() },
            KeyError::InvalidKey {
                key: s(),
                reason: s(),
            },
            KeyError::RsaKeySize {
                bits: 0,
                min: 0,
                max: 0,
            },
            KeyError::UnknownKeyType { keytype: s() },
            KeyError::UnknownScheme { scheme: s() },
            KeyError::SchemeMismatch {
                keytype: s(),
                scheme: s(),
                reason: s(),
            },
            KeyError::KeyTypeMismatch {
                keytype: s(),
                key: s(),
            },
            KeyError::MissingField { field: "" },
            KeyError::FieldType {
                field: "",
                expected: "",
                found: "",
            },
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(KeyError::code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
    }

    #[test]
    fn scheme_names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(Scheme::parse(s.as_str()), Some(*s));
        }
    }
}
