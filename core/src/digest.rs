//! Artifact digests: a streaming hasher and digest sets with the attestation framework's
//! matching rules.
//!
//! [`Hasher`] computes SHA-256, SHA-384 and SHA-512 of a byte stream in one pass: feed
//! it chunks of any size with [`Hasher::update`] and call [`Hasher::finalize`]. Its state
//! is a few hundred bytes whatever the input size, so a binding can digest a 1 GiB
//! download as it arrives without holding it. [`SelectiveHasher`] does the same for a
//! chosen subset of the three ([`HashAlgorithm`]), e.g. SHA-256 alone.
//!
//! [`DigestSet`] is the attestation framework's DigestSet (`spec/v1/digest_set.md`): a
//! map from algorithm name to encoded digest. [`DigestSet::compare`] says whether a
//! Statement subject names the same artifact: some algorithm both sides have agrees, and
//! none disagrees.
//!
//! ```
//! use intoto_verify::digest::{Hasher, DigestSet};
//! let mut h = Hasher::new();
//! h.update(b"hello ");
//! h.update(b"world");
//! let d = h.finalize();
//! assert_eq!(d.sha256, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
//! assert_eq!(d.length, 11);
//!
//! let subject = DigestSet::from_pairs([("sha256", d.sha256.as_str()), ("sha1", "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")]);
//! assert!(d.to_digest_set().compare(&subject).is_match());
//! ```

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use std::collections::BTreeMap;
use std::fmt;

/// How an algorithm's digest value is encoded (`spec/v1/digest_set.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestEncoding {
    /// Lowercase hex of exactly this many bytes.
    HexBytes(usize),
    /// Lowercase hex of 20 or 32 bytes (git object ids: SHA-1 or SHA-256).
    HexGit,
    /// Lowercase hex of any non-zero number of bytes (variable-length functions).
    HexAny,
}

/// The encoding the attestation framework defines for a named algorithm, or `None` for an
/// algorithm it does not define (whose values are then opaque strings).
///
/// ```
/// use intoto_verify::digest::{algorithm_encoding, DigestEncoding};
/// assert_eq!(algorithm_encoding("sha384"), Some(DigestEncoding::HexBytes(48)));
/// assert_eq!(algorithm_encoding("gitCommit"), Some(DigestEncoding::HexGit));
/// assert_eq!(algorithm_encoding("gce_image_id"), None);
/// ```
pub fn algorithm_encoding(algorithm: &str) -> Option<DigestEncoding> {
    use DigestEncoding::*;
    Some(match algorithm {
        "md5" => HexBytes(16),
        "sha1" | "ripemd160" => HexBytes(20),
        "sha224" | "sha512_224" | "sha3_224" => HexBytes(28),
        "sha256" | "sha512_256" | "sha3_256" | "sm3" | "dirHash" => HexBytes(32),
        "sha384" | "sha3_384" => HexBytes(48),
        "sha512" | "sha3_512" => HexBytes(64),
        "gitCommit" | "gitTree" | "gitBlob" | "gitTag" => HexGit,
        "shake128" | "shake256" | "blake2b" | "blake2s" | "gost" => HexAny,
        _ => return None,
    })
}

/// Algorithms never used to bind an artifact to a subject: they lack collision
/// resistance (`digest_set.md`: "most applications SHOULD NOT accept md5").
pub const WEAK_ALGORITHMS: &[&str] = &["md5", "sha1"];

/// Why a digest value is not valid for its algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestValueError {
    /// The value is empty.
    Empty,
    /// A character other than `0-9a-f` (uppercase hex included).
    NotLowercaseHex,
    /// Hex of the wrong length.
    Length {
        /// Hex characters found.
        found: usize,
        /// What the algorithm requires, e.g. `64` or `40 or 64`.
        expected: String,
    },
}

impl fmt::Display for DigestValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DigestValueError::Empty => f.write_str("the digest value is empty"),
            DigestValueError::NotLowercaseHex => {
                f.write_str("the digest value is not lowercase hex")
            }
            DigestValueError::Length { found, expected } => write!(
                f,
                "the digest value has {found} hex characters, the algorithm needs {expected}"
            ),
        }
    }
}

impl std::error::Error for DigestValueError {}

/// Checks `value` against the encoding of `algorithm` (see [`algorithm_encoding`]).
/// Values of algorithms the framework does not define only need to be non-empty.
///
/// ```
/// use intoto_verify::digest::validate_value;
/// assert!(validate_value("sha256", &"ab".repeat(32)).is_ok());
/// assert!(validate_value("sha256", &"AB".repeat(32)).is_err());
/// assert!(validate_value("sha256", "abc123").is_err());
/// assert!(validate_value("gitCommit", &"a".repeat(64)).is_ok());
/// assert!(validate_value("custom", "myCustomEncoding").is_ok());
/// ```
pub fn validate_value(algorithm: &str, value: &str) -> Result<(), DigestValueError> {
    if value.is_empty() {
        return Err(DigestValueError::Empty);
    }
    let Some(encoding) = algorithm_encoding(algorithm) else {
        return Ok(());
    };
    if !value
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(DigestValueError::NotLowercaseHex);
    }
    let n = value.len();
    let ok = match encoding {
        DigestEncoding::HexBytes(bytes) => n == 2 * bytes,
        DigestEncoding::HexGit => n == 40 || n == 64,
        DigestEncoding::HexAny => n.is_multiple_of(2),
    };
    if ok {
        Ok(())
    } else {
        Err(DigestValueError::Length {
            found: n,
            expected: match encoding {
                DigestEncoding::HexBytes(bytes) => (2 * bytes).to_string(),
                DigestEncoding::HexGit => "40 or 64".to_owned(),
                DigestEncoding::HexAny => "an even number".to_owned(),
            },
        })
    }
}

/// Streaming SHA-256, SHA-384 and SHA-512 of one byte stream, in one pass and constant
/// memory.
///
/// ```
/// use intoto_verify::digest::{Hasher, digest_bytes};
/// let mut h = Hasher::new();
/// for chunk in b"abc".chunks(1) {
///     h.update(chunk);
/// }
/// assert_eq!(h.finalize(), digest_bytes(b"abc"));
/// ```
#[derive(Clone)]
pub struct Hasher {
    inner: SelectiveHasher,
}

impl Default for Hasher {
    fn default() -> Hasher {
        Hasher {
            inner: SelectiveHasher::new(&HashAlgorithm::ALL),
        }
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hasher")
            .field("length", &self.inner.bytes_hashed())
            .finish_non_exhaustive()
    }
}

impl Hasher {
    /// A hasher that has seen no bytes.
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Feeds the next chunk (any size, including empty).
    pub fn update(&mut self, chunk: &[u8]) {
        self.inner.update(chunk);
    }

    /// How many bytes were fed so far.
    pub fn bytes_hashed(&self) -> u64 {
        self.inner.bytes_hashed()
    }

    /// The digests of everything fed.
    pub fn finalize(self) -> Digests {
        let length = self.inner.bytes_hashed();
        let [sha256, sha384, sha512] = self.inner.finish().map(Option::unwrap_or_default);
        Digests {
            sha256,
            sha384,
            sha512,
            length,
        }
    }
}

/// The digests [`Hasher`] computes, in lowercase hex, and the length hashed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Digests {
    /// SHA-256, 64 hex characters.
    pub sha256: String,
    /// SHA-384, 96 hex characters.
    pub sha384: String,
    /// SHA-512, 128 hex characters.
    pub sha512: String,
    /// Bytes hashed.
    pub length: u64,
}

impl Digests {
    /// The digests as a [`DigestSet`] (`sha256`, `sha384`, `sha512`).
    pub fn to_digest_set(&self) -> DigestSet {
        DigestSet::from_pairs([
            ("sha256", self.sha256.as_str()),
            ("sha384", self.sha384.as_str()),
            ("sha512", self.sha512.as_str()),
        ])
    }
}

/// [`Hasher`] over one slice.
pub fn digest_bytes(bytes: &[u8]) -> Digests {
    let mut h = Hasher::new();
    h.update(bytes);
    h.finalize()
}

/// One of the hash functions [`Hasher`] and [`SelectiveHasher`] compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// Every algorithm, in the order [`Hasher`] lists them.
    pub const ALL: [HashAlgorithm; 3] = [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ];

    /// The DigestSet name: `sha256`, `sha384` or `sha512`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }

    /// The algorithm with this DigestSet name (exactly `sha256`, `sha384` or `sha512`).
    ///
    /// ```
    /// use intoto_verify::digest::HashAlgorithm;
    /// assert_eq!(HashAlgorithm::from_name("sha384"), Some(HashAlgorithm::Sha384));
    /// assert_eq!(HashAlgorithm::from_name("SHA256"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<HashAlgorithm> {
        HashAlgorithm::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// Streaming digests of one byte stream for a chosen set of [`HashAlgorithm`]s, in one
/// pass and constant memory: what [`Hasher`] (all three) is built on, for when only some
/// are needed (SHA-256 alone costs a fraction of all three).
///
/// ```
/// use intoto_verify::digest::{digest_bytes, HashAlgorithm, SelectiveHasher};
/// let mut h = SelectiveHasher::new(&[HashAlgorithm::Sha256]);
/// h.update(b"ab");
/// h.update(b"c");
/// let set = h.finalize();
/// assert_eq!(set.0.len(), 1);
/// assert_eq!(set.0["sha256"], digest_bytes(b"abc").sha256);
/// ```
#[derive(Clone)]
pub struct SelectiveHasher {
    sha256: Option<Sha256>,
    sha384: Option<Sha384>,
    sha512: Option<Sha512>,
    length: u64,
}

impl fmt::Debug for SelectiveHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectiveHasher")
            .field("algorithms", &self.algorithms())
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl SelectiveHasher {
    /// A hasher computing the given algorithms (repeats count once; none computes
    /// nothing but the length).
    pub fn new(algorithms: &[HashAlgorithm]) -> SelectiveHasher {
        let has = |a| algorithms.contains(&a);
        SelectiveHasher {
            sha256: has(HashAlgorithm::Sha256).then(Sha256::new),
            sha384: has(HashAlgorithm::Sha384).then(Sha384::new),
            sha512: has(HashAlgorithm::Sha512).then(Sha512::new),
            length: 0,
        }
    }

    /// The algorithms computed, in [`HashAlgorithm::ALL`] order.
    pub fn algorithms(&self) -> Vec<HashAlgorithm> {
        let on = [
            self.sha256.is_some(),
            self.sha384.is_some(),
            self.sha512.is_some(),
        ];
        HashAlgorithm::ALL
            .into_iter()
            .zip(on)
            .filter_map(|(a, on)| on.then_some(a))
            .collect()
    }

    /// Feeds the next chunk (any size, including empty).
    pub fn update(&mut self, chunk: &[u8]) {
        if let Some(h) = self.sha256.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = self.sha384.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = self.sha512.as_mut() {
            h.update(chunk);
        }
        self.length = self.length.saturating_add(chunk.len() as u64);
    }

    /// How many bytes were fed so far.
    pub fn bytes_hashed(&self) -> u64 {
        self.length
    }

    /// The digests of everything fed, lowercase hex, by name: exactly the algorithms
    /// chosen.
    pub fn finalize(self) -> DigestSet {
        let mut set = BTreeMap::new();
        for (a, hex) in HashAlgorithm::ALL.into_iter().zip(self.finish()) {
            if let Some(hex) = hex {
                set.insert(a.name().to_owned(), hex);
            }
        }
        DigestSet(set)
    }

    /// The hex digests in [`HashAlgorithm::ALL`] order, `None` for those not chosen.
    fn finish(self) -> [Option<String>; 3] {
        [
            self.sha256.map(|h| hex::encode(h.finalize())),
            self.sha384.map(|h| hex::encode(h.finalize())),
            self.sha512.map(|h| hex::encode(h.finalize())),
        ]
    }
}

/// A DigestSet: algorithm name → encoded digest.
///
/// It deserialises (serde) from a map (`{"sha256": "ab…"}`), a list of `ALG:VALUE`
/// strings, or one `ALG:VALUE` string, so bindings can pass what they have.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct DigestSet(pub BTreeMap<String, String>);

/// What [`DigestSet::compare`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DigestComparison {
    /// Algorithms both sides have, with equal values.
    pub agree: Vec<String>,
    /// Algorithms both sides have, with different values.
    pub disagree: Vec<String>,
}

impl DigestComparison {
    /// At least one algorithm agrees and none disagrees.
    pub fn is_match(&self) -> bool {
        !self.agree.is_empty() && self.disagree.is_empty()
    }
}

impl DigestSet {
    /// A set from `(algorithm, value)` pairs (later pairs win).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> DigestSet {
        DigestSet(
            pairs
                .into_iter()
                .map(|(a, v)| (a.to_owned(), v.to_owned()))
                .collect(),
        )
    }

    /// Parses `ALG:VALUE` (the CLI's `--digest`, slsa-verifier's `--subject-digest`).
    /// Hex values of algorithms the framework defines are lowercased, then validated.
    ///
    /// ```
    /// use intoto_verify::digest::DigestSet;
    /// let mut set = DigestSet::default();
    /// set.insert_arg(&format!("sha256:{}", "AB".repeat(32))).unwrap();
    /// assert_eq!(set.0["sha256"], "ab".repeat(32));
    /// assert!(set.insert_arg("sha256").is_err());
    /// ```
    pub fn insert_arg(&mut self, arg: &str) -> Result<(), String> {
        let (alg, value) = arg
            .split_once(':')
            .ok_or_else(|| format!("{arg:?} is not ALGORITHM:VALUE"))?;
        self.insert_checked(alg, value)
    }

    /// Inserts one digest given by a caller: the algorithm must not be empty or weak
    /// ([`WEAK_ALGORITHMS`]), a hex value of a defined algorithm is lowercased and must
    /// have the right length, and an algorithm may be given once.
    pub fn insert_checked(&mut self, algorithm: &str, value: &str) -> Result<(), String> {
        if algorithm.is_empty() {
            return Err("the digest algorithm is empty".to_owned());
        }
        if WEAK_ALGORITHMS.contains(&algorithm) {
            return Err(format!(
                "{algorithm} is not accepted for binding an artifact (not collision resistant)"
            ));
        }
        let value = if algorithm_encoding(algorithm).is_some() {
            value.to_ascii_lowercase()
        } else {
            value.to_owned()
        };
        validate_value(algorithm, &value).map_err(|e| format!("{algorithm}: {e}"))?;
        if let Some(old) = self.0.get(algorithm) {
            if *old != value {
                return Err(format!("{algorithm} is given twice with different values"));
            }
        }
        self.0.insert(algorithm.to_owned(), value);
        Ok(())
    }

    /// Validates every entry as [`DigestSet::insert_checked`] does, returning the
    /// normalised set.
    pub fn checked(&self) -> Result<DigestSet, String> {
        let mut out = DigestSet::default();
        for (a, v) in &self.0 {
            out.insert_checked(a, v)?;
        }
        Ok(out)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compares with another set over the algorithms both have, ignoring
    /// [`WEAK_ALGORITHMS`]. Values are compared exactly (subjects carry lowercase hex;
    /// caller digests are lowercased by [`DigestSet::insert_checked`]).
    ///
    /// ```
    /// use intoto_verify::digest::DigestSet;
    /// // The examples of digest_set.md.
    /// let a = DigestSet::from_pairs([("sha256", "abcd"), ("sha512", "1234")]);
    /// assert!(a.compare(&DigestSet::from_pairs([("sha256", "abcd")])).is_match());
    /// let b = DigestSet::from_pairs([("sha256", "fedb"), ("sha512", "abcd")]);
    /// assert!(!DigestSet::from_pairs([("sha256", "abcd")]).compare(&b).is_match());
    /// // One algorithm agreeing does not outweigh another disagreeing.
    /// let c = DigestSet::from_pairs([("sha256", "abcd"), ("sha512", "9999")]);
    /// assert!(!a.compare(&c).is_match());
    /// ```
    pub fn compare(&self, other: &DigestSet) -> DigestComparison {
        let mut out = DigestComparison::default();
        for (alg, value) in &self.0 {
            if WEAK_ALGORITHMS.contains(&alg.as_str()) {
                continue;
            }
            if let Some(theirs) = other.0.get(alg) {
                if theirs == value {
                    out.agree.push(alg.clone());
                } else {
                    out.disagree.push(alg.clone());
                }
            }
        }
        out
    }
}

impl<'de> serde::Deserialize<'de> for DigestSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DigestSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a digest set: a map of algorithm to value, or ALGORITHM:VALUE string(s)",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DigestSet, E> {
                let mut set = DigestSet::default();
                set.insert_arg(v).map_err(E::custom)?;
                Ok(set)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DigestSet, A::Error> {
                let mut set = DigestSet::default();
                while let Some(s) = seq.next_element::<String>()? {
                    set.insert_arg(&s).map_err(serde::de::Error::custom)?;
                }
                Ok(set)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<DigestSet, A::Error> {
                let mut set = DigestSet::default();
                while let Some((k, v)) = m.next_entry::<String, String>()? {
                    set.insert_checked(&k, &v)
                        .map_err(serde::de::Error::custom)?;
                }
                Ok(set)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        let d = digest_bytes(b"");
        assert_eq!(
            d.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(d.sha384, "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
        assert_eq!(d.sha512, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
        assert_eq!(d.length, 0);
    }

    #[test]
    fn chunking_does_not_matter() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 + 3) as u8).collect();
        let whole = digest_bytes(&data);
        for size in [1, 63, 64, 127, 128, 4096] {
            let mut h = Hasher::new();
            for c in data.chunks(size) {
                h.update(c);
            }
            assert_eq!(h.bytes_hashed(), data.len() as u64);
            assert_eq!(h.finalize(), whole, "chunk size {size}");
        }
    }

    #[test]
    fn hasher_state_is_small() {
        // Constant memory: the state is a fixed-size value, no heap buffer.
        assert!(std::mem::size_of::<Hasher>() < 1024);
    }

    #[test]
    fn selective_hasher_matches_hasher() {
        let data: Vec<u8> = (0..5_000u32).map(|i| (i * 13 + 1) as u8).collect();
        let all = digest_bytes(&data);
        let want = all.to_digest_set();
        let subsets: [&[HashAlgorithm]; 5] = [
            &[HashAlgorithm::Sha256],
            &[HashAlgorithm::Sha384],
            &[HashAlgorithm::Sha512, HashAlgorithm::Sha256],
            &HashAlgorithm::ALL,
            &[HashAlgorithm::Sha384, HashAlgorithm::Sha384],
        ];
        for algorithms in subsets {
            let mut h = SelectiveHasher::new(algorithms);
            for c in data.chunks(777) {
                h.update(c);
            }
            assert_eq!(h.bytes_hashed(), data.len() as u64);
            let mut chosen = h.algorithms();
            let set = h.finalize();
            assert_eq!(set.0.len(), chosen.len());
            chosen.dedup();
            for a in chosen {
                assert_eq!(set.0[a.name()], want.0[a.name()], "{a:?}");
            }
        }
        let none = SelectiveHasher::new(&[]);
        assert!(none.algorithms().is_empty());
        assert!(none.finalize().is_empty());
        assert!(std::mem::size_of::<SelectiveHasher>() < 1024);
    }

    #[test]
    fn algorithm_names_round_trip() {
        for a in HashAlgorithm::ALL {
            assert_eq!(HashAlgorithm::from_name(a.name()), Some(a));
        }
        assert_eq!(HashAlgorithm::from_name("sha1"), None);
    }

    #[test]
    fn caller_digests_are_checked() {
        let mut s = DigestSet::default();
        assert!(s
            .insert_arg("md5:d41d8cd98f00b204e9800998ecf8427e")
            .is_err());
        assert!(s
            .insert_arg("sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709")
            .is_err());
        assert!(s.insert_arg(":abc").is_err());
        assert!(s.insert_arg("sha256:zz").is_err());
        assert!(s.insert_arg("gce_image_id:8970095005306000053").is_ok());
        assert!(s.insert_arg("gce_image_id:1").is_err());
        assert!(s.insert_arg("gce_image_id:8970095005306000053").is_ok());
    }

    #[test]
    fn weak_algorithms_never_bind() {
        let a = DigestSet::from_pairs([("sha1", "ab")]);
        assert!(!a.compare(&a).is_match());
    }

    #[test]
    fn deserialises_three_ways() {
        let hex = "ab".repeat(32);
        let from_map: DigestSet =
            serde_json::from_str(&format!(r#"{{"sha256": "{hex}"}}"#)).unwrap_or_default();
        let from_list: DigestSet =
            serde_json::from_str(&format!(r#"["sha256:{hex}"]"#)).unwrap_or_default();
        let from_str: DigestSet =
            serde_json::from_str(&format!(r#""sha256:{hex}""#)).unwrap_or_default();
        assert_eq!(from_map.0.get("sha256"), Some(&hex));
        assert_eq!(from_map, from_list);
        assert_eq!(from_map, from_str);
        assert!(serde_json::from_str::<DigestSet>(r#"{"sha256": "abc"}"#).is_err());
    }
}
