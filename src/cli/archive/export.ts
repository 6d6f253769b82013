/**
 * `registry export --out FILE`: every model's stored record (metadata, stages, aliases, policy,
 * retention policy, audit chain), the webhook subscriptions (without secrets) and every blob the
 * versions name, streamed into one tar archive that ends with `manifest.json`: the SHA-256 and size
 * of every other entry. Tokens are never exported.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pack as tarPack } from "tar-stream";
import type { Schemas } from "../../client";
import { digestHex } from "../hash";
import { blobPath, type Connection, registry } from "../http";
import { globToRegExp } from "../mlflow/import";
import { createProgress } from "../progress";

export const MANIFEST = "manifest.json";
export const WEBHOOKS = "webhooks.json";
/** The dataset catalogue (issue 17), registry-wide: restored before the models. */
export const DATASETS = "datasets.json";
export const modelEntry = (name: string) => `models/${name}.json`;
export const blobEntry = (digest: string) => `blobs/sha256/${digestHex(digest)}`;

export interface ArchiveManifest {
  format: 1;
  created_at: string;
  source: string;
  models: string[];
  entries: { path: string; sha256: string; size: number }[];
}

export interface ExportSummary {
  file: string;
  models: number;
  versions: number;
  audit_entries: number;
  webhooks: number;
  datasets: number;
  approval_requests: number;
  deployments: number;
  blobs: number;
  blob_bytes: number;
}

type Snapshot = Schemas["ModelSnapshot"];

async function allModels(conn: Connection): Promise<string[]> {
  const names: string[] = [];
  let token: string | null | undefined;
  do {
    const page = await registry(conn).get("/api/v1/models", {
      params: { query: { page_size: 1000, ...(token ? { page_token: token } : {}) } },
    });
    names.push(...page.items.map((m) => m.name));
    token = page.next_page_token;
  } while (token);
  return names;
}

export async function exportArchive(
  conn: Connection,
  file: string,
  options: { models?: string; progress: boolean },
): Promise<ExportSummary> {
  const match = options.models ? globToRegExp(options.models) : null;
  const names = (await allModels(conn)).filter((n) => !match || match.test(n)).sort();
  const snapshots: { name: string; text: string; snapshot: Snapshot }[] = [];
  for (const name of names) {
    const res = await registry(conn).get("/api/v1/admin/export/models/{name}", {
      params: { path: { name } },
    });
    snapshots.push({ name, text: JSON.stringify(res), snapshot: res });
  }
  const blobs = new Map<string, number>();
  for (const { snapshot } of snapshots)
    for (const v of snapshot.versions) for (const f of v.files) blobs.set(f.digest, f.size);
  const hooks = await registry(conn).get("/api/v1/webhooks", { params: { query: { page_size: 1000 } } });
  // Secrets never leave the registry: restored subscriptions get new ones.
  const webhooks = hooks.items
    .filter((h) => !match || typeof h.model_pattern !== "string" || names.some((n) => globMatches(h, n)))
    .map(({ url, events, model_pattern, active, description }) => ({
      url,
      events,
      ...(model_pattern ? { model_pattern } : {}),
      active,
      description,
    }));

  // The catalogue is exported whole: lineage of any exported version may name any entry.
  const datasets: Schemas["Dataset"][] = [];
  let page: string | null | undefined;
  do {
    const res = await registry(conn).get("/api/v1/datasets", {
      params: { query: { page_size: 1000, ...(page ? { page_token: page } : {}) } },
    });
    datasets.push(...res.items);
    page = res.next_page_token;
  } while (page);

  const tar = tarPack();
  const written = pipeline(tar, createWriteStream(file));
  const entries: ArchiveManifest["entries"] = [];
  const addText = (path: string, text: string) => {
    const bytes = Buffer.from(text);
    entries.push({ path, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length });
    tar.entry({ name: path, size: bytes.length }, bytes);
  };
  for (const { name, text } of snapshots) addText(modelEntry(name), text);
  addText(WEBHOOKS, JSON.stringify(webhooks));
  addText(DATASETS, JSON.stringify(datasets));
  const total = [...blobs.values()].reduce((n, s) => n + s, 0);
  const bar = createProgress("exporting", total, options.progress);
  try {
    for (const [digest, size] of [...blobs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const res = await registry(conn).raw("GET", blobPath(digest));
      if (!res.body) throw new Error(`blob ${digest}: ${res.status} without a body`);
      const hash = createHash("sha256");
      let done: (error?: Error | null) => void = () => {};
      const finished = new Promise<void>((ok, fail) => {
        done = (error) => (error ? fail(error) : ok());
      });
      const entry = tar.entry({ name: blobEntry(digest), size }, (error) => done(error));
      for await (const chunk of Readable.fromWeb(res.body as import("node:stream/web").ReadableStream)) {
        hash.update(chunk as Buffer);
        bar.add((chunk as Buffer).length);
        if (!entry.write(chunk)) await new Promise<void>((r) => entry.once("drain", () => r()));
      }
      entry.end(Buffer.alloc(0)); // streamx types want an argument
      await finished;
      const hex = hash.digest("hex");
      if (hex !== digestHex(digest)) throw new Error(`blob ${digest} came back with SHA-256 ${hex}`);
      entries.push({ path: blobEntry(digest), sha256: hex, size });
    }
  } finally {
    bar.stop();
  }
  const manifest: ArchiveManifest = {
    format: 1,
    created_at: new Date().toISOString(),
    source: conn.url,
    models: names,
    entries,
  };
  const text = JSON.stringify(manifest);
  tar.entry({ name: MANIFEST, size: Buffer.byteLength(text) }, text);
  tar.finalize();
  await written;
  return {
    file,
    models: names.length,
    versions: snapshots.reduce((n, s) => n + s.snapshot.versions.length, 0),
    audit_entries: snapshots.reduce((n, s) => n + s.snapshot.audit.length, 0),
    webhooks: webhooks.length,
    datasets: datasets.length,
    approval_requests: snapshots.reduce((n, s) => n + (s.snapshot.approval_requests?.length ?? 0), 0),
    deployments: snapshots.reduce((n, s) => n + (s.snapshot.deployments?.length ?? 0), 0),
    blobs: blobs.size,
    blob_bytes: total,
  };
}

function globMatches(hook: Record<string, unknown>, name: string): boolean {
  return globToRegExp(String(hook.model_pattern)).test(name);
}
