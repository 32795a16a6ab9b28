//! Parameter substitution in rules, expected commands and inspection commands.
//!
//! in-toto 3.1.0 applies Python's `str.format(**parameters)` to every element of
//! `expected_materials`, `expected_products`, `expected_command` and `run`, but only when
//! the caller passes parameters at all. This module implements the part of that format
//! language a layout can rely on: `{name}` is replaced by the parameter `name`
//! (`[A-Za-z0-9_-]+`), `{{` and `}}` stand for literal braces. A placeholder naming no
//! parameter fails, as in the reference. Format specifications, conversions, attribute and
//! index access (`{x:.1}`, `{x!r}`, `{x.y}`, `{0}`, `{}`) are rejected as unsupported
//! (stricter than the reference; see `docs/differences.md`).

use std::collections::BTreeMap;
use std::fmt;

/// Why a string could not be substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParameterError {
    /// A placeholder names a parameter that was not given.
    Missing {
        /// The parameter name.
        name: String,
    },
    /// A placeholder uses a part of Python's format language this verifier does not support,
    /// or a brace is unbalanced.
    Unsupported {
        /// The string being substituted.
        text: String,
    },
    /// A parameter name has characters outside `[A-Za-z0-9_-]`.
    InvalidName {
        /// The parameter name.
        name: String,
    },
}

impl ParameterError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ParameterError::Missing { .. } => "parameter-missing",
            ParameterError::Unsupported { .. } => "parameter-unsupported",
            ParameterError::InvalidName { .. } => "parameter-invalid-name",
        }
    }
}

impl fmt::Display for ParameterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParameterError::Missing { name } => {
                write!(f, "no value was given for the parameter {{{name}}}")
            }
            ParameterError::Unsupported { text } => write!(
                f,
                "{text:?} uses an unsupported placeholder or an unbalanced brace"
            ),
            ParameterError::InvalidName { name } => {
                write!(f, "parameter name {name:?} must match [A-Za-z0-9_-]+")
            }
        }
    }
}

impl std::error::Error for ParameterError {}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks that every parameter name is valid.
pub fn check_names(params: &BTreeMap<String, String>) -> Result<(), ParameterError> {
    match params.keys().find(|k| !valid_name(k)) {
        Some(name) => Err(ParameterError::InvalidName { name: name.clone() }),
        None => Ok(()),
    }
}

/// Substitutes `params` into `text`.
///
/// ```
/// use std::collections::BTreeMap;
/// use intoto_verify::params::substitute;
/// let p = BTreeMap::from([("EDITOR".to_string(), "vim".to_string())]);
/// assert_eq!(substitute("{EDITOR} {{x}}", &p).unwrap(), "vim {x}");
/// assert!(substitute("{OTHER}", &p).is_err());
/// ```
pub fn substitute(text: &str, params: &BTreeMap<String, String>) -> Result<String, ParameterError> {
    let unsupported = || ParameterError::Unsupported {
        text: text.to_owned(),
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => {
                if let Some((_, '{')) = chars.peek() {
                    chars.next();
                    out.push('{');
                    continue;
                }
                let rest = text.get(i + 1..).unwrap_or("");
                let end = rest.find('}').ok_or_else(unsupported)?;
                let name = rest.get(..end).unwrap_or("");
                if !valid_name(name) || name.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(unsupported());
                }
                let value = params.get(name).ok_or_else(|| ParameterError::Missing {
                    name: name.to_owned(),
                })?;
                out.push_str(value);
                for _ in 0..=end {
                    chars.next();
                }
            }
            '}' => {
                if let Some((_, '}')) = chars.peek() {
                    chars.next();
                    out.push('}');
                } else {
                    return Err(unsupported());
                }
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn python_format_subset() {
        let p = BTreeMap::from([
            ("a-b".to_string(), "X".to_string()),
            ("n".to_string(), "{n}".to_string()),
        ]);
        assert_eq!(substitute("pre{a-b}post", &p).unwrap(), "preXpost");
        assert_eq!(substitute("{n}", &p).unwrap(), "{n}"); // single pass
        assert_eq!(substitute("{{}}", &p).unwrap(), "{}");
        for bad in [
            "{", "}", "{}", "{0}", "{a-b:.1}", "{a-b!r}", "{a-b.x}", "{a-b[0]}",
        ] {
            assert!(
                matches!(substitute(bad, &p), Err(ParameterError::Unsupported { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            substitute("{zz}", &p),
            Err(ParameterError::Missing { .. })
        ));
    }
}
