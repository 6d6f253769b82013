/**
 * Issue 17: serve-sync keeps a chunk cache like `registry pull --cache`. A node synced to version A
 * moves to a fine-tune B that shares most chunks: only B's new chunks cross the network
 * (`bytes_downloaded`), the rest come from the node's caches (`bytes_reused`), and the files it
 * serves are byte-identical to what was pushed.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRegistryClient, type RegistryClient } from "edge-model-registry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safetensorsFile } from "../support/tensor-files";
import { cli, removeTempDirs, tempDir } from "./support/cli-run";
import { serveSync } from "./support/serve-sync";
import { startTestRegistry, type TestRegistry } from "./support/server";

const KiB = 1024;
const CHUNKS = ["--chunk-threshold", "64KiB", "--chunk-size", "128KiB"];

describe("serve-sync with a chunk cache", () => {
  let registry: TestRegistry;
  let admin: RegistryClient;
  const base = Array.from({ length: 12 }, (_, i) => ({
    name: `layer${i}`,
    bytes: new Uint8Array(randomBytes(96 * KiB)),
  }));
  // The fine-tune changes two of twelve tensors.
  const tuned = base.map((t, i) => (i >= 10 ? { ...t, bytes: new Uint8Array(randomBytes(96 * KiB)) } : t));
  const a = safetensorsFile(base);
  const b = safetensorsFile(tuned);
  const config = JSON.stringify({ layers: 12 });

  beforeAll(async () => {
    registry = await startTestRegistry();
    admin = createRegistryClient({ url: registry.url, token: registry.token });
    for (const bytes of [a, b]) {
      const dir = tempDir("sync-model-");
      writeFileSync(join(dir, "model.safetensors"), bytes);
      writeFileSync(join(dir, "config.json"), config);
      const pushed = await cli(registry.url, registry.token, tempDir("cli-state-"), [
        "--json",
        "push",
        "tuned",
        dir,
        ...CHUNKS,
      ]);
      expect(pushed.code, pushed.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await registry?.stop();
    removeTempDirs();
  });

  it("moving A → B downloads only B's new chunks and serves B byte for byte", async () => {
    const { token } = await admin.post("/api/v1/tokens", { body: { name: "edge", role: "serving" } });
    const setChampion = (version: number) =>
      admin.put("/api/v1/models/{name}/aliases/{alias}", {
        params: { path: { name: "tuned", alias: "champion" } },
        body: { version },
      });
    await setChampion(1);
    const dir = tempDir("sync-node-");
    const node = serveSync(registry.url, token, "tuned@champion", dir, ["--interval", "0.2"]);
    try {
      const first = await node.waitFor((l) => l.event === "swapped" && l.version === 1, 60_000);
      // A cold node downloads everything once.
      expect(first.bytes_downloaded).toBe(a.length + config.length);
      expect(first.bytes_reused).toBe(0);
      expect(readFileSync(join(dir, "current", "model.safetensors")).equals(Buffer.from(a))).toBe(true);

      await setChampion(2);
      const second = await node.waitFor((l) => l.event === "swapped" && l.version === 2, 60_000);
      // Two changed tensors are two new chunks; the header chunk, ten tensors and config.json are reused.
      expect(second.bytes_downloaded).toBe(2 * 96 * KiB);
      expect(second.bytes_reused).toBe(b.length + config.length - 2 * 96 * KiB);
      expect(readFileSync(join(dir, "current", "model.safetensors")).equals(Buffer.from(b))).toBe(true);
      expect(readFileSync(join(dir, "current", "config.json"), "utf8")).toBe(config);
      await node.waitFor((l) => l.event === "reported" && l.version === 2 && l.in_sync === true);
    } finally {
      node.child.kill("SIGTERM");
      await node.exited;
    }
  });
});
