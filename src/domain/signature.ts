/**
 * MLflow model signatures: `{inputs, outputs, params?}` where inputs/outputs are column specs
 * `{name?, type, required?}` or tensor specs `{type: "tensor", "tensor-spec": {dtype, shape}}`.
 * MLflow's MLmodel file stores each list as a JSON *string*; both forms are accepted. Pure.
 */
import type { FieldError } from "../lib/problem";

export const COLUMN_TYPES = [
  "boolean",
  "integer",
  "long",
  "float",
  "double",
  "string",
  "binary",
  "datetime",
] as const;
const COMPOUND_TYPES = new Set(["array", "object", "map", "any"]);
export const TENSOR_DTYPES = new Set([
  "bool",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "float16",
  "float32",
  "float64",
  "float",
  "double",
  "str",
  "bytes",
  "object",
  "datetime64[ns]",
]);

export type Spec =
  | { kind: "column"; name: string | null; type: string; required: boolean }
  | { kind: "tensor"; name: string | null; dtype: string; shape: number[] };

export interface Signature {
  inputs: Spec[] | null;
  outputs: Spec[] | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Compound column types (array/object/map) are compared by their canonical JSON. */
function columnType(raw: Record<string, unknown>, path: string, errors: FieldError[]): string | null {
  const type = raw.type;
  if (typeof type !== "string") {
    errors.push({ path: `${path}.type`, message: "required: a type name" });
    return null;
  }
  if ((COLUMN_TYPES as readonly string[]).includes(type)) return type;
  if (COMPOUND_TYPES.has(type)) {
    const { name: _n, required: _r, ...shape } = raw;
    return JSON.stringify(shape, Object.keys(shape).sort());
  }
  errors.push({
    path: `${path}.type`,
    message: `must be one of ${COLUMN_TYPES.join(", ")}, array, object, map, any or tensor`,
  });
  return null;
}

function parseSpec(raw: unknown, path: string, errors: FieldError[]): Spec | null {
  if (!isObject(raw)) {
    errors.push({ path, message: "must be an object" });
    return null;
  }
  const name = raw.name === undefined ? null : raw.name;
  if (name !== null && (typeof name !== "string" || name.length === 0 || name.length > 250)) {
    errors.push({ path: `${path}.name`, message: "must be a non-empty string of at most 250 characters" });
    return null;
  }
  if (raw.type === "tensor") {
    const ts = raw["tensor-spec"];
    if (!isObject(ts)) {
      errors.push({ path: `${path}.tensor-spec`, message: "required for type tensor: {dtype, shape}" });
      return null;
    }
    const ok = typeof ts.dtype === "string" && TENSOR_DTYPES.has(ts.dtype);
    if (!ok)
      errors.push({
        path: `${path}.tensor-spec.dtype`,
        message: `must be a numpy dtype such as float32 or int64`,
      });
    const shape = ts.shape;
    const shapeOk =
      Array.isArray(shape) &&
      shape.length <= 32 &&
      shape.every((d) => Number.isInteger(d) && (d === -1 || d >= 0));
    if (!shapeOk)
      errors.push({
        path: `${path}.tensor-spec.shape`,
        message: "must be a list of dimensions (integers ≥ 0, or -1 for any)",
      });
    return ok && shapeOk
      ? { kind: "tensor", name, dtype: ts.dtype as string, shape: shape as number[] }
      : null;
  }
  if (raw.required !== undefined && typeof raw.required !== "boolean") {
    errors.push({ path: `${path}.required`, message: "must be true or false" });
  }
  const type = columnType(raw, path, errors);
  return type ? { kind: "column", name, type, required: raw.required !== false } : null;
}

function parseSchema(raw: unknown, path: string, errors: FieldError[]): Spec[] | null {
  let list = raw;
  if (typeof raw === "string") {
    try {
      list = JSON.parse(raw);
    } catch {
      errors.push({ path, message: "is a string but not valid JSON" });
      return null;
    }
  }
  if (!Array.isArray(list)) {
    errors.push({ path, message: "must be a list of column or tensor specs" });
    return null;
  }
  if (list.length > 1000) errors.push({ path, message: "at most 1000 specs" });
  const specs = list.map((s, i) => parseSpec(s, `${path}.${i}`, errors));
  const valid = specs.filter((s): s is Spec => s !== null);
  if (valid.length !== specs.length) return null;
  if (new Set(valid.map((s) => s.kind)).size > 1)
    errors.push({ path, message: "cannot mix column and tensor specs" });
  const named = valid.filter((s) => s.name !== null).length;
  if (named !== 0 && named !== valid.length)
    errors.push({ path, message: "either every spec has a name or none has" });
  const seen = new Set<string>();
  valid.forEach((s, i) => {
    if (s.name !== null && seen.has(s.name))
      errors.push({ path: `${path}.${i}.name`, message: "duplicate name" });
    if (s.name !== null) seen.add(s.name);
  });
  return valid;
}

/** Validates and normalises a signature; field errors use dotted paths under `signature`. */
export function parseSignature(raw: unknown): { signature: Signature | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (raw === undefined || raw === null) return { signature: null, errors };
  if (!isObject(raw))
    return { signature: null, errors: [{ path: "signature", message: "must be an object" }] };
  for (const key of Object.keys(raw)) {
    if (!["inputs", "outputs", "params"].includes(key))
      errors.push({ path: `signature.${key}`, message: "unknown field (inputs, outputs, params)" });
  }
  if (raw.inputs === undefined) errors.push({ path: "signature.inputs", message: "required" });
  const inputs = raw.inputs === undefined ? null : parseSchema(raw.inputs, "signature.inputs", errors);
  const outputs = raw.outputs == null ? null : parseSchema(raw.outputs, "signature.outputs", errors);
  if (raw.params !== undefined && typeof raw.params !== "string" && !Array.isArray(raw.params)) {
    errors.push({ path: "signature.params", message: "must be a list of param specs" });
  }
  return { signature: errors.length === 0 ? { inputs, outputs } : null, errors };
}
