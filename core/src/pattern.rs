//! Artifact name patterns, matched exactly as in-toto 3.1.0 matches them.
//!
//! The reference filters artifact names with Python's `fnmatch.filter`, which on POSIX is
//! `fnmatchcase`: the pattern is translated to a regular expression by `fnmatch.translate`.
//! This module reproduces that translation's meaning without a regex engine:
//!
//! * `*` matches any run of characters, `/` and newlines included;
//! * `?` matches any one character;
//! * `[...]` is a set, `[!...]` its complement; `^` is an ordinary character; `]` right after
//!   `[` or `[!` is a member; ranges `a-z` are by code point, an empty range (`z-a`) matches
//!   nothing and is dropped from the set; a `[` without a closing `]` is a literal `[`;
//! * there is no escape character: `\` is an ordinary character;
//! * matching is case-sensitive and anchored at both ends.
//!
//! Matching runs in `O(pattern × name)` time whatever the pattern (no backtracking
//! explosion on `a*a*a*a*b`): every token but `*` consumes exactly one character, so the
//! classic "remember the last star" algorithm is exact.
//!
//! The golden table `tests/vectors/fnmatch.json` (made with CPython's `fnmatch`) pins this.

use std::fmt;

/// One compiled pattern element.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A run of `*` (compressed into one).
    Star,
    /// `?`
    AnyChar,
    /// A literal character.
    Literal(char),
    /// A bracket set: inclusive code point ranges, possibly negated.
    Set {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A compiled artifact pattern.
///
/// ```
/// use intoto_verify::pattern::Pattern;
/// let p = Pattern::new("src/*.py").unwrap();
/// assert!(p.matches("src/a/b.py")); // `*` crosses `/`, as in the reference
/// assert!(!Pattern::new("[^a]").unwrap().matches("b")); // `^` is literal
/// assert!(Pattern::new("[!a]").unwrap().matches("b"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    tokens: Vec<Token>,
}

/// A pattern the reference could not evaluate either (its `fnmatch.translate` raises).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The pattern as written.
    pub pattern: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the pattern {:?} has a malformed bracket range",
            self.pattern
        )
    }
}

impl std::error::Error for PatternError {}

impl Pattern {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Result<Pattern, PatternError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let n = chars.len();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            i += 1;
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                '?' => tokens.push(Token::AnyChar),
                '[' => {
                    let mut j = i;
                    if chars.get(j) == Some(&'!') {
                        j += 1;
                    }
                    if chars.get(j) == Some(&']') {
                        j += 1;
                    }
                    while j < n && chars.get(j) != Some(&']') {
                        j += 1;
                    }
                    if j >= n {
                        tokens.push(Token::Literal('['));
                        continue;
                    }
                    let inner = chars.get(i..j).unwrap_or(&[]);
                    tokens.push(compile_set(inner).ok_or_else(|| PatternError {
                        pattern: pattern.to_owned(),
                    })?);
                    i = j + 1;
                }
                other => tokens.push(Token::Literal(other)),
            }
        }
        Ok(Pattern {
            source: pattern.to_owned(),
            tokens,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether `name` matches the whole pattern.
    pub fn matches(&self, name: &str) -> bool {
        // Fast paths for the shapes layouts use most.
        match self.tokens.as_slice() {
            [Token::Star] => return true,
            [Token::Star, rest @ ..] if rest.iter().all(|t| matches!(t, Token::Literal(_))) => {
                return literal_suffix(rest, name);
            }
            [head @ .., Token::Star] if head.iter().all(|t| matches!(t, Token::Literal(_))) => {
                return literal_prefix(head, name);
            }
            _ => {}
        }
        if name.is_ascii() {
            let b = name.as_bytes();
            glob_match(&self.tokens, b.len(), |i| b.get(i).map(|&c| char::from(c)))
        } else {
            let chars: Vec<char> = name.chars().collect();
            glob_match(&self.tokens, chars.len(), |i| chars.get(i).copied())
        }
    }
}

/// `name` starts with the literal characters `head` (the pattern is `head*`).
fn literal_prefix(head: &[Token], name: &str) -> bool {
    let mut it = name.chars();
    for t in head {
        match (t, it.next()) {
            (Token::Literal(l), Some(c)) if *l == c => {}
            _ => return false,
        }
    }
    true
}

fn literal_suffix(rest: &[Token], name: &str) -> bool {
    let mut it = name.chars().rev();
    for t in rest.iter().rev() {
        match (t, it.next()) {
            (Token::Literal(l), Some(c)) if *l == c => {}
            _ => return false,
        }
    }
    true
}

/// Builds a set token from the characters between `[` and `]`, following
/// `fnmatch.translate`'s treatment of `!`, `-` and empty ranges.
fn compile_set(inner: &[char]) -> Option<Token> {
    let negated = inner.first() == Some(&'!');
    let mut ranges = Vec::new();
    if !inner.contains(&'-') {
        let body = if negated { inner.get(1..)? } else { inner };
        ranges.extend(body.iter().map(|&c| (c, c)));
        return Some(finish_set(negated, ranges, inner));
    }
    // Split at the hyphens that form ranges (translate's `chunks`).
    let mut chunks: Vec<Vec<char>> = Vec::new();
    let mut start = 0usize;
    let mut k = if negated { 2 } else { 1 };
    loop {
        let found = inner
            .get(k.min(inner.len())..)
            .and_then(|rest| rest.iter().position(|&c| c == '-'))
            .map(|p| p + k);
        let Some(h) = found else { break };
        chunks.push(inner.get(start..h)?.to_vec());
        start = h + 1;
        k = h + 3;
    }
    let last = inner.get(start..)?.to_vec();
    if last.is_empty() {
        chunks.last_mut()?.push('-');
    } else {
        chunks.push(last);
    }
    // Remove empty ranges (translate: "invalid in RE").
    let mut idx = chunks.len().saturating_sub(1);
    while idx > 0 {
        let prev_last = *chunks.get(idx - 1)?.last()?;
        let cur_first = *chunks.get(idx)?.first()?;
        if prev_last > cur_first {
            let cur = chunks.remove(idx);
            let prev = chunks.get_mut(idx - 1)?;
            prev.pop();
            prev.extend(cur.into_iter().skip(1));
        }
        idx -= 1;
    }
    // Chunks joined by range hyphens: last of one .. first of the next.
    let total = chunks.len();
    for (t, chunk) in chunks.iter().enumerate() {
        let len = chunk.len();
        for (p, &c) in chunk.iter().enumerate() {
            if negated && t == 0 && p == 0 {
                continue; // the leading '!'
            }
            let is_range_end = t > 0 && p == 0;
            let is_range_start = t + 1 < total && p + 1 == len;
            if is_range_start {
                let hi = *chunks.get(t + 1)?.first()?;
                ranges.push((c, hi));
            } else if !is_range_end {
                ranges.push((c, c));
            }
        }
    }
    // A negated set whose '!' was the start of a range: `[!-x]` cannot happen (search for
    // range hyphens starts after the '!'), so the skip above is safe.
    let flat: Vec<char> = chunks.concat();
    Some(finish_set(negated, ranges, &flat))
}

fn finish_set(negated: bool, ranges: Vec<(char, char)>, stuff: &[char]) -> Token {
    // translate: empty `stuff` never matches; `stuff == "!"` matches any character.
    if stuff.is_empty() {
        return Token::Set {
            negated: false,
            ranges: Vec::new(),
        };
    }
    if stuff == ['!'] {
        return Token::AnyChar;
    }
    Token::Set { negated, ranges }
}

fn token_matches(t: &Token, c: char) -> bool {
    match t {
        Token::Star => true,
        Token::AnyChar => true,
        Token::Literal(l) => *l == c,
        Token::Set { negated, ranges } => {
            let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
            inside != *negated
        }
    }
}

/// Matches `tokens` against a name of `len` characters, `at(i)` giving the i-th.
fn glob_match(tokens: &[Token], len: usize, at: impl Fn(usize) -> Option<char>) -> bool {
    let (mut t, mut n) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        if let Some(tok) = tokens.get(t) {
            if *tok == Token::Star {
                backtrack = Some((t, n));
                t += 1;
                continue;
            }
            if let Some(c) = at(n) {
                if token_matches(tok, c) {
                    t += 1;
                    n += 1;
                    continue;
                }
            }
        } else if n == len {
            return true;
        }
        match backtrack {
            Some((st, sn)) if sn < len => {
                backtrack = Some((st, sn + 1));
                t = st + 1;
                n = sn + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn m(name: &str, pat: &str) -> bool {
        Pattern::new(pat).unwrap().matches(name)
    }

    #[test]
    fn reference_table_c4() {
        assert!(m("sub/foo", "*"));
        assert!(m("a/b", "a?b"));
        assert!(m(".hidden", "*"));
        assert!(m("a\nb", "a*b"));
        assert!(m("b", "[!a]"));
        assert!(!m("b", "[^a]"));
        assert!(!m("foo*", "foo\\*"));
        assert!(m("foo\\x", "foo\\*"));
        assert!(m("a[b", "a[b"));
        assert!(!m("-", "[a-c]"));
        assert!(!m("Foo", "foo"));
        assert!(!m("foo", "dir/../foo"));
    }

    #[test]
    fn sets_and_ranges() {
        assert!(m("]", "[]]"));
        assert!(m("x", "[!]]"));
        assert!(!m("]", "[!]]"));
        assert!(!m("a", "[z-a]"));
        assert!(m("a", "[az-a]"));
        assert!(m("-", "[-a]"));
        assert!(m("-", "[a-]"));
        assert!(m("b", "[a-c-e]"));
        assert!(m("-", "[a-c-e]"));
        assert!(!m("d", "[a-c-e]"));
        // "[!]" has no closing bracket after the set: a literal "[", "!" and "]".
        assert!(m("[!]", "[!]"));
        assert!(!m("x", "[!]"));
    }

    #[test]
    fn stars_are_linear() {
        let name = "a".repeat(5000);
        let pat = "a*".repeat(200) + "b";
        assert!(!m(&name, &pat));
        assert!(m("abcbcd", "a*bc*d"));
        assert!(m("", "*"));
        assert!(!m("", "?"));
        assert!(m("", ""));
        assert!(!m("a", ""));
    }
}
