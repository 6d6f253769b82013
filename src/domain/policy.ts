/**
 * Per-model release policy: the evaluation gates a version must pass to enter Staging, the number
 * of approvals Production needs, and the aliases only approvers may move. Pure: no I/O.
 */

export const GATE_OPS = [">", ">=", "<", "<=", "=="] as const;
export type GateOp = (typeof GATE_OPS)[number];

/** Metadata a policy can require before Staging (model card fields are `model_card.<field>`). */
export const REQUIRABLE = ["signature", "dataset", "model_card"] as const;

export interface MetricGate {
  metric: string;
  op: GateOp;
  value: number;
  /** A slice key such as `segment=high_value`; null or absent means the overall metrics. */
  slice?: string | null | undefined;
}

/**
 * How a version's signature must relate to Production's and the previous version's (issue #19):
 * `any` does not look; `no_breaking` refuses a breaking change on None→Staging and on the way to
 * Production; `no_breaking_without_approval` lets it into Staging but only an approval request
 * (which shows the report) takes it to Production: a fast-track of a breaking change is refused.
 */
export const SIGNATURE_COMPATIBILITY = ["any", "no_breaking", "no_breaking_without_approval"] as const;
export type SignatureCompatibility = (typeof SIGNATURE_COMPATIBILITY)[number];

/** Gates checked when a version is registered; `tag` registers a failing one as a `candidate`. */
export interface RegistrationGates {
  gates: MetricGate[];
  require: string[];
  on_fail: "refuse" | "tag";
}

export interface Policy {
  gates: MetricGate[];
  /** `signature`, `dataset`, `model_card` or `model_card.<field>`. */
  require: string[];
  required_approvals: number;
  protected_aliases: string[];
  signature_compatibility: SignatureCompatibility;
  registration_gates: RegistrationGates | null;
  /** Every dataset a version names must be in the catalogue (`POST /datasets`). */
  require_registered_datasets: boolean;
}

/** What applies when a model has no policy: no gates, one approval for Production. */
export const DEFAULT_POLICY: Policy = {
  gates: [],
  require: [],
  required_approvals: 1,
  protected_aliases: [],
  signature_compatibility: "any",
  registration_gates: null,
  require_registered_datasets: false,
};

/** The tag a registration gets under `registration_gates`: passed, or registered anyway. */
export const VALIDATION_TAG = "validation_status";

/** The parts of a version the gates look at. */
export interface GateSubject {
  metrics: Record<string, number>;
  slices: Record<string, Record<string, number>>;
  datasets: unknown[];
  signature: Record<string, unknown> | null;
  modelCard: Record<string, unknown> | null;
}

export interface FailedGate {
  /** `metric:auc>=0.95`, `metric:auc>=0.95@segment=high_value` or `require:signature`. */
  gate: string;
  /** What the version has (null when the metric or field is missing). */
  actual: number | null;
  message: string;
}

const compare: Record<GateOp, (a: number, b: number) => boolean> = {
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  "==": (a, b) => a === b,
};

export function gateLabel(gate: MetricGate): string {
  return `metric:${gate.metric}${gate.op}${gate.value}${gate.slice ? `@${gate.slice}` : ""}`;
}

function checkMetric(gate: MetricGate, subject: GateSubject): FailedGate | null {
  const source = gate.slice ? subject.slices[gate.slice] : subject.metrics;
  const actual = source?.[gate.metric];
  const where = gate.slice ? ` in slice '${gate.slice}'` : "";
  if (actual === undefined) {
    return {
      gate: gateLabel(gate),
      actual: null,
      message: `metric '${gate.metric}'${where} is missing; the policy needs ${gate.op} ${gate.value}`,
    };
  }
  if (compare[gate.op](actual, gate.value)) return null;
  return {
    gate: gateLabel(gate),
    actual,
    message: `metric '${gate.metric}'${where} is ${actual}; the policy needs ${gate.op} ${gate.value}`,
  };
}

const present = (value: unknown) =>
  value !== null &&
  value !== undefined &&
  value !== "" &&
  !(Array.isArray(value) && value.length === 0) &&
  !(typeof value === "object" && Object.keys(value as object).length === 0);

function checkRequired(field: string, subject: GateSubject): FailedGate | null {
  let ok: boolean;
  if (field === "signature") ok = present(subject.signature);
  else if (field === "dataset") ok = subject.datasets.length > 0;
  else if (field === "model_card") ok = present(subject.modelCard);
  else if (field.startsWith("model_card."))
    ok = present(subject.modelCard?.[field.slice("model_card.".length)]);
  else ok = false; // unknown requirements are refused by the policy schema; fail closed anyway
  return ok
    ? null
    : {
        gate: `require:${field}`,
        actual: null,
        message: `the version has no ${field.replace(".", " field ")}`,
      };
}

/** Every gate the version fails (empty when it may enter Staging), in policy order. */
export function evaluateGates(policy: Pick<Policy, "gates" | "require">, subject: GateSubject): FailedGate[] {
  return [
    ...policy.gates.map((gate) => checkMetric(gate, subject)),
    ...policy.require.map((field) => checkRequired(field, subject)),
  ].filter((f): f is FailedGate => f !== null);
}

/** True when `field` is something `require` understands. */
export function isRequirable(field: string): boolean {
  return (REQUIRABLE as readonly string[]).includes(field) || /^model_card\.[A-Za-z0-9_]{1,64}$/.test(field);
}
