import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  auditCount,
  createToken,
  expectStatus,
  json,
  modelWithVersions,
  newVersion,
  promote,
  stageOf,
  transition,
} from "./support";

let approver: string;
let contributor: string;
let viewer: string;
beforeAll(async () => {
  approver = await createToken("approver");
  contributor = await createToken("contributor");
  viewer = await createToken("viewer");
});

/** A model whose version 1 sits in `stage`, reached through the real API. */
async function versionIn(stage: string) {
  const { name } = await modelWithVersions(1);
  if (stage === "Staging" || stage === "Archived")
    await expectStatus(await transition(name, 1, { to: "Staging" }), 200);
  if (stage === "Archived") await expectStatus(await transition(name, 1, { to: "Archived" }), 200);
  if (stage === "Production") await promote(name, 1, approver);
  expect(await stageOf(name, 1)).toBe(stage);
  return name;
}

describe("illegal transitions", () => {
  const illegal: [string, string][] = [
    ["None", "None"],
    ["None", "Production"],
    ["Staging", "None"],
    ["Staging", "Staging"],
    ["Production", "None"],
    ["Production", "Staging"],
    ["Production", "Production"],
    ["Archived", "None"],
    ["Archived", "Staging"],
    ["Archived", "Production"],
    ["Archived", "Archived"],
  ];
  it.each(illegal)("%s → %s is 409 and changes neither state nor audit", async (from, to) => {
    const name = await versionIn(from);
    const before = await auditCount(name);
    await expectStatus(await transition(name, 1, { to, comment: "try" }), 409, "ILLEGAL_TRANSITION");
    expect(await stageOf(name, 1)).toBe(from);
    expect(await auditCount(name)).toBe(before);
  });

  it("an unknown stage is a 400, not a 500", async () => {
    const { name } = await modelWithVersions(1);
    await expectStatus(await transition(name, 1, { to: "Prod" }), 400, "INVALID_ARGUMENT");
    await expectStatus(await transition(name, 1, { to: "Staging", extra: 1 }), 400, "INVALID_ARGUMENT");
    await expectStatus(await transition(name, 9, { to: "Staging" }), 404, "VERSION_NOT_FOUND");
  });
});

describe("gates", () => {
  it("422 names every failed gate and writes nothing; a passing version enters Staging", async () => {
    const { name } = await modelWithVersions(0);
    const policy = {
      gates: [
        { metric: "auc", op: ">=", value: 0.95 },
        { metric: "auc", op: ">=", value: 0.9, slice: "segment=high_value" },
      ],
      require: ["signature", "dataset", "model_card.intended_use"],
    };
    await expectStatus(await api("PUT", `/api/v1/models/${name}/policy`, { body: policy }), 200);
    const weak = await newVersion(name, {
      metrics: { auc: 0.9 },
      slices: { "segment=high_value": { auc: 0.8 } },
    });
    const strong = await newVersion(name);
    const before = await auditCount(name);
    const body = await expectStatus(await transition(name, weak, { to: "Staging" }), 422, "GATE_FAILED");
    const failed = (body.failed_gates as { gate: string }[]).map((g) => g.gate);
    expect(failed).toEqual([
      "metric:auc>=0.95",
      "metric:auc>=0.9@segment=high_value",
      "require:signature",
      "require:dataset",
      "require:model_card.intended_use",
    ]);
    expect(await stageOf(name, weak)).toBe("None");
    expect(await auditCount(name)).toBe(before);
    await expectStatus(await transition(name, strong, { to: "Staging" }), 200);
  });
});

describe("who may move what", () => {
  it("Staging → Production without an approved request is 409 APPROVAL_REQUIRED, even for admins", async () => {
    const name = await versionIn("Staging");
    await expectStatus(await transition(name, 1, { to: "Production" }), 409, "APPROVAL_REQUIRED");
    await expectStatus(
      await transition(name, 1, { to: "Production" }, contributor),
      409,
      "APPROVAL_REQUIRED",
    );
    expect(await stageOf(name, 1)).toBe("Staging");
  });

  it("viewers cannot transition; contributors cannot fast-track or archive others' candidates", async () => {
    const name = await versionIn("Staging");
    await expectStatus(await transition(name, 1, { to: "Archived" }, viewer), 403, "PERMISSION_DENIED");
    await expectStatus(
      await transition(name, 1, { to: "Production", fast_track: true, comment: "x" }, contributor),
      403,
      "PERMISSION_DENIED",
    );
    await expectStatus(await transition(name, 1, { to: "Archived" }, contributor), 403, "PERMISSION_DENIED");
    expect(await stageOf(name, 1)).toBe("Staging");
  });

  it("a contributor takes their own version to Staging and archives it", async () => {
    const { name } = await modelWithVersions(0);
    const v = await newVersion(name, undefined, contributor);
    await expectStatus(await transition(name, v, { to: "Staging" }, contributor), 200);
    await expectStatus(await transition(name, v, { to: "Archived" }, contributor), 200);
  });

  it("contributors cannot archive Production; approvers can, and it becomes the rollback target", async () => {
    const name = await versionIn("Production");
    await expectStatus(await transition(name, 1, { to: "Archived" }, contributor), 403, "PERMISSION_DENIED");
    await expectStatus(await transition(name, 1, { to: "Archived" }, approver), 200);
    const model = await json(await api("GET", `/api/v1/models/${name}`));
    expect(model.production_version).toBeNull();
    const back = await api("POST", `/api/v1/models/${name}/rollback`, { body: { reason: "undo" } });
    expect(await expectStatus(back, 200)).toMatchObject({ production_version: 1, archived_version: null });
  });
});

describe("promotion", () => {
  it("archives the previous Production in the same change and announces it", async () => {
    const { name } = await modelWithVersions(2);
    await promote(name, 1, approver);
    await promote(name, 2, approver);
    expect([await stageOf(name, 1), await stageOf(name, 2)]).toEqual(["Archived", "Production"]);
    const { results } = await env.DB.prepare(
      "select type, envelope from outbox_events where model_name = ? order by sequence",
    )
      .bind(name)
      .all<{ type: string; envelope: string }>();
    const promotions = results.filter((r) => r.type === "model_version.stage_changed");
    const last = JSON.parse(promotions.at(-1)?.envelope ?? "{}");
    expect(last.data.after).toEqual({ stage: "Production", archived_version: 1 });
    expect(last.data.via).toBe("approval");
  });

  it("the database itself refuses a second Production version (partial UNIQUE index)", async () => {
    const { name } = await modelWithVersions(2);
    await promote(name, 1, approver);
    await expect(
      env.DB.prepare(
        "update model_versions set stage = 'Production' where version = 2 and model_id = (select id from models where name = ?)",
      )
        .bind(name)
        .run(),
    ).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it("archiving a Staging version cancels its pending approval request", async () => {
    const name = await versionIn("Staging");
    const req = await api("POST", `/api/v1/models/${name}/versions/1/approval-requests`, { body: {} });
    const { id } = await expectStatus(req, 201);
    await expectStatus(await transition(name, 1, { to: "Archived" }), 200);
    const after = await json(await api("GET", `/api/v1/approval-requests/${id}`));
    expect(after.status).toBe("cancelled");
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${id}/approve`, { token: approver, body: {} }),
      409,
      "APPROVAL_NOT_PENDING",
    );
  });
});
