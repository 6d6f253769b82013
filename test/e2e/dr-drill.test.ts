/**
 * DR drill: populate a registry, `registry export`, start a fresh registry, `registry import`, and
 * compare everything through the API — models, versions (numbers, stages, metadata), aliases,
 * policies, audit entries (every chain verifies), webhooks (new secrets) and the bytes of every
 * file. A tampered archive (one byte of a blob, one audit row) is refused naming the entry, and
 * nothing is written.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
    };
  }
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
  const run = await cli(source.url, source.token, cache, ["--json", "export", "--out", archive]);
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ models: 2, versions: 6, webhooks: 1, blobs: 12 });
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
    expect(report).toMatchObject({ models: 2, versions: 6, blobs: 12, blobs_uploaded: 12 });
    expect(report.webhooks).toHaveLength(1);
    expect(await everything(target)).toEqual(await everything(source));
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
