/**
 * `registry import-mlflow --from URL`: copies registered models, versions (under their numbers),
 * the runs' metrics, params and dataset inputs, aliases and artifacts from an MLflow server.
 *
 * Resumable by construction: models and tags are idempotent PUT-like calls, blobs are content
 * addressed (only missing ones are sent), and a version is imported under its own number, which
 * the server accepts once and answers again unchanged — so a re-run after a crash skips what is
 * there and carries on. Within a model, versions go in ascending order and a version that fails
 * stops that model (a later number would otherwise mark the failed one as taken for good).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ok } from "../../client";
import { type Connection, RegistryError, registry } from "../http";
import { runPool } from "../pool";
import { missingBlobs, uploadMultipart, uploadSingle } from "../upload";
import { mediaTypeFor } from "../version-body";
import { type ArtifactFile, fetchFile, listFiles, resolveLocation } from "./artifacts";
import { createImportProgress, type ImportProgress } from "./progress";
import { aliasMap, tagMap, versionRecord } from "./record";
import {
  downloadUri,
  getRun,
  listModels,
  listVersions,
  type MlflowModel,
  type MlflowSource,
  type MlflowVersion,
} from "./source";

export interface ImportOptions {
  /** Only models whose name matches this glob (`*`, `?`). */
  models?: string;
  dryRun: boolean;
  progress: boolean;
  parallel: number;
  multipartThreshold: number;
  cacheDir: string;
  log: (line: string) => void;
}

export interface NotCopied {
  model: string;
  version?: number;
  what: string;
  why: string;
}

export interface ImportSummary {
  from: string;
  dry_run: boolean;
  models: { total: number; created: number; already_present: number; failed: number };
  versions: { total: number; imported: number; already_present: number; failed: number };
  aliases_set: number;
  bytes: { listed: number; downloaded: number; uploaded: number };
  not_copied: NotCopied[];
}

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${body}$`);
}

interface Run {
  conn: Connection;
  src: MlflowSource;
  options: ImportOptions;
  summary: ImportSummary;
  bar: ImportProgress;
}

export async function importMlflow(
  conn: Connection,
  src: MlflowSource,
  options: ImportOptions,
): Promise<ImportSummary> {
  const match = options.models ? globToRegExp(options.models) : null;
  const models = (await listModels(src)).filter((m) => !match || match.test(m.name));
  const plan: { model: MlflowModel; versions: MlflowVersion[] }[] = [];
  for (const model of models) plan.push({ model, versions: await listVersions(src, model.name) });
  const summary: ImportSummary = {
    from: src.url,
    dry_run: options.dryRun,
    models: { total: plan.length, created: 0, already_present: 0, failed: 0 },
    versions: {
      total: plan.reduce((n, p) => n + p.versions.length, 0),
      imported: 0,
      already_present: 0,
      failed: 0,
    },
    aliases_set: 0,
    bytes: { listed: 0, downloaded: 0, uploaded: 0 },
    not_copied: [],
  };
  const bar = createImportProgress(options.progress, plan.length, summary.versions.total);
  const run: Run = { conn, src, options, summary, bar };
  try {
    for (const { model, versions } of plan) {
      await importModel(run, model, versions);
      bar.modelDone();
    }
  } finally {
    bar.stop();
  }
  return summary;
}

async function importModel(run: Run, model: MlflowModel, versions: MlflowVersion[]): Promise<void> {
  const { summary } = run;
  try {
    if (!run.options.dryRun) await ensureModel(run, model);
  } catch (error) {
    summary.models.failed++;
    summary.versions.failed += versions.length;
    summary.not_copied.push({ model: model.name, what: "model", why: reason(error) });
    for (const _ of versions) run.bar.versionDone();
    return;
  }
  const present = new Set<number>();
  for (const [i, v] of versions.entries()) {
    const number = Number(v.version);
    try {
      if (await importVersion(run, model, v)) present.add(number);
    } catch (error) {
      summary.versions.failed += versions.length - i;
      summary.not_copied.push({
        model: model.name,
        version: number,
        what: "version",
        why: `${reason(error)}; later versions of this model were not attempted (re-run to resume)`,
      });
      for (let left = i; left < versions.length; left++) run.bar.versionDone();
      return;
    }
    run.bar.versionDone();
  }
  for (const [alias, version] of Object.entries(aliasMap(model))) {
    if (!present.has(version)) {
      summary.not_copied.push({
        model: model.name,
        version,
        what: `alias ${alias}`,
        why: "its version was not copied",
      });
      continue;
    }
    if (run.options.dryRun) continue;
    await registry(run.conn).put("/api/v1/models/{name}/aliases/{alias}", {
      params: { path: { name: model.name, alias } },
      body: { version },
      retries: 2,
    });
    summary.aliases_set++;
  }
}

/** Creates the model, or brings an existing one's description and tags up to the source's. */
async function ensureModel(run: Run, model: MlflowModel): Promise<void> {
  const name = model.name;
  const tags = tagMap(model.tags);
  const description = model.description ?? "";
  try {
    await registry(run.conn).post("/api/v1/models", { body: { name, description, tags } });
    run.summary.models.created++;
    return;
  } catch (error) {
    if (!(error instanceof RegistryError) || error.code !== "MODEL_ALREADY_EXISTS") throw error;
  }
  run.summary.models.already_present++;
  const params = { path: { name } };
  const here = await registry(run.conn).get("/api/v1/models/{name}", { params, retries: 2 });
  if (here.description !== description) {
    await registry(run.conn).patch("/api/v1/models/{name}", { params, body: { description }, retries: 2 });
  }
  for (const [key, value] of Object.entries(tags)) {
    if (here.tags[key] === value) continue;
    await registry(run.conn).put("/api/v1/models/{name}/tags/{key}", {
      params: { path: { name, key } },
      body: { value },
      retries: 2,
    });
  }
}

/** Imports one version; true when it is (now or already) here. */
async function importVersion(run: Run, model: MlflowModel, v: MlflowVersion): Promise<boolean> {
  const { conn, src, summary, options } = run;
  const number = Number(v.version);
  const path = { name: model.name, version: String(number) };
  const existing = await findVersion(conn, path);
  if (existing) {
    if (
      (existing.source.uri ?? "") === (v.source ?? "") &&
      (existing.source.run_id ?? "") === (v.run_id ?? "")
    ) {
      summary.versions.already_present++;
      return true;
    }
    summary.versions.failed++;
    summary.not_copied.push({
      model: model.name,
      version: number,
      what: "version",
      why: `this registry already has a different version ${number}`,
    });
    return false;
  }
  let runRecord = null;
  if (v.run_id) {
    try {
      runRecord = await getRun(src, v.run_id);
    } catch (error) {
      summary.not_copied.push({
        model: model.name,
        version: number,
        what: "run metadata",
        why: reason(error),
      });
    }
  }
  const record = versionRecord(src.url, v, runRecord);
  for (const why of record.dropped)
    summary.not_copied.push({ model: model.name, version: number, what: "metadata", why });

  const uri = await downloadUri(src, model.name, v.version).catch(() => v.source ?? "");
  const location = uri
    ? await resolveLocation(src, uri)
    : { kind: "unsupported" as const, uri, reason: "no source" };
  let files: ArtifactFile[] = [];
  if (location.kind === "unsupported") {
    summary.not_copied.push({
      model: model.name,
      version: number,
      what: "artifacts",
      why: `${location.uri || "(no URI)"}: ${location.reason}; the version is imported without files`,
    });
  } else {
    files = await listFiles(src, location);
  }
  const listed = files.reduce((n, f) => n + f.size, 0);
  summary.bytes.listed += listed;
  if (options.dryRun) {
    summary.versions.imported++;
    return true;
  }
  record.body.files = await copyFiles(run, location, files);
  const { response } = ok(
    await registry(conn).api.PUT("/api/v1/admin/imports/models/{name}/versions/{version}", {
      params: { path },
      body: record.body,
      retries: 2,
    }),
  );
  if (response.status === 201) summary.versions.imported++;
  else summary.versions.already_present++;
  return true;
}

/** Downloads each file into a temp dir (hashing it), uploads the blobs the registry lacks. */
async function copyFiles(run: Run, location: Parameters<typeof fetchFile>[1], files: ArtifactFile[]) {
  if (files.length === 0) return [];
  const dir = await mkdtemp(join(tmpdir(), "registry-import-"));
  try {
    const manifest: { path: string; digest: string; size: number; media_type: string; local: string }[] = [];
    await runPool(
      files.map((f, i) => ({ f, i })),
      run.options.parallel,
      async ({ f, i }) => {
        const local = join(dir, String(i));
        const got = await fetchFile(run.src, location, f, local, (n) => {
          run.summary.bytes.downloaded += n;
          run.bar.bytes(n);
        });
        manifest[i] = { path: f.path, ...got, media_type: mediaTypeFor(f.path), local };
      },
    );
    const missing = await missingBlobs(
      run.conn,
      manifest.map((m) => m.digest),
    );
    const toSend = [
      ...new Map(manifest.filter((m) => missing.has(m.digest)).map((m) => [m.digest, m])).values(),
    ];
    await runPool(toSend, run.options.parallel, async (m) => {
      if (m.size >= run.options.multipartThreshold) {
        await uploadMultipart(run.conn, m.local, m.digest, m.size, {
          parallel: run.options.parallel,
          cacheDir: run.options.cacheDir,
          onBytes: () => {},
        });
      } else await uploadSingle(run.conn, m.local, m.digest, m.size);
      run.summary.bytes.uploaded += m.size;
    });
    return manifest.map(({ local: _local, ...entry }) => entry);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function findVersion(conn: Connection, path: { name: string; version: string }) {
  try {
    return await registry(conn).get("/api/v1/models/{name}/versions/{version}", {
      params: { path },
      retries: 2,
    });
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return null;
    throw error;
  }
}

function reason(error: unknown): string {
  if (error instanceof RegistryError) return `${error.message} [${error.code}]`;
  return (error as Error).message ?? String(error);
}
