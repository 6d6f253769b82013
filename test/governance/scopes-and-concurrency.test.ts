import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  createModel,
  createToken,
  expectStatus,
  json,
  newVersion,
  promote,
  stageOf,
  transition,
  uniqueName,
} from "./support";

let approver: string;
let contributor: string;
beforeAll(async () => {
  approver = await createToken("approver");
  contributor = await createToken("contributor");
});

describe("scoped tokens see nothing outside their scope (404, never 403)", () => {
  it("policy, transitions, approvals, rollback and audit of an out-of-scope model do not exist", async () => {
    const mine = uniqueName("fraud");
    const other = uniqueName("credit");
    for (const name of [mine, other]) {
      await createModel(name);
      await newVersion(name);
      await expectStatus(await transition(name, 1, { to: "Staging" }), 200);
    }
    const otherReq = await expectStatus(
      await api("POST", `/api/v1/models/${other}/versions/1/approval-requests`, { body: {} }),
      201,
    );
    const mineReq = await expectStatus(
      await api("POST", `/api/v1/models/${mine}/versions/1/approval-requests`, { body: {} }),
      201,
    );
    const scopedAdmin = await createToken("admin", ["fraud-*"]);
    const scopedApprover = await createToken("approver", ["fraud-*"]);
    const calls: [string, string, unknown?][] = [
      ["GET", `/api/v1/models/${other}/policy`],
      ["PUT", `/api/v1/models/${other}/policy`, { required_approvals: 3 }],
      ["POST", `/api/v1/models/${other}/versions/1/transitions`, { to: "Archived" }],
      ["POST", `/api/v1/models/${other}/versions/1/approval-requests`, {}],
      ["POST", `/api/v1/models/${other}/rollback`, { reason: "x" }],
      ["GET", `/api/v1/models/${other}/audit/verify`],
      ["GET", `/api/v1/audit?model=${other}`],
      ["GET", `/api/v1/approval-requests?model=${other}`],
      ["POST", `/api/v1/models/${other}/versions/1/review-sign-off`, {}],
    ];
    for (const [method, path, body] of calls) {
      await expectStatus(await api(method, path, { token: scopedAdmin, body }), 404, "MODEL_NOT_FOUND");
    }
    for (const verb of ["approve", "reject"]) {
      const res = await api("POST", `/api/v1/approval-requests/${otherReq.id}/${verb}`, {
        token: scopedApprover,
        body: {},
      });
      await expectStatus(res, 404, "APPROVAL_REQUEST_NOT_FOUND");
    }
    await expectStatus(
      await api("GET", `/api/v1/approval-requests/${otherReq.id}`, { token: scopedApprover }),
      404,
      "APPROVAL_REQUEST_NOT_FOUND",
    );
    expect(await stageOf(other, 1)).toBe("Staging");

    const listed = await json<{ items: { name: string; id: string }[] }>(
      await api("GET", "/api/v1/approval-requests?status=pending&page_size=1000", { token: scopedApprover }),
    );
    expect(listed.items.map((r) => r.id)).toContain(mineReq.id);
    expect(listed.items.every((r) => r.name.startsWith("fraud-"))).toBe(true);
    const audit = await json<{ items: { model: string | null }[] }>(
      await api("GET", "/api/v1/audit?page_size=1000", { token: scopedAdmin }),
    );
    expect(audit.items.length).toBeGreaterThan(0);
    expect(audit.items.every((e) => e.model?.startsWith("fraud-"))).toBe(true);
    // the core read paths hide it too: get, list, search, lineage, and writes to it
    const reads: [string, string, unknown?][] = [
      ["GET", `/api/v1/models/${other}`],
      ["GET", `/api/v1/models/${other}/versions/1`],
      ["GET", `/api/v1/models/${other}/versions/1/lineage`],
      ["PUT", `/api/v1/models/${other}/aliases/champion`, { version: 1 }],
      ["PATCH", `/api/v1/models/${other}`, { description: "mine now" }],
    ];
    for (const [method, path, body] of reads) {
      await expectStatus(await api(method, path, { token: scopedAdmin, body }), 404, "MODEL_NOT_FOUND");
    }
    const models = await json<{ items: { name: string }[] }>(
      await api("GET", "/api/v1/models?page_size=1000", { token: scopedAdmin }),
    );
    expect(models.items.map((m) => m.name)).toContain(mine);
    expect(models.items.map((m) => m.name)).not.toContain(other);
    const search = await json<{ items: { name: string }[] }>(
      await api(
        "GET",
        `/api/v1/model-versions?filter=${encodeURIComponent("stage = 'Staging'")}&page_size=1000`,
        {
          token: scopedAdmin,
        },
      ),
    );
    expect(search.items.map((v) => v.name)).toContain(mine);
    expect(search.items.map((v) => v.name)).not.toContain(other);
    // inside the scope everything works
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${mineReq.id}/approve`, {
        token: scopedApprover,
        body: {},
      }),
      200,
    );
    expect(await stageOf(mine, 1)).toBe("Production");
  });
});

describe("protected aliases", () => {
  it("only approvers move or delete an alias the policy protects", async () => {
    const name = uniqueName("alias");
    await createModel(name);
    await newVersion(name);
    await newVersion(name);
    const policy = { protected_aliases: ["champion"] };
    await expectStatus(await api("PUT", `/api/v1/models/${name}/policy`, { body: policy }), 200);
    const put = (alias: string, version: number, token: string) =>
      api("PUT", `/api/v1/models/${name}/aliases/${alias}`, { token, body: { version } });
    await expectStatus(await put("champion", 1, contributor), 403, "PERMISSION_DENIED");
    await expectStatus(await put("challenger", 1, contributor), 200);
    await expectStatus(await put("champion", 1, approver), 200);
    await expectStatus(await put("champion", 2, contributor), 403, "PERMISSION_DENIED");
    const del = (token: string) => api("DELETE", `/api/v1/models/${name}/aliases/champion`, { token });
    await expectStatus(await del(contributor), 403, "PERMISSION_DENIED");
    const res = await del(approver);
    expect(res.status).toBe(204);
  });

  it("the policy itself is admin-only and validated", async () => {
    const name = uniqueName("pol");
    await createModel(name);
    const put = (body: unknown, token?: string) =>
      api("PUT", `/api/v1/models/${name}/policy`, { body, token });
    await expectStatus(await put({ required_approvals: 2 }, approver), 403, "PERMISSION_DENIED");
    await expectStatus(await put({ gates: [{ metric: "auc", op: "~", value: 1 }] }), 400, "INVALID_ARGUMENT");
    await expectStatus(await put({ require: ["vibes"] }), 400, "INVALID_ARGUMENT");
    await expectStatus(await put({ required_approvals: 0 }), 400, "INVALID_ARGUMENT");
    await expectStatus(
      await put({ gates: [{ metric: "auc", op: ">=", value: "high" }] }),
      400,
      "INVALID_ARGUMENT",
    );
    const initial = await json(await api("GET", `/api/v1/models/${name}/policy`));
    expect(initial).toMatchObject({ is_default: true, required_approvals: 1, gates: [] });
    await expectStatus(await put({ required_approvals: 2, require: ["model_card.limitations"] }), 200);
    expect(await json(await api("GET", `/api/v1/models/${name}/policy`))).toMatchObject({
      is_default: false,
      required_approvals: 2,
      require: ["model_card.limitations"],
    });
  });
});

describe("invariant 6 under concurrency", () => {
  async function productionCount(name: string) {
    const row = await env.DB.prepare(
      "select count(*) as n from model_versions where stage = 'Production' and model_id = (select id from models where name = ?)",
    )
      .bind(name)
      .first<{ n: number }>();
    return row?.n;
  }

  it("two concurrent fast-tracks of different versions end with exactly one in Production", async () => {
    const name = uniqueName("race");
    await createModel(name);
    for (let i = 0; i < 4; i++) await newVersion(name);
    const results = await Promise.all(
      [1, 2, 3, 4].map((v) => transition(name, v, { to: "Production", fast_track: true, comment: "race" })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await productionCount(name)).toBe(1);
    const stages = await Promise.all([1, 2, 3, 4].map((v) => stageOf(name, v)));
    expect(stages.filter((s) => s === "Archived")).toHaveLength(3);
  });

  it("two approvals landing at once for different versions promote one after the other", async () => {
    const name = uniqueName("race");
    await createModel(name);
    await newVersion(name);
    await newVersion(name);
    const ids: string[] = [];
    for (const v of [1, 2]) {
      await expectStatus(await transition(name, v, { to: "Staging" }), 200);
      const res = await api("POST", `/api/v1/models/${name}/versions/${v}/approval-requests`, { body: {} });
      ids.push((await expectStatus(res, 201)).id as string);
    }
    const approver2 = await createToken("approver");
    const results = await Promise.all(
      ids.map((id, i) =>
        api("POST", `/api/v1/approval-requests/${id}/approve`, {
          token: i === 0 ? approver : approver2,
          body: {},
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(await productionCount(name)).toBe(1);
    const verdict = await json(await api("GET", `/api/v1/models/${name}/audit/verify`));
    expect(verdict.ok).toBe(true);
  });

  it("after a promotion race the model's production_version is the one left in Production", async () => {
    const name = uniqueName("race");
    await createModel(name);
    await newVersion(name);
    await newVersion(name);
    await promote(name, 1, approver);
    await Promise.all(
      [1, 2].map(() => transition(name, 2, { to: "Production", fast_track: true, comment: "x" })),
    );
    const model = await json(await api("GET", `/api/v1/models/${name}`));
    expect(model.production_version).toBe(2);
    expect(await stageOf(name, 1)).toBe("Archived");
  });
});
