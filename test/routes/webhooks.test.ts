import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createToken, json } from "../support/api";

interface Webhook {
  id: string;
  url: string;
  events: string[];
  model_pattern: string | null;
  active: boolean;
  description: string;
  secret?: string;
}
interface Problem {
  status: number;
  code: string;
  errors?: { path: string; message: string }[];
}

const receiver = () => `${env.WEBHOOK_RECEIVER_URL}/hooks/api-${Math.random().toString(36).slice(2)}`;

async function create(body: Record<string, unknown>) {
  return api("POST", "/api/v1/webhooks", { body: { url: receiver(), events: ["*"], ...body } });
}

async function auditOf(id: string) {
  const { results } = await env.DB.prepare(
    "select chain, action, before, after from audit_log where target = ? order by seq",
  )
    .bind(`webhook:${id}`)
    .all<{ chain: string; action: string; before: string | null; after: string | null }>();
  return results;
}

describe("webhook subscriptions API", () => {
  it("creates with a generated whsec_ secret shown once, never listed, audited without it", async () => {
    const res = await create({ events: ["model.created", "alias.set"], model_pattern: "fraud-*" });
    expect(res.status).toBe(201);
    const hook = await json<Webhook>(res);
    expect(res.headers.get("location")).toBe(`/api/v1/webhooks/${hook.id}`);
    expect(hook).toMatchObject({
      events: ["model.created", "alias.set"],
      model_pattern: "fraud-*",
      active: true,
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const got = await json<Webhook>(await api("GET", `/api/v1/webhooks/${hook.id}`));
    expect(got.secret).toBeUndefined();
    const list = await json<{ items: Webhook[] }>(await api("GET", "/api/v1/webhooks"));
    expect(list.items.map((w) => w.id)).toContain(hook.id);
    expect(JSON.stringify(list)).not.toContain(hook.secret);

    // At rest the secret is sealed, not plain; the audit trail never holds it.
    const row = await env.DB.prepare("select secret from webhook_subscriptions where id = ?")
      .bind(hook.id)
      .first<{ secret: string }>();
    expect(row?.secret).toMatch(/^v1:/);
    expect(row?.secret).not.toContain((hook.secret ?? "").slice(6, 20));
    const audit = await auditOf(hook.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ chain: "system", action: "webhook.created" });
    expect(JSON.stringify(audit)).not.toContain(hook.secret);
  });

  it("keeps a secret the caller chose", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const hook = await json<Webhook>(await create({ secret }));
    expect(hook.secret).toBe(secret);
  });

  it("updates, rotates the secret (audited as rotated, not its value) and deletes", async () => {
    const hook = await json<Webhook>(await create({}));
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const res = await api("PATCH", `/api/v1/webhooks/${hook.id}`, {
      body: { active: false, description: "paused", secret, events: ["alias.set"] },
    });
    expect(res.status).toBe(200);
    const updated = await json<Webhook>(res);
    expect(updated).toMatchObject({ active: false, description: "paused", events: ["alias.set"] });
    expect(updated.secret).toBeUndefined();

    expect((await api("DELETE", `/api/v1/webhooks/${hook.id}`)).status).toBe(204);
    const gone = await api("GET", `/api/v1/webhooks/${hook.id}`);
    expect(gone.status).toBe(404);
    expect((await json<Problem>(gone)).code).toBe("WEBHOOK_NOT_FOUND");
    expect((await api("DELETE", `/api/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await api("GET", `/api/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);

    const audit = await auditOf(hook.id);
    expect(audit.map((a) => a.action)).toEqual(["webhook.created", "webhook.updated", "webhook.deleted"]);
    expect(JSON.parse(audit[1]?.after ?? "{}")).toMatchObject({ active: false, secret_rotated: true });
    expect(JSON.stringify(audit)).not.toContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  });

  it.each([
    ["https://10.0.0.7/hook", /private/],
    ["http://example.com/hook", /https/],
    ["https://user:pw@example.com/hook", /credentials/],
    ["https://169.254.169.254/latest/meta-data", /private/],
    ["https://metadata.google.internal/", /metadata/],
    ["not a url", /absolute/],
  ])("refuses the URL %s with 422 WEBHOOK_URL_REFUSED and writes nothing", async (url, reason) => {
    const before = await env.DB.prepare("select count(*) as n from webhook_subscriptions").first<{
      n: number;
    }>();
    const res = await api("POST", "/api/v1/webhooks", { body: { url, events: ["*"] } });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = await json<Problem>(res);
    expect(problem.code).toBe("WEBHOOK_URL_REFUSED");
    expect(problem.errors?.[0]?.path).toBe("url");
    expect(problem.errors?.[0]?.message).toMatch(reason);
    const after = await env.DB.prepare("select count(*) as n from webhook_subscriptions").first<{
      n: number;
    }>();
    expect(after?.n).toBe(before?.n);
  });

  it("refuses a refused URL on PATCH too, leaving the subscription unchanged", async () => {
    const hook = await json<Webhook>(await create({}));
    const res = await api("PATCH", `/api/v1/webhooks/${hook.id}`, { body: { url: "https://192.168.0.1/" } });
    expect(res.status).toBe(422);
    expect((await json<Webhook>(await api("GET", `/api/v1/webhooks/${hook.id}`))).url).toBe(hook.url);
  });

  it.each([
    [{ url: "https://example.com/h", events: [] }, "events"],
    [{ url: "https://example.com/h", events: ["model.exploded"] }, "events.0"],
    [{ url: "https://example.com/h", events: ["*"], secret: "hunter2" }, "secret"],
    [{ url: "https://example.com/h", events: ["*"], secret: "whsec_c2hvcnQ=" }, "secret"],
    [{ url: "https://example.com/h", events: ["*"], model_pattern: "fraud/[x]" }, "model_pattern"],
    [{ url: "https://example.com/h", events: ["*"], surprise: 1 }, "surprise"],
    [{ events: ["*"] }, "url"],
  ])("refuses bad input %j with 400 naming %s", async (body, path) => {
    const res = await api("POST", "/api/v1/webhooks", { body });
    expect(res.status).toBe(400);
    const problem = await json<Problem>(res);
    expect(problem.code).toBe("INVALID_ARGUMENT");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });

  it("refuses an empty PATCH and unknown ids", async () => {
    const hook = await json<Webhook>(await create({}));
    expect((await api("PATCH", `/api/v1/webhooks/${hook.id}`, { body: {} })).status).toBe(400);
    const missing = await api("PATCH", "/api/v1/webhooks/whk_nope", { body: { active: false } });
    expect(missing.status).toBe(404);
    const redeliver = await api("POST", "/api/v1/deliveries/dlv_nope/redeliver");
    expect(redeliver.status).toBe(404);
    expect((await json<Problem>(redeliver)).code).toBe("DELIVERY_NOT_FOUND");
  });

  it("is admin only", async () => {
    const approver = await createToken("approver");
    for (const [method, path] of [
      ["GET", "/api/v1/webhooks"],
      ["POST", "/api/v1/webhooks"],
      ["GET", "/api/v1/webhooks/whk_x"],
      ["PATCH", "/api/v1/webhooks/whk_x"],
      ["DELETE", "/api/v1/webhooks/whk_x"],
      ["GET", "/api/v1/webhooks/whk_x/deliveries"],
      ["POST", "/api/v1/deliveries/dlv_x/redeliver"],
    ] as const) {
      const res = await api(method, path, {
        token: approver,
        body: method === "POST" || method === "PATCH" ? {} : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await api(method, path, { token: null })).status).toBe(401);
    }
  });

  it("refuses to activate more subscriptions than fan-out reads (409), and frees the slot on delete", async () => {
    // Fill up to the limit directly (1000 rows in one statement), then ask for one more.
    await env.DB.prepare(
      `insert into webhook_subscriptions (id, url, events, secret, active, description, created_by, created_at, updated_at)
       select 'whk_fill_' || n, 'https://example.com/h', '["*"]', 'v1:x:y', 1, '', 'test', 0, 0
       from (with recursive c(n) as (select 1 union all select n + 1 from c where n < 1000) select n from c)
       where (select count(*) from webhook_subscriptions where active = 1) + n <= 1000`,
    ).run();
    const res = await create({});
    expect(res.status).toBe(409);
    expect((await json<Problem>(res)).code).toBe("WEBHOOK_LIMIT_REACHED");
    const paused = await create({ active: false });
    expect(paused.status).toBe(201);
    const hook = await json<Webhook>(paused);
    const activate = await api("PATCH", `/api/v1/webhooks/${hook.id}`, { body: { active: true } });
    expect(activate.status).toBe(409);

    expect((await api("DELETE", "/api/v1/webhooks/whk_fill_1")).status).toBe(204);
    expect((await api("PATCH", `/api/v1/webhooks/${hook.id}`, { body: { active: true } })).status).toBe(200);
    await env.DB.prepare("delete from webhook_subscriptions where id like 'whk_fill_%'").run();
  });
});

describe("webhook list paging", () => {
  it("pages newest first through every subscription exactly once", async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await json<Webhook>(await create({ description: `page ${i}` }))).id);
    const seen: string[] = [];
    const times: number[] = [];
    let token: string | null = null;
    do {
      const query = new URLSearchParams({ page_size: "2", ...(token ? { page_token: token } : {}) });
      const page: { items: Webhook[]; next_page_token: string | null } = await json(
        await api("GET", `/api/v1/webhooks?${query}`),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((w) => w.id));
      times.push(...page.items.map((w) => Date.parse((w as Webhook & { created_at: string }).created_at)));
      token = page.next_page_token;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => created.includes(id)).sort()).toEqual([...created].sort());
    // Newest first (ties on the same millisecond are broken by id, so compare times only).
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
