/** Helpers for artifact tests: deterministic bytes, their digest, and raw-body API calls. */
import { exports } from "cloudflare:workers";
import { ADMIN } from "./api";

export async function sha256(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `size` pseudo-random bytes from `seed`: distinct per test, cheap, reproducible. */
export function bytesOf(size: number, seed = Math.floor(Math.random() * 2 ** 31)): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Sends raw bytes with an explicit Content-Length, the way an HTTP client does. */
export async function rawCall(
  method: string,
  path: string,
  body: Uint8Array | ReadableStream | null,
  opts: { token?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers = new Headers(opts.headers);
  headers.set("authorization", `Bearer ${opts.token ?? ADMIN}`);
  if (body instanceof Uint8Array && !headers.has("content-length")) {
    headers.set("content-length", String(body.byteLength));
  }
  if (!headers.has("content-type")) headers.set("content-type", "application/octet-stream");
  return exports.default.fetch(
    new Request(`http://registry.test${path}`, { method, headers, body, duplex: "half" } as RequestInit),
  );
}

export async function putBlob(
  bytes: Uint8Array,
  token?: string,
): Promise<{ digest: string; status: number }> {
  const digest = `sha256:${await sha256(bytes)}`;
  const res = await rawCall("PUT", `/api/v1/blobs/${digest}`, bytes, { token });
  if (res.status !== 201 && res.status !== 200) throw new Error(`putBlob: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return { digest, status: res.status };
}
