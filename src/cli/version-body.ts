/**
 * Turns `push` flags into the CreateVersion body (src/schemas/versions.ts) and the manifest.
 * Pure: parsing and shaping only, so it is unit-tested without a server.
 */

import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { CreateVersionInput } from "../schemas/versions";

export interface ManifestFile {
  path: string;
  digest: string;
  size: number;
  media_type: string;
}

export interface PushFlags {
  metric?: string[];
  param?: string[];
  tag?: string[];
  dataset?: string[];
  commit?: string;
  repo?: string;
  runId?: string;
  experimentId?: string;
  trainedBy?: string;
  sourceUri?: string;
  description?: string;
  /** The model signature (MLflow's JSON form), read from `--signature FILE` (issue 17: the CI gate). */
  signature?: Record<string, unknown>;
}

/** What the registry's JSON body looks like before defaults are applied. */
export type VersionBody = Partial<CreateVersionInput> & { files: ManifestFile[] };

const MEDIA_TYPES: Record<string, string> = {
  json: "application/json",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  yaml: "application/yaml",
  yml: "application/yaml",
  onnx: "application/onnx",
  py: "text/x-python",
};

/** A media type from the extension; weights and pickles are opaque bytes. */
export function mediaTypeFor(path: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return (ext && MEDIA_TYPES[ext]) ?? "application/octet-stream";
}

/** `k=v` pairs into a map; the first `=` splits, so values may contain `=`. */
export function parsePairs(pairs: string[] = [], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`--${flag} expects key=value, got '${pair}'`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

export function parseMetrics(pairs: string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, text] of Object.entries(parsePairs(pairs, "metric"))) {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) {
      throw new Error(`--metric ${key} must be a finite number, got '${text}'`);
    }
    out[key] = value;
  }
  return out;
}

/** `uri[@version][#sha256:<hex>]`; the version is what follows the last `@` after the scheme. */
export function parseDataset(text: string): { uri: string; version?: string; digest?: string } {
  let rest = text;
  let digest: string | undefined;
  const hash = rest.lastIndexOf("#");
  if (hash >= 0) {
    digest = rest.slice(hash + 1);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
      throw new Error(`--dataset digest must be sha256:<64 lowercase hex>, got '${digest}'`);
    }
    rest = rest.slice(0, hash);
  }
  let version: string | undefined;
  const at = rest.lastIndexOf("@");
  // An `@` inside the authority (user@host) is part of the URI, not a version: require no `/` after it.
  if (at >= 0 && !rest.slice(at + 1).includes("/")) {
    version = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (version === "") throw new Error(`--dataset has an empty version: '${text}'`);
  }
  if (rest === "") throw new Error(`--dataset needs a URI: '${text}'`);
  return { uri: rest, ...(version ? { version } : {}), ...(digest ? { digest } : {}) };
}

/** The CreateVersion body for a manifest and the push flags. Empty sections are left out. */
export function buildVersionBody(files: ManifestFile[], flags: PushFlags): VersionBody {
  const source = Object.fromEntries(
    Object.entries({
      code_commit: flags.commit,
      code_repo: flags.repo,
      run_id: flags.runId,
      experiment_id: flags.experimentId,
      trained_by: flags.trainedBy,
      uri: flags.sourceUri,
    }).filter(([, v]) => v !== undefined && v !== ""),
  );
  const body: VersionBody = { files: sortByPath(files) };
  if (flags.description) body.description = flags.description;
  if (flags.metric?.length) body.metrics = parseMetrics(flags.metric);
  if (flags.param?.length) body.params = parsePairs(flags.param, "param");
  if (flags.tag?.length) body.tags = parsePairs(flags.tag, "tag");
  if (flags.dataset?.length) body.datasets = flags.dataset.map(parseDataset);
  if (Object.keys(source).length > 0) body.source = source;
  if (flags.signature) body.signature = flags.signature;
  return body;
}

export function sortByPath<T extends { path: string }>(files: T[]): T[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The Idempotency-Key for registering this body under this model. It hashes the model name and the
 * whole canonical body (which contains the manifest and so every file digest): a retried push, even
 * from a fresh process after a crash, replays the version it already created instead of making a
 * second one, while a push with different files or metrics is a different request with its own key.
 */
export function idempotencyKeyFor(model: string, body: VersionBody): string {
  const canonical = canonicalize({ model, body }) ?? "";
  return `push-${createHash("sha256").update(canonical).digest("hex")}`;
}
