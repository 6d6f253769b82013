/**
 * A version's `input_example` (issue #19): a sample request kept with the version and shown on its
 * card, checked against the signature at registration so the example is never a lie. Accepted forms
 * (MLflow's): one record `{col: value}`, a list of records, pandas' split form
 * `{columns: [...], data: [[...]]}`, or for tensor signatures a (nested) array. Pure.
 */
import type { FieldError } from "../lib/problem";
import type { Signature, Spec } from "./signature";

export const INPUT_EXAMPLE_LIMITS = { bytes: 64 * 1024, depth: 16, rows: 1000 } as const;

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== "object") return depth;
  let max = depth;
  for (const child of Object.values(value as object)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

/** Size and nesting limits, whatever the signature. */
export function inputExampleLimitProblems(example: unknown): FieldError[] {
  const bytes = new TextEncoder().encode(JSON.stringify(example)).byteLength;
  if (bytes > INPUT_EXAMPLE_LIMITS.bytes) {
    return [
      {
        path: "input_example",
        message: `at most ${INPUT_EXAMPLE_LIMITS.bytes} bytes of JSON; this is ${bytes}`,
      },
    ];
  }
  if (depthOf(example, INPUT_EXAMPLE_LIMITS.depth) > INPUT_EXAMPLE_LIMITS.depth) {
    return [{ path: "input_example", message: `nested deeper than ${INPUT_EXAMPLE_LIMITS.depth} levels` }];
  }
  return [];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function fits(type: string, value: unknown): boolean {
  switch (type) {
    case "boolean":
      return typeof value === "boolean";
    case "integer":
    case "long":
      return Number.isInteger(value);
    case "float":
    case "double":
      return typeof value === "number";
    case "string":
    case "binary":
      return typeof value === "string";
    case "datetime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value));
    default:
      return value !== undefined; // compound types (array/object/map/any): any JSON value
  }
}

/** Rows as records, whatever the form (null when the form is not one of the accepted ones). */
function rowsOf(example: unknown): Record<string, unknown>[] | null {
  if (Array.isArray(example)) return example.every(isRecord) ? example : null;
  if (!isRecord(example)) return null;
  const { columns, data } = example;
  if (Array.isArray(columns) && Array.isArray(data) && Object.keys(example).length === 2) {
    if (!columns.every((c) => typeof c === "string") || !data.every(Array.isArray)) return null;
    return data.map((row) => Object.fromEntries(columns.map((c, i) => [c, (row as unknown[])[i]])));
  }
  return [example];
}

function checkColumns(specs: Spec[], example: unknown): FieldError[] {
  const rows = rowsOf(example);
  if (!rows) {
    return [
      {
        path: "input_example",
        message: "must be a record, a list of records, or {columns, data} for a column signature",
      },
    ];
  }
  if (rows.length > INPUT_EXAMPLE_LIMITS.rows) {
    return [{ path: "input_example", message: `at most ${INPUT_EXAMPLE_LIMITS.rows} rows` }];
  }
  const errors: FieldError[] = [];
  const named = new Map(specs.flatMap((s) => (s.kind === "column" && s.name ? [[s.name, s]] : [])));
  const seen = new Set<string>();
  const once = (path: string, message: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    errors.push({ path, message });
  };
  rows.forEach((row) => {
    for (const [name, spec] of named) {
      if (spec.kind !== "column") continue;
      const value = row[name];
      if (value === undefined || value === null) {
        if (spec.required) once(`input_example.${name}`, `required column '${name}' is missing`);
      } else if (!fits(spec.type, value)) {
        once(
          `input_example.${name}`,
          `column '${name}' is ${spec.type} in the signature; got ${JSON.stringify(value).slice(0, 40)}`,
        );
      }
    }
    for (const name of Object.keys(row)) {
      if (!named.has(name))
        once(`input_example.${name}`, `column '${name}' is not in the signature's inputs`);
    }
  });
  return errors;
}

function rank(value: unknown): number {
  return Array.isArray(value) ? 1 + (value.length > 0 ? rank(value[0]) : 0) : 0;
}

/** Errors naming every column (or tensor) of the example that does not match the signature's inputs. */
export function inputExampleProblems(example: unknown, signature: Signature | null): FieldError[] {
  const limits = inputExampleLimitProblems(example);
  if (limits.length > 0 || !signature?.inputs?.length) return limits;
  const inputs = signature.inputs;
  if (inputs.every((s) => s.kind === "tensor")) {
    const first = inputs[0];
    if (inputs.length === 1 && first?.kind === "tensor") {
      const r = rank(example);
      return r === first.shape.length
        ? []
        : [
            {
              path: "input_example",
              message: `tensor of rank ${r}; the signature's input has rank ${first.shape.length}`,
            },
          ];
    }
    if (!isRecord(example))
      return [{ path: "input_example", message: "must map each named tensor to an array" }];
    return inputs.flatMap((s) =>
      s.kind === "tensor" && s.name && rank(example[s.name]) !== s.shape.length
        ? [
            {
              path: `input_example.${s.name}`,
              message: `tensor '${s.name}' must have rank ${s.shape.length}`,
            },
          ]
        : [],
    );
  }
  // Unnamed columns are matched by position in MLflow; an example cannot name them, so only the limits apply.
  if (inputs.some((s) => s.name === null)) return [];
  return checkColumns(inputs, example);
}
