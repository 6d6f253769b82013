// The serving node's directory. Nothing a model server reads is ever written in place:
//
//   DIR/current -> versions/<hex>-<n>  symlink, replaced by rename(2): atomic, old or new, never half
//   DIR/versions/<hex>-<n>/…          a complete version tree (<hex>: its manifest digest; <n>: this
//                                     install); appears only by renaming a finished one, never edited
//   DIR/manifests/<hex>.json          what the registry said that version is (for GC and restarts)
//   DIR/blobs/sha256/<hex>            verified file cache: a file appears only after its digest checked
//   DIR/chunks/sha256/<hex>           verified chunk cache (chunked files): only missing chunks are fetched
//   DIR/.tmp/                         partial downloads and assemblies; wiped on start
//
// So a node killed at any instant (SIGKILL mid-download included) leaves `current` pointing at the
// last complete version, and the next start simply resumes.
import { randomBytes } from "node:crypto";
import {
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { hashFile, measure } from "./measure";

const hexOf = (digest: string) => digest.replace(/^sha256:/, "");

/** A manifest entry as the resolution names it. */
export interface NodeFile {
  path: string;
  digest: string;
  size: number;
  media_type?: string | undefined;
}

/** What the registry said a version is (stored as DIR/manifests/<hex>.json). */
export interface NodeManifest {
  version: number;
  manifest_digest: string;
  files: NodeFile[];
  /** Chunk digests the version's files are made of (kept in DIR/chunks while the version is kept). */
  chunks?: string[];
}

export class NodeStore {
  readonly dir: string;
  readonly tmp: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.tmp = join(this.dir, ".tmp");
  }

  /** The chunk cache (src/cli/chunk-cache.ts layout: DIR/chunks/sha256/<hex>). */
  get chunkCache(): string {
    return this.dir;
  }

  async init() {
    await rm(this.tmp, { recursive: true, force: true });
    for (const d of [
      this.tmp,
      join(this.dir, "blobs", "sha256"),
      join(this.dir, "chunks", "sha256"),
      join(this.dir, "versions"),
      join(this.dir, "manifests"),
    ]) {
      await mkdir(d, { recursive: true });
    }
  }

  blobPath(digest: string): string {
    return join(this.dir, "blobs", "sha256", hexOf(digest));
  }

  async hasBlob(file: NodeFile): Promise<boolean> {
    try {
      return (await stat(this.blobPath(file.digest))).size === file.size;
    } catch {
      return false;
    }
  }

  /** Fetches a blob into the cache through a temp file: the cache only ever holds verified bytes. */
  async addBlob(file: NodeFile, fetchTo: (dest: string) => Promise<void>): Promise<void> {
    const partial = join(this.tmp, `${hexOf(file.digest)}.${randomBytes(4).toString("hex")}.partial`);
    try {
      await fetchTo(partial);
      await rename(partial, this.blobPath(file.digest));
    } finally {
      await rm(partial, { force: true });
    }
  }

  /** The version `current` points at, as last installed: `{ dir, hex, manifest }`, or null. */
  async current(): Promise<{ dir: string; hex: string; manifest: NodeManifest } | null> {
    try {
      const target = await readlink(join(this.dir, "current"));
      const dir = target.split("/").pop() ?? "";
      const hex = dir.split("-")[0] ?? "";
      const manifest = JSON.parse(
        await readFile(join(this.dir, "manifests", `${hex}.json`), "utf8"),
      ) as NodeManifest;
      return { dir, hex, manifest };
    } catch {
      return null;
    }
  }

  /**
   * Builds a version tree from cached blobs in .tmp, checks the digest of what is actually on
   * disk against the resolution, then renames it into versions/ under a fresh name (so a tree in
   * use, even a damaged one, is never replaced in place). Returns `{ dir, measured }`.
   */
  async install(resolution: NodeManifest): Promise<{ dir: string; measured: string }> {
    const hex = hexOf(resolution.manifest_digest);
    const dir = `${hex}-${randomBytes(4).toString("hex")}`;
    const staging = join(this.tmp, `assemble-${randomBytes(4).toString("hex")}`);
    await mkdir(staging, { recursive: true });
    try {
      for (const file of resolution.files) {
        const target = resolve(staging, file.path);
        // The registry refuses such paths; a node must not trust that with its filesystem anyway.
        if (!target.startsWith(staging + sep))
          throw new Error(`manifest path escapes the version: ${file.path}`);
        await mkdir(dirname(target), { recursive: true });
        await link(this.blobPath(file.digest), target).catch(() =>
          copyFile(this.blobPath(file.digest), target),
        );
      }
      const measured = await measure(staging, resolution.files);
      if (measured !== resolution.manifest_digest) {
        // Cached bytes changed after they were verified (a hard-linked file edited in place, disk
        // corruption): drop the blobs that no longer hash right, so the next attempt re-downloads.
        const dropped = await this.#dropCorrupt(resolution.files);
        const message = `assembled files have manifest digest ${measured}, expected ${resolution.manifest_digest}`;
        throw Object.assign(new Error(message), { dropped });
      }
      await writeFile(join(this.dir, "manifests", `${hex}.json`), JSON.stringify(resolution));
      await rename(staging, join(this.dir, "versions", dir));
      return { dir, measured };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async #dropCorrupt(files: NodeFile[]): Promise<number> {
    let dropped = 0;
    for (const file of files) {
      const path = this.blobPath(file.digest);
      if ((await hashFile(path).catch(() => null))?.digest !== file.digest) {
        await rm(path, { force: true });
        dropped++;
      }
    }
    return dropped;
  }

  /** Points `current` at versions/<dir> with one rename of a fresh symlink over the old one. */
  async swap(dir: string): Promise<void> {
    const next = join(this.tmp, `current-${randomBytes(4).toString("hex")}`);
    await symlink(join("versions", dir), next);
    await rename(next, join(this.dir, "current"));
  }

  /** Digest of what `current` holds now, measured from the bytes (null when there is none). */
  async measureCurrent(): Promise<string | null> {
    const now = await this.current();
    return now ? measure(join(this.dir, "versions", now.dir), now.manifest.files) : null;
  }

  /**
   * Keeps the `keep` most recent versions (current first) and the blobs they use. For the current
   * version only the tree `current` points at survives (older installs of it may be damaged).
   */
  async prune(keep: number): Promise<void> {
    const now = await this.current();
    const manifests: { hex: string; path: string; mtime: number }[] = [];
    for (const name of await readdir(join(this.dir, "manifests"))) {
      const path = join(this.dir, "manifests", name);
      manifests.push({ hex: name.replace(/\.json$/, ""), path, mtime: (await stat(path)).mtimeMs });
    }
    manifests.sort((a, b) => (a.hex === now?.hex ? -1 : b.hex === now?.hex ? 1 : b.mtime - a.mtime));
    const kept = new Set<string>();
    const used = new Set<string>();
    const usedChunks = new Set<string>();
    for (const [i, m] of manifests.entries()) {
      if (i < keep) {
        kept.add(m.hex);
        const manifest = JSON.parse(await readFile(m.path, "utf8")) as NodeManifest;
        for (const f of manifest.files) used.add(hexOf(f.digest));
        for (const c of manifest.chunks ?? []) usedChunks.add(hexOf(c));
      } else {
        await rm(m.path, { force: true });
      }
    }
    for (const dir of await readdir(join(this.dir, "versions"))) {
      const hex = dir.split("-")[0] ?? "";
      const keepIt = dir === now?.dir || (kept.has(hex) && hex !== now?.hex);
      if (!keepIt) await rm(join(this.dir, "versions", dir), { recursive: true, force: true });
    }
    for (const blob of await readdir(join(this.dir, "blobs", "sha256"))) {
      if (!used.has(blob)) await rm(join(this.dir, "blobs", "sha256", blob), { force: true });
    }
    // Chunks the kept versions are made of stay, so the next version downloads only what is new.
    for (const chunk of await readdir(join(this.dir, "chunks", "sha256"))) {
      if (!usedChunks.has(chunk)) await rm(join(this.dir, "chunks", "sha256", chunk), { force: true });
    }
  }
}
