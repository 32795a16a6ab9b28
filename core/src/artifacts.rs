//! The artifacts recorded on one side of a link — name to digests — stored compactly.
//!
//! A link can record hundreds of thousands of artifacts, and a verification holds every
//! link of a layout at once, so this is not a map of owned strings: the names sit back to
//! back in one buffer, each digest that is lowercase hex (what every in-toto tool writes)
//! is kept as its bytes in another, algorithm names are stored once per side, and each
//! artifact costs two 4-byte end offsets plus 8 bytes per digest on top of its name and
//! digest bytes (about 70 bytes for a typical name with one SHA-256, against ~250 as owned
//! strings in maps). Entries are sorted by name and searched by binary search.
//!
//! Semantics are the reference's: two digest sets are equal when they hold the same
//! algorithms with the same digest *strings* (so `"AB"` and `"ab"` differ, as Python's
//! dict comparison says; a digest that is not lowercase hex is kept as its text).

use crate::model::DigestSet;
use std::fmt;
use std::ops::Range;

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
    /// Every artifact name, back to back, in entry order.
    names: String,
    /// Entry `i`'s name ends at `name_ends[i]` (and starts where entry `i - 1`'s ends).
    name_ends: Vec<u32>,
    /// Entry `i`'s digests end at `digest_ends[i]` in `digests`.
    digest_ends: Vec<u32>,
    /// Every digest, an entry's sorted by algorithm name.
    digests: Vec<Digest>,
    /// Digest values back to back, in digest order: the bytes of a lowercase hex digest,
    /// or the text of any other.
    values: Vec<u8>,
    /// The distinct algorithm names of this side.
    algorithms: Vec<Box<str>>,
}

#[derive(Clone, Copy, Debug)]
struct Digest {
    /// Index into `algorithms`; the top bit says the value is hex-decoded bytes.
    algorithm: u32,
    /// Where the value ends in `values` (it starts where the previous digest's ends).
    value_end: u32,
}

const HEX_FLAG: u32 = 1 << 31;

impl Digest {
    fn algorithm(self) -> usize {
        (self.algorithm & !HEX_FLAG) as usize
    }

    fn is_hex(self) -> bool {
        self.algorithm & HEX_FLAG != 0
    }
}

/// The run of item `i` in a buffer laid out back to back, `end(items[i - 1])..end(items[i])`
/// (from 0 for the first).
fn run<T>(items: &[T], i: usize, end: impl Fn(&T) -> u32) -> Range<usize> {
    let start = i
        .checked_sub(1)
        .and_then(|p| items.get(p))
        .map_or(0, |x| end(x) as usize);
    let stop = items.get(i).map_or(start, |x| end(x) as usize);
    start..stop.max(start)
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
        self.name_ends.len()
    }

    /// Whether no artifact is recorded.
    pub fn is_empty(&self) -> bool {
        self.name_ends.is_empty()
    }

    fn name_at(&self, i: usize) -> &str {
        self.names
            .get(run(&self.name_ends, i, |&e| e))
            .unwrap_or_default()
    }

    fn digests_at(&self, i: usize) -> Digests<'_> {
        Digests {
            owner: self,
            range: run(&self.digest_ends, i, |&e| e),
        }
    }

    /// The position of `name` among the (sorted) artifacts.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.search(0, self.len(), name).ok()
    }

    /// Binary search for `name` among the entries `lo..hi`: its position, or where it
    /// would go.
    fn search(&self, mut lo: usize, mut hi: usize, name: &str) -> Result<usize, usize> {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.name_at(mid).cmp(name) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
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
        self.position(name).map(|i| self.digests_at(i))
    }

    /// The artifact at `index` in name order.
    pub(crate) fn at(&self, index: usize) -> Option<(&str, Digests<'_>)> {
        (index < self.len()).then(|| (self.name_at(index), self.digests_at(index)))
    }

    /// The names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.name_at(i))
    }

    /// `(name, digests)`, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Digests<'_>)> + '_ {
        (0..self.len()).map(|i| (self.name_at(i), self.digests_at(i)))
    }

    fn algorithm_index(&mut self, algorithm: &str) -> Result<u32, TooLarge> {
        // A side records one or two algorithms; the most recent is the likeliest.
        if let Some(i) = self.algorithms.iter().rposition(|a| &**a == algorithm) {
            return to_u32(i);
        }
        if self.algorithms.len() >= HEX_FLAG as usize {
            return Err(TooLarge);
        }
        self.algorithms.push(algorithm.into());
        to_u32(self.algorithms.len() - 1)
    }

    /// Appends one entry: `name` and its digests as (algorithm index with flag, value
    /// bytes), already sorted by algorithm name.
    fn push_entry<'v>(
        &mut self,
        name: &str,
        digests: impl Iterator<Item = (u32, &'v [u8])>,
    ) -> Result<(), TooLarge> {
        self.names.push_str(name);
        for (algorithm, value) in digests {
            self.values.extend_from_slice(value);
            self.digests.push(Digest {
                algorithm,
                value_end: to_u32(self.values.len())?,
            });
        }
        self.name_ends.push(to_u32(self.names.len())?);
        self.digest_ends.push(to_u32(self.digests.len())?);
        Ok(())
    }

    fn shrink_to_fit(&mut self) {
        self.names.shrink_to_fit();
        self.name_ends.shrink_to_fit();
        self.digest_ends.shrink_to_fit();
        self.digests.shrink_to_fit();
        self.values.shrink_to_fit();
    }
}

/// See [`Artifacts::cursor`].
pub(crate) struct Cursor<'a> {
    artifacts: &'a Artifacts,
    next: usize,
}

impl<'a> Cursor<'a> {
    fn name(&self, i: usize) -> &'a str {
        self.artifacts.name_at(i)
    }

    /// The position of `name`, if recorded.
    pub(crate) fn position(&mut self, name: &str) -> Option<usize> {
        let len = self.artifacts.len();
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
        // Binary search in [lo, hi] (hi may be past the end).
        match self.artifacts.search(lo, (hi + 1).min(len), name) {
            Ok(i) => {
                self.next = i + 1;
                Some(i)
            }
            Err(i) => {
                self.next = i;
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
        Some(self.artifacts.digests_at(i))
    }
}

/// Builds [`Artifacts`] from entries in any order (in-toto writes them sorted, which is
/// the fast case). Duplicate names are the caller's to reject or resolve
/// ([`ArtifactsBuilder::finish`] reports them).
#[derive(Default)]
pub(crate) struct ArtifactsBuilder {
    artifacts: Artifacts,
    sorted: bool,
    /// The entry being added: (algorithm index with flag, value range in `scratch`).
    pending: Vec<(u32, Range<usize>)>,
    scratch: Vec<u8>,
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
        if let Some(last) = a.len().checked_sub(1) {
            if a.name_at(last) >= name {
                self.sorted = false;
            }
        }
        self.pending.clear();
        self.scratch.clear();
        for (alg, value) in digests {
            let mut algorithm = a.algorithm_index(alg)?;
            let start = self.scratch.len();
            if hex_kind(value) == HexKind::Lower {
                algorithm |= HEX_FLAG;
                self.scratch
                    .extend(value.as_bytes().chunks_exact(2).map(|p| match p {
                        [h, l] => (hex_value(*h) << 4) | (hex_value(*l) & 0x0f),
                        _ => 0,
                    }));
            } else {
                self.scratch.extend_from_slice(value.as_bytes());
            }
            self.pending.push((algorithm, start..self.scratch.len()));
        }
        if self.pending.len() > 1 {
            let algorithms = &a.algorithms;
            let alg_name = |i: u32| {
                algorithms
                    .get((i & !HEX_FLAG) as usize)
                    .map(|s| &**s)
                    .unwrap_or("")
            };
            self.pending
                .sort_by(|x, y| alg_name(x.0).cmp(alg_name(y.0)));
        }
        let scratch = &self.scratch;
        a.push_entry(
            name,
            self.pending
                .iter()
                .map(|(alg, r)| (*alg, scratch.get(r.clone()).unwrap_or_default())),
        )
    }

    /// The artifacts, sorted by name; `Err((index, name))` is the entry (by the order
    /// pushed) that repeats an earlier name — of the smallest repeated name, its second
    /// entry, as the JSON parser reports a duplicate key.
    pub(crate) fn finish(self) -> Result<Artifacts, (usize, String)> {
        let mut a = self.artifacts;
        if !self.sorted {
            let mut order: Vec<usize> = (0..a.len()).collect();
            // Stable: of two equal names the one pushed later comes second.
            order.sort_by(|&x, &y| a.name_at(x).cmp(a.name_at(y)));
            let dup = order.windows(2).find_map(|w| match w {
                [x, y] if a.name_at(*x) == a.name_at(*y) => Some((*y, a.name_at(*y).to_owned())),
                _ => None,
            });
            if let Some(d) = dup {
                return Err(d);
            }
            let mut sorted = Artifacts {
                algorithms: std::mem::take(&mut a.algorithms),
                ..Artifacts::default()
            };
            for i in order {
                let d = a.digests_at(i);
                let values: Vec<(u32, &[u8])> = d
                    .digests()
                    .iter()
                    .enumerate()
                    .map(|(k, dg)| (dg.algorithm, d.value_bytes(d.range.start + k)))
                    .collect();
                // Sizes were checked when the entries were first pushed.
                let _ = sorted.push_entry(a.name_at(i), values.into_iter());
            }
            a = sorted;
        }
        a.shrink_to_fit();
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
#[derive(Clone)]
pub struct Digests<'a> {
    owner: &'a Artifacts,
    /// The artifact's digests in `owner.digests`.
    range: Range<usize>,
}

impl<'a> Digests<'a> {
    /// How many digests are recorded.
    pub fn len(&self) -> usize {
        self.range.len()
    }

    /// Whether none is recorded.
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    fn digests(&self) -> &'a [Digest] {
        self.owner
            .digests
            .get(self.range.clone())
            .unwrap_or_default()
    }

    fn algorithm(&self, d: Digest) -> &'a str {
        self.owner
            .algorithms
            .get(d.algorithm())
            .map(|s| &**s)
            .unwrap_or_default()
    }

    /// The value bytes of the digest at `index` in `owner.digests`.
    fn value_bytes(&self, index: usize) -> &'a [u8] {
        let range = run(&self.owner.digests, index, |d| d.value_end);
        self.owner.values.get(range).unwrap_or_default()
    }

    fn text(&self, index: usize, d: Digest) -> String {
        let bytes = self.value_bytes(index);
        if d.is_hex() {
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

    /// `(index in owner.digests, digest)` of this artifact's digests.
    fn indexed(&self) -> impl Iterator<Item = (usize, Digest)> + 'a {
        let start = self.range.start;
        self.digests()
            .iter()
            .enumerate()
            .map(move |(k, d)| (start + k, *d))
    }

    /// The digest for `algorithm`, as written in the link.
    pub fn get(&self, algorithm: &str) -> Option<String> {
        self.indexed()
            .find(|(_, d)| self.algorithm(*d) == algorithm)
            .map(|(i, d)| self.text(i, d))
    }

    /// `(algorithm, digest)` pairs, by algorithm, digests as written in the link.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, String)> + '_ {
        self.indexed()
            .map(|(i, d)| (self.algorithm(d), self.text(i, d)))
    }

    /// An owned copy.
    pub fn to_set(&self) -> DigestSet {
        self.iter().map(|(a, d)| (a.to_owned(), d)).collect()
    }
}

impl PartialEq for Digests<'_> {
    fn eq(&self, other: &Digests<'_>) -> bool {
        self.len() == other.len()
            && self.indexed().zip(other.indexed()).all(|((i, a), (j, b))| {
                a.is_hex() == b.is_hex()
                    && self.value_bytes(i) == other.value_bytes(j)
                    && self.algorithm(a) == other.algorithm(b)
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
