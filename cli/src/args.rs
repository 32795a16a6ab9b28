//! Command-line arguments, compatible with in-toto 3.1.0's `in-toto-verify`.

use clap::{ArgAction, Parser, ValueEnum};
use std::path::PathBuf;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A short explanation for a person.
    #[default]
    Text,
    /// The full report as JSON (see docs/report-schema.md).
    Json,
}

/// Arguments of layout verification (the reference's `in-toto-verify`).
#[derive(Debug, Clone, Parser)]
#[command(
    name = "intoto-verify",
    version,
    about = "Verify an in-toto supply chain: a signed layout and the links of its steps.",
    long_about = "Verify an in-toto supply chain: a signed layout and the links of its steps.\n\n\
Drop-in for in-toto 3.1.0's in-toto-verify: the same flags and exit codes \
(0 verified, 1 verification failed, 2 usage error)."
)]
pub struct LayoutArgs {
    /// Path to the root layout (Metablock or DSSE).
    #[arg(short = 'l', long = "layout", value_name = "PATH")]
    pub layout: PathBuf,
    /// PEM public keys (SubjectPublicKeyInfo) that must all have signed the layout.
    #[arg(long = "verification-keys", value_name = "PATH", num_args = 1..)]
    pub verification_keys: Vec<PathBuf>,
    /// OpenPGP key ids (accepted for compatibility, not supported).
    #[arg(short = 'g', long = "gpg", value_name = "KEYID", num_args = 1..)]
    pub gpg: Option<Vec<String>>,
    /// OpenPGP home directory (accepted for compatibility, not supported).
    #[arg(long = "gpg-home", value_name = "PATH")]
    pub gpg_home: Option<PathBuf>,
    /// Directory holding the link files.
    #[arg(long = "link-dir", value_name = "PATH", default_value = ".")]
    pub link_dir: PathBuf,
    /// Seconds an inspection may run before it is killed.
    #[arg(
        long = "inspection-timeout",
        value_name = "SECONDS",
        default_value_t = 10.0
    )]
    pub inspection_timeout: f64,
    /// Substitution parameter KEY=VALUE for the layout's {KEY} placeholders (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", action = ArgAction::Append)]
    pub params: Vec<String>,
    /// Verification time (RFC 3339, or Unix seconds) instead of the system clock.
    #[arg(long = "now", value_name = "TIME")]
    pub now: Option<String>,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Do not run inspections (their rules are then not checked; a warning says so).
    #[arg(long = "skip-inspections")]
    pub skip_inspections: bool,
    /// Explain every step, link and rule.
    #[arg(short = 'v', long = "verbose", conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing; the exit code is the answer.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
}

/// A parsed command.
#[derive(Debug, Clone)]
pub enum Command {
    /// Verify a layout.
    Layout(LayoutArgs),
}

/// Arguments that end the program before verification (help, version, errors).
pub enum ParseOutcome {
    /// Print `text` and exit with `code`.
    Exit {
        /// The exit code.
        code: i32,
        /// What to print.
        text: String,
        /// Whether it goes to stderr.
        to_stderr: bool,
    },
}

/// Parses the arguments.
pub fn parse<I, T>(args: I) -> Result<Command, ParseOutcome>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match LayoutArgs::try_parse_from(args) {
        Ok(a) => Ok(Command::Layout(a)),
        Err(e) => {
            let code = if e.use_stderr() { crate::EXIT_USAGE } else { 0 };
            Err(ParseOutcome::Exit {
                code,
                text: e.render().to_string(),
                to_stderr: e.use_stderr(),
            })
        }
    }
}
