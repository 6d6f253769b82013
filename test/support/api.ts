import { exports } from "cloudflare:workers";

export const ADMIN = "test-admin-token";

export interface ApiCall {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the real Worker entry (the same fetch handler production runs) with a bearer token. */
export async function api(method: string, path: string, call: ApiCall = {}): Promise<Response> {
  const headers = new Headers(call.headers);
  const token = call.token === undefined ? ADMIN : call.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  let body: BodyInit | undefined;
  if (call.body !== undefined) {
    if (typeof call.body === "string" || call.body instanceof Uint8Array) body = call.body as BodyInit;
    else body = JSON.stringify(call.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return exports.default.fetch(new Request(`http://registry.test${path}`, { method, headers, body }));
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

let counter = 0;
/** Unique model names per test, so tests never depend on each other's data. */
export function uniqueName(prefix = "m"): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function createModel(name: string, token?: string) {
  const response = await api("POST", "/api/v1/models", { body: { name }, token });
  if (response.status !== 201)
    throw new Error(`createModel ${name}: ${response.status} ${await response.text()}`);
  return json(response);
}

export async function createToken(role: string, scopes?: string[]): Promise<string> {
  const response = await api("POST", "/api/v1/tokens", { body: { name: `${role}-token`, role, scopes } });
  if (response.status !== 201) throw new Error(`createToken: ${response.status} ${await response.text()}`);
  return (await json<{ token: string }>(response)).token;
}

export const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
