//! `intoto-verify attestation`: reads the envelope, keys and artifact, and prints the
//! core's [`AttestationReport`].

use crate::args::{AttestationArgs, Format};
use crate::{io_failure, key_failure, EXIT_FAIL, EXIT_PASS, EXIT_USAGE};
use intoto_verify::attestation::{verify_attestation, AttestationOptions, TrustedKey};
use intoto_verify::digest::{DigestSet, Hasher};
use intoto_verify::keys::{PublicKey, Scheme};
use intoto_verify::policy::Policy;
use intoto_verify::report::{AttestationReport, Failure, Verdict};
use intoto_verify::statement::StatementVersion;
use std::io::{Read, Write};
use std::path::Path;

/// Artifacts are read in chunks of this size: memory stays constant whatever their size.
const CHUNK: usize = 1 << 20;

fn usage_error(stderr: &mut dyn Write, msg: &str) -> i32 {
    let _ = writeln!(stderr, "intoto-verify attestation: error: {msg}");
    EXIT_USAGE
}

/// Digests a file through the streaming hasher, one chunk at a time.
fn digest_file(path: &Path) -> std::io::Result<DigestSet> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Hasher::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hasher.finalize().to_digest_set())
}

/// The `n`-th entry of a per-key list, `None` for `-` or a missing entry.
fn per_key(list: &[String], n: usize) -> Option<&str> {
    list.get(n).map(String::as_str).filter(|s| *s != "-")
}

/// Runs `intoto-verify attestation`.
pub fn command(a: &AttestationArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    for (flag, list) in [
        ("--verification-key-ids", &a.verification_key_ids),
        ("--verification-key-schemes", &a.verification_key_schemes),
    ] {
        if list.len() > a.verification_keys.len() {
            return usage_error(
                stderr,
                &format!(
                    "{flag} has {} entries for {} --verification-keys",
                    list.len(),
                    a.verification_keys.len()
                ),
            );
        }
    }
    let mut external_parameters = std::collections::BTreeMap::new();
    for p in &a.external_parameters {
        match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                external_parameters.insert(k.to_owned(), v.to_owned());
            }
            _ => {
                return usage_error(
                    stderr,
                    &format!("--external-parameter {p:?} is not PATH=VALUE"),
                )
            }
        }
    }
    let mut digest = DigestSet::default();
    for d in &a.digest {
        if let Err(e) = digest.insert_arg(d) {
            return usage_error(stderr, &format!("--digest: {e}"));
        }
    }
    let policy = Policy {
        predicate_type: a.predicate_type.clone(),
        builder_id: a.builder_id.clone(),
        source_uri: a.source_uri.clone(),
        source_ref: a.source_ref.clone(),
        source_tag: a.source_tag.clone(),
        source_branch: a.source_branch.clone(),
        build_type: a.build_type.clone(),
        external_parameters,
        verifier_id: a.verifier_id.clone(),
        resource_uri: a.resource_uri.clone(),
        policy_uri: a.policy_uri.clone(),
        verified_levels: a.verified_levels.clone(),
    };

    let mut keys = Vec::with_capacity(a.verification_keys.len());
    for (i, path) in a.verification_keys.iter().enumerate() {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return io_failure(stderr, "key", path, &e),
        };
        let loaded = match per_key(&a.verification_key_schemes, i) {
            None => PublicKey::from_pem(&bytes),
            Some(name) => match Scheme::parse(name) {
                Some(s) => PublicKey::from_pem_with_scheme(&bytes, s),
                None => return usage_error(stderr, &format!("unknown key scheme {name:?}")),
            },
        };
        match loaded {
            Ok(key) => keys.push(TrustedKey {
                key,
                keyid: per_key(&a.verification_key_ids, i).map(str::to_owned),
            }),
            Err(e) => return key_failure(stderr, path, &e),
        }
    }
    let envelope = match std::fs::read(&a.envelope) {
        Ok(b) => b,
        Err(e) => return io_failure(stderr, "envelope", &a.envelope, &e),
    };
    let artifact = match &a.artifact {
        Some(path) => match digest_file(path) {
            Ok(d) => Some(d),
            Err(e) => return io_failure(stderr, "artifact", path, &e),
        },
        None if !digest.is_empty() => Some(digest),
        None => None,
    };
    let options = AttestationOptions {
        threshold: a.threshold,
        envelope_only: a.envelope_only,
        ..AttestationOptions::default()
    };
    let report = verify_attestation(&envelope, &keys, artifact.as_ref(), &policy, &options);
    match a.format {
        Format::Json => {
            let _ = writeln!(stdout, "{}", report.to_json_pretty());
        }
        Format::Text => {
            if !a.quiet {
                text(&report, a.verbose, stdout, stderr);
            }
        }
    }
    match report.verdict {
        Verdict::Pass => EXIT_PASS,
        _ => EXIT_FAIL,
    }
}

fn short(s: &str) -> &str {
    s.get(..16).unwrap_or(s)
}

fn failure_lines(f: &Failure, out: &mut dyn Write) {
    let _ = writeln!(out, "  {}: {}", f.code, f.message);
    if let Some(e) = &f.expected {
        let _ = writeln!(out, "    expected: {e}");
    }
    if let Some(a) = &f.actual {
        let _ = writeln!(out, "    actual:   {a}");
    }
    if let Some(p) = &f.path {
        let _ = writeln!(out, "    at:       {p}");
    }
}

fn body(report: &AttestationReport, verbose: bool, out: &mut dyn Write) {
    if let Some(env) = &report.envelope {
        let signers: Vec<String> = env
            .signers
            .iter()
            .map(|s| format!("key {} ({})", s.key_index, short(&s.keyid)))
            .collect();
        let _ = writeln!(
            out,
            "  envelope: {}, {} signature(s), signed by {} of {} required distinct key(s){}",
            env.payload_type,
            env.signatures.len(),
            env.signers.len(),
            env.threshold,
            if signers.is_empty() {
                String::new()
            } else {
                format!(": {}", signers.join(", "))
            }
        );
        if verbose {
            for s in &env.signatures {
                let _ = writeln!(
                    out,
                    "    signature {} (keyid {}): verified by key(s) {:?}{}",
                    s.index,
                    s.keyid.as_deref().unwrap_or("-"),
                    s.verified_by,
                    if s.keyid_mismatch.is_empty() {
                        String::new()
                    } else {
                        format!(", keyid rules out key(s) {:?}", s.keyid_mismatch)
                    }
                );
            }
        }
    }
    if let Some(s) = &report.statement {
        let _ = writeln!(
            out,
            "  statement: {}, predicateType {}",
            match s.version {
                StatementVersion::V1 => "Statement v1",
                _ => "Statement v0.1",
            },
            s.predicate_type
        );
    }
    for m in &report.matched_subjects {
        let _ = writeln!(
            out,
            "  subject {}{} matches the artifact ({})",
            m.index,
            m.name
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default(),
            m.algorithms.join(", ")
        );
    }
    for c in &report.checks {
        if verbose || !c.passed {
            let _ = writeln!(
                out,
                "  check {}: {} ({})",
                c.check,
                if c.passed { "passed" } else { "FAILED" },
                c.message
            );
        }
    }
    if !verbose {
        let passed = report.checks.iter().filter(|c| c.passed).count();
        if passed > 0 {
            let _ = writeln!(out, "  {passed} policy check(s) passed");
        }
    }
    for w in &report.warnings {
        let _ = writeln!(out, "  warning ({}): {}", w.code, w.message);
    }
}

/// The text report: a summary on stdout when verification passed, the failure on stderr
/// otherwise.
fn text(report: &AttestationReport, verbose: bool, stdout: &mut dyn Write, stderr: &mut dyn Write) {
    match (&report.verdict, &report.failure) {
        (Verdict::Pass, _) | (_, None) => {
            let _ = writeln!(stdout, "PASS: the attestation verified");
            body(report, verbose, stdout);
        }
        (v, Some(f)) => {
            let word = if *v == Verdict::Error {
                "ERROR"
            } else {
                "FAIL"
            };
            let _ = writeln!(stderr, "{word}: the attestation did not verify");
            failure_lines(f, stderr);
            body(report, verbose, stderr);
        }
    }
}
