import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  auditCount,
  createToken,
  expectStatus,
  json,
  modelWithVersions,
  stageOf,
  transition,
} from "./support";

let approver: string;
let approver2: string;
let contributor: string;
let viewer: string;
beforeAll(async () => {
  approver = await createToken("approver");
  approver2 = await createToken("approver");
  contributor = await createToken("contributor");
  viewer = await createToken("viewer");
});

async function stagingRequest(token?: string, requiredApprovals?: number) {
  const { name } = await modelWithVersions(1);
  if (requiredApprovals !== undefined) {
    const policy = { required_approvals: requiredApprovals };
    await expectStatus(await api("PUT", `/api/v1/models/${name}/policy`, { body: policy }), 200);
  }
  await expectStatus(await transition(name, 1, { to: "Staging" }), 200);
  const res = await api("POST", `/api/v1/models/${name}/versions/1/approval-requests`, {
    body: { to: "Production", comment: "ready" },
    token,
  });
  const request = await expectStatus(res, 201);
  expect(res.headers.get("location")).toBe(`/api/v1/approval-requests/${request.id}`);
  expect(request).toMatchObject({
    status: "pending",
    required_approvals: requiredApprovals ?? 1,
    approvals: [],
  });
  return { name, id: request.id as string };
}

const decide = (id: string, verb: "approve" | "reject", token: string, comment = "") =>
  api("POST", `/api/v1/approval-requests/${id}/${verb}`, { token, body: { comment } });

describe("separation of duties", () => {
  it("the requester cannot approve or reject their own request", async () => {
    const { name, id } = await stagingRequest(approver);
    const before = await auditCount(name);
    await expectStatus(await decide(id, "approve", approver), 403, "SELF_APPROVAL");
    await expectStatus(await decide(id, "reject", approver), 403, "SELF_APPROVAL");
    expect(await stageOf(name, 1)).toBe("Staging");
    expect(await auditCount(name)).toBe(before);
  });

  it("the version's author cannot approve it either", async () => {
    // version 1 was registered by the bootstrap admin ("admin"); an approver opened the request
    const { id } = await stagingRequest(approver);
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${id}/approve`, { body: {} }),
      403,
      "SELF_APPROVAL",
    );
  });

  it("viewers and contributors cannot approve or reject", async () => {
    const { name, id } = await stagingRequest();
    for (const token of [viewer, contributor]) {
      await expectStatus(await decide(id, "approve", token), 403, "PERMISSION_DENIED");
      await expectStatus(await decide(id, "reject", token), 403, "PERMISSION_DENIED");
    }
    expect(await stageOf(name, 1)).toBe("Staging");
  });

  it("a viewer cannot request approval; a contributor can", async () => {
    const { name } = await modelWithVersions(1);
    await expectStatus(await transition(name, 1, { to: "Staging" }), 200);
    const path = `/api/v1/models/${name}/versions/1/approval-requests`;
    await expectStatus(await api("POST", path, { token: viewer, body: {} }), 403, "PERMISSION_DENIED");
    await expectStatus(await api("POST", path, { token: contributor, body: {} }), 201);
  });
});

describe("the approval flow", () => {
  it("one approval (the default policy) promotes the version", async () => {
    const { name, id } = await stagingRequest(contributor);
    const body = await expectStatus(await decide(id, "approve", approver, "lgtm"), 200);
    expect(body).toMatchObject({
      status: "approved",
      approvals: [{ approver: "approver-token", comment: "lgtm" }],
    });
    expect(body.decided_at).not.toBeNull();
    expect(await stageOf(name, 1)).toBe("Production");
  });

  it("N-of-M: two approvals needed; the same approver cannot count twice", async () => {
    const { name, id } = await stagingRequest(contributor, 2);
    expect(await expectStatus(await decide(id, "approve", approver), 200)).toMatchObject({
      status: "pending",
    });
    expect(await stageOf(name, 1)).toBe("Staging");
    await expectStatus(await decide(id, "approve", approver), 409, "ALREADY_VOTED");
    await expectStatus(await transition(name, 1, { to: "Production" }), 409, "APPROVAL_REQUIRED");
    const done = await expectStatus(await decide(id, "approve", approver2), 200);
    expect(done).toMatchObject({ status: "approved" });
    expect((done.approvals as unknown[]).length).toBe(2);
    expect(await stageOf(name, 1)).toBe("Production");
  });

  it("a policy edit after the request does not move its goal", async () => {
    const { name, id } = await stagingRequest(contributor, 2);
    await expectStatus(
      await api("PUT", `/api/v1/models/${name}/policy`, { body: { required_approvals: 1 } }),
      200,
    );
    expect(await expectStatus(await decide(id, "approve", approver), 200)).toMatchObject({
      status: "pending",
    });
  });

  it("one rejection closes the request; later votes are refused", async () => {
    const { name, id } = await stagingRequest(contributor, 2);
    const body = await expectStatus(await decide(id, "reject", approver, "metrics drift"), 200);
    expect(body).toMatchObject({ status: "rejected", rejections: [{ comment: "metrics drift" }] });
    await expectStatus(await decide(id, "approve", approver2), 409, "APPROVAL_NOT_PENDING");
    expect(await stageOf(name, 1)).toBe("Staging");
    // a fresh request may be opened after a rejection
    const again = await api("POST", `/api/v1/models/${name}/versions/1/approval-requests`, { body: {} });
    await expectStatus(again, 201);
  });

  it("requests only for Staging versions, one pending at a time", async () => {
    const { name } = await modelWithVersions(1);
    const path = `/api/v1/models/${name}/versions/1/approval-requests`;
    await expectStatus(await api("POST", path, { body: {} }), 409, "ILLEGAL_TRANSITION");
    await expectStatus(await api("POST", path, { body: { to: "Staging" } }), 400, "INVALID_ARGUMENT");
    await expectStatus(await transition(name, 1, { to: "Staging" }), 200);
    await expectStatus(await api("POST", path, { body: {} }), 201);
    await expectStatus(await api("POST", path, { body: {} }), 409, "APPROVAL_ALREADY_PENDING");
  });

  it("pending requests are listed; decided ones leave the pending list", async () => {
    const { name, id } = await stagingRequest(contributor);
    const pending = async () =>
      (
        await json<{ items: { id: string }[] }>(
          await api("GET", `/api/v1/approval-requests?status=pending&model=${name}`, { token: viewer }),
        )
      ).items.map((r) => r.id);
    expect(await pending()).toEqual([id]);
    await expectStatus(await decide(id, "approve", approver), 200);
    expect(await pending()).toEqual([]);
    await expectStatus(await api("GET", "/api/v1/approval-requests?status=bogus"), 400, "INVALID_ARGUMENT");
    await expectStatus(
      await api("GET", "/api/v1/approval-requests/apr_nope"),
      404,
      "APPROVAL_REQUEST_NOT_FOUND",
    );
  });

  it("lists page with a token and every request appears exactly once", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await stagingRequest()).id);
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const q: string = token ? `&page_token=${token}` : "";
      const page = await json<{ items: { id: string }[]; next_page_token: string | null }>(
        await api("GET", `/api/v1/approval-requests?status=pending&page_size=1${q}`),
      );
      seen.push(...page.items.map((r) => r.id));
      token = page.next_page_token;
    } while (token);
    expect(seen.filter((id) => ids.has(id)).sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("every step is audited with actor and comment, and announced", async () => {
    const { name, id } = await stagingRequest(contributor);
    await expectStatus(await decide(id, "approve", approver, "ok by me"), 200);
    const { results } = await env.DB.prepare(
      "select action, actor, reason from audit_log where model_name = ? order by seq",
    )
      .bind(name)
      .all<{ action: string; actor: string; reason: string | null }>();
    expect(results.slice(-3)).toEqual([
      { action: "approval.requested", actor: "contributor-token", reason: "ready" },
      { action: "approval.approved", actor: "approver-token", reason: "ok by me" },
      { action: "model_version.stage_changed", actor: "approver-token", reason: "ok by me" },
    ]);
    const events = await env.DB.prepare(
      "select type from outbox_events where model_name = ? order by sequence",
    )
      .bind(name)
      .all<{ type: string }>();
    expect(events.results.map((e) => e.type).slice(-3)).toEqual([
      "approval.requested",
      "approval.approved",
      "model_version.stage_changed",
    ]);
  });
});

describe("fast-track and review", () => {
  it("an admin fast-tracks with a reason; needs_review stays until another approver signs off", async () => {
    const { name } = await modelWithVersions(1);
    await expectStatus(await transition(name, 1, { to: "Staging" }), 200);
    await expectStatus(
      await transition(name, 1, { to: "Production", fast_track: true }),
      400,
      "INVALID_ARGUMENT",
    );
    const v = await expectStatus(
      await transition(name, 1, { to: "Production", fast_track: true, comment: "fraud spike, hotfix" }),
      200,
    );
    expect(v).toMatchObject({ stage: "Production", needs_review: true });
    const signOff = (token?: string) =>
      api("POST", `/api/v1/models/${name}/versions/1/review-sign-off`, {
        token,
        body: { comment: "checked" },
      });
    await expectStatus(await signOff(), 403, "SELF_APPROVAL"); // the admin who fast-tracked
    await expectStatus(await signOff(contributor), 403, "PERMISSION_DENIED");
    expect(await expectStatus(await signOff(approver), 200)).toMatchObject({ needs_review: false });
    await expectStatus(await signOff(approver), 409, "REVIEW_NOT_NEEDED");
    const audit = await env.DB.prepare(
      "select action, reason from audit_log where model_name = ? order by seq",
    )
      .bind(name)
      .all<{ action: string; reason: string }>();
    expect(audit.results.map((r) => r.action)).toContain("model_version.fast_tracked");
    expect(audit.results.find((r) => r.action === "model_version.fast_tracked")?.reason).toBe(
      "fraud spike, hotfix",
    );
  });
});
