//! The text report: what failed and where, in one screen.

use intoto_verify::report::{Failure, LinkStatus, Report, Verdict};
use std::io::Write;

fn short(keyid: &str) -> &str {
    keyid.get(..8).unwrap_or(keyid)
}

fn failure_lines(f: &Failure, indent: &str, out: &mut dyn Write) {
    let _ = writeln!(out, "{indent}{}: {}", f.code, f.message);
    if let Some(s) = &f.step {
        let _ = writeln!(out, "{indent}  step:       {s}");
    }
    if let Some(s) = &f.inspection {
        let _ = writeln!(out, "{indent}  inspection: {s}");
    }
    if let (Some(rule), Some(i)) = (&f.rule, f.rule_index) {
        let side = f.side.map(|s| s.as_str()).unwrap_or("");
        let _ = writeln!(
            out,
            "{indent}  rule:       {} ({side} rule {})",
            rule.join(" "),
            i + 1
        );
    }
    if !f.artifacts.is_empty() {
        let shown: Vec<&str> = f.artifacts.iter().take(10).map(String::as_str).collect();
        let more = f.artifacts.len().saturating_sub(shown.len());
        let tail = if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        };
        let _ = writeln!(out, "{indent}  artifacts:  {}{tail}", shown.join(", "));
    }
    if let Some(k) = &f.keyid {
        let _ = writeln!(out, "{indent}  key id:     {k}");
    }
    if let Some(p) = &f.path {
        let _ = writeln!(out, "{indent}  at:         {p}");
    }
    if let Some(c) = &f.cause {
        let _ = writeln!(out, "{indent}  because:");
        failure_lines(c, &format!("{indent}    "), out);
    }
}

fn link_status(s: LinkStatus) -> &'static str {
    match s {
        LinkStatus::Accepted => "accepted",
        LinkStatus::Duplicate => "duplicate signer",
        LinkStatus::Missing => "missing",
        LinkStatus::Unparseable => "unparseable",
        LinkStatus::LimitExceeded => "beyond a limit",
        LinkStatus::NoSignature => "no signature",
        LinkStatus::BadSignature => "bad signature",
        LinkStatus::NameMismatch => "name mismatch",
        LinkStatus::UnknownKey => "unknown key",
        LinkStatus::SublayoutFailed => "sublayout failed",
    }
}

fn body(report: &Report, verbose: bool, indent: &str, out: &mut dyn Write) {
    if let Some(l) = &report.layout {
        let signed: Vec<String> = l
            .signatures
            .iter()
            .map(|k| format!("{} {:?}", short(&k.keyid), k.status).to_lowercase())
            .collect();
        let _ = writeln!(
            out,
            "{indent}layout: {:?} envelope, expires {}, keys: {}",
            l.format,
            l.expires,
            signed.join(", ")
        );
    }
    for step in &report.steps {
        let accepted = step
            .links
            .iter()
            .filter(|l| l.status == LinkStatus::Accepted)
            .count();
        let _ = writeln!(
            out,
            "{indent}step {}: {accepted}/{} link(s) accepted{}",
            step.name,
            step.threshold,
            if step.materials.is_empty() && step.products.is_empty() {
                String::new()
            } else {
                format!(
                    ", {} material and {} product rule(s) passed",
                    step.materials.len(),
                    step.products.len()
                )
            }
        );
        for l in &step.links {
            if verbose || l.status != LinkStatus::Accepted {
                let detail = l
                    .detail
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{indent}  {} [{}]{detail}",
                    l.path,
                    link_status(l.status)
                );
            }
            if let Some(sub) = &l.sublayout {
                if verbose || !sub.passed() {
                    body(sub, verbose, &format!("{indent}    "), out);
                }
            }
        }
        if verbose {
            for (side, rules) in [("materials", &step.materials), ("products", &step.products)] {
                for r in rules {
                    let _ = writeln!(
                        out,
                        "{indent}  {side}: {} -> {} consumed",
                        r.rule.join(" "),
                        r.consumed_count
                    );
                }
            }
        }
    }
    for i in &report.inspections {
        let _ = writeln!(
            out,
            "{indent}inspection {}: `{}` returned {}",
            i.name,
            i.run.join(" "),
            i.return_value
                .map(|r| r.to_string())
                .unwrap_or_else(|| "-".into())
        );
    }
    for w in &report.warnings {
        let _ = writeln!(out, "{indent}warning ({}): {}", w.code, w.message);
    }
}

/// Writes the text report: a summary on stdout when verification passed, the failure and
/// where it happened on stderr otherwise.
pub fn text(report: &Report, verbose: bool, stdout: &mut dyn Write, stderr: &mut dyn Write) {
    match (&report.verdict, &report.failure) {
        (Verdict::Pass, _) | (_, None) => {
            let _ = writeln!(stdout, "PASS: the supply chain verified");
            body(report, verbose, "  ", stdout);
        }
        (v, Some(f)) => {
            let word = if *v == Verdict::Error {
                "ERROR"
            } else {
                "FAIL"
            };
            let _ = writeln!(stderr, "{word}: the supply chain did not verify");
            failure_lines(f, "  ", stderr);
            body(report, verbose, "  ", stderr);
        }
    }
}
