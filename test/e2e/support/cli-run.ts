/** Runs the real `registry` CLI in child processes for the end-to-end tests, and cleans up after them. */

import { type ChildProcess, execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");
export const MiB = 1024 * 1024;
/** Small thresholds so a 12 MiB file is a 3-part multipart upload. */
export const MULTIPART = ["--multipart-threshold", "8MiB", "--part-size", "5MiB", "--no-chunks"];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const tempDirs: string[] = [];
/** A temp dir removed by `removeTempDirs` (pushed models and pulls are tens of MiB). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Starts the real CLI in a child process, as a CI job would; exit code -1 means killed by a signal. */
export function spawnCli(url: string, token: string, cache: string, args: string[], viaNpx = false) {
  const [file, argv] = viaNpx
    ? ["npx", ["--no-install", "registry", ...args]]
    : [process.execPath, [join(ROOT, "bin", "registry.mjs"), ...args]];
  let child: ChildProcess | undefined;
  const result = new Promise<Run>((done) => {
    child = execFile(
      file,
      argv,
      {
        cwd: ROOT,
        env: { ...process.env, REGISTRY_URL: url, REGISTRY_TOKEN: token, REGISTRY_CACHE_DIR: cache },
        maxBuffer: 16 * MiB,
      },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
  return { child: child as unknown as ChildProcess, result };
}

export const cli = (
  url: string,
  token: string,
  cache: string,
  args: string[],
  viaNpx = false,
): Promise<Run> => spawnCli(url, token, cache, args, viaNpx).result;
