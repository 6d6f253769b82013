/**
 * Issue #19 at registration: registration gates (refuse → nothing written; tag → `candidate`),
 * `require_registered_datasets` against the catalogue, input examples checked against the signature.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, auditCount, createModel, createToken, expectStatus, GOOD, json, uniqueName } from "./support";

async function modelWithPolicy(policy: Record<string, unknown>) {
  const name = uniqueName("reg");
  await createModel(name);
  await expectStatus(await api("PUT", `/api/v1/models/${name}/policy`, { body: policy }), 200);
  return name;
}

const register = (name: string, body: unknown, token?: string) =>
  api("POST", `/api/v1/models/${name}/versions`, { body, token });

async function rowCount(name: string): Promise<number> {
  const row = await env.DB.prepare(
    "select count(*) as n from model_versions where model_id = (select id from models where name = ?)",
  )
    .bind(name)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("registration_gates", () => {
  const gates = {
    gates: [
      { metric: "auc", op: ">=", value: 0.9 },
      { metric: "auc", op: ">=", value: 0.9, slice: "segment=high_value" },
    ],
    require: ["signature"],
  };

  it("refuses a registration below them, naming every gate, and writes nothing", async () => {
    const name = await modelWithPolicy({ registration_gates: { ...gates, on_fail: "refuse" } });
    const before = await auditCount(name);
    const body = await expectStatus(
      await register(name, { metrics: { auc: 0.5 }, slices: { "segment=high_value": { auc: 0.95 } } }),
      422,
      "GATE_FAILED",
    );
    expect((body.failed_gates as { gate: string }[]).map((g) => g.gate)).toEqual([
      "metric:auc>=0.9",
      "require:signature",
    ]);
    expect(await rowCount(name)).toBe(0);
    expect(await auditCount(name)).toBe(before);
    // The version number was not taken: the next good registration is 1.
    const ok = await expectStatus(await register(name, GOOD), 201);
    expect(ok).toMatchObject({ version: 1, tags: { validation_status: "validated" } });
  });

  it("with on_fail tag registers it as a candidate, overriding a claimed status, and audits why", async () => {
    const name = await modelWithPolicy({ registration_gates: { ...gates, on_fail: "tag" } });
    const weak = await expectStatus(
      await register(name, { ...GOOD, metrics: { auc: 0.5 }, tags: { validation_status: "validated" } }),
      201,
    );
    expect(weak.tags).toMatchObject({ validation_status: "candidate" });
    const strong = await expectStatus(await register(name, GOOD), 201);
    expect(strong.tags).toMatchObject({ validation_status: "validated" });
    const audit = await env.DB.prepare(
      "select after from audit_log where model_name = ? and action = 'model_version.created' order by seq",
    )
      .bind(name)
      .all<{ after: string }>();
    expect(audit.results.map((r) => JSON.parse(r.after).registration_gates)).toEqual([
      { passed: false, failed_gates: ["metric:auc>=0.9"] },
      { passed: true, failed_gates: [] },
    ]);
  });

  it("without registration gates nothing is tagged", async () => {
    const name = await modelWithPolicy({});
    const v = await expectStatus(await register(name, GOOD), 201);
    expect(v.tags).toEqual({});
  });

  it("bad registration gates are refused by the policy schema", async () => {
    const name = uniqueName("reg");
    await createModel(name);
    const bad = await api("PUT", `/api/v1/models/${name}/policy`, {
      body: { registration_gates: { gates: [], on_fail: "warn" } },
    });
    const body = await expectStatus(bad, 400);
    expect(JSON.stringify(body.errors)).toContain("registration_gates.on_fail");
  });
});

describe("require_registered_datasets", () => {
  it("refuses a version whose datasets are not catalogued (409 naming each), accepts once they are", async () => {
    const name = await modelWithPolicy({ require_registered_datasets: true });
    const uri = `s3://lake/${name}`;
    const digest = `sha256:${"c".repeat(64)}`;
    const datasets = [
      { uri, version: "v1", digest, role: "training" },
      { uri, version: "v2", role: "evaluation" },
    ];
    const refused = await expectStatus(await register(name, { datasets }), 409, "DATASET_NOT_REGISTERED");
    expect((refused.errors as { path: string }[]).map((e) => e.path)).toEqual(["datasets.0", "datasets.1"]);
    expect(await rowCount(name)).toBe(0);

    await expectStatus(await api("POST", "/api/v1/datasets", { body: { uri, version: "v1", digest } }), 201);
    const half = await expectStatus(await register(name, { datasets }), 409, "DATASET_NOT_REGISTERED");
    expect((half.errors as { path: string }[]).map((e) => e.path)).toEqual(["datasets.1"]);

    await expectStatus(await api("POST", "/api/v1/datasets", { body: { uri, version: "v2" } }), 201);
    await expectStatus(await register(name, { datasets }), 201);
    // Another digest under the same uri and version is another dataset.
    const forged = [{ uri, version: "v1", digest: `sha256:${"d".repeat(64)}` }];
    await expectStatus(await register(name, { datasets: forged }), 409, "DATASET_NOT_REGISTERED");
  });
});

describe("input_example", () => {
  const signature = {
    inputs: [
      { name: "amount", type: "double" },
      { name: "country", type: "string" },
      { name: "count", type: "long", required: false },
    ],
  };

  it("is kept when it matches the signature and shown on the card", async () => {
    const name = uniqueName("ex");
    await createModel(name);
    const input_example = [
      { amount: 12.5, country: "DE", count: 3 },
      { amount: 1, country: "FR" },
    ];
    const v = await expectStatus(await register(name, { signature, input_example }), 201);
    expect(v.input_example).toEqual(input_example);
    const got = await json(await api("GET", `/api/v1/models/${name}/versions/1`));
    expect(got.input_example).toEqual(input_example);
    const card = await api("GET", `/api/v1/models/${name}/versions/1/card`, {
      headers: { accept: "text/markdown" },
    });
    expect(await card.text()).toContain('"country": "DE"');
    // pandas' split form is accepted too
    const split = { columns: ["amount", "country"], data: [[3.5, "NL"]] };
    await expectStatus(await register(name, { signature, input_example: split }), 201);
  });

  it("a mismatch is a 400 naming every mismatching column, and writes nothing", async () => {
    const name = uniqueName("ex");
    await createModel(name);
    const bad = { amount: "12.5", count: 1.5, colour: "red" };
    const body = await expectStatus(
      await register(name, { signature, input_example: bad }),
      400,
      "INVALID_ARGUMENT",
    );
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      "input_example.amount",
      "input_example.colour",
      "input_example.count",
      "input_example.country",
    ]);
    expect(body.detail).toContain("amount");
    expect(await rowCount(name)).toBe(0);
  });

  it("size and depth are limited", async () => {
    const name = uniqueName("ex");
    await createModel(name);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    const tooDeep = await expectStatus(
      await register(name, { input_example: deep }),
      400,
      "INVALID_ARGUMENT",
    );
    expect(JSON.stringify(tooDeep.errors)).toContain("nested deeper");
    const big = { blob: "x".repeat(70 * 1024) };
    const tooBig = await expectStatus(await register(name, { input_example: big }), 400, "INVALID_ARGUMENT");
    expect(JSON.stringify(tooBig.errors)).toContain("bytes of JSON");
    // A tensor signature checks the rank.
    const tensor = { inputs: [{ type: "tensor", "tensor-spec": { dtype: "float32", shape: [-1, 3] } }] };
    await expectStatus(await register(name, { signature: tensor, input_example: [[1, 2, 3]] }), 201);
    await expectStatus(
      await register(name, { signature: tensor, input_example: [1, 2, 3] }),
      400,
      "INVALID_ARGUMENT",
    );
  });
});

describe("approval requests: cancel and filters", () => {
  it("only the requester cancels a pending request; approval.cancelled is audited and announced", async () => {
    const contributor = await createToken("contributor");
    const other = await createToken("contributor");
    const approver = await createToken("approver");
    const name = uniqueName("apr");
    await createModel(name);
    await expectStatus(await register(name, GOOD, contributor), 201);
    await expectStatus(
      await api("POST", `/api/v1/models/${name}/versions/1/transitions`, { body: { to: "Staging" } }),
      200,
    );
    const req = await expectStatus(
      await api("POST", `/api/v1/models/${name}/versions/1/approval-requests`, {
        body: {},
        token: contributor,
      }),
      201,
    );
    const cancel = (token: string) =>
      api("POST", `/api/v1/approval-requests/${req.id}/cancel`, { body: { comment: "not yet" }, token });
    await expectStatus(await cancel(other), 403, "PERMISSION_DENIED");
    await expectStatus(await cancel(approver), 403, "PERMISSION_DENIED");
    const viewer = await createToken("viewer");
    await expectStatus(await cancel(viewer), 403);
    const done = await expectStatus(await cancel(contributor), 200);
    expect(done.status).toBe("cancelled");
    await expectStatus(await cancel(contributor), 409, "APPROVAL_NOT_PENDING");
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${req.id}/approve`, { body: {}, token: approver }),
      409,
      "APPROVAL_NOT_PENDING",
    );
    const event = await env.DB.prepare(
      "select count(*) as n from outbox_events where model_name = ? and type = 'approval.cancelled'",
    )
      .bind(name)
      .first<{ n: number }>();
    expect(event?.n).toBe(1);
    const audit = await env.DB.prepare(
      "select reason from audit_log where model_name = ? and action = 'approval.cancelled'",
    )
      .bind(name)
      .first<{ reason: string }>();
    expect(audit?.reason).toBe("not yet");
  });

  it("GET /approval-requests filters by requester and decider", async () => {
    const requesterA = await createToken("contributor");
    const requesterB = await createToken("contributor");
    const approver = await createToken("approver");
    const name = uniqueName("apr");
    await createModel(name);
    const ids: string[] = [];
    for (const token of [requesterA, requesterB]) {
      const v = (await expectStatus(await register(name, GOOD), 201)).version as number;
      await api("POST", `/api/v1/models/${name}/versions/${v}/transitions`, { body: { to: "Staging" } });
      const r = await expectStatus(
        await api("POST", `/api/v1/models/${name}/versions/${v}/approval-requests`, { body: {}, token }),
        201,
      );
      ids.push(r.id as string);
    }
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${ids[1]}/reject`, { body: {}, token: approver }),
      200,
    );
    const tokenRow = async (secret: string) => {
      const hash = Array.from(
        new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret))),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
      return env.DB.prepare("select principal_id as id, name from tokens where token_hash = ?")
        .bind(hash)
        .first<{ id: string; name: string }>();
    };
    const a = await tokenRow(requesterA);
    const ap = await tokenRow(approver);
    const list = async (q: string) =>
      (
        await json<{ items: { id: string }[] }>(
          await api("GET", `/api/v1/approval-requests?model=${name}&${q}`),
        )
      ).items.map((i) => i.id);
    expect(await list(`requester=${a?.id}`)).toEqual([ids[0]]);
    expect(await list(`decider=${ap?.id}`)).toEqual([ids[1]]);
    expect(await list(`decider=${a?.id}`)).toEqual([]);
  });
});
