/**
 * `registry import FILE`: restores an archive written by `registry export` into an empty registry.
 * First it reads the whole archive and checks every entry against `manifest.json` (and every blob
 * against its own name): one wrong byte anywhere is refused naming the entry, before anything is
 * written. Then it uploads the blobs the registry lacks and restores each model (the server checks
 * the audit chain again), then recreates the webhook subscriptions with new secrets.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract as tarExtract } from "tar-stream";
import type { Schemas } from "../../client";
import { formatDigest } from "../hash";
import { type Connection, registry } from "../http";
import { createProgress } from "../progress";
import { missingBlobs, uploadMultipart, uploadSingle } from "../upload";
import { type ArchiveManifest, DATASETS, MANIFEST, WEBHOOKS } from "./export";

export class ArchiveError extends Error {
  constructor(file: string, detail: string) {
    super(`archive ${file}: ${detail}`);
    this.name = "ArchiveError";
  }
}

export interface RestoreSummary {
  file: string;
  models: number;
  versions: number;
  blobs: number;
  blobs_uploaded: number;
  datasets: number;
  webhooks: { url: string; id: string; secret: string }[];
}

type Visit = (
  path: string,
  sha256: string,
  size: number,
  kept: Buffer | null,
  tempFile: string | null,
) => void;

/** Streams every entry, hashing it; keeps small JSON entries in memory and, if `dir`, blobs on disk. */
async function readArchive(file: string, dir: string | null, visit: Visit): Promise<void> {
  const tar = tarExtract();
  tar.on("entry", (header, stream, next) => {
    const hash = createHash("sha256");
    const keep = !header.name.startsWith("blobs/");
    const chunks: Buffer[] = [];
    let size = 0;
    const temp = dir && !keep ? join(dir, header.name.replaceAll("/", "_")) : null;
    const out = temp ? createWriteStream(temp) : null;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        if (keep) chunks.push(chunk);
        if (out) out.write(chunk, done);
        else done();
      },
      final(done) {
        if (out) out.end(done);
        else done();
      },
    });
    pipeline(stream, sink)
      .then(() => visit(header.name, hash.digest("hex"), size, keep ? Buffer.concat(chunks) : null, temp))
      .then(
        () => next(),
        (error) => next(error),
      );
  });
  await pipeline(createReadStream(file), tar);
}

function check(
  file: string,
  seen: Map<string, { sha256: string; size: number }>,
  manifestText: Buffer | undefined,
) {
  if (!manifestText) throw new ArchiveError(file, `no ${MANIFEST} (not an export, or cut short)`);
  let manifest: ArchiveManifest;
  try {
    manifest = JSON.parse(manifestText.toString("utf8")) as ArchiveManifest;
  } catch {
    throw new ArchiveError(file, `${MANIFEST} is not valid JSON`);
  }
  if (manifest.format !== 1) throw new ArchiveError(file, `unknown format ${String(manifest.format)}`);
  const listed = new Set<string>();
  for (const entry of manifest.entries) {
    listed.add(entry.path);
    const got = seen.get(entry.path);
    if (!got) throw new ArchiveError(file, `${entry.path} is listed in the manifest but missing`);
    if (got.sha256 !== entry.sha256 || got.size !== entry.size) {
      throw new ArchiveError(
        file,
        `${entry.path} does not match its digest in the manifest (tampered or damaged)`,
      );
    }
    const blob = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(entry.path);
    if (blob && blob[1] !== got.sha256) {
      throw new ArchiveError(file, `${entry.path} does not hash to its name (tampered or damaged)`);
    }
  }
  for (const path of seen.keys()) {
    if (path !== MANIFEST && !listed.has(path))
      throw new ArchiveError(file, `${path} is not in the manifest`);
  }
  return manifest;
}

export async function restoreArchive(
  conn: Connection,
  file: string,
  options: { progress: boolean; parallel: number; cacheDir: string },
): Promise<RestoreSummary> {
  // Pass 1: verify everything before writing anything.
  const seen = new Map<string, { sha256: string; size: number }>();
  let manifestText: Buffer | undefined;
  try {
    await readArchive(file, null, (path, sha256, size, kept) => {
      if (seen.has(path)) throw new ArchiveError(file, `${path} appears twice`);
      seen.set(path, { sha256, size });
      if (path === MANIFEST) manifestText = kept ?? undefined;
    });
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(file, `not a readable archive (${(error as Error).message})`);
  }
  const manifest = check(file, seen, manifestText);

  const existing = await registry(conn).get("/api/v1/models", { params: { query: { page_size: 1 } } });
  if (existing.items.length > 0) {
    throw new ArchiveError(file, "the target registry is not empty (restore goes into an empty registry)");
  }

  // Pass 2: blobs to the registry (only missing ones), models and webhooks kept for after.
  const dir = await mkdtemp(join(tmpdir(), "registry-restore-"));
  const models = new Map<string, Buffer>();
  let webhooks: Schemas["CreateWebhook"][] = [];
  let datasets: Schemas["Dataset"][] = [];
  const blobs: { digest: string; size: number; temp: string }[] = [];
  try {
    await readArchive(file, dir, (path, sha256, size, kept, temp) => {
      if (seen.get(path)?.sha256 !== sha256) throw new ArchiveError(file, `${path} changed while being read`);
      if (path.startsWith("models/") && kept) models.set(path, kept);
      else if (path === WEBHOOKS && kept) webhooks = JSON.parse(kept.toString("utf8"));
      else if (path === DATASETS && kept) datasets = JSON.parse(kept.toString("utf8"));
      else if (temp) blobs.push({ digest: formatDigest(sha256), size, temp });
    });
    const missing = await missingBlobs(
      conn,
      blobs.map((b) => b.digest),
    );
    const send = blobs.filter((b) => missing.has(b.digest));
    const bar = createProgress(
      "restoring",
      send.reduce((n, b) => n + b.size, 0),
      options.progress,
    );
    try {
      for (const b of send) {
        if (b.size >= 16 * 1024 * 1024) {
          await uploadMultipart(conn, b.temp, b.digest, b.size, {
            parallel: options.parallel,
            cacheDir: options.cacheDir,
            onBytes: (n) => bar.add(n),
          });
        } else {
          await uploadSingle(conn, b.temp, b.digest, b.size);
          bar.add(b.size);
        }
      }
    } finally {
      bar.stop();
    }
    // Archives written before issue 17 have no catalogue; an empty one restores nothing.
    if (datasets.length > 0)
      await registry(conn).post("/api/v1/admin/restore/datasets", { body: { datasets } });
    let versions = 0;
    for (const name of manifest.models) {
      const text = models.get(`models/${name}.json`);
      if (!text) throw new ArchiveError(file, `models/${name}.json is missing`);
      const snapshot = JSON.parse(text.toString("utf8")) as Schemas["ModelSnapshot"];
      versions += snapshot.versions.length;
      await registry(conn).post("/api/v1/admin/restore", { body: snapshot });
    }
    const recreated: RestoreSummary["webhooks"] = [];
    for (const hook of webhooks) {
      const made = await registry(conn).post("/api/v1/webhooks", { body: hook });
      recreated.push({ url: made.url, id: made.id, secret: made.secret });
    }
    return {
      file,
      models: manifest.models.length,
      versions,
      blobs: blobs.length,
      blobs_uploaded: send.length,
      datasets: datasets.length,
      webhooks: recreated,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
