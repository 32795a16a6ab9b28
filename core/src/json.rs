//! Strict JSON: bytes become a [`Value`] tree, or a typed [`JsonError`].
//!
//! This parser exists because in-toto metadata is security-relevant JSON and the usual
//! "last duplicate key wins" behaviour of general-purpose parsers is a parser differential
//! waiting to happen (in-toto-golang matches keys case-insensitively, Python keeps the last
//! duplicate). Here:
//!
//! * duplicate object keys are an error;
//! * nesting depth and input size are bounded by [`JsonLimits`];
//! * the input must be UTF-8 without a byte-order mark, strings may not hold raw control
//!   characters or unpaired surrogate escapes;
//! * `NaN`, `Infinity` and other non-JSON literals are rejected;
//! * numbers keep their lexical form ([`Number`]), so integers of any size survive and
//!   canonical JSON can refuse floats exactly as securesystemslib does.
//!
//! Objects are stored sorted by key (a `BTreeMap`), which is also the order canonical JSON
//! needs: Rust orders `String`s by UTF-8 bytes, which is Unicode code point order, which is
//! how Python sorts `str` keys.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// Longest accepted number literal, in digits (CPython's `sys.int_info.default_max_str_digits`).
pub const MAX_NUMBER_DIGITS: usize = 4300;

/// A JSON object: keys in code point order, no duplicates.
pub type Map = BTreeMap<String, Value>;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept in its lexical form.
    Number(Number),
    /// A string (escapes decoded).
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// A JSON number in its lexical form.
///
/// in-toto's canonical JSON only admits integers; a number with a fraction or an exponent
/// is a float (as Python's `json` module reads it) and cannot be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    text: String,
    integer: bool,
}

impl Number {
    /// Whether the number is an integer literal (no fraction, no exponent).
    pub fn is_integer(&self) -> bool {
        self.integer
    }

    /// The number exactly as written in the input.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value as an `i64`, if it is an integer literal that fits.
    pub fn as_i64(&self) -> Option<i64> {
        if self.integer {
            self.text.parse().ok()
        } else {
            None
        }
    }

    /// The value as an `f64` (integers too), if it is finite.
    pub fn as_f64(&self) -> Option<f64> {
        self.text.parse::<f64>().ok().filter(|f| f.is_finite())
    }

    /// An integer number from an `i64`.
    pub fn from_i64(n: i64) -> Self {
        Number {
            text: n.to_string(),
            integer: true,
        }
    }
}

impl Value {
    /// The object map, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// A short name of the value's JSON type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_integer() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// Bounds on what the parser accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonLimits {
    /// Largest accepted input, in bytes.
    pub max_bytes: usize,
    /// Deepest accepted nesting of arrays and objects.
    pub max_depth: usize,
    /// Most entries in one array or object (artifacts of a link, steps, signatures, ...).
    pub max_entries: usize,
}

impl Default for JsonLimits {
    fn default() -> Self {
        JsonLimits {
            max_bytes: 256 * 1024 * 1024,
            max_depth: 128,
            max_entries: 1_000_000,
        }
    }
}

/// What went wrong while parsing JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The input is larger than [`JsonLimits::max_bytes`].
    TooLarge {
        /// The input's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Arrays and objects nest deeper than [`JsonLimits::max_depth`].
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// An object holds the same key twice.
    DuplicateKey {
        /// The repeated key.
        key: String,
    },
    /// The input is not UTF-8.
    InvalidUtf8,
    /// A string escape names an unpaired UTF-16 surrogate.
    LoneSurrogate,
    /// A string holds a raw control character (U+0000 to U+001F).
    ControlCharacter,
    /// The input starts with a UTF-8 byte-order mark.
    ByteOrderMark,
    /// The input ended in the middle of a value.
    UnexpectedEnd,
    /// A character that cannot appear here.
    UnexpectedCharacter {
        /// What was expected instead.
        expected: &'static str,
    },
    /// Something follows the top-level value.
    TrailingData,
    /// An array or object holds more entries than [`JsonLimits::max_entries`].
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// A malformed number.
    InvalidNumber,
    /// A number with more than 4,300 digits (CPython's own limit, which the reference
    /// inherits).
    NumberTooLong,
    /// A malformed string escape.
    InvalidEscape,
}

/// A JSON parse error: what and where (byte offset into the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What went wrong.
    pub kind: JsonErrorKind,
    /// Byte offset in the input where it was noticed.
    pub offset: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            JsonErrorKind::TooLarge { size, limit } => {
                write!(
                    f,
                    "input of {size} bytes exceeds the limit of {limit} bytes"
                )
            }
            JsonErrorKind::TooDeep { limit } => {
                write!(
                    f,
                    "nesting deeper than {limit} levels at byte {}",
                    self.offset
                )
            }
            JsonErrorKind::DuplicateKey { key } => {
                write!(f, "duplicate object key {key:?} at byte {}", self.offset)
            }
            JsonErrorKind::InvalidUtf8 => write!(f, "invalid UTF-8 at byte {}", self.offset),
            JsonErrorKind::LoneSurrogate => {
                write!(f, "unpaired surrogate escape at byte {}", self.offset)
            }
            JsonErrorKind::ControlCharacter => {
                write!(
                    f,
                    "raw control character in a string at byte {}",
                    self.offset
                )
            }
            JsonErrorKind::ByteOrderMark => write!(f, "input starts with a byte-order mark"),
            JsonErrorKind::UnexpectedEnd => write!(f, "unexpected end of input"),
            JsonErrorKind::UnexpectedCharacter { expected } => {
                write!(f, "expected {expected} at byte {}", self.offset)
            }
            JsonErrorKind::TrailingData => {
                write!(f, "data after the JSON value at byte {}", self.offset)
            }
            JsonErrorKind::TooManyEntries { limit } => write!(
                f,
                "more than {limit} entries in one array or object at byte {}",
                self.offset
            ),
            JsonErrorKind::InvalidNumber => write!(f, "malformed number at byte {}", self.offset),
            JsonErrorKind::NumberTooLong => write!(
                f,
                "number with more than {MAX_NUMBER_DIGITS} digits at byte {}",
                self.offset
            ),
            JsonErrorKind::InvalidEscape => {
                write!(f, "malformed string escape at byte {}", self.offset)
            }
        }
    }
}

impl std::error::Error for JsonError {}

impl JsonError {
    /// For an error that is a limit rather than bad JSON: the limit's name
    /// (`json.max_bytes`, `json.max_depth`, `json.max_entries`, `number digits`), its value,
    /// and what was found when the reader counted it.
    ///
    /// ```
    /// use intoto_verify::json::{parse, JsonLimits};
    /// let limits = JsonLimits { max_depth: 2, ..JsonLimits::default() };
    /// assert_eq!(parse(b"[[[]]]", limits).unwrap_err().limit(), Some(("json.max_depth", 2, None)));
    /// assert_eq!(parse(b"[", limits).unwrap_err().limit(), None);
    /// ```
    pub fn limit(&self) -> Option<(&'static str, usize, Option<usize>)> {
        match self.kind {
            JsonErrorKind::TooLarge { size, limit } => Some(("json.max_bytes", limit, Some(size))),
            JsonErrorKind::TooDeep { limit } => Some(("json.max_depth", limit, None)),
            JsonErrorKind::TooManyEntries { limit } => Some(("json.max_entries", limit, None)),
            JsonErrorKind::NumberTooLong => Some(("number digits", MAX_NUMBER_DIGITS, None)),
            _ => None,
        }
    }
}

/// Parses `input` as one JSON value under `limits`.
///
/// ```
/// use intoto_verify::json::{parse, JsonLimits, JsonErrorKind};
/// let v = parse(br#"{"a": [1, "x"]}"#, JsonLimits::default()).unwrap();
/// assert!(v.as_object().unwrap().contains_key("a"));
/// let e = parse(br#"{"a": 1, "a": 2}"#, JsonLimits::default()).unwrap_err();
/// assert!(matches!(e.kind, JsonErrorKind::DuplicateKey { .. }));
/// ```
pub fn parse(input: &[u8], limits: JsonLimits) -> Result<Value, JsonError> {
    let mut p = Parser::new(input, limits)?;
    let v = p.value(0)?;
    p.finish()?;
    Ok(v)
}

/// Bytes that end a plain run inside a string: the closing quote, an escape, a raw
/// control character.
// Built at compile time: an index out of range would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
const STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The strict JSON reader: [`parse`] builds a [`Value`] tree with it, and the one-pass
/// readers (canonical JSON straight from bytes, links with many artifacts) walk the same
/// grammar with it, so every path accepts exactly the same inputs.
pub(crate) struct Parser<'a> {
    input: &'a [u8],
    /// The input as text, when all of it is UTF-8 (nearly always): strings are then cut
    /// out of it without validating each one again.
    text: Option<&'a str>,
    pos: usize,
    max_depth: usize,
    max_entries: usize,
}

impl<'a> Parser<'a> {
    /// A reader positioned at the first value of `input` (size and byte-order mark
    /// checked).
    pub(crate) fn new(input: &'a [u8], limits: JsonLimits) -> Result<Self, JsonError> {
        if input.len() > limits.max_bytes {
            return Err(JsonError {
                kind: JsonErrorKind::TooLarge {
                    size: input.len(),
                    limit: limits.max_bytes,
                },
                offset: 0,
            });
        }
        if input.starts_with(&[0xEF, 0xBB, 0xBF]) {
            return Err(JsonError {
                kind: JsonErrorKind::ByteOrderMark,
                offset: 0,
            });
        }
        let mut p = Parser {
            input,
            text: std::str::from_utf8(input).ok(),
            pos: 0,
            max_depth: limits.max_depth,
            max_entries: limits.max_entries,
        };
        p.skip_ws();
        Ok(p)
    }

    /// Checks that only whitespace follows the top-level value.
    pub(crate) fn finish(&mut self) -> Result<(), JsonError> {
        self.skip_ws();
        if self.pos != self.input.len() {
            return Err(self.err(JsonErrorKind::TrailingData));
        }
        Ok(())
    }

    /// The current byte offset.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// Goes back to an earlier offset (to read a value again).
    pub(crate) fn rewind(&mut self, offset: usize) {
        self.pos = offset.min(self.input.len());
    }

    /// The input bytes between two offsets.
    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        self.input.get(start..end).unwrap_or_default()
    }

    pub(crate) fn err(&self, kind: JsonErrorKind) -> JsonError {
        JsonError {
            kind,
            offset: self.pos,
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_byte(&mut self, b: u8, expected: &'static str) -> Result<(), JsonError> {
        match self.peek() {
            Some(c) if c == b => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.err(JsonErrorKind::UnexpectedCharacter { expected })),
            None => Err(self.err(JsonErrorKind::UnexpectedEnd)),
        }
    }

    /// Parses the value here into a tree; `depth` is the nesting depth of its container.
    pub(crate) fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            None => Err(self.err(JsonErrorKind::UnexpectedEnd)),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?.into_owned())),
            Some(b't') => self.literal(b"true").map(|()| Value::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|()| Value::Bool(false)),
            Some(b'n') => self.literal(b"null").map(|()| Value::Null),
            Some(b'-' | b'0'..=b'9') => {
                let (text, integer) = self.number()?;
                Ok(Value::Number(Number {
                    text: text.to_owned(),
                    integer,
                }))
            }
            Some(_) => Err(self.err(JsonErrorKind::UnexpectedCharacter {
                expected: "a JSON value",
            })),
        }
    }

    /// Reads the literal `word` (`true`, `false` or `null`) here.
    pub(crate) fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        let end = self.pos + word.len();
        if self.input.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else if end > self.input.len()
            && self
                .input
                .get(self.pos..)
                .is_some_and(|rest| word.starts_with(rest))
        {
            self.pos = self.input.len();
            Err(self.err(JsonErrorKind::UnexpectedEnd))
        } else {
            Err(self.err(JsonErrorKind::UnexpectedCharacter {
                expected: "a JSON value",
            }))
        }
    }

    fn check_depth(&self, depth: usize) -> Result<(), JsonError> {
        if depth > self.max_depth {
            Err(self.err(JsonErrorKind::TooDeep {
                limit: self.max_depth,
            }))
        } else {
            Ok(())
        }
    }

    /// Walks the object here (at `{`, nesting depth `depth` counting this object): for
    /// each entry, `entry(parser, key, key_offset)` must read the value. Syntax, depth and
    /// entry-count limits are checked here; duplicate keys are the caller's to find, once
    /// the whole object has been read (so that a syntax error anywhere in it comes first,
    /// as in [`parse`]).
    pub(crate) fn object_entries(
        &mut self,
        depth: usize,
        mut entry: impl FnMut(&mut Self, Cow<'a, str>, usize) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.check_depth(depth)?;
        self.pos += 1; // '{'
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        let mut count = 0usize;
        loop {
            self.skip_ws();
            let key_at = self.pos;
            if self.peek() != Some(b'"') {
                return Err(match self.peek() {
                    None => self.err(JsonErrorKind::UnexpectedEnd),
                    Some(_) => self.err(JsonErrorKind::UnexpectedCharacter {
                        expected: "a string key",
                    }),
                });
            }
            let key = self.string()?;
            self.skip_ws();
            self.expect_byte(b':', "':'")?;
            self.skip_ws();
            entry(self, key, key_at)?;
            count += 1;
            if count > self.max_entries {
                return Err(self.err(JsonErrorKind::TooManyEntries {
                    limit: self.max_entries,
                }));
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => {
                    return Err(self.err(JsonErrorKind::UnexpectedCharacter {
                        expected: "',' or '}'",
                    }))
                }
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    /// Walks the array here (at `[`, nesting depth `depth` counting this array): `item`
    /// must read each element.
    pub(crate) fn array_items(
        &mut self,
        depth: usize,
        mut item: impl FnMut(&mut Self) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.check_depth(depth)?;
        self.pos += 1; // '['
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        let mut count = 0usize;
        loop {
            self.skip_ws();
            item(self)?;
            count += 1;
            if count > self.max_entries {
                return Err(self.err(JsonErrorKind::TooManyEntries {
                    limit: self.max_entries,
                }));
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => {
                    return Err(self.err(JsonErrorKind::UnexpectedCharacter {
                        expected: "',' or ']'",
                    }))
                }
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        // Entries are gathered, sorted once and bulk-built into the map: much cheaper than
        // inserting one by one into a large object.
        let mut entries: Vec<(String, Value, usize)> = Vec::new();
        self.object_entries(depth, |p, key, key_at| {
            let v = p.value(depth)?;
            entries.push((key.into_owned(), v, key_at));
            Ok(())
        })?;
        if let Some(at) = sort_and_find_duplicate(&mut entries, |e| (e.0.as_str(), e.2)) {
            return Err(at);
        }
        Ok(Value::Object(
            entries.into_iter().map(|(k, v, _)| (k, v)).collect(),
        ))
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        let mut items = Vec::new();
        self.array_items(depth, |p| {
            items.push(p.value(depth)?);
            Ok(())
        })?;
        Ok(Value::Array(items))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads the number here: its text as written, and whether it is an integer literal.
    pub(crate) fn number(&mut self) -> Result<(&'a str, bool), JsonError> {
        let start = self.pos;
        let mut integer = true;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.err(JsonErrorKind::InvalidNumber));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err(JsonErrorKind::InvalidNumber)),
        }
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err(JsonErrorKind::InvalidNumber));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            integer = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err(JsonErrorKind::InvalidNumber));
            }
        }
        let sign = usize::from(self.input.get(start) == Some(&b'-'));
        if self.pos - start - sign > MAX_NUMBER_DIGITS {
            return Err(JsonError {
                kind: JsonErrorKind::NumberTooLong,
                offset: start,
            });
        }
        let text = self
            .input
            .get(start..self.pos)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("0");
        Ok((text, integer))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                Some(_) => return Err(self.err(JsonErrorKind::InvalidEscape)),
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    /// Moves past a run of plain string bytes: eight at a time while none of them ends
    /// the run (a word-wide test for `"`, `\\` and bytes below 0x20), then one by one.
    fn plain_run(&mut self) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // Non-zero iff some byte of `x` is below `n` (n <= 0x80).
        let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
        while let Some(word) = self
            .input
            .get(self.pos..self.pos + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        {
            let v = u64::from_le_bytes(word);
            if below(v ^ (ONES * u64::from(b'"')), 1)
                | below(v ^ (ONES * u64::from(b'\\')), 1)
                | below(v, 0x20)
                != 0
            {
                break;
            }
            self.pos += 8;
        }
        while let Some(&c) = self.input.get(self.pos) {
            if STRING_STOP.get(usize::from(c)).copied().unwrap_or(true) {
                break;
            }
            self.pos += 1;
        }
    }

    /// Reads the string here (at its opening quote), borrowed from the input unless it
    /// holds escapes.
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.pos += 1; // opening quote
        let run_start = self.pos;
        self.plain_run();
        if self.peek() == Some(b'"') {
            let run = self.slice(run_start, self.pos);
            self.pos += 1;
            // The run starts after a quote and ends at one: both are character boundaries.
            if let Some(s) = self.text.and_then(|t| t.get(run_start..self.pos - 1)) {
                return Ok(Cow::Borrowed(s));
            }
            return std::str::from_utf8(run)
                .map(Cow::Borrowed)
                .map_err(|e| JsonError {
                    kind: JsonErrorKind::InvalidUtf8,
                    offset: run_start + e.valid_up_to(),
                });
        }
        self.pos = run_start;
        self.escaped_string().map(Cow::Owned)
    }

    fn escaped_string(&mut self) -> Result<String, JsonError> {
        let mut out: Vec<u8> = Vec::new();
        loop {
            let run_start = self.pos;
            self.plain_run();
            out.extend_from_slice(self.slice(run_start, self.pos));
            match self.peek() {
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
                Some(b'"') => {
                    self.pos += 1;
                    return String::from_utf8(out).map_err(|e| JsonError {
                        kind: JsonErrorKind::InvalidUtf8,
                        offset: run_start.min(self.pos) + e.utf8_error().valid_up_to(),
                    });
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self
                        .peek()
                        .ok_or_else(|| self.err(JsonErrorKind::UnexpectedEnd))?;
                    self.pos += 1;
                    let simple = match c {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(0x08),
                        b'f' => Some(0x0c),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        _ => {
                            self.pos -= 1;
                            return Err(self.err(JsonErrorKind::InvalidEscape));
                        }
                    };
                    if let Some(b) = simple {
                        out.push(b);
                        continue;
                    }
                    let hi = self.hex4()?;
                    let cp = if (0xD800..0xDC00).contains(&hi) {
                        if self.input.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(self.err(JsonErrorKind::LoneSurrogate));
                        }
                        self.pos += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(self.err(JsonErrorKind::LoneSurrogate));
                        }
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else if (0xDC00..0xE000).contains(&hi) {
                        return Err(self.err(JsonErrorKind::LoneSurrogate));
                    } else {
                        hi
                    };
                    let ch =
                        char::from_u32(cp).ok_or_else(|| self.err(JsonErrorKind::InvalidEscape))?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                Some(_) => return Err(self.err(JsonErrorKind::ControlCharacter)),
            }
        }
    }
}

/// Sorts object entries by key (stably: of two equal keys the later stays second) and
/// returns the [`JsonErrorKind::DuplicateKey`] error for the first repeated key, at the
/// repeat's offset. `key` gives an entry's key and key offset.
pub(crate) fn sort_and_find_duplicate<T>(
    entries: &mut [T],
    key: impl Fn(&T) -> (&str, usize),
) -> Option<JsonError> {
    if !entries
        .windows(2)
        .all(|w| matches!(w, [a, b] if key(a).0 < key(b).0))
    {
        entries.sort_by(|a, b| key(a).0.cmp(key(b).0));
    }
    entries.windows(2).find_map(|w| match w {
        [a, b] if key(a).0 == key(b).0 => {
            let (k, at) = key(b);
            Some(JsonError {
                kind: JsonErrorKind::DuplicateKey { key: k.to_owned() },
                offset: at,
            })
        }
        _ => None,
    })
}

/// Compact JSON text of `value` that [`parse`] reads back to an equal value: numbers as
/// written, strings with `"`, `\\` and control characters escaped, everything else raw
/// UTF-8, object keys in order.
///
/// ```
/// use intoto_verify::json::{parse, to_bytes, JsonLimits};
/// let v = parse(b"{\"b\": [1.50, \"\\u0001\"], \"a\": null}", JsonLimits::default()).unwrap();
/// assert_eq!(to_bytes(&v), b"{\"a\":null,\"b\":[1.50,\"\\u0001\"]}".to_vec());
/// assert_eq!(parse(&to_bytes(&v), JsonLimits::default()).unwrap(), v);
/// ```
pub fn to_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(n.as_str().as_bytes()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_value(v, out);
            }
            out.push(b'}');
        }
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s.as_bytes() {
        match b {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            0..=0x1f => {
                let hex = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(hex.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
                out.push(hex.get(usize::from(b & 15)).copied().unwrap_or(b'0'));
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    s.serialize_i64(i)
                } else if let Some(f) = n.as_f64() {
                    s.serialize_f64(f)
                } else {
                    s.serialize_str(n.as_str())
                }
            }
            Value::String(x) => s.serialize_str(x),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Value, JsonErrorKind> {
        parse(s.as_bytes(), JsonLimits::default()).map_err(|e| e.kind)
    }

    #[test]
    fn accepts_plain_json() {
        let v = p(r#" {"b": [true, false, null, -0, 12, 1.5e3, "x\u00e9\ud83d\ude00"], "a": {}} "#)
            .unwrap();
        let m = v.as_object().unwrap();
        assert_eq!(m.keys().collect::<Vec<_>>(), vec!["a", "b"]);
        let arr = m["b"].as_array().unwrap();
        assert_eq!(arr[6].as_str().unwrap(), "xé😀");
        assert!(matches!(&arr[5], Value::Number(n) if !n.is_integer()));
    }

    #[test]
    fn rejects_what_it_must() {
        assert!(matches!(
            p(r#"{"a":1,"a":1}"#),
            Err(JsonErrorKind::DuplicateKey { .. })
        ));
        assert!(matches!(
            p(r#""\ud800""#),
            Err(JsonErrorKind::LoneSurrogate)
        ));
        assert!(matches!(
            p(r#""\udc00\ud800""#),
            Err(JsonErrorKind::LoneSurrogate)
        ));
        assert!(matches!(
            p("\"a\u{1}\""),
            Err(JsonErrorKind::ControlCharacter)
        ));
        assert!(matches!(
            p("NaN"),
            Err(JsonErrorKind::UnexpectedCharacter { .. })
        ));
        assert!(matches!(p("01"), Err(JsonErrorKind::InvalidNumber)));
        assert!(matches!(p("1."), Err(JsonErrorKind::InvalidNumber)));
        assert!(matches!(
            p("[1,]"),
            Err(JsonErrorKind::UnexpectedCharacter { .. })
        ));
        assert!(matches!(p("{} x"), Err(JsonErrorKind::TrailingData)));
        assert!(matches!(p("\u{feff}{}"), Err(JsonErrorKind::ByteOrderMark)));
        assert!(matches!(p("[tru"), Err(JsonErrorKind::UnexpectedEnd)));
        assert!(matches!(p(r#""\x""#), Err(JsonErrorKind::InvalidEscape)));
        assert!(matches!(
            parse(b"\"\xff\"", JsonLimits::default()).map_err(|e| e.kind),
            Err(JsonErrorKind::InvalidUtf8)
        ));
    }

    #[test]
    fn depth_and_size_are_bounded() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(matches!(
            p(&deep),
            Err(JsonErrorKind::TooDeep { limit: 128 })
        ));
        let ok = "[".repeat(128) + &"]".repeat(128);
        assert!(matches!(
            p(&"1".repeat(4301)),
            Err(JsonErrorKind::NumberTooLong)
        ));
        assert!(p(&"1".repeat(4300)).is_ok());
        assert!(p(&ok).is_ok());
        let small = JsonLimits {
            max_bytes: 4,
            max_depth: 4,
            max_entries: 2,
        };
        assert!(matches!(
            parse(b"[1,2,3]", small).map_err(|e| e.kind),
            Err(JsonErrorKind::TooLarge { size: 7, limit: 4 })
        ));
        let few = JsonLimits {
            max_entries: 2,
            ..JsonLimits::default()
        };
        assert!(matches!(
            parse(b"[1,2,3]", few).map_err(|e| e.kind),
            Err(JsonErrorKind::TooManyEntries { limit: 2 })
        ));
        assert!(matches!(
            parse(br#"{"a":1,"b":2,"c":3}"#, few).map_err(|e| e.kind),
            Err(JsonErrorKind::TooManyEntries { limit: 2 })
        ));
        assert!(parse(b"[1,2]", few).is_ok());
    }

    #[test]
    fn truncated_inputs_never_panic() {
        let doc = br#"{"a": [1, -2.5e+3, "\u00e9\ud83d\ude00\n", {"b": null}], "c": true}"#;
        for i in 0..doc.len() {
            let _ = parse(&doc[..i], JsonLimits::default());
        }
    }
}
