/** Helpers for retention tests: versions with real blobs, policies, runs, and R2/D1 peeks. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { RetentionRunView } from "../../src/schemas/retention";
import { api, json } from "../support/api";
import { bytesOf, putBlob } from "../support/blobs";

export interface Blob {
  digest: string;
  hex: string;
  size: number;
}

export async function storeBlob(size = 64, seed?: number): Promise<Blob> {
  const bytes = bytesOf(size, seed);
  const { digest } = await putBlob(bytes);
  return { digest, hex: digest.slice(7), size };
}

export async function registerVersion(
  name: string,
  blobs: Blob[],
  extra: Record<string, unknown> = {},
): Promise<number> {
  const files = blobs.map((b, i) => ({
    path: `f${i}.bin`,
    digest: b.digest,
    size: b.size,
    media_type: "application/octet-stream",
  }));
  const res = await api("POST", `/api/v1/models/${name}/versions`, { body: { files, ...extra } });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  return (await json<{ version: number }>(res)).version;
}

export async function setRetention(name: string, policy: Record<string, unknown>) {
  const res = await api("PUT", `/api/v1/models/${name}/retention`, { body: policy });
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
}

export async function runNow(dryRun: boolean): Promise<RetentionRunView> {
  const res = await api("POST", `/api/v1/admin/retention/run${dryRun ? "?dry_run=true" : ""}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<RetentionRunView>(res);
}

export async function versionOf(name: string, version: number) {
  const res = await api("GET", `/api/v1/models/${name}/versions/${version}`);
  expect(res.status).toBe(200);
  return json<{ stage: string; status: string; description: string; parent: unknown; files: unknown[] }>(res);
}

export async function blobExists(hex: string): Promise<boolean> {
  return (await env.BLOBS.head(`blobs/sha256/${hex}`)) !== null;
}

/** Bytes under blobs/ in R2, counted independently of the job's own listing code. */
export async function storedBytes(): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await env.BLOBS.list({ prefix: "blobs/", ...(cursor ? { cursor } : {}) });
    for (const o of page.objects) total += o.size;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return total;
}

export const mine = (run: RetentionRunView, name: string) =>
  run.actions.filter((a) => a.model === name).map((a) => `${a.kind}:${a.version}:${a.outcome}`);
