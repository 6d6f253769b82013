/**
 * Where an interrupted multipart upload is remembered so the next `push` resumes it. One small JSON
 * file per (registry, digest) under the user's cache dir: the digest names the bytes, so the same
 * file pushed again — from any path — finds its upload; the registry URL keeps servers apart.
 */

import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

export interface UploadState {
  url: string;
  digest: string;
  size: number;
  upload_id: string;
  part_size: number;
}

/** `REGISTRY_CACHE_DIR`, else `$XDG_CACHE_HOME/model-registry`, else `~/.cache/model-registry`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REGISTRY_CACHE_DIR) return env.REGISTRY_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "model-registry");
}

export function stateFile(dir: string, url: string, digest: string): string {
  const key = createHash("sha256").update(`${url}\n${digest}`).digest("hex").slice(0, 32);
  return join(dir, "uploads", `${key}.json`);
}

export async function loadState(dir: string, url: string, digest: string): Promise<UploadState | null> {
  try {
    const state = JSON.parse(await readFile(stateFile(dir, url, digest), "utf8")) as UploadState;
    // A state file for other bytes or another server is ignored, never trusted.
    return state.url === url && state.digest === digest ? state : null;
  } catch {
    return null;
  }
}

export async function saveState(dir: string, state: UploadState): Promise<void> {
  const file = stateFile(dir, state.url, state.digest);
  await mkdir(join(dir, "uploads"), { recursive: true });
  await writeFile(file, JSON.stringify(state), { mode: 0o600 });
}

export async function clearState(dir: string, url: string, digest: string): Promise<void> {
  await rm(stateFile(dir, url, digest), { force: true });
}
