import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  auditCount,
  createToken,
  expectStatus,
  json,
  modelWithVersions,
  promote,
  transition,
} from "./support";

let approver: string;
let viewer: string;
beforeAll(async () => {
  approver = await createToken("approver");
  viewer = await createToken("viewer");
});

// Tampering needs the append-only triggers gone (migrations/0001); put them back after each test.
afterEach(async () => {
  await env.DB.batch([
    env.DB.prepare(
      "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ),
    env.DB.prepare(
      "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ),
  ]);
});

type Verdict = { ok: boolean; entries: number; broken_at_seq?: number; reason?: string };
const verify = async (name: string, token?: string) =>
  json<Verdict>(await api("GET", `/api/v1/models/${name}/audit/verify`, { token }));
const chainSql = "chain = (select id from models where name = ?)";

async function historyOf(n: number) {
  const { name } = await modelWithVersions(2);
  await promote(name, 1, approver);
  for (let i = 0; i < n; i++)
    await api("PUT", `/api/v1/models/${name}/tags/k${i}`, { body: { value: `${i}` } });
  return name;
}

describe("audit chain verification", () => {
  it("an untouched chain verifies, counting every entry", async () => {
    const name = await historyOf(2);
    expect(await verify(name, viewer)).toMatchObject({ ok: true, entries: await auditCount(name) });
  });

  it("editing a row in D1 is caught at that row's seq", async () => {
    const name = await historyOf(3);
    await env.DB.prepare("DROP TRIGGER audit_log_no_update").run();
    await env.DB.prepare(`update audit_log set actor = 'mallory' where ${chainSql} and seq = 4`)
      .bind(name)
      .run();
    expect(await verify(name)).toMatchObject({
      ok: false,
      broken_at_seq: 4,
      reason: "content hash mismatch",
    });
  });

  it("re-hashing an edited row does not help: the next link breaks", async () => {
    const name = await historyOf(3);
    await env.DB.prepare("DROP TRIGGER audit_log_no_update").run();
    await env.DB.prepare(`update audit_log set hash = ? where ${chainSql} and seq = 3`)
      .bind("f".repeat(64), name)
      .run();
    const verdict = await verify(name);
    expect(verdict.ok).toBe(false);
    expect(verdict.broken_at_seq).toBe(3); // its own hash no longer matches its content
  });

  it("deleting a row is caught as a missing entry", async () => {
    const name = await historyOf(3);
    await env.DB.prepare("DROP TRIGGER audit_log_no_delete").run();
    await env.DB.prepare(`delete from audit_log where ${chainSql} and seq = 2`).bind(name).run();
    expect(await verify(name)).toMatchObject({ ok: false, broken_at_seq: 2, reason: "missing entry" });
  });

  it("answers 404 for unknown models", async () => {
    await expectStatus(await api("GET", "/api/v1/models/no-such-model/audit/verify"), 404, "MODEL_NOT_FOUND");
  });
});

describe("GET /audit", () => {
  it("filters by model, action, actor and since, newest first", async () => {
    const name = await historyOf(1);
    const list = async (q: string) =>
      (
        await json<{ items: { action: string; actor: string; model: string; seq: number }[] }>(
          await api("GET", `/api/v1/audit?model=${name}${q}`),
        )
      ).items;
    const all = await list("");
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));
    expect(all.length).toBe(await auditCount(name));
    expect(all.every((e) => e.model === name)).toBe(true);
    const approvals = await list("&action=approval.approved");
    expect(approvals).toHaveLength(1);
    expect(approvals[0]?.actor).toBe("approver-token");
    expect((await list("&actor=approver-token")).map((e) => e.action).sort()).toEqual([
      "approval.approved",
      "model_version.stage_changed",
    ]);
    expect(await list(`&since=${Date.now() + 60_000}`)).toEqual([]);
    expect((await list("&since=2020-01-01T00:00:00Z")).length).toBe(all.length);
    await expectStatus(await api("GET", "/api/v1/audit?since=yesterday"), 400, "INVALID_ARGUMENT");
    await expectStatus(await api("GET", "/api/v1/audit?page_token=garbage"), 400, "INVALID_PAGE_TOKEN");
  });

  it("pages with a token, each entry once", async () => {
    const name = await historyOf(3);
    const seen: number[] = [];
    let token: string | null = null;
    do {
      const q: string = token ? `&page_token=${token}` : "";
      const page = await json<{ items: { seq: number }[]; next_page_token: string | null }>(
        await api("GET", `/api/v1/audit?model=${name}&page_size=2${q}`),
      );
      seen.push(...page.items.map((e) => e.seq));
      token = page.next_page_token;
    } while (token);
    const count = await auditCount(name);
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => count - i));
  });

  it("entries of no model (tokens) are for unscoped admins only", async () => {
    const systemEntries = async (token?: string) =>
      (
        await json<{ items: { model: string | null }[] }>(
          await api("GET", "/api/v1/audit?page_size=1000", { token }),
        )
      ).items.filter((e) => e.model === null).length;
    expect(await systemEntries()).toBeGreaterThan(0);
    expect(await systemEntries(viewer)).toBe(0);
    expect(await systemEntries(approver)).toBe(0);
  });

  it("a transition's entry carries before, after and the comment as reason", async () => {
    const { name } = await modelWithVersions(1);
    await expectStatus(await transition(name, 1, { to: "Staging", comment: "offline eval passed" }), 200);
    const [entry] = (
      await json<{ items: Record<string, unknown>[] }>(
        await api("GET", `/api/v1/audit?model=${name}&page_size=1`),
      )
    ).items;
    expect(entry).toMatchObject({
      action: "model_version.stage_changed",
      target: `model:${name}/versions/1`,
      before: { stage: "None" },
      after: { stage: "Staging" },
      reason: "offline eval passed",
      actor: "admin",
    });
    expect(entry?.request_id).toEqual(expect.any(String));
  });
});
