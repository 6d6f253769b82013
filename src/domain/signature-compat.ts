/**
 * Compatibility of a version's signature with another's (the previous version, or Production).
 * Callers send inputs and read outputs, so:
 *  - inputs: a new *required* input breaks callers; a removed input does not (extra columns are
 *    dropped); a retype breaks unless it widens (integer→long, float→double, integer|long→double);
 *  - outputs: a removed or retyped output breaks readers; an added one does not;
 *  - tensors: a changed dtype breaks; a changed shape breaks unless every changed dimension became -1.
 * Unnamed specs are matched by position. Pure.
 */
import type { Signature, Spec } from "./signature";

export interface SpecChange {
  name: string;
  from?: string;
  to?: string;
  breaking: boolean;
}

export interface SideDiff {
  added: SpecChange[];
  removed: SpecChange[];
  retyped: SpecChange[];
  reshaped: SpecChange[];
}

export interface CompatReport {
  breaking: boolean;
  reasons: string[];
  inputs: SideDiff;
  outputs: SideDiff;
}

const WIDENINGS = new Set([
  "integer>long",
  "float>double",
  "integer>double",
  "long>double",
  "int32>int64",
  "float32>float64",
]);
const describe = (s: Spec) => (s.kind === "column" ? s.type : `tensor<${s.dtype}>[${s.shape.join(",")}]`);
const keyed = (specs: Spec[]) => new Map(specs.map((s, i) => [s.name ?? `#${i}`, s]));

function shapeWidens(from: number[], to: number[]): boolean {
  return from.length === to.length && from.every((d, i) => to[i] === d || to[i] === -1);
}

function diffSide(before: Spec[], after: Spec[], side: "inputs" | "outputs"): SideDiff {
  const diff: SideDiff = { added: [], removed: [], retyped: [], reshaped: [] };
  const old = keyed(before);
  const now = keyed(after);
  for (const [name, spec] of now) {
    if (old.has(name)) continue;
    const required = spec.kind === "tensor" || spec.required;
    diff.added.push({ name, to: describe(spec), breaking: side === "inputs" && required });
  }
  for (const [name, spec] of old) {
    const next = now.get(name);
    if (!next) {
      diff.removed.push({ name, from: describe(spec), breaking: side === "outputs" });
      continue;
    }
    if (spec.kind === "column" && next.kind === "column") {
      if (spec.type !== next.type) {
        const widens = WIDENINGS.has(`${spec.type}>${next.type}`);
        diff.retyped.push({ name, from: spec.type, to: next.type, breaking: side === "outputs" || !widens });
      } else if (side === "inputs" && !spec.required && next.required) {
        diff.retyped.push({
          name,
          from: `${spec.type} (optional)`,
          to: `${next.type} (required)`,
          breaking: true,
        });
      }
    } else if (spec.kind === "tensor" && next.kind === "tensor") {
      if (spec.dtype !== next.dtype) {
        const widens = side === "inputs" && WIDENINGS.has(`${spec.dtype}>${next.dtype}`);
        diff.retyped.push({ name, from: spec.dtype, to: next.dtype, breaking: !widens });
      }
      if (spec.shape.join(",") !== next.shape.join(",")) {
        const ok = side === "inputs" ? shapeWidens(spec.shape, next.shape) : false;
        diff.reshaped.push({
          name,
          from: `[${spec.shape.join(",")}]`,
          to: `[${next.shape.join(",")}]`,
          breaking: !ok,
        });
      }
    } else {
      diff.retyped.push({ name, from: describe(spec), to: describe(next), breaking: true });
    }
  }
  return diff;
}

export function compareSignatures(before: Signature | null, after: Signature | null): CompatReport {
  const reasons: string[] = [];
  if (!before) {
    // Nothing to be compatible with: report what the signature declares, break nothing.
    const clear = (d: SideDiff): SideDiff => ({
      ...d,
      added: d.added.map((c) => ({ ...c, breaking: false })),
    });
    return {
      breaking: false,
      reasons,
      inputs: clear(diffSide([], after?.inputs ?? [], "inputs")),
      outputs: clear(diffSide([], after?.outputs ?? [], "outputs")),
    };
  }
  if (!after) reasons.push("the signature was removed");
  const inputs = diffSide(before.inputs ?? [], after?.inputs ?? [], "inputs");
  const outputs = diffSide(before.outputs ?? [], after?.outputs ?? [], "outputs");
  for (const [side, diff] of [
    ["input", inputs],
    ["output", outputs],
  ] as const) {
    for (const [what, list] of Object.entries(diff) as [keyof SideDiff, SpecChange[]][]) {
      for (const c of list.filter((x) => x.breaking)) {
        reasons.push(
          `${side} '${c.name}' ${what}${c.from || c.to ? ` (${c.from ?? "—"} → ${c.to ?? "—"})` : ""}`,
        );
      }
    }
  }
  return { breaking: reasons.length > 0, reasons, inputs, outputs };
}

/** For a governance gate: "no breaking change without approval". */
export const hasBreakingChange = (report: CompatReport) => report.breaking;
