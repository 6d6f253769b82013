import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashBytes } from "../../src/cli/hash";
import { type FaultProxy, startFaultProxy } from "./support/cli-proxy";
import { cli, MiB, MULTIPART, removeTempDirs, spawnCli, tempDir } from "./support/cli-run";
import { client, startTestRegistry, type TestRegistry } from "./support/server";

/** A model directory: small files, a nested one, an empty one, and a 12 MiB file (multipart). */
function makeModelDir(): { dir: string; files: Record<string, Buffer> } {
  const dir = tempDir("cli-model-");
  const files: Record<string, Buffer> = {
    "config.json": Buffer.from(JSON.stringify({ layers: 12 })),
    "weights/model.bin": randomBytes(12 * MiB + 123),
    "weights/tokenizer/vocab.txt": Buffer.from("a\nb\nc\n"),
    "notes/empty.txt": Buffer.alloc(0),
  };
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return { dir, files };
}

describe("registry CLI against the real server", () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let cache: string;
  let model: { dir: string; files: Record<string, Buffer> };
  const run = (args: string[], url = registry.url) => cli(url, registry.token, cache, ["--json", ...args]);

  beforeAll(async () => {
    registry = await startTestRegistry();
    proxy = await startFaultProxy(registry.url);
    cache = tempDir("cli-cache-");
    model = makeModelDir();
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    removeTempDirs();
  });

  it("pushes a directory (via npx) with metadata and an alias; the version holds the manifest", async () => {
    const pushed = await cli(
      registry.url,
      registry.token,
      cache,
      [
        "--json",
        "push",
        "cli-fraud",
        model.dir,
        ...MULTIPART,
        "--metric",
        "auc=0.97",
        "--param",
        "max_depth=8",
        "--dataset",
        `s3://data/txn@2026-01#${hashBytes(Buffer.from("data"))}`,
        "--commit",
        "abc123d",
        "--run-id",
        "r-42",
        "--alias",
        "champion",
      ],
      true,
    );
    expect(pushed.stderr).toBe("created model cli-fraud\n");
    expect(pushed.code).toBe(0);
    const report = JSON.parse(pushed.stdout);
    expect(report).toMatchObject({
      name: "cli-fraud",
      version: 1,
      replayed: false,
      alias: "champion",
      files: 4,
      uploaded_files: 4,
      skipped_files: 0,
      parts_sent: 3,
      parts_resumed: 0,
    });
    const version = await (await client(registry)("GET", "/api/v1/models/cli-fraud/aliases/champion")).json();
    expect(version).toMatchObject({
      version: 1,
      metrics: { auc: 0.97 },
      params: { max_depth: "8" },
      datasets: [{ uri: "s3://data/txn", version: "2026-01", digest: hashBytes(Buffer.from("data")) }],
      source: { code_commit: "abc123d", run_id: "r-42" },
      manifest_digest: report.manifest_digest,
    });
    expect(
      version.files.map((f: { path: string; digest: string; size: number }) => [f.path, f.digest, f.size]),
    ).toEqual(
      Object.entries(model.files)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([path, bytes]) => [path, hashBytes(bytes), bytes.length]),
    );
  });

  it("pulls NAME@ALIAS and NAME/VERSION back byte-identical", async () => {
    for (const ref of ["cli-fraud@champion", "cli-fraud/1"]) {
      const dest = join(tempDir("cli-pull-"), "out");
      const pulled = await run(["pull", ref, dest]);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(JSON.parse(pulled.stdout)).toMatchObject({ version: 1, files: 4 });
      for (const [path, bytes] of Object.entries(model.files)) {
        expect(readFileSync(join(dest, path)).equals(bytes), path).toBe(true);
      }
    }
  });

  it("re-pushing unchanged files uploads nothing; a retried push replays; new metadata is a new version", async () => {
    proxy.reset();
    const again = await run(
      [
        "push",
        "cli-fraud",
        model.dir,
        ...MULTIPART,
        "--metric",
        "auc=0.97",
        "--param",
        "max_depth=8",
        "--dataset",
        `s3://data/txn@2026-01#${hashBytes(Buffer.from("data"))}`,
        "--commit",
        "abc123d",
        "--run-id",
        "r-42",
      ],
      proxy.url,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      version: 1,
      replayed: true,
      uploaded_files: 0,
      uploaded_bytes: 0,
    });
    // What went over the wire: one check and one (replayed) registration, no bytes.
    expect(proxy.seen.filter((r) => r.startsWith("PUT") || r.startsWith("POST /api/v1/uploads"))).toEqual([]);
    expect(proxy.seen).toContain("POST /api/v1/blobs/check");

    proxy.reset();
    const next = await run(["push", "cli-fraud", model.dir, ...MULTIPART, "--metric", "auc=0.98"], proxy.url);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({
      version: 2,
      replayed: false,
      uploaded_files: 0,
      skipped_files: 4,
    });
    expect(proxy.seen.filter((r) => r.startsWith("PUT"))).toEqual([]);
  });

  it("a corrupted download fails loudly, names the file, and leaves DIR untouched", async () => {
    const bin = model.files["weights/model.bin"] as Buffer;
    proxy.reset({ flipBlob: hashBytes(bin).slice("sha256:".length) });
    const parent = tempDir("cli-pull-");
    const dest = join(parent, "out");
    const pulled = await run(["pull", "cli-fraud@champion", dest], proxy.url);
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toMatch(
      /^error: weights\/model\.bin: digest mismatch: expected sha256:[0-9a-f]{64}/,
    );
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);

    // With --force over an existing DIR, the old contents survive a failed pull.
    mkdirSync(dest);
    writeFileSync(join(dest, "keep.txt"), "old");
    const forced = await run(["pull", "--force", "cli-fraud@champion", dest], proxy.url);
    expect(forced.code).toBe(1);
    expect(readdirSync(dest)).toEqual(["keep.txt"]);
    expect(readdirSync(parent)).toEqual(["out"]);

    // A truncated transfer is caught too (by size, before the digest).
    proxy.reset({ truncateBlob: hashBytes(bin).slice("sha256:".length) });
    const short = await run(["pull", "cli-fraud@champion", join(parent, "short")], proxy.url);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^error: weights\/model\.bin: expected 12583035 bytes, received 12582935$/m);
    expect(readdirSync(parent)).toEqual(["out"]);

    // Interrupting a stalled pull (SIGTERM) removes its temp dir too.
    proxy.reset({ hangDownloads: true });
    const stalled = spawnCli(proxy.url, registry.token, cache, [
      "pull",
      "cli-fraud@champion",
      join(parent, "stalled"),
    ]);
    while (!proxy.seen.some((r) => r.startsWith("GET /api/v1/blobs/")))
      await new Promise((r) => setTimeout(r, 50));
    stalled.child.kill("SIGTERM");
    expect((await stalled.result).code).toBe(130);
    expect(readdirSync(parent)).toEqual(["out"]);

    // Without the fault the same pull replaces it.
    proxy.reset();
    const ok = await run(["pull", "--force", "cli-fraud@champion", dest], proxy.url);
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(join(dest, "keep.txt"))).toBe(false);
    expect(readFileSync(join(dest, "weights/model.bin")).equals(bin)).toBe(true);
  });

  it("bad input gets a clear message and exit code 1", async () => {
    const missing = await run(["pull", "cli-fraud@nope", join(tmpdir(), "never")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*\[ALIAS_NOT_FOUND\]/);
    const badMetric = await run(["push", "cli-fraud", model.dir, "--metric", "auc=high"]);
    expect(badMetric.code).toBe(1);
    expect(badMetric.stderr).toContain("--metric auc must be a finite number");
    const noToken = await cli(registry.url, "", cache, ["versions", "cli-fraud"]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/\[UNAUTHENTICATED\]/);
  });

  it("lists models and versions as tables", async () => {
    const models = await cli(registry.url, registry.token, cache, ["models"]);
    expect(models.code, models.stderr).toBe(0);
    expect(models.stdout).toMatch(/^NAME\s+LATEST\s+PRODUCTION\s+ALIASES\s+UPDATED\n/);
    expect(models.stdout).toMatch(/\ncli-fraud\s+2\s+-\s+champion=1\s/);
    const versions = await cli(registry.url, registry.token, cache, ["versions", "cli-fraud"]);
    expect(versions.code, versions.stderr).toBe(0);
    expect(versions.stdout.split("\n")[1]).toMatch(/^2\s+None\s+12\.0 MiB\s+auc=0\.98/);
  });
});
