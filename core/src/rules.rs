//! The artifact rule engine: the one place that decides whether a step's or an
//! inspection's materials and products follow the layout's rules.
//!
//! Semantics are in-toto 3.1.0's (`in_toto/rulelib.py` for the grammar,
//! `in_toto/verifylib.py` `verify_item_rules` / `verify_match_rule` for processing):
//!
//! * rules are applied in order to a queue holding every artifact name of the side
//!   (materials or products) being checked; each rule consumes the names it matches;
//! * `CREATE p` consumes names matching `p` that are products but not materials, `DELETE p`
//!   materials that are not products, `MODIFY p` names on both sides whose digests differ,
//!   `ALLOW p` any name matching `p`;
//! * `DISALLOW p` fails if any name left in the queue matches `p`; `REQUIRE name` fails if
//!   the literal `name` is not in the queue (it is not a pattern and consumes nothing);
//! * `MATCH p [IN src] WITH side [IN dst] FROM step` consumes the names (below `src/`) that
//!   match `p` and whose whole digest set equals that of the same name (below `dst/`) in the
//!   named step's (or, for inspections, inspection's) link; a missing link consumes nothing;
//! * whatever is left at the end is allowed.
//!
//! Keywords are case-insensitive. Patterns are [`crate::pattern`]'s.
//!
//! Stricter than the reference (see `docs/differences.md`): `IN` prefixes are joined to
//! names with exactly one `/` (the reference uses `os.path.join`, which an absolute
//! remainder resets), and artifact names must be clean paths (no `.`, `..` or empty
//! segments), so `dir/../foo` cannot slip past `DISALLOW foo`.

use crate::model::{Artifacts, Link};
use crate::pattern::{Pattern, PatternError};
use serde::Serialize;
use std::fmt;

/// Which side of a link a rule list applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The artifacts before the command.
    Materials,
    /// The artifacts after the command.
    Products,
}

impl Side {
    /// `"materials"` or `"products"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Side::Materials => "materials",
            Side::Products => "products",
        }
    }

    fn of<'l>(&self, link: &'l Link) -> &'l Artifacts {
        match self {
            Side::Materials => &link.materials,
            Side::Products => &link.products,
        }
    }
}

/// A parsed artifact rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// `MATCH pattern [IN source_prefix] WITH side [IN destination_prefix] FROM step`
    Match {
        /// The pattern, applied to names below `source_prefix`.
        pattern: String,
        /// `IN` prefix of the artifacts being checked.
        source_prefix: Option<String>,
        /// Which side of the destination link to compare with.
        destination_side: Side,
        /// `IN` prefix of the destination artifacts.
        destination_prefix: Option<String>,
        /// The step or inspection whose link holds the destination artifacts.
        destination: String,
    },
    /// `CREATE pattern`
    Create(String),
    /// `DELETE pattern`
    Delete(String),
    /// `MODIFY pattern`
    Modify(String),
    /// `ALLOW pattern`
    Allow(String),
    /// `DISALLOW pattern`
    Disallow(String),
    /// `REQUIRE name` (a literal name)
    Require(String),
}

/// A rule that does not follow the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSyntaxError {
    /// The rule as written.
    pub rule: Vec<String>,
    /// What is wrong.
    pub reason: &'static str,
}

impl fmt::Display for RuleSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {:?}", self.reason, self.rule)
    }
}

impl std::error::Error for RuleSyntaxError {}

fn side(word: &str) -> Option<Side> {
    if word.eq_ignore_ascii_case("materials") {
        Some(Side::Materials)
    } else if word.eq_ignore_ascii_case("products") {
        Some(Side::Products)
    } else {
        None
    }
}

fn kw(word: &str, expected: &str) -> bool {
    // Python's str.upper(): ASCII-only here because every keyword is ASCII; a non-ASCII
    // look-alike (e.g. "MATCＨ") is not a keyword.
    word.eq_ignore_ascii_case(expected)
}

impl Rule {
    /// The rule's artifact pattern (`REQUIRE` names an artifact and has none).
    pub fn pattern(&self) -> Option<&str> {
        match self {
            Rule::Match { pattern, .. }
            | Rule::Create(pattern)
            | Rule::Delete(pattern)
            | Rule::Modify(pattern)
            | Rule::Allow(pattern)
            | Rule::Disallow(pattern) => Some(pattern),
            Rule::Require(_) => None,
        }
    }

    /// Parses a rule as written in a layout.
    ///
    /// ```
    /// use intoto_verify::rules::{Rule, Side};
    /// let r = Rule::parse(&["match", "*", "WITH", "products", "FROM", "build"]).unwrap();
    /// assert!(matches!(r, Rule::Match { destination_side: Side::Products, .. }));
    /// assert!(Rule::parse(&["ALLOW"]).is_err());
    /// ```
    pub fn parse<S: AsRef<str>>(rule: &[S]) -> Result<Rule, RuleSyntaxError> {
        let words: Vec<&str> = rule.iter().map(AsRef::as_ref).collect();
        let err = |reason| RuleSyntaxError {
            rule: words.iter().map(|s| s.to_string()).collect(),
            reason,
        };
        let Some(first) = words.first() else {
            return Err(err("empty rule"));
        };
        if kw(first, "MATCH") {
            let (pattern, source_prefix, rest): (&str, Option<&str>, &[&str]) =
                match words.as_slice() {
                    [_, p, in_kw, sp, rest @ ..] if kw(in_kw, "IN") => (p, Some(sp), rest),
                    [_, p, rest @ ..] => (p, None, rest),
                    _ => return Err(err("MATCH needs a pattern")),
                };
            let (destination_side, destination_prefix, destination) = match rest {
                [w, t, f, s] if kw(w, "WITH") && kw(f, "FROM") => (side(t), None, *s),
                [w, t, i, dp, f, s] if kw(w, "WITH") && kw(i, "IN") && kw(f, "FROM") => {
                    (side(t), Some(*dp), *s)
                }
                _ => {
                    return Err(err(
                        "expected MATCH <pattern> [IN <prefix>] WITH <MATERIALS|PRODUCTS> [IN <prefix>] FROM <step>",
                    ))
                }
            };
            let destination_side =
                destination_side.ok_or_else(|| err("WITH must name MATERIALS or PRODUCTS"))?;
            return Ok(Rule::Match {
                pattern: pattern.to_owned(),
                source_prefix: source_prefix.map(str::to_owned),
                destination_side,
                destination_prefix: destination_prefix.map(str::to_owned),
                destination: destination.to_owned(),
            });
        }
        let [keyword, pattern] = words.as_slice() else {
            return Err(err("expected <KEYWORD> <pattern>"));
        };
        let p = (*pattern).to_owned();
        let r = if kw(keyword, "CREATE") {
            Rule::Create(p)
        } else if kw(keyword, "DELETE") {
            Rule::Delete(p)
        } else if kw(keyword, "MODIFY") {
            Rule::Modify(p)
        } else if kw(keyword, "ALLOW") {
            Rule::Allow(p)
        } else if kw(keyword, "DISALLOW") {
            Rule::Disallow(p)
        } else if kw(keyword, "REQUIRE") {
            Rule::Require(p)
        } else {
            return Err(err("unknown rule keyword"));
        };
        Ok(r)
    }
}

/// What one rule did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    /// The rule as evaluated (after parameter substitution).
    pub rule: Vec<String>,
    /// How many artifacts it consumed.
    pub consumed_count: usize,
    /// The consumed artifacts (at most the report limit; see `consumed_count`).
    pub consumed: Vec<String>,
}

/// Why a rule list failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleFailureKind {
    /// `DISALLOW` matched artifacts left in the queue.
    Disallowed {
        /// The matched artifacts.
        artifacts: Vec<String>,
    },
    /// `REQUIRE` named an artifact that was not in the queue.
    RequiredMissing {
        /// The required name.
        artifact: String,
    },
    /// A pattern the reference cannot evaluate either.
    BadPattern(PatternError),
}

/// A failed rule: which rule, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFailure {
    /// Index of the rule in its list.
    pub index: usize,
    /// The rule as evaluated.
    pub rule: Vec<String>,
    /// Why it failed.
    pub kind: RuleFailureKind,
}

/// Looks up the link of a step or inspection by name, for `MATCH ... FROM`.
pub trait LinkLookup {
    /// The (reduced) link recorded for `name`, if there is one.
    fn link(&self, name: &str) -> Option<&Link>;
}

impl LinkLookup for std::collections::BTreeMap<String, Link> {
    fn link(&self, name: &str) -> Option<&Link> {
        self.get(name)
    }
}

/// Applies `rules` to one side of `link`. Returns what each rule did, or the first failure
/// (with what the rules before it did).
///
/// `report_limit` bounds how many consumed names each [`RuleOutcome`] lists.
pub fn apply_rules(
    side_checked: Side,
    rules: &[(Vec<String>, Rule)],
    link: &Link,
    links: &dyn LinkLookup,
    report_limit: usize,
) -> Result<Vec<RuleOutcome>, (Vec<RuleOutcome>, RuleFailure)> {
    let materials = &link.materials;
    let products = &link.products;
    let own = side_checked.of(link);
    // The queue: every artifact of the checked side, in name order, until a rule consumes
    // it (`queued[i]` for the `i`-th name of `own`).
    let mut queued = vec![true; own.len()];
    let mut outcomes = Vec::with_capacity(rules.len());

    for (index, (text, rule)) in rules.iter().enumerate() {
        let fail = |outcomes: Vec<RuleOutcome>, kind| {
            Err((
                outcomes,
                RuleFailure {
                    index,
                    rule: text.clone(),
                    kind,
                },
            ))
        };
        let compile = |p: &str| Pattern::new(p);
        let consumed: Vec<(usize, &str)> = match rule {
            Rule::Match {
                pattern,
                source_prefix,
                destination_side,
                destination_prefix,
                destination,
            } => {
                let pat = match compile(pattern) {
                    Ok(p) => p,
                    Err(e) => return fail(outcomes, RuleFailureKind::BadPattern(e)),
                };
                match links.link(destination) {
                    None => Vec::new(),
                    Some(dest) => {
                        let dest_artifacts = destination_side.of(dest);
                        // An empty prefix is no prefix (the reference tests `if prefix:`).
                        let src_norm = source_prefix
                            .as_deref()
                            .filter(|p| !p.is_empty())
                            .map(with_slash);
                        let dst_norm = destination_prefix
                            .as_deref()
                            .filter(|p| !p.is_empty())
                            .map(with_slash);
                        let mut dst_name = String::new();
                        let mut dest_lookup = dest_artifacts.cursor();
                        let mut out = Vec::new();
                        for (i, name) in in_queue(own, &queued) {
                            let rel = match &src_norm {
                                Some(p) => match name.strip_prefix(p.as_str()) {
                                    Some(r) => r,
                                    None => continue,
                                },
                                None => name,
                            };
                            if !pat.matches(rel) {
                                continue;
                            }
                            dst_name.clear();
                            if let Some(dp) = &dst_norm {
                                dst_name.push_str(dp);
                            }
                            dst_name.push_str(rel);
                            let ours = own.at(i).map(|(_, d)| d);
                            if ours.is_some() && ours == dest_lookup.get(&dst_name) {
                                out.push((i, name));
                            }
                        }
                        out
                    }
                }
            }
            Rule::Create(p)
            | Rule::Delete(p)
            | Rule::Modify(p)
            | Rule::Allow(p)
            | Rule::Disallow(p) => {
                let pat = match compile(p) {
                    Ok(p) => p,
                    Err(e) => return fail(outcomes, RuleFailureKind::BadPattern(e)),
                };
                let matched = in_queue(own, &queued).filter(|(_, n)| pat.matches(n));
                // The queue is walked in name order: look names up with cursors.
                let (mut in_materials, mut in_products) = (materials.cursor(), products.cursor());
                match rule {
                    Rule::Create(_) => matched
                        .filter(|(_, n)| in_products.contains(n) && !in_materials.contains(n))
                        .collect(),
                    Rule::Delete(_) => matched
                        .filter(|(_, n)| in_materials.contains(n) && !in_products.contains(n))
                        .collect(),
                    Rule::Modify(_) => matched
                        .filter(|(_, n)| match (in_materials.get(n), in_products.get(n)) {
                            (Some(m), Some(p)) => m != p,
                            _ => false,
                        })
                        .collect(),
                    Rule::Allow(_) => matched.collect(),
                    _ => {
                        let hits: Vec<String> = matched.map(|(_, n)| n.to_owned()).collect();
                        if !hits.is_empty() {
                            return fail(outcomes, RuleFailureKind::Disallowed { artifacts: hits });
                        }
                        Vec::new()
                    }
                }
            }
            Rule::Require(name) => {
                let queued_here = own
                    .position(name)
                    .is_some_and(|i| queued.get(i).copied().unwrap_or(false));
                if !queued_here {
                    return fail(
                        outcomes,
                        RuleFailureKind::RequiredMissing {
                            artifact: name.clone(),
                        },
                    );
                }
                Vec::new()
            }
        };
        for (i, _) in &consumed {
            if let Some(q) = queued.get_mut(*i) {
                *q = false;
            }
        }
        outcomes.push(RuleOutcome {
            rule: text.clone(),
            consumed_count: consumed.len(),
            consumed: consumed
                .iter()
                .take(report_limit)
                .map(|(_, s)| (*s).to_owned())
                .collect(),
        });
    }
    Ok(outcomes)
}

/// The names of `own` still in the queue (`queued[i]` for the `i`-th name), in order.
fn in_queue<'a, 'q>(
    own: &'a Artifacts,
    queued: &'q [bool],
) -> impl Iterator<Item = (usize, &'a str)> + use<'a, 'q> {
    own.names()
        .enumerate()
        .filter(|(i, _)| queued.get(*i).copied().unwrap_or(false))
}

/// `prefix` with exactly one trailing `/` (Python's `os.path.join(prefix, "")`).
fn with_slash(prefix: &str) -> String {
    let mut s = prefix.to_owned();
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

/// Whether an artifact name is a clean path: no empty, `.` or `..` segments (a single
/// leading `/` is allowed), with `/` or `\` as separators.
///
/// ```
/// use intoto_verify::rules::is_clean_name;
/// assert!(is_clean_name("src/main.rs"));
/// assert!(!is_clean_name("src/../main.rs"));
/// assert!(!is_clean_name("./main.rs"));
/// assert!(!is_clean_name("a//b"));
/// assert!(!is_clean_name("dir/"));
/// ```
pub fn is_clean_name(name: &str) -> bool {
    let body = name.strip_prefix('/').unwrap_or(name).as_bytes();
    // Bytes, not chars: names are checked by the hundred thousand, and `/` and `\\` are
    // never part of a multi-byte UTF-8 character.
    !body.is_empty()
        && body
            .split(|&b| b == b'/' || b == b'\\')
            .all(|seg| !matches!(seg, b"" | b"." | b".."))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::model::DigestSet;
    use std::collections::BTreeMap;

    fn d(h: &str) -> DigestSet {
        DigestSet::from([("sha256".to_owned(), h.to_owned())])
    }

    fn link(name: &str, m: &[(&str, &str)], p: &[(&str, &str)]) -> Link {
        Link {
            name: name.into(),
            command: vec![],
            materials: m.iter().map(|(n, h)| ((*n).to_owned(), d(h))).collect(),
            products: p.iter().map(|(n, h)| ((*n).to_owned(), d(h))).collect(),
            byproducts: Default::default(),
            environment: Default::default(),
        }
    }

    fn run(
        side: Side,
        rules: &[&[&str]],
        l: &Link,
        others: &[Link],
    ) -> Result<Vec<usize>, RuleFailureKind> {
        let parsed: Vec<(Vec<String>, Rule)> = rules
            .iter()
            .map(|r| {
                (
                    r.iter().map(|s| s.to_string()).collect(),
                    Rule::parse(r).unwrap(),
                )
            })
            .collect();
        let mut lookup: BTreeMap<String, Link> =
            others.iter().map(|o| (o.name.clone(), o.clone())).collect();
        lookup.insert(l.name.clone(), l.clone());
        apply_rules(side, &parsed, l, &lookup, 10)
            .map(|o| o.iter().map(|r| r.consumed_count).collect())
            .map_err(|(_, f)| f.kind)
    }

    #[test]
    fn create_delete_modify_consume_only_where_they_can() {
        let l = link("s", &[("a", "1"), ("b", "1")], &[("b", "2"), ("c", "3")]);
        // In product rules: CREATE c, MODIFY b; DELETE never consumes there.
        assert_eq!(
            run(
                Side::Products,
                &[
                    &["DELETE", "*"],
                    &["CREATE", "*"],
                    &["MODIFY", "*"],
                    &["DISALLOW", "*"]
                ],
                &l,
                &[]
            )
            .unwrap(),
            vec![0, 1, 1, 0]
        );
        // In material rules: DELETE a, MODIFY b; CREATE never consumes there.
        assert_eq!(
            run(
                Side::Materials,
                &[
                    &["CREATE", "*"],
                    &["DELETE", "*"],
                    &["MODIFY", "*"],
                    &["DISALLOW", "*"]
                ],
                &l,
                &[]
            )
            .unwrap(),
            vec![0, 1, 1, 0]
        );
    }

    #[test]
    fn require_looks_at_the_queue() {
        let l = link("s", &[], &[("foo", "1")]);
        assert!(matches!(
            run(
                Side::Products,
                &[&["ALLOW", "foo"], &["REQUIRE", "foo"]],
                &l,
                &[]
            ),
            Err(RuleFailureKind::RequiredMissing { .. })
        ));
        assert!(run(
            Side::Products,
            &[&["REQUIRE", "foo"], &["ALLOW", "foo"], &["DISALLOW", "*"]],
            &l,
            &[]
        )
        .is_ok());
        // REQUIRE takes a literal name, not a pattern.
        assert!(run(Side::Products, &[&["REQUIRE", "f*"]], &l, &[]).is_err());
    }

    #[test]
    fn match_with_prefixes_and_exact_digest_sets() {
        let build = link(
            "build",
            &[],
            &[("lib/x.so", "1"), ("lib/y.so", "2"), ("z", "9")],
        );
        let pkg = link(
            "pkg",
            &[("dist/x.so", "1"), ("dist/y.so", "3"), ("z", "9")],
            &[],
        );
        let r = run(
            Side::Materials,
            &[&[
                "MATCH", "*", "IN", "dist", "WITH", "PRODUCTS", "IN", "lib", "FROM", "build",
            ]],
            &pkg,
            std::slice::from_ref(&build),
        )
        .unwrap();
        assert_eq!(r, vec![1]); // x matches, y has another digest
                                // An empty prefix is no prefix.
        let r = run(
            Side::Materials,
            &[&[
                "MATCH", "z", "IN", "", "WITH", "PRODUCTS", "IN", "", "FROM", "build",
            ]],
            &pkg,
            std::slice::from_ref(&build),
        )
        .unwrap();
        assert_eq!(r, vec![1]);
        // The pattern is respected (in-toto-rs ignored it).
        let r = run(
            Side::Materials,
            &[
                &["MATCH", "nothing", "WITH", "PRODUCTS", "FROM", "build"],
                &["DISALLOW", "z"],
            ],
            &pkg,
            std::slice::from_ref(&build),
        );
        assert!(matches!(r, Err(RuleFailureKind::Disallowed { .. })));
        // A missing link consumes nothing and is not an error.
        assert_eq!(
            run(
                Side::Materials,
                &[&["MATCH", "*", "WITH", "PRODUCTS", "FROM", "nope"]],
                &pkg,
                &[]
            )
            .unwrap(),
            vec![0]
        );
        // Digest sets must be equal as sets: an extra algorithm is a mismatch.
        let mut two = link("build", &[], &[("z", "9")]);
        let mut z = two.products.get("z").unwrap().to_set();
        z.insert("sha512".into(), "ab".into());
        two.products = [("z".to_owned(), z)].into_iter().collect();
        assert_eq!(
            run(
                Side::Materials,
                &[&["MATCH", "z", "WITH", "PRODUCTS", "FROM", "build"]],
                &pkg,
                &[two]
            )
            .unwrap(),
            vec![0]
        );
    }

    #[test]
    fn clean_names_are_the_split_definition() {
        let by_split = |name: &str| {
            let body = name.strip_prefix('/').unwrap_or(name);
            !body.is_empty()
                && body
                    .split(['/', '\\'])
                    .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        };
        // Every string of up to 5 characters over an alphabet of the interesting ones.
        let alphabet = ['a', '.', '/', '\\', 'é'];
        let mut names = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = names
                .iter()
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            names.extend(longer);
            names.sort();
            names.dedup();
        }
        assert!(names.len() > 3000);
        for n in &names {
            assert_eq!(is_clean_name(n), by_split(n), "{n:?}");
        }
    }

    #[test]
    fn keywords_are_case_insensitive_but_not_lookalikes() {
        assert!(Rule::parse(&["mAtCh", "*", "with", "Products", "from", "x"]).is_ok());
        assert!(Rule::parse(&["ALLOW", "a", "b"]).is_err());
        assert!(Rule::parse(&["ＡLLOW", "a"]).is_err());
        assert!(Rule::parse(&["MATCH", "*", "WITH", "BYPRODUCTS", "FROM", "x"]).is_err());
    }
}
