/**
 * The metadata record of a model version: checks that go beyond field types (manifest paths,
 * total size) and the manifest digest. Pure: no I/O.
 */

import type { z } from "@hono/zod-openapi";
import canonicalize from "canonicalize";
import { sha256Hex } from "../lib/crypto";
import type { FieldError } from "../lib/problem";
import type { DatasetSchema, FileEntrySchema, ProvenanceSchema } from "../schemas/versions";
import { LIMITS } from "./limits";
import { hasControlCharacters } from "./text";

export type Dataset = z.infer<typeof DatasetSchema>;
export type FileEntry = z.infer<typeof FileEntrySchema>;
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * Why a manifest path is refused, or null when it is fine. Paths are relative, `/`-separated and
 * normalised, so a file can never be written or served outside the version's directory.
 */
export function manifestPathProblem(path: string): string | null {
  if (path.length === 0 || path.length > LIMITS.filePathChars) return "length must be 1..1024";
  if (hasControlCharacters(path)) return "must not contain control characters";
  if (path.includes("\\")) return "must use / as the separator";
  if (path.startsWith("/")) return "must be relative";
  const segments = path.split("/");
  if (segments.some((s) => s === "")) return "must not contain empty segments (// or a trailing /)";
  if (segments.some((s) => s === "." || s === "..")) return "must not contain . or .. segments";
  if (segments.some((s) => s.length > 255)) return "segments must be at most 255 characters";
  return null;
}

/**
 * A path as a file system on the pulling side may see it: case-folded (macOS and Windows volumes)
 * and NFC-normalised (macOS decomposes names), so `A` and `a`, or `é` in two spellings, collide.
 */
const collisionKey = (path: string) => path.normalize("NFC").toLowerCase();

/**
 * Field errors for a whole manifest: bad paths, duplicates, and paths that could not all be
 * written to one directory tree — two that collide case-insensitively, or a file that is also a
 * directory of another (`a` beside `a/b`), which `registry pull` could never lay down.
 */
export function manifestProblems(files: FileEntry[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Map<string, string>();
  const directories = new Map<string, string>();
  files.forEach((file, i) => {
    const problem = manifestPathProblem(file.path);
    if (problem) errors.push({ path: `files.${i}.path`, message: problem });
    const key = collisionKey(file.path);
    const same = seen.get(key);
    if (same === file.path) errors.push({ path: `files.${i}.path`, message: "duplicate path" });
    else if (same !== undefined) {
      errors.push({
        path: `files.${i}.path`,
        message: `collides with '${same}' (paths are case-insensitive)`,
      });
    } else if (directories.has(key)) {
      errors.push({ path: `files.${i}.path`, message: `is also a directory of '${directories.get(key)}'` });
    }
    seen.set(key, file.path);
    const segments = key.split("/");
    for (let n = 1; n < segments.length; n++) {
      const dir = segments.slice(0, n).join("/");
      const file2 = seen.get(dir);
      if (file2 !== undefined) {
        errors.push({ path: `files.${i}.path`, message: `lies under '${file2}', which is a file` });
        break;
      }
      if (!directories.has(dir)) directories.set(dir, file.path);
    }
  });
  return errors;
}

/** Files sorted by path: the canonical order for display and for the manifest digest. */
export function sortManifest(files: FileEntry[]): FileEntry[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Digest of the manifest: SHA-256 of its RFC 8785 canonical JSON, files sorted by path. */
export async function manifestDigest(files: FileEntry[]): Promise<string> {
  return `sha256:${await sha256Hex(canonicalize(sortManifest(files)) ?? "[]")}`;
}

export function manifestSize(files: FileEntry[]): number {
  return files.reduce((total, f) => total + f.size, 0);
}
