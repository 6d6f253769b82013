/**
 * DR drill: populate a registry, `registry export`, start a fresh registry, `registry import`, and
 * compare everything through the API — models, versions (numbers, stages, metadata), aliases,
 * policies, audit entries (every chain verifies), webhooks (new secrets) and the bytes of every
 * file. A tampered archive (one byte of a blob, one audit row) is refused naming the entry, and
 * nothing is written. Issue 17 completeness: an approval request in flight (one of two votes cast),
 * a serving node's deployment report and the dataset catalogue come back too.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRegistryClient } from "edge-model-registry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, MiB, MULTIPART, removeTempDirs, tempDir } from "./support/cli-run";
import { client, startTestRegistry, type TestRegistry } from "./support/server";

let source: TestRegistry;
let target: TestRegistry;
const cache = tempDir("dr-cache-");
const work = tempDir("dr-work-");
const archive = join(work, "registry.tar");
const BIG = randomBytes(9 * MiB);
const MODELS = ["dr-fraud", "dr-churn"];
const SECRET = `whsec_${Buffer.from("do-not-export-me-0123456789abcdef").toString("base64")}`;

function modelDir(seed: number, big = false) {
  const dir = join(work, `model-${seed}`);
  mkdirSync(join(dir, "weights"), { recursive: true });
  writeFileSync(join(dir, "MLmodel"), `flavors: {seed: ${seed}}\n`);
  writeFileSync(join(dir, "weights", "w.bin"), big ? BIG : randomBytes(4096));
  return dir;
}

async function ok(res: Response, status = 200) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return text ? JSON.parse(text) : null;
}

/** Everything the API shows about the registry, for a whole-registry comparison. */
async function everything(reg: TestRegistry) {
  const api = client(reg);
  const typed = createRegistryClient({ url: reg.url, token: reg.token });
  const out: Record<string, unknown> = {};
  for (const name of MODELS) {
    const versions = (await ok(await api("GET", `/api/v1/models/${name}/versions?page_size=100`))).items as {
      version: number;
      files: { path: string; digest: string }[];
    }[];
    const files: Record<string, string> = {};
    for (const v of versions) {
      for (const f of v.files) {
        const res = await api("GET", `/api/v1/models/${name}/versions/${v.version}/files/${f.path}`);
        files[`${v.version}/${f.path}`] = Buffer.from(await res.arrayBuffer()).toString("base64");
      }
    }
    const audit = (await ok(await api("GET", `/api/v1/audit?model=${name}&page_size=1000`))).items as {
      id: number;
      action: string;
    }[];
    out[name] = {
      model: await ok(await api("GET", `/api/v1/models/${name}`)),
      versions,
      policy: await ok(await api("GET", `/api/v1/models/${name}/policy`)),
      champion: await ok(await api("GET", `/api/v1/models/${name}/aliases/champion`)),
      // Row ids are registry-wide insertion numbers and are renumbered; seq, hashes and content are kept.
      audit: audit.filter((e) => e.action !== "model.restored").map(({ id: _id, ...entry }) => entry),
      files,
      // Issue 17: what was in flight and what the fleet reported.
      approval_requests: (
        await typed.get("/api/v1/approval-requests", { params: { query: { model: name, page_size: 100 } } })
      ).items,
      deployments: (
        await typed.get("/api/v1/models/{name}/deployments", { params: { path: { name } } })
      ).items.map(({ in_sync: _now, ...node }) => node),
    };
  }
  out.datasets = (await typed.get("/api/v1/datasets", { params: { query: { page_size: 100 } } })).items;
  return out;
}

beforeAll(async () => {
  [source, target] = await Promise.all([startTestRegistry(), startTestRegistry()]);
  const api = client(source);
  for (const [i, name] of MODELS.entries()) {
    for (let v = 1; v <= 3; v++) {
      const run = await cli(source.url, source.token, cache, [
        "--json",
        "push",
        name,
        modelDir(i * 10 + v, i === 0 && v === 2),
        "--metric",
        `auc=0.9${v}`,
        "--param",
        `depth=${v}`,
        "--tag",
        `fold=${v}`,
        ...MULTIPART,
      ]);
      expect(run.code, run.stderr).toBe(0);
    }
    await ok(await api("PUT", `/api/v1/models/${name}/tags/team`, { value: "risk" }));
    await ok(await api("PUT", `/api/v1/models/${name}/aliases/champion`, { version: 2 }));
    await ok(await api("POST", `/api/v1/models/${name}/versions/2/transitions`, { to: "Staging" }));
  }
  await ok(
    await api("PUT", `/api/v1/models/${MODELS[0]}/policy`, {
      gates: [{ metric: "auc", op: ">=", value: 0.9 }],
      require: [],
      required_approvals: 2,
      protected_aliases: ["champion"],
    }),
  );
  await ok(
    await api("POST", "/api/v1/webhooks", {
      url: "http://127.0.0.1:9/hook",
      events: ["*"],
      model_pattern: "dr-*",
      secret: SECRET,
    }),
    201,
  );
  // Issue 17: a promotion in flight (policy wants two approvals, one is cast), a node's report, a dataset.
  const typed = createRegistryClient({ url: source.url, token: source.token });
  const request = await typed.post("/api/v1/models/{name}/versions/{version}/approval-requests", {
    params: { path: { name: MODELS[0] as string, version: "2" } },
    body: { to: "Production", comment: "quarterly refresh" },
  });
  const approver = await typed.post("/api/v1/tokens", { body: { name: "reviewer", role: "approver" } });
  await createRegistryClient({ url: source.url, token: approver.token }).post(
    "/api/v1/approval-requests/{id}/approve",
    { params: { path: { id: request.id } }, body: { comment: "looks right" } },
  );
  const v2 = await typed.get("/api/v1/models/{name}/versions/{version}", {
    params: { path: { name: MODELS[0] as string, version: "2" } },
  });
  await typed.post("/api/v1/models/{name}/deployments", {
    params: { path: { name: MODELS[0] as string } },
    body: {
      node_id: "edge-fra-1",
      environment: "production",
      alias: "champion",
      version: 2,
      manifest_digest: v2.manifest_digest,
      loaded_at: new Date().toISOString(),
      status: "loaded",
      metrics: { error_rate: 0.002 },
    },
  });
  await typed.post("/api/v1/datasets", {
    body: { uri: "s3://lake/txn", version: "2026-01", owner: "data-eng", tags: { pii: "no" } },
  });
  const run = await cli(source.url, source.token, cache, ["--json", "export", "--out", archive]);
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({
    models: 2,
    versions: 6,
    webhooks: 1,
    blobs: 12,
    approval_requests: 1,
    deployments: 1,
    datasets: 1,
  });
  // Two servers built and started, six pushes: minutes on a loaded machine.
}, 600_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  removeTempDirs();
});

async function tamperedImport(name: string, edit: (bytes: Buffer) => Buffer) {
  const file = join(work, name);
  writeFileSync(file, edit(readFileSync(archive)));
  return cli(target.url, target.token, cache, ["import", file]);
}

describe("DR drill: export → fresh registry → import", () => {
  it("holds no secrets and no tokens", () => {
    const text = readFileSync(archive).toString("latin1");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(source.token);
  });

  it("refuses an archive with one byte of a blob changed, naming the entry, and writes nothing", async () => {
    const run = await tamperedImport("blob.tar", (bytes) => {
      const at = bytes.indexOf(BIG.subarray(0, 64));
      expect(at).toBeGreaterThan(0);
      bytes[at + 1000] = (bytes[at + 1000] ?? 0) ^ 1;
      return bytes;
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/blob\.tar: blobs\/sha256\/[0-9a-f]{64} does not match its digest/);
    expect((await ok(await client(target)("GET", "/api/v1/models"))).items).toEqual([]);
  });

  it("refuses an archive with one audit row changed, naming the entry", async () => {
    const run = await tamperedImport("audit.tar", (bytes) => {
      const row = Buffer.from('"action":"model.created"');
      const at = bytes.indexOf(row);
      expect(at).toBeGreaterThan(0);
      Buffer.from('"action":"model.CREATED"').copy(bytes, at);
      return bytes;
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/audit\.tar: models\/dr-(churn|fraud)\.json does not match its digest/);
    expect((await ok(await client(target)("GET", "/api/v1/models"))).items).toEqual([]);
  });

  it("restores exactly: models, numbers, stages, metadata, aliases, policies, audit, bytes", async () => {
    const run = await cli(target.url, target.token, cache, ["--json", "import", archive]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ models: 2, versions: 6, blobs: 12, blobs_uploaded: 12, datasets: 1 });
    expect(report.webhooks).toHaveLength(1);
    const [after, before] = [await everything(target), await everything(source)];
    expect(after).toEqual(before);
    // Not vacuous: the request is still pending with its one vote, the report and the entry are there.
    expect((before[MODELS[0] as string] as { approval_requests: unknown[] }).approval_requests).toMatchObject(
      [{ status: "pending", required_approvals: 2, approvals: [{ comment: "looks right" }] }],
    );
    expect((before[MODELS[0] as string] as { deployments: unknown[] }).deployments).toMatchObject([
      { node_id: "edge-fra-1", version: 2, metrics: { error_rate: 0.002 } },
    ]);
    expect(before.datasets).toMatchObject([{ uri: "s3://lake/txn", version: "2026-01", owner: "data-eng" }]);
    for (const name of MODELS) {
      const verify = await ok(await client(target)("GET", `/api/v1/models/${name}/audit/verify`));
      expect(verify.ok).toBe(true);
    }
    const hooks = (await ok(await client(target)("GET", "/api/v1/webhooks"))).items;
    expect(hooks).toMatchObject([{ url: "http://127.0.0.1:9/hook", events: ["*"], model_pattern: "dr-*" }]);
    // The ledger carries on from the restored record: the next number follows, the chain extends.
    const next = await client(target)("POST", `/api/v1/models/${MODELS[1]}/versions`, {
      description: "after",
    });
    expect((await ok(next, 201)).version).toBe(4);
    expect((await ok(await client(target)("GET", `/api/v1/models/${MODELS[1]}/audit/verify`))).ok).toBe(true);
  });

  it("refuses to restore into a registry that is not empty", async () => {
    const run = await cli(target.url, target.token, cache, ["import", archive]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("not empty");
  });
});
