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
}

/** `pass`: everything verified; `fail`: it does not verify; `error`: it could not be evaluated. */
export type Verdict = "pass" | "fail" | "error";

/** Stable machine-readable failure codes (renaming one is a breaking change). */
export type FailureCode =
  | "layout-malformed"
  | "layout-keys-missing"
  | "key-invalid"
  | "request-invalid"
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
  /** The link file or request field at fault. */
  path?: string;
  /** For `sublayout-failed`, the sublayout's own failure. */
  cause?: Failure;
}

/** A non-fatal observation (`command-mismatch`, `inspections-skipped`, ...). */
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

/** The three digests of a stream, lowercase hex. */
export interface Digests {
  sha256: string;
  sha384: string;
  sha512: string;
}
