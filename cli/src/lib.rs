//! The `intoto-verify` command line, as a library function.
//!
//! [`run`] takes the arguments and output streams and returns the exit code, so the binary,
//! the Python package (`python -m intoto_verify`) and the Node package (`bin`) all offer
//! the same command without re-implementing it.
//!
//! It is a drop-in for in-toto 3.1.0's `in-toto-verify`: same flags, same exit codes
//! (0 verified, 1 verification failed, 2 usage error). All the I/O lives here: reading the
//! layout, keys and links, and running inspections in the working directory.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod attestation;
mod fs_links;
mod inspect;
mod output;

use intoto_verify::keys::PublicKey;
use intoto_verify::report::Verdict;
use intoto_verify::time::Timestamp;
use intoto_verify::verify::{verify_layout, InspectionPolicy, VerifyContext, VerifyOptions};
use std::io::Write;

pub use args::{AttestationArgs, Format, LayoutArgs};

/// Exit code: verification passed.
pub const EXIT_PASS: i32 = 0;
/// Exit code: verification failed (or the metadata could not be evaluated).
pub const EXIT_FAIL: i32 = 1;
/// Exit code: bad command-line usage.
pub const EXIT_USAGE: i32 = 2;

/// Runs the command line with `args` (the first element is the program name) and returns
/// the exit code.
///
/// ```
/// let mut out = Vec::new();
/// let mut err = Vec::new();
/// let code = intoto_verify_cli::run(["intoto-verify", "--bogus"], &mut out, &mut err);
/// assert_eq!(code, intoto_verify_cli::EXIT_USAGE);
/// ```
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let parsed = match args::parse(args) {
        Ok(p) => p,
        Err(args::ParseOutcome::Exit {
            code,
            text,
            to_stderr,
        }) => {
            let sink: &mut dyn Write = if to_stderr { stderr } else { stdout };
            let _ = write!(sink, "{text}");
            return code;
        }
    };
    match parsed {
        args::Command::Layout(a) => verify_layout_command(&a, stdout, stderr),
        args::Command::Attestation(a) => attestation::command(&a, stdout, stderr),
    }
}

/// Reports a file that cannot be read or loaded; verification cannot start (exit 1, like
/// the reference's `FileNotFoundError`).
pub(crate) fn io_failure(
    stderr: &mut dyn Write,
    what: &str,
    path: &std::path::Path,
    e: &dyn std::fmt::Display,
) -> i32 {
    let _ = writeln!(
        stderr,
        "(intoto-verify) cannot read {what} {}: {e}",
        path.display()
    );
    EXIT_FAIL
}

/// Reports a key file that was read but is not a usable public key (exit 1).
pub(crate) fn key_failure(
    stderr: &mut dyn Write,
    path: &std::path::Path,
    e: &dyn std::fmt::Display,
) -> i32 {
    let _ = writeln!(
        stderr,
        "(intoto-verify) cannot load key {}: {e}",
        path.display()
    );
    EXIT_FAIL
}

fn usage_error(stderr: &mut dyn Write, msg: &str) -> i32 {
    let _ = writeln!(stderr, "intoto-verify: error: {msg}");
    EXIT_USAGE
}

fn verify_layout_command(a: &LayoutArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    if a.gpg.is_some() {
        return usage_error(
            stderr,
            "OpenPGP keys (--gpg) are not supported; export the key as PEM and pass --verification-keys",
        );
    }
    if a.verification_keys.is_empty() {
        return usage_error(stderr, "at least one of --verification-keys must be given");
    }
    let now = match &a.now {
        None => Timestamp::from_unix(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
        ),
        Some(s) => match Timestamp::parse_rfc3339(s) {
            Ok(t) => t,
            Err(e) => return usage_error(stderr, &format!("--now: {e}")),
        },
    };
    let mut parameters = std::collections::BTreeMap::new();
    for p in &a.params {
        match p.split_once('=') {
            Some((k, v)) => {
                parameters.insert(k.to_owned(), v.to_owned());
            }
            None => return usage_error(stderr, &format!("--param {p:?} is not KEY=VALUE")),
        }
    }

    let mut keys = Vec::new();
    for path in &a.verification_keys {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return io_failure(stderr, "key", path, &e),
        };
        match PublicKey::from_pem(&bytes) {
            Ok(k) => keys.push(k),
            Err(e) => return key_failure(stderr, path, &e),
        }
    }
    let layout = match std::fs::read(&a.layout) {
        Ok(b) => b,
        Err(e) => return io_failure(stderr, "layout", &a.layout, &e),
    };

    let options = VerifyOptions {
        inspections: if a.skip_inspections {
            InspectionPolicy::Skip
        } else {
            InspectionPolicy::Run
        },
        ..VerifyOptions::default()
    };
    let links = fs_links::DirLinks::new(&a.link_dir, options.json.max_bytes);
    let mut runner = inspect::CommandRunner::new(
        std::path::PathBuf::from("."),
        std::time::Duration::from_secs_f64(a.inspection_timeout.max(0.0)),
    );
    let ctx = VerifyContext {
        layout_keys: &keys,
        links: &links,
        now,
        parameters: if a.params.is_empty() {
            None
        } else {
            Some(&parameters)
        },
        options,
    };
    let report = verify_layout(&layout, &ctx, &mut runner);

    match a.format {
        Format::Json => {
            let _ = writeln!(stdout, "{}", report.to_json_pretty());
        }
        Format::Text => {
            if !a.quiet {
                output::text(&report, a.verbose, stdout, stderr);
            }
        }
    }
    match report.verdict {
        Verdict::Pass => EXIT_PASS,
        _ => EXIT_FAIL,
    }
}
