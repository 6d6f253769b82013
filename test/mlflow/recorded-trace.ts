/**
 * Reads the recording of the real MLflow 2.12.2 client (fixtures/mlflow-rest-trace.md, a copy of
 * ../shared/mlflow-rest-trace.md): the registry calls it made, and each endpoint's sample answers.
 */
import trace from "./fixtures/mlflow-rest-trace.md?raw";

export interface RecordedSample {
  method: string;
  /** e.g. `registered-models/get` */
  endpoint: string;
  status: number;
  response: unknown;
}

const REGISTRY = /^\/api\/2\.0\/mlflow\/((?:registered-models|model-versions)\/[a-z-]+)/;

/** `METHOD endpoint` of every registry call the client made (section 1), in order. */
export function recordedCalls(): { method: string; endpoint: string; status: number }[] {
  const calls = [];
  for (const m of trace.matchAll(/^- `([A-Z]+) (\S+)` -> (\d{3})$/gm)) {
    const endpoint = REGISTRY.exec(m[2] ?? "")?.[1];
    if (endpoint) calls.push({ method: m[1] as string, endpoint, status: Number(m[3]) });
  }
  return calls;
}

/** The sample (and error sample) answers of the registry endpoints (section 2). */
export function recordedSamples(): RecordedSample[] {
  const samples: RecordedSample[] = [];
  const pattern =
    /\*\*(?:Error sample|Sample)\*\* `([A-Z]+) (\S+)` -> HTTP (\d{3})[\s\S]*?Response \(Content-Type: application\/json\):\n+```json\n([\s\S]*?)\n```/g;
  for (const m of trace.matchAll(pattern)) {
    const endpoint = REGISTRY.exec(m[2] ?? "")?.[1];
    if (!endpoint) continue;
    samples.push({
      method: m[1] as string,
      endpoint,
      status: Number(m[3]),
      response: JSON.parse(m[4] as string),
    });
  }
  return samples;
}

/**
 * The structure of a JSON value: object keys in order with their structures, arrays by the
 * structure of their first element, scalars by type. Two answers with the same shape have the same
 * fields, in the same order, with the same JSON types.
 */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === "object") {
    return Object.entries(value).map(([k, v]) => [k, shape(v)]);
  }
  return value === null ? "null" : typeof value;
}
