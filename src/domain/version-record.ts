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

/** Field errors for a whole manifest: bad paths and duplicates. */
export function manifestProblems(files: FileEntry[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  files.forEach((file, i) => {
    const problem = manifestPathProblem(file.path);
    if (problem) errors.push({ path: `files.${i}.path`, message: problem });
    if (seen.has(file.path)) errors.push({ path: `files.${i}.path`, message: "duplicate path" });
    seen.add(file.path);
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
