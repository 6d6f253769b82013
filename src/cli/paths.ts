/**
 * Manifest paths: relative, `/`-separated, no `.`/`..`/empty segments, printable. The server
 * refuses anything else (src/domain/version-record.ts); checking here first names the local file.
 */

import { sep } from "node:path";
import { LIMITS } from "../domain/limits";
import { hasControlCharacters } from "../domain/text";

/** Converts a path relative to the pushed root into a manifest path, or explains why it cannot. */
export function toManifestPath(relative: string, separator: string = sep): string {
  if (separator !== "/" && relative.includes("/")) {
    // On Windows `/` is also a separator; normalise both.
    relative = relative.split("/").join(separator);
  }
  if (separator === "/" && relative.includes("\\")) {
    throw new Error(`file name contains a backslash, which manifests do not allow: ${relative}`);
  }
  const segments = relative.split(separator).filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s === "..")) throw new Error(`path escapes the pushed directory: ${relative}`);
  const path = segments.join("/");
  if (path.length === 0) throw new Error("empty path");
  if (path.length > LIMITS.filePathChars)
    throw new Error(`path longer than ${LIMITS.filePathChars}: ${path}`);
  if (hasControlCharacters(path))
    throw new Error(`path contains control characters: ${JSON.stringify(path)}`);
  if (segments.some((s) => s.length > 255)) throw new Error(`a path segment is longer than 255: ${path}`);
  return path;
}

/**
 * Where a manifest path lands under a destination directory, refusing anything the server should
 * never have sent (defence in depth: a pull must never write outside its directory).
 */
export function safeJoin(root: string, manifestPath: string, separator: string = sep): string {
  const segments = manifestPath.split("/");
  if (
    manifestPath.startsWith("/") ||
    manifestPath.includes("\\") ||
    hasControlCharacters(manifestPath) ||
    segments.some((s) => s === "" || s === "." || s === "..")
  ) {
    throw new Error(`refusing unsafe path from the server: ${JSON.stringify(manifestPath)}`);
  }
  return [root.endsWith(separator) ? root.slice(0, -1) : root, ...segments].join(separator);
}
