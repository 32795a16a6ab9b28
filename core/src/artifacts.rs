//! The artifacts recorded on one side of a link — name to digests — stored compactly.
//!
//! A link can record hundreds of thousands of artifacts, and a verification holds every
//! link of a layout at once, so this is not a map of owned strings: the names sit back to
//! back in one buffer, each digest that is lowercase hex (what every in-toto tool writes)
//! is kept as its bytes in another, algorithm names are stored once per side, and the
//! entries are a sorted vector searched by binary search. About 90 bytes per artifact for
//! a typical name and one SHA-256 digest, instead of the ~250 of owned strings in maps.
//!
//! Semantics are the reference's: two digest sets are equal when they hold the same
//! algorithms with the same digest *strings* (so `"AB"` and `"ab"` differ, as Python's
//! dict comparison says; a digest that is not lowercase hex is kept as its text).

use crate::model::DigestSet;
use std::fmt;

/// The artifacts of one side of a link: names, each with its digests, sorted by name.
///
/// ```
/// use intoto_verify::artifacts::Artifacts;
/// use intoto_verify::model::DigestSet;
/// let a: Artifacts = [
///     ("src/b.rs".to_string(), DigestSet::from([("sha256".to_string(), "ab01".to_string())])),
///     ("src/a.rs".to_string(), DigestSet::from([("sha256".to_string(), "CD02".to_string())])),
/// ]
/// .into_iter()
/// .collect();
/// assert_eq!(a.names().collect::<Vec<_>>(), ["src/a.rs", "src/b.rs"]);
/// assert_eq!(a.get("src/b.rs").unwrap().get("sha256").as_deref(), Some("ab01"));
/// assert_eq!(a.get("src/a.rs").unwrap().get("sha256").as_deref(), Some("CD02"));
/// assert!(!a.contains_key("src/c.rs"));
/// ```
#[derive(Clone, Default)]
pub struct Artifacts {
    /// Every artifact name, back to back.
    names: String,
    /// Digest values: the bytes of a lowercase hex digest, or the text of any other.
    values: Vec<u8>,
    /// The distinct algorithm names of this side.
    algorithms: Vec<Box<str>>,
    /// One per artifact, sorted by name, names unique.
    entries: Vec<Entry>,
    /// The digests; an artifact's are a run sorted by algorithm name.
    digests: Vec<Digest>,
}

#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start + self.len as usize
    }
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    name: Span,
    first_digest: u32,
    digest_count: u32,
}

#[derive(Clone, Copy, Debug)]
struct Digest {
    algorithm: u32,
    value: Span,
    /// `value` holds the bytes of a lowercase hex string (else its text).
    hex: bool,
}

/// Artifact data beyond what the compact form can address (4 GiB of names or digests,
/// 4 billion artifacts): unreachable under the default input limit of 256 MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than 4 GiB of artifact names or digests")
    }
}

impl std::error::Error for TooLarge {}

fn to_u32(n: usize) -> Result<u32, TooLarge> {
    u32::try_from(n).map_err(|_| TooLarge)
}

/// What kind of hex string a digest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HexKind {
    /// Non-empty lowercase hex of even length: stored as its bytes.
    Lower,
    /// Other non-empty hex (uppercase letters, odd length): stored as text.
    Other,
    /// Empty, or not hex at all.
    Invalid,
}

/// Per byte: its value for `0-9a-f`, `UPPER` for `A-F`, `INVALID` for anything else.
const UPPER: u8 = 0x40;
const INVALID: u8 = 0x80;
// Built at compile time: an index out of range would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
const HEX_VALUE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = UPPER | (10 + i as u8);
        i += 1;
    }
    t
};

fn hex_value(b: u8) -> u8 {
    HEX_VALUE.get(usize::from(b)).copied().unwrap_or(INVALID)
}

/// Classifies `s` in one branch-free pass (digests are checked by the hundred thousand).
pub(crate) fn hex_kind(s: &str) -> HexKind {
    let flags = s
        .bytes()
        .fold(0u8, |acc, b| acc | (hex_value(b) & (UPPER | INVALID)));
    if s.is_empty() || flags & INVALID != 0 {
        HexKind::Invalid
    } else if flags & UPPER != 0 || s.len() % 2 == 1 {
        HexKind::Other
    } else {
        HexKind::Lower
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Artifacts {
    /// No artifacts.
    pub fn new() -> Artifacts {
        Artifacts::default()
    }

    /// How many artifacts are recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no artifact is recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn name_of(&self, e: &Entry) -> &str {
        self.names.get(e.name.range()).unwrap_or_default()
    }

    fn digests_of(&self, e: &Entry) -> Digests<'_> {
        let start = e.first_digest as usize;
        Digests {
            owner: self,
            digests: self
                .digests
                .get(start..start + e.digest_count as usize)
                .unwrap_or_default(),
        }
    }

    /// The position of `name` among the (sorted) artifacts.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|e| self.name_of(e).cmp(name))
            .ok()
    }

    /// A lookup for names asked in ascending order (the rule engine walks its queue in
    /// name order): each search gallops forward from the previous hit, so a walk over
    /// two sides of similar names costs a few comparisons per name instead of a full
    /// binary search. Names asked out of order are still found.
    pub(crate) fn cursor(&self) -> Cursor<'_> {
        Cursor {
            artifacts: self,
            next: 0,
        }
    }

    /// Whether `name` is recorded.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// The digests of `name`, if recorded.
    pub fn get(&self, name: &str) -> Option<Digests<'_>> {
        self.position(name)
            .and_then(|i| self.entries.get(i))
            .map(|e| self.digests_of(e))
    }

    /// The artifact at `index` in name order.
    pub(crate) fn at(&self, index: usize) -> Option<(&str, Digests<'_>)> {
        self.entries
            .get(index)
            .map(|e| (self.name_of(e), self.digests_of(e)))
    }

    /// The names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().map(|e| self.name_of(e))
    }

    /// `(name, digests)`, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Digests<'_>)> + '_ {
        self.entries
            .iter()
            .map(|e| (self.name_of(e), self.digests_of(e)))
    }

    fn algorithm_index(&mut self, algorithm: &str) -> Result<u32, TooLarge> {
        // A side records one or two algorithms; the most recent is the likeliest.
        if let Some(i) = self.algorithms.iter().rposition(|a| &**a == algorithm) {
            return to_u32(i);
        }
        self.algorithms.push(algorithm.into());
        to_u32(self.algorithms.len() - 1)
    }

    fn push_value(&mut self, value: &str) -> Result<(Span, bool), TooLarge> {
        let start = to_u32(self.values.len())?;
        let hex = hex_kind(value) == HexKind::Lower;
        if hex {
            self.values
                .extend(value.as_bytes().chunks_exact(2).map(|p| match p {
                    [h, l] => (hex_value(*h) << 4) | (hex_value(*l) & 0x0f),
                    _ => 0,
                }));
        } else {
            self.values.extend_from_slice(value.as_bytes());
        }
        let len = to_u32(self.values.len())? - start;
        Ok((Span { start, len }, hex))
    }
}

/// See [`Artifacts::cursor`].
pub(crate) struct Cursor<'a> {
    artifacts: &'a Artifacts,
    next: usize,
}

impl<'a> Cursor<'a> {
    fn name(&self, i: usize) -> &'a str {
        self.artifacts
            .entries
            .get(i)
            .map(|e| self.artifacts.name_of(e))
            .unwrap_or_default()
    }

    /// The position of `name`, if recorded.
    pub(crate) fn position(&mut self, name: &str) -> Option<usize> {
        let len = self.artifacts.entries.len();
        let mut lo = self.next.min(len);
        if lo > 0 && self.name(lo - 1) >= name {
            // Asked out of order: search what lies before.
            lo = 0;
        }
        // Gallop: find `hi` with name(hi) >= name, then search [lo, hi].
        let mut step = 1;
        let mut hi = lo;
        while hi < len && self.name(hi) < name {
            lo = hi + 1;
            hi += step;
            step *= 2;
        }
        let hi = hi.min(len.saturating_sub(1));
        let window = self.artifacts.entries.get(lo..=hi).unwrap_or_default();
        match window.binary_search_by(|e| self.artifacts.name_of(e).cmp(name)) {
            Ok(i) => {
                self.next = lo + i + 1;
                Some(lo + i)
            }
            Err(i) => {
                self.next = lo + i;
                None
            }
        }
    }

    /// Whether `name` is recorded.
    pub(crate) fn contains(&mut self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// The digests of `name`, if recorded.
    pub(crate) fn get(&mut self, name: &str) -> Option<Digests<'a>> {
        let i = self.position(name)?;
        self.artifacts.at(i).map(|(_, d)| d)
    }
}

/// Builds [`Artifacts`] from entries in any order (in-toto writes them sorted, which is
/// the fast case). Duplicate names are the caller's to reject or resolve
/// ([`ArtifactsBuilder::finish`] reports them).
#[derive(Default)]
pub(crate) struct ArtifactsBuilder {
    artifacts: Artifacts,
    sorted: bool,
    /// Sorted (algorithm, value) pairs of the artifact being added.
    scratch: Vec<(u32, Span, bool)>,
}

impl ArtifactsBuilder {
    pub(crate) fn new() -> Self {
        ArtifactsBuilder {
            sorted: true,
            ..Default::default()
        }
    }

    /// Adds an artifact with its `(algorithm, digest)` pairs (algorithms unique).
    pub(crate) fn push<'s>(
        &mut self,
        name: &str,
        digests: impl IntoIterator<Item = (&'s str, &'s str)>,
    ) -> Result<(), TooLarge> {
        let a = &mut self.artifacts;
        if let Some(last) = a.entries.last() {
            if a.name_of(last) >= name {
                self.sorted = false;
            }
        }
        let start = to_u32(a.names.len())?;
        a.names.push_str(name);
        let name_span = Span {
            start,
            len: to_u32(a.names.len())? - start,
        };
        self.scratch.clear();
        for (alg, value) in digests {
            let alg = a.algorithm_index(alg)?;
            let (span, hex) = a.push_value(value)?;
            self.scratch.push((alg, span, hex));
        }
        let algorithms = &a.algorithms;
        let alg_name = |i: u32| algorithms.get(i as usize).map(|s| &**s).unwrap_or("");
        self.scratch
            .sort_by(|x, y| alg_name(x.0).cmp(alg_name(y.0)));
        let first_digest = to_u32(a.digests.len())?;
        a.digests
            .extend(self.scratch.iter().map(|&(algorithm, value, hex)| Digest {
                algorithm,
                value,
                hex,
            }));
        a.entries.push(Entry {
            name: name_span,
            first_digest,
            digest_count: to_u32(self.scratch.len())?,
        });
        Ok(())
    }

    /// The artifacts, sorted by name; `Err((index, name))` is the entry (by the order pushed)
    /// that repeats an earlier name — of the smallest repeated name, its second entry, as
    /// the JSON parser reports a duplicate key.
    pub(crate) fn finish(self) -> Result<Artifacts, (usize, String)> {
        let mut a = self.artifacts;
        if !self.sorted {
            let mut order: Vec<u32> = (0..a.entries.len() as u32).collect();
            // Stable: of two equal names the one pushed later comes second.
            order.sort_by(|&x, &y| {
                let n = |i: u32| {
                    a.entries
                        .get(i as usize)
                        .map(|e| a.name_of(e))
                        .unwrap_or_default()
                };
                n(x).cmp(n(y))
            });
            let dup = order.windows(2).find_map(|w| match w {
                [x, y] => {
                    let n = |i: u32| a.entries.get(i as usize).map(|e| a.name_of(e));
                    (n(*x) == n(*y)).then(|| (*y as usize, n(*y).unwrap_or_default().to_owned()))
                }
                _ => None,
            });
            if let Some(i) = dup {
                return Err(i);
            }
            a.entries = order
                .iter()
                .filter_map(|&i| a.entries.get(i as usize).copied())
                .collect();
        }
        a.names.shrink_to_fit();
        a.values.shrink_to_fit();
        a.entries.shrink_to_fit();
        a.digests.shrink_to_fit();
        Ok(a)
    }
}

impl FromIterator<(String, DigestSet)> for Artifacts {
    /// Collects artifacts; of two entries for one name the later wins (as a map's).
    fn from_iter<I: IntoIterator<Item = (String, DigestSet)>>(iter: I) -> Artifacts {
        let mut items: Vec<(String, DigestSet)> = iter.into_iter().collect();
        items.sort_by(|x, y| x.0.cmp(&y.0)); // stable
        let mut b = ArtifactsBuilder::new();
        for (i, (name, set)) in items.iter().enumerate() {
            if items.get(i + 1).is_some_and(|next| next.0 == *name) {
                continue;
            }
            // Only unreachable sizes fail; such entries are left out.
            let _ = b.push(name, set.iter());
        }
        b.finish().unwrap_or_default()
    }
}

impl PartialEq for Artifacts {
    fn eq(&self, other: &Artifacts) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|((n1, d1), (n2, d2))| n1 == n2 && d1 == d2)
    }
}

impl Eq for Artifacts {}

impl fmt::Debug for Artifacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl serde::Serialize for Artifacts {
    /// As a JSON object: name to `{algorithm: digest}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.len()))?;
        for (name, digests) in self.iter() {
            m.serialize_entry(name, &digests.to_set())?;
        }
        m.end()
    }
}

impl<'de> serde::Deserialize<'de> for Artifacts {
    /// From a map of name to `{algorithm: digest}`.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Artifacts, D::Error> {
        let m: std::collections::BTreeMap<String, DigestSet> = serde::Deserialize::deserialize(d)?;
        Ok(m.into_iter().collect())
    }
}

/// The digests recorded for one artifact, borrowed from its [`Artifacts`].
#[derive(Clone, Copy)]
pub struct Digests<'a> {
    owner: &'a Artifacts,
    digests: &'a [Digest],
}

impl<'a> Digests<'a> {
    /// How many digests are recorded.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// Whether none is recorded.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    fn algorithm(&self, d: &Digest) -> &'a str {
        self.owner
            .algorithms
            .get(d.algorithm as usize)
            .map(|s| &**s)
            .unwrap_or_default()
    }

    fn value_bytes(&self, d: &Digest) -> &'a [u8] {
        self.owner.values.get(d.value.range()).unwrap_or_default()
    }

    fn text(&self, d: &Digest) -> String {
        let bytes = self.value_bytes(d);
        if d.hex {
            let mut s = String::with_capacity(bytes.len() * 2);
            for b in bytes {
                for nibble in [b >> 4, b & 15] {
                    s.push(char::from(
                        HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                    ));
                }
            }
            s
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        }
    }

    /// The digest for `algorithm`, as written in the link.
    pub fn get(&self, algorithm: &str) -> Option<String> {
        self.digests
            .iter()
            .find(|d| self.algorithm(d) == algorithm)
            .map(|d| self.text(d))
    }

    /// `(algorithm, digest)` pairs, by algorithm, digests as written in the link.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, String)> + '_ {
        self.digests
            .iter()
            .map(|d| (self.algorithm(d), self.text(d)))
    }

    /// An owned copy.
    pub fn to_set(&self) -> DigestSet {
        self.iter().map(|(a, d)| (a.to_owned(), d)).collect()
    }
}

impl PartialEq for Digests<'_> {
    fn eq(&self, other: &Digests<'_>) -> bool {
        self.digests.len() == other.digests.len()
            && self.digests.iter().zip(other.digests).all(|(a, b)| {
                a.hex == b.hex
                    && self.algorithm(a) == other.algorithm(b)
                    && self.value_bytes(a) == other.value_bytes(b)
            })
    }
}

impl Eq for Digests<'_> {}

impl fmt::Debug for Digests<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> DigestSet {
        pairs
            .iter()
            .map(|(a, d)| ((*a).to_owned(), (*d).to_owned()))
            .collect()
    }

    #[test]
    fn equality_is_the_reference_dict_equality() {
        let a: Artifacts = [("x".to_owned(), set(&[("sha256", "ab"), ("sha512", "cd")]))]
            .into_iter()
            .collect();
        let b: Artifacts = [("x".to_owned(), set(&[("sha512", "cd"), ("sha256", "ab")]))]
            .into_iter()
            .collect();
        let upper: Artifacts = [("x".to_owned(), set(&[("sha256", "AB"), ("sha512", "cd")]))]
            .into_iter()
            .collect();
        let odd: Artifacts = [("x".to_owned(), set(&[("sha256", "abc"), ("sha512", "cd")]))]
            .into_iter()
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, upper);
        assert_ne!(a, odd);
        assert_eq!(upper.get("x").unwrap().get("sha256").as_deref(), Some("AB"));
        assert_eq!(odd.get("x").unwrap().get("sha256").as_deref(), Some("abc"));
        assert_eq!(
            a.get("x").unwrap().to_set(),
            set(&[("sha256", "ab"), ("sha512", "cd")])
        );
    }

    #[test]
    fn unsorted_input_is_sorted_and_duplicates_found() {
        let mut b = ArtifactsBuilder::new();
        for n in ["c", "a", "b"] {
            b.push(n, [("sha256", "00")]).unwrap();
        }
        let a = b.finish().unwrap();
        assert_eq!(a.names().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(a.position("b"), Some(1));
        let mut b = ArtifactsBuilder::new();
        for n in ["b", "a", "b", "a"] {
            b.push(n, [("sha256", "00")]).unwrap();
        }
        assert_eq!(b.finish().unwrap_err(), (3, "a".to_owned()));
    }

    #[test]
    fn a_cursor_finds_what_a_search_finds_in_any_order() {
        let names: Vec<String> = (0..200).map(|i| format!("f{:03}", i * 3)).collect();
        let a: Artifacts = names
            .iter()
            .map(|n| (n.clone(), set(&[("sha256", "00")])))
            .collect();
        let mut asks: Vec<String> = (0..650).map(|i| format!("f{i:03}")).collect();
        let mut c = a.cursor();
        for n in &asks {
            assert_eq!(c.position(n), a.position(n), "{n}");
        }
        asks.reverse();
        let mut c = a.cursor();
        for n in asks.iter().step_by(7) {
            assert_eq!(c.position(n), a.position(n), "{n}");
        }
        assert_eq!(Artifacts::new().cursor().position("x"), None);
    }

    #[test]
    fn later_entry_wins_when_collecting() {
        let a: Artifacts = [
            ("x".to_owned(), set(&[("sha256", "01")])),
            ("x".to_owned(), set(&[("sha256", "02")])),
        ]
        .into_iter()
        .collect();
        assert_eq!(a.len(), 1);
        assert_eq!(a.get("x").unwrap().get("sha256").as_deref(), Some("02"));
    }
}
