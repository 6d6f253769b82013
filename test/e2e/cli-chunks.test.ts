/**
 * Issue 16 end to end: the real CLI pushes safetensors files in chunks (a fine-tune uploads only the
 * chunks it changed), `pull --cache` downloads only missing chunks, and a node killed mid-update keeps
 * serving the old version byte for byte. Small chunk bounds keep the files small.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safetensorsFile } from "../support/tensor-files";
import { cli, removeTempDirs, spawnCli, tempDir } from "./support/cli-run";
import { startTestRegistry, type TestRegistry } from "./support/server";
import { startThrottledProxy, type ThrottledProxy } from "./support/throttled-proxy";

const KiB = 1024;
const CHUNKS = ["--chunk-threshold", "64KiB", "--chunk-size", "128KiB"];

function modelDir(tensors: { name: string; bytes: Uint8Array }[]): { dir: string; bytes: Uint8Array } {
  const dir = tempDir("chunks-model-");
  const bytes = safetensorsFile(tensors);
  writeFileSync(join(dir, "model.safetensors"), bytes);
  writeFileSync(join(dir, "config.json"), JSON.stringify({ layers: tensors.length }));
  return { dir, bytes };
}

describe("chunked push and pull with the real CLI", () => {
  let registry: TestRegistry;
  let slow: ThrottledProxy;
  const run = (args: string[], url = registry.url) =>
    cli(url, registry.token, tempDir("cli-state-"), ["--json", ...args]);
  const base = Array.from({ length: 12 }, (_, i) => ({
    name: `layer${i}`,
    bytes: new Uint8Array(randomBytes(96 * KiB)),
  }));
  const tuned = base.map((t, i) => (i >= 10 ? { ...t, bytes: new Uint8Array(randomBytes(96 * KiB)) } : t));
  let v1: { dir: string; bytes: Uint8Array };
  let v2: { dir: string; bytes: Uint8Array };

  beforeAll(async () => {
    registry = await startTestRegistry();
    slow = await startThrottledProxy(registry.url, 48 * KiB);
    v1 = modelDir(base);
    v2 = modelDir(tuned);
  });

  afterAll(async () => {
    await slow?.stop();
    await registry?.stop();
    removeTempDirs();
  });

  it("pushes chunks, uploads only what a fine-tune changed, and re-pushes nothing", async () => {
    const first = await run(["push", "chunky", v1.dir, ...CHUNKS]);
    expect(first.code, first.stderr).toBe(0);
    const r1 = JSON.parse(first.stdout);
    expect(r1).toMatchObject({ version: 1, status: "READY", chunked_files: 1, bytes_reused: 0 });
    expect(r1.chunks_sent).toBe(r1.chunks_total);

    const again = await run(["push", "chunky", v1.dir, ...CHUNKS]);
    expect(JSON.parse(again.stdout)).toMatchObject({
      version: 1,
      replayed: true,
      uploaded_bytes: 0,
      chunks_sent: 0,
    });

    const second = await run(["push", "chunky", v2.dir, ...CHUNKS]);
    expect(second.code, second.stderr).toBe(0);
    const r2 = JSON.parse(second.stdout);
    expect(r2).toMatchObject({ version: 2, status: "READY", chunked_files: 1 });
    // Two of twelve tensors changed (plus the header chunk, whose bytes are the same): ~1/6 sent.
    expect(r2.chunk_bytes_sent).toBe(2 * 96 * KiB);
    expect(r2.bytes_reused).toBe(v2.bytes.length - 2 * 96 * KiB);
  });

  it("pull --cache fetches only missing chunks; a node killed mid-update keeps the old version", async () => {
    const cache = tempDir("chunk-cache-");
    const dest = join(tempDir("node-"), "model");
    const cold = await run(["pull", "chunky/1", dest, "--cache", cache]);
    expect(cold.code, cold.stderr).toBe(0);
    expect(JSON.parse(cold.stdout)).toMatchObject({ bytes_reused: 0 });
    expect(new Uint8Array(readFileSync(join(dest, "model.safetensors")))).toEqual(v1.bytes);

    // The update trickles through a slow link; the node dies half-way.
    const { child, result } = spawnCli(slow.url, registry.token, tempDir("cli-state-"), [
      "--json",
      "pull",
      "chunky/2",
      dest,
      "--force",
      "--cache",
      cache,
    ]);
    await new Promise((r) => setTimeout(r, 2500));
    child.kill("SIGKILL");
    expect((await result).code).toBe(-1);
    expect(new Uint8Array(readFileSync(join(dest, "model.safetensors")))).toEqual(v1.bytes);
    expect(existsSync(join(dest, "config.json"))).toBe(true);

    const update = await run(["pull", "chunky/2", dest, "--force", "--cache", cache]);
    expect(update.code, update.stderr).toBe(0);
    const report = JSON.parse(update.stdout);
    expect(new Uint8Array(readFileSync(join(dest, "model.safetensors")))).toEqual(v2.bytes);
    const modelBytes = v2.bytes.length;
    expect(report.bytes_reused).toBeGreaterThanOrEqual(modelBytes - 2 * 96 * KiB);
    expect(report.bytes_downloaded).toBeLessThanOrEqual(2 * 96 * KiB + 100);
    expect(report.bytes_downloaded / (report.bytes_downloaded + report.bytes_reused)).toBeLessThan(0.2);
  });
});
