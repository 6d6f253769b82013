/** Finds the files to push: one file, or every regular file under a directory (symlinks followed). */

import { readdir, realpath, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { toManifestPath } from "./paths";

export interface LocalFile {
  /** Absolute (or cwd-relative) path on disk. */
  source: string;
  /** Manifest path: relative to the pushed root, `/`-separated. */
  path: string;
  size: number;
}

/**
 * Lists the files to push, sorted by manifest path. A single file is pushed under its base name.
 * Symlinks are followed (model caches are full of them) but a directory is visited once, so a
 * link cycle cannot loop forever. Sockets, FIFOs and devices are refused rather than read.
 */
export async function listFiles(root: string): Promise<LocalFile[]> {
  const info = await stat(root);
  if (info.isFile()) return [{ source: root, path: toManifestPath(basename(root)), size: info.size }];
  if (!info.isDirectory()) throw new Error(`${root} is neither a file nor a directory`);
  const files: LocalFile[] = [];
  const visited = new Set<string>();
  async function visit(dir: string): Promise<void> {
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of await readdir(dir)) {
      const full = join(dir, entry);
      const s = await stat(full);
      if (s.isDirectory()) await visit(full);
      else if (s.isFile())
        files.push({ source: full, path: toManifestPath(relative(root, full)), size: s.size });
      else throw new Error(`${full} is not a regular file`);
    }
  }
  await visit(root);
  if (files.length === 0) throw new Error(`${root} contains no files`);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
