//! Layout verification: in-toto 3.1.0's `in_toto_verify`, in its order, from bytes.
//!
//! 1. layout signatures (every given key must have signed);
//! 2. expiry (`expires <= now` is expired);
//! 3. parameter substitution (when parameters are given);
//! 4. per step, the link files `{step}.{keyid[:8]}.link` of each authorised functionary:
//!    parsed, signature-checked, counted against the threshold by distinct key material;
//!    a link that is a layout is a sublayout, verified recursively with its links under
//!    `{step}.{keyid[:8]}/`, and replaced by its summary link;
//! 5. command alignment (a warning only);
//! 6. links of one step must agree when more than one was accepted;
//! 7. step rules, in layout order, materials then products;
//! 8. inspections (results come from an [`InspectionRunner`]: the caller runs them, or
//!    supplies recorded results) and their rules.
//!
//! One bad link never aborts the run: every link's fate is in the report.
#![allow(
    clippy::result_large_err,
    reason = "a Failure is built once, on the cold path, and carries its context by value"
)]

use crate::json::JsonLimits;
use crate::keys::PublicKey;
use crate::metadata::{Metadata, MetadataError, Payload, SignatureStatus};
use crate::model::{Artifacts, Layout, Link, Step};
use crate::params::{self, ParameterError};
use crate::report::{
    Failure, FailureCode, InspectionReport, KeyCheck, LayoutReport, LinkReport, LinkStatus, Report,
    StepReport, Verdict, Warning,
};
use crate::rules::{self, is_clean_name, Rule, RuleFailureKind, RuleOutcome, Side};
use crate::time::Timestamp;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Where link files come from: a name (`step.keyid8.link`, or under a sublayout directory
/// `step.keyid8/inner.keyid8.link`) to its bytes.
pub trait LinkSource {
    /// The bytes of the file `name`, if there is one.
    fn get(&self, name: &str) -> Option<Cow<'_, [u8]>>;
}

impl LinkSource for BTreeMap<String, Vec<u8>> {
    fn get(&self, name: &str) -> Option<Cow<'_, [u8]>> {
        BTreeMap::get(self, name).map(|v| Cow::Borrowed(v.as_slice()))
    }
}

impl LinkSource for std::collections::HashMap<String, Vec<u8>> {
    fn get(&self, name: &str) -> Option<Cow<'_, [u8]>> {
        std::collections::HashMap::get(self, name).map(|v| Cow::Borrowed(v.as_slice()))
    }
}

/// What the verifier asks of an inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionRequest<'a> {
    /// The inspection's name.
    pub name: &'a str,
    /// Where the layout that holds it sits: `""` for the root layout, `step.keyid8/` for a
    /// sublayout.
    pub layout_dir: &'a str,
    /// The command to run, after parameter substitution.
    pub run: &'a [String],
}

/// What an inspection did.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionResult {
    /// The command's exit code (0 is success).
    #[serde(alias = "returnValue")]
    pub return_value: i64,
    /// Artifacts before the command.
    #[serde(default)]
    pub materials: Artifacts,
    /// Artifacts after the command.
    #[serde(default)]
    pub products: Artifacts,
}

/// Runs (or looks up) inspections. The core never runs anything itself.
pub trait InspectionRunner {
    /// The result of `request`, or why there is none.
    fn run(&mut self, request: &InspectionRequest<'_>) -> Result<InspectionResult, String>;
}

/// Recorded results, by `layout_dir + name` (`"untar"`, or `"sub.1234abcd/untar"`).
impl InspectionRunner for BTreeMap<String, InspectionResult> {
    fn run(&mut self, request: &InspectionRequest<'_>) -> Result<InspectionResult, String> {
        let key = format!("{}{}", request.layout_dir, request.name);
        BTreeMap::get(self, &key)
            .cloned()
            .ok_or_else(|| format!("no result was given for the inspection {key:?}"))
    }
}

/// What to do about inspections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InspectionPolicy {
    /// Run them through the runner and apply their rules (the reference's behaviour).
    #[default]
    Run,
    /// Do not run them; their rules are not checked and a warning says so.
    Skip,
}

/// Bounds and switches for one verification.
///
/// Every bound is a limit on what the verifier reads; going beyond one is refused with a
/// typed error: [`FailureCode::LimitExceeded`] for the layout (`path` names the limit),
/// [`LinkStatus::LimitExceeded`] for a link file, [`FailureCode::SublayoutTooDeep`] for
/// nesting.
///
/// ```
/// use intoto_verify::verify::VerifyOptions;
/// let strict = VerifyOptions { max_steps: 50, max_artifacts: 20_000, ..VerifyOptions::default() };
/// assert_eq!(strict.max_signatures, 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// JSON limits for the layout and every link: bytes per file (256 MiB), nesting depth
    /// (128), entries per array or object (1,000,000).
    pub json: JsonLimits,
    /// How deep sublayouts may nest (8).
    pub max_sublayout_depth: usize,
    /// Steps plus inspections of one layout (10,000).
    pub max_steps: usize,
    /// Link files one verification reads, sublayouts' included (100,000).
    pub max_links: usize,
    /// Artifacts on one side of one link (1,000,000).
    pub max_artifacts: usize,
    /// Signatures on one layout or link (1,024; envelopes with more are never read).
    pub max_signatures: usize,
    /// Bytes in one artifact rule pattern, after parameter substitution (4,096; matching
    /// costs up to pattern length x name length per artifact).
    pub max_pattern_length: usize,
    /// How many consumed artifact names each rule outcome lists.
    pub report_artifacts_per_rule: usize,
    /// Inspections: run or skip.
    pub inspections: InspectionPolicy,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            json: JsonLimits::default(),
            max_sublayout_depth: 8,
            max_steps: 10_000,
            max_links: 100_000,
            max_artifacts: 1_000_000,
            max_signatures: crate::dsse::MAX_SIGNATURES,
            max_pattern_length: 4096,
            report_artifacts_per_rule: 100,
            inspections: InspectionPolicy::Run,
        }
    }
}

/// Everything one verification needs besides the layout bytes.
pub struct VerifyContext<'a> {
    /// The keys that must all have signed the layout.
    pub layout_keys: &'a [PublicKey],
    /// The link files (shared with the worker threads that parse and check them).
    pub links: &'a (dyn LinkSource + Sync),
    /// The current time.
    pub now: Timestamp,
    /// Substitution parameters; `None` leaves `{...}` untouched, as the reference does.
    pub parameters: Option<&'a BTreeMap<String, String>>,
    /// Options.
    pub options: VerifyOptions,
}

/// Verifies the layout `layout` (Metablock or DSSE bytes) and its links.
///
/// ```
/// use std::collections::BTreeMap;
/// use intoto_verify::verify::{verify_layout, VerifyContext, VerifyOptions, InspectionResult};
/// use intoto_verify::time::Timestamp;
/// use intoto_verify::report::{Verdict, FailureCode};
///
/// let links: BTreeMap<String, Vec<u8>> = BTreeMap::new();
/// let mut inspections: BTreeMap<String, InspectionResult> = BTreeMap::new();
/// let ctx = VerifyContext {
///     layout_keys: &[],
///     links: &links,
///     now: Timestamp::from_unix(0),
///     parameters: None,
///     options: VerifyOptions::default(),
/// };
/// let report = verify_layout(b"not json", &ctx, &mut inspections);
/// assert_eq!(report.verdict, Verdict::Error);
/// assert_eq!(report.failure.unwrap().code, FailureCode::LayoutMalformed);
/// ```
pub fn verify_layout(
    layout: &[u8],
    ctx: &VerifyContext<'_>,
    runner: &mut dyn InspectionRunner,
) -> Report {
    let mut v = Verification {
        ctx,
        runner,
        report: empty_report(),
    };
    let md = match Metadata::parse(layout, ctx.options.json) {
        Ok(md) => md,
        Err(e) => {
            return v.finish_with(malformed(&e));
        }
    };
    let Payload::Layout(layout) = &md.payload else {
        let mut f = Failure::new(
            FailureCode::LayoutMalformed,
            "the layout file holds a link, not a layout",
        );
        f.path = Some("_type".into());
        return v.finish_with(f);
    };
    match v.verify(&md, layout, ctx.layout_keys, "", 0, None) {
        Ok(_) => v.report.verdict_from(None),
        Err(f) => v.finish_with(f),
    }
}

fn empty_report() -> Report {
    Report {
        verdict: Verdict::Pass,
        failure: None,
        layout: None,
        steps: Vec::new(),
        inspections: Vec::new(),
        warnings: Vec::new(),
    }
}

fn malformed(e: &MetadataError) -> Failure {
    if let Some((limit, max, found)) = e.limit() {
        return Failure::limit(limit, max, found, format!("the layout cannot be read: {e}"));
    }
    let mut f = Failure::new(
        FailureCode::LayoutMalformed,
        format!("the layout cannot be read: {e}"),
    );
    if let MetadataError::Model(m) = e {
        f.path = Some(m.path());
    }
    f
}

trait VerdictFrom {
    fn verdict_from(self, f: Option<Failure>) -> Report;
}

impl VerdictFrom for Report {
    fn verdict_from(mut self, f: Option<Failure>) -> Report {
        self.verdict = match &f {
            None => Verdict::Pass,
            Some(f) if f.code.is_error() => Verdict::Error,
            Some(_) => Verdict::Fail,
        };
        self.failure = f;
        self
    }
}

struct Verification<'c, 'r> {
    ctx: &'c VerifyContext<'c>,
    runner: &'r mut dyn InspectionRunner,
    report: Report,
}

/// A substituted, parsed rule list.
type Rules = Vec<(Vec<String>, Rule)>;

fn parameter_failure(e: ParameterError, step: &str) -> Failure {
    let code = match e {
        ParameterError::Missing { .. } => FailureCode::ParameterMissing,
        _ => FailureCode::ParameterInvalid,
    };
    let mut f = Failure::new(code, e.to_string());
    f.step = Some(step.to_owned());
    f
}

fn substitute(
    ctx: &VerifyContext<'_>,
    list: &[String],
    item: &str,
) -> Result<Vec<String>, Failure> {
    match ctx.parameters {
        None => Ok(list.to_vec()),
        Some(p) => list
            .iter()
            .map(|s| params::substitute(s, p).map_err(|e| parameter_failure(e, item)))
            .collect(),
    }
}

fn rules(ctx: &VerifyContext<'_>, list: &[Vec<String>], item: &str) -> Result<Rules, Failure> {
    let mut out = Vec::with_capacity(list.len());
    for rule in list {
        let text = substitute(ctx, rule, item)?;
        let parsed = Rule::parse(&text).map_err(|e| {
            let mut f = Failure::new(FailureCode::ParameterInvalid, e.to_string());
            f.step = Some(item.to_owned());
            f.rule = Some(text.clone());
            f
        })?;
        let max = ctx.options.max_pattern_length;
        if let Some(p) = parsed.pattern().filter(|p| p.len() > max) {
            let mut f = Failure::limit(
                "max_pattern_length",
                max,
                Some(p.len()),
                format!(
                    "{item}: a rule pattern of {} bytes, more than max_pattern_length ({max})",
                    p.len()
                ),
            );
            f.step = Some(item.to_owned());
            f.rule = Some(text.clone());
            return Err(f);
        }
        out.push((text, parsed));
    }
    Ok(out)
}

fn apply(
    ctx: &VerifyContext<'_>,
    side: Side,
    rules: &Rules,
    link: &Link,
    lookup: &BTreeMap<String, Link>,
    step: Option<&str>,
    inspection: Option<&str>,
) -> Result<Vec<RuleOutcome>, Failure> {
    rules::apply_rules(
        side,
        rules,
        link,
        lookup,
        ctx.options.report_artifacts_per_rule,
    )
    .map_err(|(_, rf)| {
        let who = step.or(inspection).unwrap_or("");
        let (code, artifacts, message) = match rf.kind {
            RuleFailureKind::Disallowed { artifacts } => (
                FailureCode::RuleDisallowed,
                artifacts.clone(),
                format!(
                    "{who}: {} {:?} {} disallowed by rule {}: {}",
                    side.as_str(),
                    artifacts.iter().take(5).collect::<Vec<_>>(),
                    if artifacts.len() == 1 { "is" } else { "are" },
                    rf.index + 1,
                    rf.rule.join(" ")
                ),
            ),
            RuleFailureKind::RequiredMissing { artifact } => (
                FailureCode::RuleRequiredMissing,
                vec![artifact.clone()],
                format!(
                    "{who}: required {} {artifact:?} is missing (rule {}: {})",
                    side.as_str(),
                    rf.index + 1,
                    rf.rule.join(" ")
                ),
            ),
            RuleFailureKind::BadPattern(e) => (
                FailureCode::RulePatternInvalid,
                Vec::new(),
                format!("{who}: {e}"),
            ),
        };
        let mut f = Failure::new(code, message);
        f.step = step.map(str::to_owned);
        f.inspection = inspection.map(str::to_owned);
        f.side = Some(side);
        f.rule = Some(rf.rule);
        f.rule_index = Some(rf.index);
        f.artifacts = artifacts;
        f
    })
}

/// The outcomes of a step's or an inspection's material and product rules.
type SideOutcomes = Result<(Vec<RuleOutcome>, Vec<RuleOutcome>), Failure>;

/// Applies a step's or an inspection's (`step` or `inspection` names it) material rules
/// and then its product rules to its link.
fn both_sides(
    ctx: &VerifyContext<'_>,
    (materials, products): (&[Vec<String>], &[Vec<String>]),
    link: &Link,
    lookup: &BTreeMap<String, Link>,
    step: Option<&str>,
    inspection: Option<&str>,
) -> SideOutcomes {
    let item = step.or(inspection).unwrap_or("");
    let m = rules(ctx, materials, item)?;
    let p = rules(ctx, products, item)?;
    let mo = apply(ctx, Side::Materials, &m, link, lookup, step, inspection)?;
    let po = apply(ctx, Side::Products, &p, link, lookup, step, inspection)?;
    Ok((mo, po))
}

/// Step 7 for one step: its (reduced) link's names and both rule lists, or `None` when
/// the step has no link.
fn step_rules(
    ctx: &VerifyContext<'_>,
    step: &Step,
    reduced: &BTreeMap<String, Link>,
) -> Option<SideOutcomes> {
    let link = reduced.get(&step.name)?;
    let name = Some(step.name.as_str());
    let lists = (&step.expected_materials[..], &step.expected_products[..]);
    Some(
        check_names(link, name, None)
            .and_then(|()| both_sides(ctx, lists, link, reduced, name, None)),
    )
}

impl Verification<'_, '_> {
    fn finish_with(self, f: Failure) -> Report {
        self.report.verdict_from(Some(f))
    }

    /// Verifies one layout (the root, or a sublayout at `dir`). Returns its summary link.
    fn verify(
        &mut self,
        md: &Metadata,
        layout: &Layout,
        keys: &[PublicKey],
        dir: &str,
        depth: usize,
        step_name: Option<&str>,
    ) -> Result<Link, Failure> {
        // 0. Limits on what the layout asks the verifier to do.
        let opts = &self.ctx.options;
        if md.signatures.len() > opts.max_signatures {
            return Err(Failure::limit(
                "max_signatures",
                opts.max_signatures,
                Some(md.signatures.len()),
                format!(
                    "the layout has {} signatures, more than max_signatures ({})",
                    md.signatures.len(),
                    opts.max_signatures
                ),
            ));
        }
        let items = layout.steps.len() + layout.inspect.len();
        if items > opts.max_steps {
            return Err(Failure::limit(
                "max_steps",
                opts.max_steps,
                Some(items),
                format!(
                    "the layout has {items} steps and inspections, more than max_steps ({})",
                    opts.max_steps
                ),
            ));
        }

        // 1. Signatures: every key must have signed.
        let mut checks = Vec::with_capacity(keys.len());
        let mut first_bad: Option<Failure> = None;
        for key in keys {
            let status = md.check_signature(key, &[]);
            checks.push(KeyCheck {
                keyid: key.keyid().to_owned(),
                status,
            });
            if status != SignatureStatus::Verified && first_bad.is_none() {
                let (code, what) = match status {
                    SignatureStatus::NoSignature => {
                        (FailureCode::LayoutSignatureMissing, "has no signature")
                    }
                    _ => (
                        FailureCode::LayoutSignatureInvalid,
                        "has an invalid signature",
                    ),
                };
                let mut f = Failure::new(
                    code,
                    format!("layout key {} {what} on the layout", key.keyid()),
                );
                f.keyid = Some(key.keyid().to_owned());
                first_bad = Some(f);
            }
        }
        self.report.layout = Some(LayoutReport {
            format: md.format,
            expires: layout.expires.to_string(),
            readme: layout.readme.clone(),
            signatures: checks,
        });
        if keys.is_empty() {
            return Err(Failure::new(
                FailureCode::LayoutKeysMissing,
                "no layout keys were given: at least one key must have signed the layout",
            ));
        }
        if let Some(f) = first_bad {
            return Err(f);
        }

        // 2. Expiry.
        if layout.expires <= self.ctx.now {
            return Err(Failure::new(
                FailureCode::LayoutExpired,
                format!(
                    "the layout expired at {} (verification time {})",
                    layout.expires, self.ctx.now
                ),
            ));
        }

        // 3. Parameters: validate names; substitution happens where each list is used.
        if let Some(p) = self.ctx.parameters {
            params::check_names(p).map_err(|e| parameter_failure(e, ""))?;
        }

        // 4-6. Links, signatures, thresholds, sublayouts, alignment, agreement.
        let mut reduced: BTreeMap<String, Link> = BTreeMap::new();
        let mut prepared = self.prepare_links(layout, dir)?;
        for step in &layout.steps {
            let (report, link) = self.step_links(layout, step, dir, depth, &mut prepared)?;
            self.report.steps.push(report);
            reduced.insert(step.name.clone(), link);
        }

        // 7. Step rules. Steps are independent here (each reads the reduced links), so
        // they are evaluated on every core, then taken in layout order up to the first
        // failure: the report is the one a step-by-step evaluation gives.
        let ctx = self.ctx;
        let results = parallel_map(&layout.steps, |step| step_rules(ctx, step, &reduced));
        for ((i, step), result) in layout.steps.iter().enumerate().zip(results) {
            let result = result.unwrap_or_else(|| step_rules(ctx, step, &reduced));
            let Some(result) = result else {
                continue;
            };
            let (mo, po) = result?;
            if let Some(r) = self.report.steps.get_mut(i) {
                r.materials = mo;
                r.products = po;
            }
        }

        // 8. Inspections.
        if !layout.inspect.is_empty() {
            if self.ctx.options.inspections == InspectionPolicy::Skip {
                self.report.warnings.push(Warning {
                    code: "inspections-skipped",
                    message: format!(
                        "{} inspection(s) were not run and their rules were not checked",
                        layout.inspect.len()
                    ),
                    step: None,
                });
            } else {
                self.inspections(layout, dir, &mut reduced)?;
            }
        }

        Ok(summary_link(layout, reduced, step_name))
    }

    /// Loads, checks and reduces the links of one step.
    fn step_links(
        &mut self,
        layout: &Layout,
        step: &Step,
        dir: &str,
        depth: usize,
        prepared: &mut BTreeMap<String, Prepared>,
    ) -> Result<(StepReport, Link), Failure> {
        let mut report = StepReport {
            name: step.name.clone(),
            threshold: step.threshold,
            links: Vec::new(),
            materials: Vec::new(),
            products: Vec::new(),
        };
        let mut present = 0u64;
        // (fingerprint, link) of accepted links, in pubkeys order.
        let mut accepted: Vec<([u8; 32], Link)> = Vec::new();
        let mut sublayout_failure: Option<Failure> = None;

        for keyid in &step.pubkeys {
            let path = link_path(dir, &step.name, keyid);
            let mut lr = LinkReport {
                path: path.clone(),
                keyid: keyid.clone(),
                status: LinkStatus::Missing,
                detail: None,
                format: None,
                sublayout: None,
            };
            // Parsed and signature-checked ahead of time, on every core (prepare_links);
            // a path listed twice is prepared again here.
            let Some(Prepared {
                metadata,
                signature,
            }) = prepared
                .remove(&path)
                .or_else(|| prepare_one(self.ctx, layout, &path, keyid))
            else {
                report.links.push(lr);
                continue;
            };
            present += 1;
            let md = match metadata {
                Ok(md) => md,
                Err(e) => {
                    lr.status = if e.is_limit() {
                        LinkStatus::LimitExceeded
                    } else {
                        LinkStatus::Unparseable
                    };
                    lr.detail = Some(e.to_string());
                    report.links.push(lr);
                    continue;
                }
            };
            lr.format = Some(md.format);
            let Some(key) = layout.keys.get(keyid) else {
                lr.status = LinkStatus::UnknownKey;
                lr.detail = Some(match layout.unusable_keys.get(keyid) {
                    Some(why) => format!("key {keyid} in the layout cannot be used: {why}"),
                    None => format!("key {keyid} is not in the layout's keys"),
                });
                report.links.push(lr);
                continue;
            };
            let status = signature.unwrap_or_else(|| md.check_signature(key, &[keyid.as_str()]));
            match status {
                SignatureStatus::Verified => {}
                s => {
                    lr.status = if s == SignatureStatus::NoSignature {
                        LinkStatus::NoSignature
                    } else {
                        LinkStatus::BadSignature
                    };
                    lr.detail = Some(format!("not validly signed by functionary {keyid}"));
                    report.links.push(lr);
                    continue;
                }
            }
            let link = match md.payload {
                Payload::Link(link) => {
                    if link.name != step.name {
                        lr.status = LinkStatus::NameMismatch;
                        lr.detail = Some(format!(
                            "the link is for {:?}, not for step {:?}",
                            link.name, step.name
                        ));
                        report.links.push(lr);
                        continue;
                    }
                    *link
                }
                Payload::Layout(ref sub) => {
                    if depth + 1 > self.ctx.options.max_sublayout_depth {
                        let mut f = Failure::new(
                            FailureCode::SublayoutTooDeep,
                            format!(
                                "sublayouts nest deeper than {} levels",
                                self.ctx.options.max_sublayout_depth
                            ),
                        );
                        f.step = Some(step.name.clone());
                        f.path = Some(path.clone());
                        return Err(f);
                    }
                    let sub_dir = format!("{dir}{}.{}/", step.name, keyid_prefix(keyid));
                    let mut inner = Verification {
                        ctx: self.ctx,
                        runner: &mut *self.runner,
                        report: empty_report(),
                    };
                    let result = inner.verify(
                        &md,
                        sub,
                        std::slice::from_ref(key),
                        &sub_dir,
                        depth + 1,
                        Some(&step.name),
                    );
                    let inner_report = inner.report;
                    match result {
                        Ok(summary) => {
                            lr.sublayout = Some(Box::new(inner_report.verdict_from(None)));
                            summary
                        }
                        Err(cause) => {
                            lr.status = LinkStatus::SublayoutFailed;
                            lr.detail = Some(cause.message.clone());
                            let mut f = Failure::new(
                                FailureCode::SublayoutFailed,
                                format!(
                                    "step {:?}: the sublayout signed by {keyid} does not verify: {}",
                                    step.name, cause.message
                                ),
                            );
                            f.step = Some(step.name.clone());
                            f.keyid = Some(keyid.clone());
                            f.path = Some(path.clone());
                            f.cause = Some(Box::new(cause.clone()));
                            lr.sublayout = Some(Box::new(inner_report.verdict_from(Some(cause))));
                            report.links.push(lr);
                            if sublayout_failure.is_none() {
                                sublayout_failure = Some(f);
                            }
                            continue;
                        }
                    }
                }
            };
            let fp = key.fingerprint();
            if accepted.iter().any(|(k, _)| *k == fp) {
                lr.status = LinkStatus::Duplicate;
                lr.detail = Some("signed by a key already counted for this step".into());
            } else {
                lr.status = LinkStatus::Accepted;
                accepted.push((fp, link));
            }
            report.links.push(lr);
        }

        let with_step = |mut f: Failure| {
            f.step = Some(step.name.clone());
            f
        };
        if present < step.threshold {
            self.report.steps.push(report);
            return Err(with_step(Failure::new(
                FailureCode::LinkMissing,
                format!(
                    "step {:?} needs {} link(s), found {present}",
                    step.name, step.threshold
                ),
            )));
        }
        if (accepted.len() as u64) < step.threshold {
            self.report.steps.push(report);
            // A failed sublayout explains a threshold shortfall better than the count.
            if let Some(f) = sublayout_failure {
                return Err(f);
            }
            return Err(with_step(Failure::new(
                FailureCode::ThresholdUnmet,
                format!(
                    "step {:?} needs links from {} distinct authorised functionaries, {} verified",
                    step.name,
                    step.threshold,
                    accepted.len()
                ),
            )));
        }

        // Command alignment: a warning only.
        let expected = substitute(self.ctx, &step.expected_command, &step.name)?;
        for (_, link) in &accepted {
            if link.command != expected {
                self.report.warnings.push(Warning {
                    code: "command-mismatch",
                    message: format!(
                        "step {:?}: expected command {:?}, the link records {:?}",
                        step.name, expected, link.command
                    ),
                    step: Some(step.name.clone()),
                });
            }
        }

        // Accepted links must agree (stricter than the reference for threshold 1).
        let mut it = accepted.into_iter();
        let Some((_, first)) = it.next() else {
            self.report.steps.push(report);
            return Err(with_step(Failure::new(
                FailureCode::ThresholdUnmet,
                format!("step {:?} has no verified link", step.name),
            )));
        };
        for (_, other) in it {
            if other.materials != first.materials || other.products != first.products {
                self.report.steps.push(report);
                return Err(with_step(Failure::new(
                    FailureCode::ThresholdLinksDisagree,
                    format!(
                        "the verified links of step {:?} record different materials or products",
                        step.name
                    ),
                )));
            }
        }
        Ok((report, first))
    }

    fn inspections(
        &mut self,
        layout: &Layout,
        dir: &str,
        links: &mut BTreeMap<String, Link>,
    ) -> Result<(), Failure> {
        let mut pending = Vec::new();
        for insp in &layout.inspect {
            let run = substitute(self.ctx, &insp.run, &insp.name)?;
            let request = InspectionRequest {
                name: &insp.name,
                layout_dir: dir,
                run: &run,
            };
            let result = self.runner.run(&request).map_err(|why| {
                let mut f = Failure::new(FailureCode::InspectionResultMissing, why);
                f.inspection = Some(insp.name.clone());
                f
            })?;
            self.report.inspections.push(InspectionReport {
                name: insp.name.clone(),
                run: run.clone(),
                return_value: Some(result.return_value),
                materials: Vec::new(),
                products: Vec::new(),
            });
            if result.return_value != 0 {
                let mut f = Failure::new(
                    FailureCode::InspectionFailed,
                    format!(
                        "inspection {:?} ({}) returned {}",
                        insp.name,
                        run.join(" "),
                        result.return_value
                    ),
                );
                f.inspection = Some(insp.name.clone());
                return Err(f);
            }
            let link = Link {
                name: insp.name.clone(),
                command: run,
                materials: result.materials,
                products: result.products,
                byproducts: Default::default(),
                environment: Default::default(),
            };
            check_names(&link, None, Some(&insp.name))?;
            links.insert(insp.name.clone(), link);
            pending.push(self.report.inspections.len() - 1);
        }
        for (insp, idx) in layout.inspect.iter().zip(pending) {
            let Some(link) = links.get(&insp.name) else {
                continue;
            };
            let lists = (&insp.expected_materials[..], &insp.expected_products[..]);
            let (mo, po) = both_sides(self.ctx, lists, link, links, None, Some(&insp.name))?;
            if let Some(r) = self.report.inspections.get_mut(idx) {
                r.materials = mo;
                r.products = po;
            }
        }
        Ok(())
    }
}

/// The first 8 characters of a key id, as the reference names link files.
fn keyid_prefix(keyid: &str) -> &str {
    keyid.get(..8).unwrap_or(keyid)
}

/// Where the reference looks for a functionary's link: `{dir}{step}.{keyid[:8]}.link`.
fn link_path(dir: &str, step: &str, keyid: &str) -> String {
    format!("{dir}{step}.{}.link", keyid_prefix(keyid))
}

/// A link file parsed and checked against its functionary's key, ahead of the (ordered)
/// evaluation of the steps.
struct Prepared {
    metadata: Result<Metadata, MetadataError>,
    /// The functionary's signature on it; `None` when the key is not in the layout.
    signature: Option<SignatureStatus>,
}

/// `md`, unless it has more signatures or artifacts than the options allow.
fn within_limits(md: Metadata, opts: &VerifyOptions) -> Result<Metadata, MetadataError> {
    let limit = |limit, max, found| Err(MetadataError::Limit { limit, max, found });
    if md.signatures.len() > opts.max_signatures {
        return limit("max_signatures", opts.max_signatures, md.signatures.len());
    }
    if let Payload::Link(l) = &md.payload {
        let most = l.materials.len().max(l.products.len());
        if most > opts.max_artifacts {
            return limit("max_artifacts", opts.max_artifacts, most);
        }
    }
    Ok(md)
}

/// Reads, parses and signature-checks the link file at `path` for functionary `keyid`.
/// `None` when there is no such file.
fn prepare_one(
    ctx: &VerifyContext<'_>,
    layout: &Layout,
    path: &str,
    keyid: &str,
) -> Option<Prepared> {
    let bytes = ctx.links.get(path)?;
    let metadata =
        Metadata::parse(&bytes, ctx.options.json).and_then(|md| within_limits(md, &ctx.options));
    drop(bytes);
    let signature = match (&metadata, layout.keys.get(keyid)) {
        (Ok(md), Some(key)) => Some(md.check_signature(key, &[keyid])),
        _ => None,
    };
    let metadata = metadata.map(|mut md| {
        // The signed bytes are only needed again to re-check a sublayout's signature.
        if matches!(md.payload, Payload::Link(_)) {
            md.signed_bytes = Vec::new();
        }
        md
    });
    Some(Prepared {
        metadata,
        signature,
    })
}

impl Verification<'_, '_> {
    /// Parses and checks every link file of `layout`'s steps, spread over the available
    /// cores (one thread where there are none, as in WebAssembly). Verdicts do not depend
    /// on it: the steps are then evaluated in layout order from these results.
    fn prepare_links(
        &self,
        layout: &Layout,
        dir: &str,
    ) -> Result<BTreeMap<String, Prepared>, Failure> {
        let max = self.ctx.options.max_links;
        let named: usize = layout.steps.iter().map(|s| s.pubkeys.len()).sum();
        if named > max {
            return Err(Failure::limit(
                "max_links",
                max,
                Some(named),
                format!("the layout names {named} link files, more than max_links ({max})"),
            ));
        }
        let mut jobs: Vec<(String, &str)> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for step in &layout.steps {
            for keyid in &step.pubkeys {
                let path = link_path(dir, &step.name, keyid);
                if seen.insert(path.clone()) {
                    jobs.push((path, keyid.as_str()));
                }
            }
        }
        let ctx = self.ctx;
        Ok(parallel_map(&jobs, |(path, keyid)| {
            prepare_one(ctx, layout, path, keyid).map(|p| (path.clone(), p))
        })
        .into_iter()
        .flatten()
        .flatten()
        .collect())
    }
}

/// `items.map(f)` in item order, on several threads where the platform has them; `None`
/// for an item whose thread could not be started (callers redo it).
#[cfg(not(target_arch = "wasm32"))]
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    let threads = std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(1)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(|item| Some(f(item))).collect();
    }
    let f = &f;
    let mut out: Vec<Option<R>> = items.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .filter_map(|t| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || {
                        items
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| i % threads == t)
                            .map(|(i, item)| (i, f(item)))
                            .collect::<Vec<(usize, R)>>()
                    })
                    .ok()
            })
            .collect();
        for (i, r) in workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
        {
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(r);
            }
        }
    });
    out
}

/// `items.map(f)` (WebAssembly has no threads here).
#[cfg(target_arch = "wasm32")]
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    items.iter().map(|item| Some(f(item))).collect()
}

fn check_names(link: &Link, step: Option<&str>, inspection: Option<&str>) -> Result<(), Failure> {
    for (side, arts) in [
        (Side::Materials, &link.materials),
        (Side::Products, &link.products),
    ] {
        if let Some(bad) = arts.names().find(|n| !is_clean_name(n)) {
            let who = step.or(inspection).unwrap_or("");
            let mut f = Failure::new(
                FailureCode::ArtifactNameUnsafe,
                format!(
                    "{who}: {} artifact {bad:?} is not a clean relative path (no '.', '..' or empty segments)",
                    side.as_str()
                ),
            );
            f.step = step.map(str::to_owned);
            f.inspection = inspection.map(str::to_owned);
            f.side = Some(side);
            f.artifacts = vec![bad.to_owned()];
            return Err(f);
        }
    }
    Ok(())
}

/// The reference's `get_summary_link`: the first step's materials, the last step's
/// products and command, named after the step the (sub)layout stands for. Consumes the
/// reduced links (no copies of large artifact maps).
fn summary_link(layout: &Layout, mut reduced: BTreeMap<String, Link>, name: Option<&str>) -> Link {
    let first = layout.steps.first().map(|s| s.name.as_str());
    let last_name = layout.steps.last().map(|s| s.name.as_str());
    let last = last_name.and_then(|n| reduced.remove(n));
    let (command, products, byproducts, last_materials) = match last {
        Some(l) => (l.command, l.products, l.byproducts, Some(l.materials)),
        None => (Vec::new(), Artifacts::new(), Default::default(), None),
    };
    let materials = if first == last_name {
        last_materials.unwrap_or_default()
    } else {
        first
            .and_then(|n| reduced.remove(n))
            .map(|l| l.materials)
            .unwrap_or_default()
    };
    Link {
        name: name.unwrap_or("").to_owned(),
        command,
        materials,
        products,
        byproducts,
        environment: Default::default(),
    }
}
