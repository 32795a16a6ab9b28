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
(0 verified, 1 verification failed, 2 usage error).",
    after_help = "Attestations (DSSE envelopes holding in-toto Statements): intoto-verify attestation --help"
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
    /// Verify an attestation (`intoto-verify attestation ...`).
    Attestation(Box<AttestationArgs>),
}

/// Arguments of `intoto-verify attestation`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "intoto-verify attestation",
    version,
    about = "Verify an in-toto attestation: a DSSE envelope holding a Statement.",
    long_about = "Verify an in-toto attestation: a DSSE envelope holding an in-toto Statement \
(v0.1 or v1), signed by trusted keys, about the given artifact, satisfying a policy.\n\n\
Checks, in order: the envelope's signatures (at least --threshold distinct trusted keys), \
its payloadType, the Statement, the subject binding (with --artifact or --digest), the \
predicate type and the policy options. Exit codes: 0 verified, 1 verification failed, \
2 usage error. See docs/attestations.md."
)]
pub struct AttestationArgs {
    /// The DSSE envelope (JSON, or a one-line .intoto.jsonl).
    #[arg(long = "envelope", value_name = "PATH")]
    pub envelope: PathBuf,
    /// PEM public keys (SubjectPublicKeyInfo) trusted to sign the envelope.
    #[arg(long = "verification-keys", value_name = "PATH", num_args = 1.., required = true)]
    pub verification_keys: Vec<PathBuf>,
    /// Keyids of --verification-keys, in the same order (`-` for none): a key is not
    /// tried against a signature whose keyid is set and different.
    #[arg(long = "verification-key-ids", value_name = "KEYID", num_args = 1..)]
    pub verification_key_ids: Vec<String>,
    /// Schemes of --verification-keys, in the same order (`-` for the key type's
    /// default), e.g. rsa-pkcs1v15-sha256.
    #[arg(long = "verification-key-schemes", value_name = "SCHEME", num_args = 1..)]
    pub verification_key_schemes: Vec<String>,
    /// Distinct trusted keys that must have signed.
    #[arg(long = "threshold", value_name = "N", default_value_t = 1)]
    pub threshold: usize,
    /// The artifact: some Statement subject must match its sha256, sha384 or sha512.
    #[arg(long = "artifact", value_name = "PATH", conflicts_with = "digest")]
    pub artifact: Option<PathBuf>,
    /// The artifact's digest ALG:VALUE, e.g. sha256:abc... (repeatable: one artifact's
    /// digests by several algorithms).
    #[arg(long = "digest", value_name = "ALG:VALUE", action = ArgAction::Append)]
    pub digest: Vec<String>,
    /// The expected predicateType.
    #[arg(long = "predicate-type", value_name = "URI")]
    pub predicate_type: Option<String>,
    /// The expected provenance builder id (NAME or NAME@VERSION).
    #[arg(long = "builder-id", value_name = "ID")]
    pub builder_id: Option<String>,
    /// The expected source repository, e.g. github.com/owner/repo.
    #[arg(long = "source-uri", value_name = "URI")]
    pub source_uri: Option<String>,
    /// The expected source ref, e.g. refs/tags/v1.0.0.
    #[arg(long = "source-ref", value_name = "REF")]
    pub source_ref: Option<String>,
    /// The expected source tag, e.g. v1.0.0.
    #[arg(long = "source-tag", value_name = "TAG")]
    pub source_tag: Option<String>,
    /// The expected source branch, e.g. main.
    #[arg(long = "source-branch", value_name = "BRANCH")]
    pub source_branch: Option<String>,
    /// The expected provenance buildType.
    #[arg(long = "build-type", value_name = "URI")]
    pub build_type: Option<String>,
    /// An expected external parameter PATH=VALUE, e.g. workflow.ref=refs/heads/main
    /// (repeatable).
    #[arg(long = "external-parameter", value_name = "PATH=VALUE", action = ArgAction::Append)]
    pub external_parameters: Vec<String>,
    /// The expected VSA verifier id.
    #[arg(long = "verifier-id", value_name = "ID")]
    pub verifier_id: Option<String>,
    /// The expected VSA resource URI.
    #[arg(long = "resource-uri", value_name = "URI")]
    pub resource_uri: Option<String>,
    /// The expected VSA policy URI.
    #[arg(long = "policy-uri", value_name = "URI")]
    pub policy_uri: Option<String>,
    /// A level the VSA must attest, e.g. SLSA_BUILD_LEVEL_2 (repeatable).
    #[arg(long = "verified-level", value_name = "LEVEL", action = ArgAction::Append)]
    pub verified_levels: Vec<String>,
    /// Verify the envelope's signatures only (any payload; nothing else is checked).
    #[arg(long = "envelope-only")]
    pub envelope_only: bool,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Explain every signature and check.
    #[arg(short = 'v', long = "verbose", conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing; the exit code is the answer.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
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
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    if args.get(1).is_some_and(|a| a == "attestation") {
        // Usage lines then read `intoto-verify attestation ...`.
        let rest = std::iter::once(std::ffi::OsString::from("intoto-verify attestation"))
            .chain(args.iter().skip(2).cloned());
        return AttestationArgs::try_parse_from(rest)
            .map(|a| Command::Attestation(Box::new(a)))
            .map_err(exit);
    }
    LayoutArgs::try_parse_from(args)
        .map(Command::Layout)
        .map_err(exit)
}

fn exit(e: clap::Error) -> ParseOutcome {
    let code = if e.use_stderr() { crate::EXIT_USAGE } else { 0 };
    ParseOutcome::Exit {
        code,
        text: e.render().to_string(),
        to_stderr: e.use_stderr(),
    }
}
