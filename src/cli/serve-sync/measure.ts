// Measuring what is on disk: a file's SHA-256 and a directory's manifest digest, computed exactly
// the way the registry computes it (src/domain/version-record.ts), so the two can be compared.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import canonicalize from "canonicalize";

/**
 * The manifest digest of a directory as it is on disk: every regular file (not only the ones the
 * manifest names, so a file copied in by hand changes it), hashed from its bytes, media types
 * from the manifest, in the registry's canonical form (RFC 8785 JSON of the entries sorted by path).
 */
export async function measure(
  root: string,
  manifestFiles: readonly { path: string; media_type?: string | undefined }[],
): Promise<string> {
  const mediaType = new Map(manifestFiles.map((f) => [f.path, f.media_type]));
  const entries = [];
  for (const path of await walk(root)) {
    const rel = relative(root, path).split(sep).join("/");
    const { digest, size } = await hashFile(path);
    entries.push({
      path: rel,
      digest,
      size,
      media_type: mediaType.get(rel) ?? "application/octet-stream",
    });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `sha256:${createHash("sha256")
    .update(canonicalize(entries) ?? "[]")
    .digest("hex")}`;
}

export async function hashFile(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest("hex")}`, size };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
