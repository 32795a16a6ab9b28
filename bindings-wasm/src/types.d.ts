/** Bytes given as text (PEM, JSON) or as raw bytes. */
export type ByteInput = string | Uint8Array;

/** Digests of one artifact by algorithm, lowercase hex: `{ sha256: "..." }`. */
export type DigestSet = Record<string, string>;

/** Artifacts by path. */
export type Artifacts = Record<string, DigestSet>;

/** A recorded inspection result (what running the inspection's command produced). */
export interface InspectionResult {
  /** The command's exit code (0 is success). Also accepted as `return_value`. */
  returnValue: number;
  /** Artifacts before the command. */
  materials?: Artifacts;
  /** Artifacts after the command. */
  products?: Artifacts;
}

/**
 * Everything needed to verify a layout (the core's `LayoutRequest`). Field names may also
 * be written in snake_case (`layout_keys`, `skip_inspections`, ...). Unknown fields are
 * rejected with a `request-invalid` report.
 */
export interface LayoutRequest {
  /** The layout file (Metablock or DSSE JSON). */
  layout: ByteInput;
  /** PEM public keys (SubjectPublicKeyInfo); every one must have signed the layout. */
  layoutKeys?: ByteInput[];
  /** Link files by name: `step.keyid8.link`, or `step.keyid8/inner.keyid8.link` for a sublayout's links. */
  links?: Record<string, ByteInput>;
  /** The verification time: RFC 3339 (`new Date().toISOString()`) or Unix seconds as a string. */
  now: string;
  /** Substitution parameters for `{NAME}` placeholders (absent: placeholders are left as written). */
  parameters?: Record<string, string> | null;
  /** Recorded inspection results by name (`untar`, or `sub.1234abcd/untar` in a sublayout). */
  inspections?: Record<string, InspectionResult>;
  /** Skip inspections instead of requiring their results (a warning in the report says so). */
  skipInspections?: boolean;
  /** Largest accepted layout or link, in bytes (default 256 MiB). */
  maxBytes?: number | null;
  /** Deepest accepted JSON nesting (default 128). */
  maxDepth?: number | null;
  /**
   * The other limits; beyond one, the report fails with `limit-exceeded` and
   * `failure.path` names it (a link beyond one has status `limit-exceeded`).
   */
  limits?: Limits | null;
}

/** Limits of a layout verification (snake_case names are accepted too). */
export interface Limits {
  /** Entries in one JSON array or object (default 1,000,000). */
  maxEntries?: number;
  /** Steps plus inspections of one layout (default 10,000). */
  maxSteps?: number;
  /** Link files one layout names (default 100,000). */
  maxLinks?: number;
  /** Artifacts on one side of one link (default 1,000,000). */
  maxArtifacts?: number;
  /** Signatures on one layout or link (default 1,024). */
  maxSignatures?: number;
  /** Bytes in one artifact rule pattern (default 4,096). */
  maxPatternLength?: number;
  /** Sublayout nesting (default 8). */
  maxSublayoutDepth?: number;
}

/** `pass`: everything verified; `fail`: it does not verify; `error`: it could not be evaluated. */
export type Verdict = "pass" | "fail" | "error";

/**
 * Stable machine-readable failure codes (renaming one is a breaking change). The same
 * list at run time: `failureCodes()`.
 */
export type FailureCode = LayoutFailureCode | AttestationFailureCode;

/** Failure codes of layout verification (and of any request; `limit-exceeded` of attestations too). */
export type LayoutFailureCode =
  | "layout-malformed"
  | "layout-keys-missing"
  | "key-invalid"
  | "request-invalid"
  | "limit-exceeded"
  | "layout-signature-missing"
  | "layout-signature-invalid"
  | "layout-expired"
  | "parameter-missing"
  | "parameter-invalid"
  | "link-missing"
  | "threshold-unmet"
  | "threshold-links-disagree"
  | "sublayout-failed"
  | "sublayout-too-deep"
  | "artifact-name-unsafe"
  | "rule-disallowed"
  | "rule-required-missing"
  | "rule-pattern-invalid"
  | "inspection-failed"
  | "inspection-result-missing";

/** Failure codes of attestation verification (docs/attestations.md), in the order checked. */
export type AttestationFailureCode =
  | "envelope-malformed"
  | "verification-keys-missing"
  | "envelope-signature-invalid"
  | "envelope-threshold-unmet"
  | "payload-type-unsupported"
  | "statement-malformed"
  | "predicate-malformed"
  | "subject-mismatch"
  | PolicyFailureCode;

/** Failure codes of policy checks: the failure then carries `expected` and `actual`. */
export type PolicyFailureCode =
  | "predicate-type-mismatch"
  | "builder-id-mismatch"
  | "build-type-mismatch"
  | "source-uri-mismatch"
  | "source-ref-mismatch"
  | "source-tag-mismatch"
  | "source-branch-mismatch"
  | "external-parameter-mismatch"
  | "vsa-verifier-mismatch"
  | "vsa-resource-uri-mismatch"
  | "vsa-policy-mismatch"
  | "vsa-result-not-passed"
  | "vsa-level-unmet";

/** Why verification stopped, and where. */
export interface Failure {
  code: FailureCode;
  /** One line for a person. */
  message: string;
  step?: string;
  inspection?: string;
  side?: "materials" | "products";
  rule?: string[];
  rule_index?: number;
  artifacts?: string[];
  keyid?: string;
  /** The link file or request field at fault; for a policy check, where in the Statement the value was read. */
  path?: string;
  /** For `sublayout-failed`, the sublayout's own failure. */
  cause?: Failure;
  /** For an attestation policy check, the value required. */
  expected?: string;
  /** For an attestation policy check, the value found (absent when there is none). */
  actual?: string;
}

/** A non-fatal observation (`command-mismatch`, `inspections-skipped`, `subject-not-checked`, ...). */
export interface Warning {
  code: string;
  message: string;
  step?: string;
}

export type EnvelopeFormat = "metablock" | "dsse";

export interface KeyCheck {
  keyid: string;
  status: "verified" | "no-signature" | "invalid";
}

export interface LayoutReport {
  format: EnvelopeFormat;
  expires: string;
  readme: string;
  signatures: KeyCheck[];
}

export type LinkStatus =
  | "accepted"
  | "duplicate"
  | "missing"
  | "unparseable"
  | "limit-exceeded"
  | "no-signature"
  | "bad-signature"
  | "name-mismatch"
  | "unknown-key"
  | "sublayout-failed";

export interface LinkReport {
  /** The file name looked up. */
  path: string;
  keyid: string;
  status: LinkStatus;
  detail?: string;
  format?: EnvelopeFormat;
  /** For a sublayout, its own report. */
  sublayout?: Report;
}

/** What one rule did. */
export interface RuleOutcome {
  rule: string[];
  consumed_count: number;
  /** The consumed artifacts (at most the report limit; see `consumed_count`). */
  consumed: string[];
}

export interface StepReport {
  name: string;
  threshold: number;
  links: LinkReport[];
  materials: RuleOutcome[];
  products: RuleOutcome[];
}

export interface InspectionReport {
  name: string;
  run: string[];
  return_value?: number;
  materials: RuleOutcome[];
  products: RuleOutcome[];
}

/** The verification report (the same JSON as `intoto-verify --format json`). */
export interface Report {
  verdict: Verdict;
  failure?: Failure;
  layout?: LayoutReport;
  steps: StepReport[];
  inspections: InspectionReport[];
  warnings: Warning[];
}

/** An algorithm the `Digester` computes. */
export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/**
 * The three digests of a stream, lowercase hex. A DigestSet (a type alias, so it is
 * assignable to `DigestSet`): pass it as `artifactDigest` as it is. A `Digester` made for
 * some algorithms gives `Pick<Digests, ...>` of those.
 */
export type Digests = {
  sha256: string;
  sha384: string;
  sha512: string;
};

// --- attestations ----------------------------------------------------------------------

/**
 * A trusted key for an attestation: a PEM public key (SubjectPublicKeyInfo; Ed25519, RSA,
 * ECDSA P-256/384/521), or the key with the scheme to verify with and the keyid it is
 * known by (a signature carrying a different keyid is then not tried with it).
 */
export type VerificationKey =
  | ByteInput
  | {
      pem: ByteInput;
      /** securesystemslib scheme name, e.g. `rsa-pkcs1v15-sha256` (default: the key type's default; RSA: RSASSA-PSS-SHA256). */
      scheme?: string | null;
      /** Also accepted as `keyId`. */
      keyid?: string | null;
    };

/**
 * What the Statement must say (the core's `Policy`). Every option is optional; an empty
 * policy checks nothing except a VSA's `verificationResult`. snake_case names are
 * accepted too; unknown options are rejected.
 */
export interface Policy {
  /** The predicateType, exactly. */
  predicateType?: string | null;
  /** The provenance builder id: `NAME` matches `NAME` and `NAME@anything`; `NAME@V` matches `NAME@V` and `NAME@refs/tags/V`. */
  builderId?: string | null;
  /** The source repository, e.g. `github.com/owner/repo` (no scheme means `https://`). */
  sourceUri?: string | null;
  /** The full git ref the build ran from, e.g. `refs/tags/v1.0.0`. */
  sourceRef?: string | null;
  /** The tag the build ran from (`v1.0.0` means `refs/tags/v1.0.0`). */
  sourceTag?: string | null;
  /** The branch the build ran from (`main` means `refs/heads/main`). */
  sourceBranch?: string | null;
  /** The provenance buildType, exactly. */
  buildType?: string | null;
  /** External parameters by dotted path, with the expected value as text (other JSON as compact JSON). */
  externalParameters?: Record<string, string>;
  /** The VSA `verifier.id`, exactly. */
  verifierId?: string | null;
  /** The VSA `resourceUri`, exactly. */
  resourceUri?: string | null;
  /** The VSA `policy.uri`, exactly. */
  policyUri?: string | null;
  /** Levels the VSA must attest (`SLSA_BUILD_LEVEL_2` is met by level 2 or higher of the same track). */
  verifiedLevels?: string[];
}

/**
 * Everything needed to verify an attestation (the core's `AttestationRequest`). Field
 * names may also be written in snake_case (`verification_keys`, `artifact_digest`, ...).
 * Unknown fields are rejected with a `request-invalid` report.
 *
 * Give the artifact as `artifactDigest` (hash a large file with `Digester` and pass what
 * `finalize()` returns) or as `artifact` (its bytes), not both. Without either, the
 * subjects are bound to nothing (the report warns `subject-not-checked`).
 */
export interface AttestationRequest {
  /** The DSSE envelope (JSON; a one-line `.intoto.jsonl` works too). */
  envelope: ByteInput;
  /** The trusted keys. */
  verificationKeys?: VerificationKey[];
  /** Distinct trusted keys that must have signed (default 1). */
  threshold?: number | null;
  /** The artifact's bytes (small artifacts). */
  artifact?: ByteInput | null;
  /** The artifact's digests: `{sha256: hex, ...}`, `"sha256:hex"` or a list of `"alg:hex"`. md5 and sha1 are refused. */
  artifactDigest?: DigestSet | string | string[] | null;
  /** What the Statement must say. */
  policy?: Policy;
  /** Verify the envelope's signatures only (any payload; no Statement, subject or policy check). */
  envelopeOnly?: boolean;
  /** Largest accepted envelope or Statement, in bytes (default 256 MiB). */
  maxBytes?: number | null;
  /** Deepest accepted JSON nesting (default 128). */
  maxDepth?: number | null;
}

/** One signature of the envelope. */
export interface EnvelopeSignatureReport {
  /** Index in the envelope's `signatures`. */
  index: number;
  /** The signature's keyid hint, if any. */
  keyid?: string;
  /** Indices of the verification keys that verified it. */
  verified_by: number[];
  /** Indices of the keys not tried because their declared keyid differs from the signature's. */
  keyid_mismatch?: number[];
}

/** A distinct trusted key that signed the envelope. */
export interface Signer {
  /** Index of the (first) verification key with this key material. */
  key_index: number;
  /** The key's securesystemslib keyid. */
  keyid: string;
  /** The keyid the caller declared for the key, if any. */
  declared_keyid?: string;
  /** SHA-256 of the key's SubjectPublicKeyInfo, hex. */
  fingerprint: string;
}

export interface EnvelopeReport {
  payload_type: string;
  /** SHA-256 of the verified payload bytes, hex. */
  payload_sha256: string;
  /** Distinct trusted keys required. */
  threshold: number;
  signatures: EnvelopeSignatureReport[];
  signers: Signer[];
}

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The verified Statement. */
export interface StatementReport {
  version: "v1" | "v0.1";
  predicate_type: string;
  /** The Statement as parsed from the verified payload bytes. */
  body: { [key: string]: JsonValue };
}

/** A Statement subject that matches the artifact. */
export interface MatchedSubject {
  /** Index in the Statement's `subject`. */
  index: number;
  name?: string;
  /** The algorithms whose values agree with the artifact's. */
  algorithms: string[];
}

/** One policy check and its outcome. */
export interface PolicyCheck {
  /** What was checked (`predicate-type`, `builder-id`, `source-uri`, `vsa-verified-level`, ...). */
  check: string;
  /** The failure code this check raises when it does not pass. */
  code: PolicyFailureCode;
  passed: boolean;
  expected: string;
  /** The value found, if any. */
  actual?: string;
  /** Where in the Statement the value was read (`predicate.runDetails.builder.id`). */
  path?: string;
  message: string;
}

/** The attestation report (the same JSON as `intoto-verify attestation --format json`). */
export interface AttestationReport {
  verdict: Verdict;
  failure?: Failure;
  /** The envelope and who signed it, once parsed. */
  envelope?: EnvelopeReport;
  /** The Statement, once its signatures verified and it parsed. */
  statement?: StatementReport;
  /** The artifact digests the subjects were matched against, when an artifact was given. */
  artifact?: DigestSet;
  matched_subjects: MatchedSubject[];
  /** The policy checks performed, in order. */
  checks: PolicyCheck[];
  warnings: Warning[];
}
