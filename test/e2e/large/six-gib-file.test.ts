/**
 * Issue 16, "no size ceiling": a 6 GiB file (above the old 5 GiB - 5 MiB single-object limit) is
 * pushed with the real CLI in chunks, verified by the server's own whole-file hash, and pulled back
 * byte-identical (compared by SHA-256; the file is never held in memory). The bytes are AES-CTR
 * keystream: every chunk is different, so deduplication cannot shortcut the upload. Takes minutes,
 * so it runs only in the `large` project (`npm run test:large`), never in `npm test`. The timeout is
 * three hours: on the shared 2-core machine (load ~12) the push alone took ~40 min.
 */
import { createCipheriv, createHash } from "node:crypto";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, removeTempDirs, tempDir } from "../support/cli-run";
import { startTestRegistry, type TestRegistry } from "../support/server";

const GiB = 1024 ** 3;
const SIZE = 6 * GiB;
const BLOCK = 8 * 1024 * 1024;

/** Writes `size` bytes of AES-128-CTR keystream to `path` as a stream; answers their SHA-256. */
async function writeKeystream(path: string, size: number): Promise<string> {
  const cipher = createCipheriv("aes-128-ctr", Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(BLOCK);
  const hash = createHash("sha256");
  async function* blocks() {
    for (let written = 0; written < size; written += BLOCK) {
      const bytes = cipher.update(zeros.subarray(0, Math.min(BLOCK, size - written)));
      hash.update(bytes);
      yield bytes;
    }
  }
  await pipeline(Readable.from(blocks()), createWriteStream(path));
  return hash.digest("hex");
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path, { highWaterMark: BLOCK }), hash);
  return hash.digest("hex");
}

describe("a 6 GiB file", () => {
  let registry: TestRegistry;
  let dir: string;
  let digest: string;
  const run = (args: string[]) =>
    cli(registry.url, registry.token, tempDir("cli-state-"), ["--json", "--no-progress", ...args]);

  beforeAll(async () => {
    registry = await startTestRegistry();
    dir = tempDir("six-gib-");
    digest = await writeKeystream(join(dir, "model.bin"), SIZE);
  }, 600_000);

  afterAll(async () => {
    await registry?.stop();
    removeTempDirs();
  });

  it("pushes in chunks, is verified by the server, and pulls back byte-identical", async () => {
    const t0 = Date.now();
    const pushed = await run(["push", "six-gib", dir]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const report = JSON.parse(pushed.stdout);
    // READY only after the server streamed every chunk through DigestStream and found the digest.
    expect(report).toMatchObject({ version: 1, status: "READY", chunked_files: 1, bytes_reused: 0 });
    expect(report.chunks_total).toBeGreaterThan(SIZE / (16 * 1024 * 1024) - 1);
    const t1 = Date.now();
    // Printed at once: on a loaded machine the pull may still be running when someone looks.
    console.log(`six-gib: push+verify ${((t1 - t0) / 1000).toFixed(1)} s, ${report.chunks_total} chunks`);

    const dest = join(tempDir("six-gib-pull-"), "model");
    const pulled = await run(["pull", "six-gib/1", dest]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const t2 = Date.now();
    const copy = join(dest, "model.bin");
    expect(statSync(copy).size).toBe(SIZE);
    expect(await sha256OfFile(copy)).toBe(digest);
    console.log(`six-gib: pull ${((t2 - t1) / 1000).toFixed(1)} s, digest identical`);
  }, 10_800_000);
});
