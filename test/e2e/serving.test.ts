import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSync } from "./support/serve-sync";
import { client, startTestRegistry, type TestRegistry } from "./support/server";
import { startThrottledProxy } from "./support/throttled-proxy";

const sha = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const hexOf = (digest: string) => digest.slice("sha256:".length);
/** `current` points at versions/<manifest hex>-<install id>. */
const versionDir = (v: { manifest_digest: string }) =>
  new RegExp(`^versions/${hexOf(v.manifest_digest)}-[0-9a-f]{8}$`);

describe("serve-sync, the reference serving node, against the real server", () => {
  let registry: TestRegistry;
  let call: ReturnType<typeof client>;
  let servingToken: string;

  beforeAll(async () => {
    registry = await startTestRegistry();
    call = client(registry);
    const res = await call("POST", "/api/v1/tokens", { name: "edge-node", role: "serving" });
    servingToken = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await registry?.stop();
  });

  async function putBlob(bytes: Uint8Array) {
    const digest = sha(bytes);
    const res = await fetch(`${registry.url}/api/v1/blobs/${digest}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${registry.token}`, "content-type": "application/octet-stream" },
      body: new Uint8Array(bytes),
    });
    expect([200, 201]).toContain(res.status);
    return digest;
  }

  async function register(name: string, files: Record<string, Uint8Array>) {
    const manifest = [];
    for (const [path, bytes] of Object.entries(files)) {
      manifest.push({ path, digest: await putBlob(bytes), size: bytes.byteLength });
    }
    const res = await call("POST", `/api/v1/models/${name}/versions`, { files: manifest });
    expect(res.status).toBe(201);
    return (await res.json()) as { version: number; manifest_digest: string };
  }

  const setChampion = async (name: string, version: number) =>
    expect((await call("PUT", `/api/v1/models/${name}/aliases/champion`, { version })).status).toBe(200);

  it("picks up an alias move on its next poll, downloads only changed blobs, swaps atomically, reports", async () => {
    const name = "e2e-serving-poll";
    expect((await call("POST", "/api/v1/models", { name })).status).toBe(201);
    const shared = randomBytes(4096);
    const v1 = await register(name, {
      "tokenizer.json": shared,
      "weights/model.bin": randomBytes(64 * 1024),
    });
    const v2Weights = randomBytes(64 * 1024);
    const v2 = await register(name, { "tokenizer.json": shared, "weights/model.bin": v2Weights });
    await setChampion(name, 1);

    const dir = mkdtempSync(join(tmpdir(), "serve-sync-"));
    const node = serveSync(registry.url, servingToken, `${name}@champion`, dir, ["--interval", "0.2"]);
    try {
      await node.waitFor((l) => l.event === "swapped" && l.version === 1);
      expect(readlinkSync(join(dir, "current"))).toMatch(versionDir(v1));
      await node.waitFor((l) => l.event === "reported" && l.in_sync === true);
      // Unchanged pointer: the following polls are 304s that load nothing.
      await node.waitFor((l) => l.event === "not_modified");

      const downloadsBefore = node.lines.filter((l) => l.event === "downloading").length;
      await setChampion(name, 2);
      await node.waitFor((l) => l.event === "swapped" && l.version === 2);
      const downloads = node.lines.filter((l) => l.event === "downloading").slice(downloadsBefore);
      expect(downloads.map((l) => l.path)).toEqual(["weights/model.bin"]);
      expect(readlinkSync(join(dir, "current"))).toMatch(versionDir(v2));
      expect(readFileSync(join(dir, "current", "weights", "model.bin")).equals(v2Weights)).toBe(true);
      expect(readFileSync(join(dir, "current", "tokenizer.json")).equals(shared)).toBe(true);

      await node.waitFor((l) => l.event === "reported" && l.version === 2);
      const listed = await call("GET", `/api/v1/models/${name}/deployments`);
      const [row] = ((await listed.json()) as { items: Record<string, unknown>[] }).items;
      expect(row).toMatchObject({
        node_id: "node-1",
        version: 2,
        manifest_digest: v2.manifest_digest,
        in_sync: true,
      });
      expect(row?.previous).toEqual({ version: 1, manifest_digest: v1.manifest_digest });
    } finally {
      node.child.kill("SIGINT");
    }
    expect(await node.exited).toBe(0);
    expect(node.lines.at(-1)?.event).toBe("stopped");
    expect(readdirSync(join(dir, ".tmp"))).toEqual([]);
  });

  it("killed with SIGKILL mid-download, it never exposes a half-written version; a restart finishes", async () => {
    const name = "e2e-serving-kill";
    expect((await call("POST", "/api/v1/models", { name })).status).toBe(201);
    const small = randomBytes(16 * 1024);
    const v1 = await register(name, { "model.bin": small });
    const big = randomBytes(8 * 1024 * 1024);
    const v2 = await register(name, { "model.bin": big });
    await setChampion(name, 1);

    const dir = mkdtempSync(join(tmpdir(), "serve-sync-kill-"));
    const first = serveSync(registry.url, servingToken, `${name}@champion`, dir, ["--once"]);
    expect(await first.exited).toBe(0);
    await setChampion(name, 2);

    // Through a slow link (~1 MiB/s), so the 8 MiB download is surely in flight when we kill it.
    const proxy = await startThrottledProxy(registry.url, 1024 * 1024);
    const node = serveSync(proxy.url, servingToken, `${name}@champion`, dir, ["--interval", "0.2"]);
    try {
      await node.waitFor((l) => l.event === "downloading");
      const tmp = join(dir, ".tmp");
      const deadline = Date.now() + 20_000;
      const partialSize = () =>
        readdirSync(tmp)
          .filter((f) => f.endsWith(".partial"))
          .reduce((n, f) => n + statSync(join(tmp, f)).size, 0);
      while (partialSize() < 512 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(partialSize()).toBeGreaterThan(0);
      expect(partialSize()).toBeLessThan(big.byteLength);
      node.child.kill("SIGKILL");
      await node.exited;
    } finally {
      await proxy.stop();
    }
    // current still points at the complete v1; v2 never appeared outside .tmp.
    expect(readlinkSync(join(dir, "current"))).toMatch(versionDir(v1));
    expect(readFileSync(join(dir, "current", "model.bin")).equals(small)).toBe(true);
    expect(readdirSync(join(dir, "versions")).filter((d) => d.startsWith(hexOf(v2.manifest_digest)))).toEqual(
      [],
    );
    expect(existsSync(join(dir, "blobs", "sha256", hexOf(sha(big))))).toBe(false);

    const again = serveSync(registry.url, servingToken, `${name}@champion`, dir, ["--once"]);
    expect(await again.exited).toBe(0);
    expect(readlinkSync(join(dir, "current"))).toMatch(versionDir(v2));
    expect(readFileSync(join(dir, "current", "model.bin")).equals(big)).toBe(true);
    expect(readdirSync(join(dir, ".tmp"))).toEqual([]);
  });

  it("measures the tree on disk: a hand-edited version is reinstalled and the drift episode closes", async () => {
    const name = "e2e-serving-tamper";
    expect((await call("POST", "/api/v1/models", { name })).status).toBe(201);
    const original = randomBytes(1024);
    const v1 = await register(name, { "model.bin": original });
    await setChampion(name, 1);
    const dir = mkdtempSync(join(tmpdir(), "serve-sync-tamper-"));
    expect(await serveSync(registry.url, servingToken, `${name}@champion`, dir, ["--once"]).exited).toBe(0);

    // Someone copies a file into the live version by hand, and a node reports what it measured.
    // Same size, edited in place: the hard-linked blob cache is damaged with it.
    writeFileSync(join(dir, "current", "model.bin"), randomBytes(1024));
    const res = await fetch(`${registry.url}/api/v1/models/${name}/deployments`, {
      method: "POST",
      headers: { authorization: `Bearer ${servingToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        node_id: "node-1",
        environment: "champion",
        version: 1,
        manifest_digest: sha(Buffer.from("a different manifest")),
        loaded_at: new Date().toISOString(),
        status: "loaded",
      }),
    });
    expect(await res.json()).toMatchObject({ drift: "digest_mismatch", digest_mismatch: true });

    // serve-sync measures the tree on start, sees it is not what the registry says, and reinstalls.
    const node = serveSync(registry.url, servingToken, `${name}@champion`, dir, ["--once"]);
    expect(await node.exited).toBe(0);
    expect(node.lines.some((l) => l.event === "cache_repaired")).toBe(true);
    expect(node.lines.some((l) => l.event === "swapped")).toBe(true);
    expect(readFileSync(join(dir, "current", "model.bin")).equals(original)).toBe(true);
    const listed = await call("GET", `/api/v1/models/${name}/deployments`);
    const [row] = ((await listed.json()) as { items: Record<string, unknown>[] }).items;
    expect(row).toMatchObject({
      manifest_digest: v1.manifest_digest,
      in_sync: true,
      drift_since: null,
      drift_episodes: 1,
    });
  });
});
