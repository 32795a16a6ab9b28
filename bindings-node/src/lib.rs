//! The Node.js binding of `intoto-verify` (napi-rs).
//!
//! It holds no verification logic: it converts JavaScript arguments into the core's
//! [`LayoutRequest`] or [`AttestationRequest`] (through the core's `host` module, see
//! `host.rs`, so the core's serde rules decide what a request may hold), calls [`verify_layout_request`] or
//! [`verify_attestation_request`], and hands the [`Report`] or [`AttestationReport`] back as
//! a plain object. `Hasher` is the core's streaming digest; `runCli` runs the
//! `intoto-verify` command line ([`intoto_verify_cli::run`]).

mod attest;
mod errors;
mod hasher;
mod host;
mod request;

pub use hasher::Hasher;

use intoto_verify::api::{
    verify_attestation_request, verify_layout_request, AttestationRequest, LayoutRequest,
};
use intoto_verify::report::{AttestationReport, Failure, FailureCode, Report};
use napi::bindgen_prelude::{
    AsyncTask, BufferSlice, FromNapiValue, Function, JsObjectValue, Object, Unknown,
};
use napi::{Env, Result, ScopedTask, ValueType};
use napi_derive::napi;

/// What `verifyLayout` and `verifyAttestation` return: a report with a verdict and, unless
/// it passed, a failure.
pub trait Outcome: serde::Serialize + Send + 'static {
    /// Whether the verdict is `pass`.
    fn passed(&self) -> bool;
    /// Why it did not pass.
    fn failure(&self) -> Option<&Failure>;
}

impl Outcome for Report {
    fn passed(&self) -> bool {
        Report::passed(self)
    }
    fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }
}

impl Outcome for AttestationReport {
    fn passed(&self) -> bool {
        AttestationReport::passed(self)
    }
    fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }
}

/// The report as a JavaScript object; with `throw_on_failure`, an `Error` carrying it when
/// the verdict is not `pass`.
fn report_value<'env, P: Outcome>(
    env: &'env Env,
    report: &P,
    throw_on_failure: bool,
) -> Result<Unknown<'env>> {
    let value = env.to_js_value(report)?;
    if throw_on_failure && !report.passed() {
        let (code, message) = match report.failure() {
            Some(f) => (f.code.as_str(), f.message.as_str()),
            None => ("verification-failed", "verification did not pass"),
        };
        return Err(errors::failure_error(env, code, message, value));
    }
    Ok(value)
}

/// Verifies an in-toto layout and returns the report (`verdict` `pass`, `fail` or `error`).
///
/// A failing verification is a report, not an exception, unless `options.throwOnFailure`
/// is set: then an `Error` with `code` (the failure code) and `report` is thrown. Arguments
/// of the wrong type throw a `TypeError` with `code` `ERR_INVALID_ARG_TYPE` (or
/// `ERR_INVALID_ARG_VALUE`, or a `RangeError` with `ERR_OUT_OF_RANGE`).
#[napi(
    ts_args_type = "request: LayoutRequest, options?: VerifyOptions",
    ts_return_type = "Report"
)]
pub fn verify_layout<'env>(
    env: &'env Env,
    request: Unknown<'env>,
    options: Option<Unknown<'env>>,
) -> Result<Unknown<'env>> {
    let opts = request::options(options).map_err(|p| p.into_napi(env))?;
    let req = request::layout_request(request).map_err(|p| p.into_napi(env))?;
    report_value(env, &verify_layout_request(&req), opts.throw_on_failure)
}

/// A verification off the main thread: the request is converted on the calling thread,
/// verified on the libuv thread pool, and the promise resolves with the report. Argument
/// errors and (with `throwOnFailure`) failures reject the promise.
pub struct VerifyTask<Q: Send + Sync + 'static, P: Outcome> {
    input: std::result::Result<Q, errors::ArgError>,
    verify: fn(&Q) -> P,
    throw_on_failure: bool,
}

impl<Q: Send + Sync + 'static, P: Outcome> VerifyTask<Q, P> {
    /// A task for `converted`; a JavaScript exception raised while reading the arguments
    /// (a getter that throws) is passed on at once.
    fn new(
        converted: std::result::Result<(Q, request::VerifyOptions), errors::Problem>,
        verify: fn(&Q) -> P,
    ) -> Result<AsyncTask<VerifyTask<Q, P>>> {
        let (input, throw_on_failure) = match converted {
            Ok((req, o)) => (Ok(req), o.throw_on_failure),
            Err(errors::Problem::Arg(a)) => (Err(a), false),
            Err(errors::Problem::Js(e)) => return Err(e),
        };
        Ok(AsyncTask::new(VerifyTask {
            input,
            verify,
            throw_on_failure,
        }))
    }
}

impl<'task, Q: Send + Sync + 'static, P: Outcome> ScopedTask<'task> for VerifyTask<Q, P> {
    type Output = std::result::Result<P, errors::ArgError>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(match &self.input {
            Ok(req) => Ok((self.verify)(req)),
            Err(e) => Err(e.clone()),
        })
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> Result<Self::JsValue> {
        match output {
            Ok(report) => report_value(env, &report, self.throw_on_failure),
            Err(e) => Err(e.into_napi(env)),
        }
    }
}

/// The task of `verifyLayoutAsync`.
pub type LayoutTask = VerifyTask<LayoutRequest, Report>;
/// The task of `verifyAttestationAsync`.
pub type AttestationTask = VerifyTask<AttestationRequest, AttestationReport>;

/// Verifies an in-toto layout off the main thread; the promise resolves with the report.
/// Same arguments and errors as `verifyLayout`, delivered as rejections.
#[napi(
    ts_args_type = "request: LayoutRequest, options?: VerifyOptions",
    ts_return_type = "Promise<Report>"
)]
pub fn verify_layout_async(
    request: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<AsyncTask<LayoutTask>> {
    let converted =
        request::options(options).and_then(|o| request::layout_request(request).map(|r| (r, o)));
    VerifyTask::new(converted, verify_layout_request)
}

/// Verifies an in-toto attestation (a DSSE envelope holding an in-toto Statement) and
/// returns the report (`verdict` `pass`, `fail` or `error`): the envelope's signatures by
/// the verification keys (`threshold` distinct keys), the Statement, the subject matching
/// `artifactDigest` (or `artifact`), and the `policy`.
///
/// A failing verification is a report, not an exception, unless `options.throwOnFailure`
/// is set; argument errors throw as for `verifyLayout`.
#[napi(
    ts_args_type = "request: AttestationRequest, options?: VerifyOptions",
    ts_return_type = "AttestationReport"
)]
pub fn verify_attestation<'env>(
    env: &'env Env,
    request: Unknown<'env>,
    options: Option<Unknown<'env>>,
) -> Result<Unknown<'env>> {
    let opts = request::options(options).map_err(|p| p.into_napi(env))?;
    let req = attest::attestation_request(request).map_err(|p| p.into_napi(env))?;
    report_value(
        env,
        &verify_attestation_request(&req),
        opts.throw_on_failure,
    )
}

/// Verifies an in-toto attestation off the main thread; the promise resolves with the
/// report. Same arguments and errors as `verifyAttestation`, delivered as rejections.
#[napi(
    ts_args_type = "request: AttestationRequest, options?: VerifyOptions",
    ts_return_type = "Promise<AttestationReport>"
)]
pub fn verify_attestation_async(
    request: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<AsyncTask<AttestationTask>> {
    let converted = request::options(options)
        .and_then(|o| attest::attestation_request(request).map(|r| (r, o)));
    VerifyTask::new(converted, verify_attestation_request)
}

/// Every failure code of the core (`FailureCode::ALL`), in declaration order: the values
/// `report.failure.code` (and an error's `code`) can take.
#[napi(ts_return_type = "FailureCode[]")]
pub fn failure_codes() -> Vec<&'static str> {
    FailureCode::ALL.iter().map(FailureCode::as_str).collect()
}

/// Returns `report` if its verdict is `pass`; otherwise throws an `Error` whose `code` is
/// the report's failure code and whose `report` is the report.
#[napi(
    ts_args_type = "report: R",
    ts_return_type = "R",
    ts_generic_types = "R extends Report | AttestationReport"
)]
pub fn assert_verified<'env>(env: &'env Env, report: Unknown<'env>) -> Result<Unknown<'env>> {
    let bad = |what: &str| {
        errors::ArgError::Type(format!(
            "report must be a report object (from verifyLayout or verifyAttestation); {what}"
        ))
        .into_napi(env)
    };
    if report.get_type()? != ValueType::Object {
        return Err(bad("it is not an object"));
    }
    let obj = Object::from_unknown(report)?;
    let verdict: Unknown<'_> = obj.get_named_property("verdict")?;
    let verdict = match verdict.get_type()? {
        ValueType::String => String::from_unknown(verdict)?,
        _ => return Err(bad("its verdict is not a string")),
    };
    match verdict.as_str() {
        "pass" => return Ok(report),
        "fail" | "error" => {}
        other => {
            return Err(bad(&format!(
                "its verdict {other:?} is not pass, fail or error"
            )))
        }
    }
    let failure: Unknown<'_> = obj.get_named_property("failure")?;
    let (mut code, mut message) = (
        "verification-failed".to_owned(),
        format!("verification did not pass (verdict {verdict})"),
    );
    if failure.get_type()? == ValueType::Object {
        let f = Object::from_unknown(failure)?;
        let c: Unknown<'_> = f.get_named_property("code")?;
        if c.get_type()? == ValueType::String {
            code = String::from_unknown(c)?;
        }
        let m: Unknown<'_> = f.get_named_property("message")?;
        if m.get_type()? == ValueType::String {
            message = String::from_unknown(m)?;
        }
    }
    Err(errors::failure_error(env, &code, &message, report))
}

/// Writes `bytes` to `process[stream]` (`stdout` or `stderr`) through its `write` method, so
/// the output goes where Node's own output goes.
fn write_to_process(env: &Env, stream: &str, bytes: Vec<u8>) -> Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let global = env.get_global()?;
    let process: Object<'_> = global.get_named_property("process")?;
    let target: Object<'_> = process.get_named_property(stream)?;
    let write: Function<'_, BufferSlice<'_>, Unknown<'_>> = target.get_named_property("write")?;
    write.apply(target, BufferSlice::from_data(env, bytes)?)?;
    Ok(())
}

/// Runs the `intoto-verify` command line with `args` (`args[0]` is the program name) in the
/// current working directory, writes its output to `process.stdout` / `process.stderr`, and
/// returns the exit code: 0 verified, 1 verification failed, 2 usage error.
#[napi(ts_args_type = "args: string[]")]
pub fn run_cli(env: &Env, args: Unknown<'_>) -> Result<i32> {
    let args = request::string_list(args, "args").map_err(|p| p.into_napi(env))?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = intoto_verify_cli::run(args, &mut out, &mut err);
    write_to_process(env, "stdout", out)?;
    write_to_process(env, "stderr", err)?;
    Ok(code)
}
