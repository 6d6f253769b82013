/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against the real
 * server: sign in, search, lineage picture, compare, request promotion and approve as someone else,
 * roll back, verify the audit chain, sign out; then the admin pages (a token created with its
 * secret shown once, then revoked; a webhook delivery sent again), a fast-track review signed off by
 * another approver, and an alias deleted (a stale page first). Screenshots land in docs/img/.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs shared with npm start
import { ROOT, signInLink } from "../../scripts/lib/registry-server.mjs";
import { launchChromium } from "./support/browser";
import { client, startTestRegistry, type TestRegistry } from "./support/server";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver";

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ROOT as string, "docs", "img", `console-${name}.png`), fullPage: true });

describe("console in Chromium", () => {
  let registry: TestRegistry;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let receiver: WebhookReceiver;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    registry = await startTestRegistry();
    browser = await launchChromium();
    page = await browser.context.newPage();
    const admin = client(registry);
    const ok = async (res: Promise<Response>, status = 200) => {
      const r = await res;
      expect(r.status, await r.clone().text()).toBe(status);
      return (await r.json()) as Record<string, unknown>;
    };
    for (const [name, role] of [
      ["casey", "contributor"],
      ["avery", "approver"],
    ] as const) {
      tokens[name] = (await ok(admin("POST", "/api/v1/tokens", { name, role }), 201)).token as string;
    }
    const bytes = new TextEncoder().encode("onnx bytes of the fraud model");
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const put = await fetch(`${registry.url}/api/v1/blobs/${digest}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${registry.token}`, "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(put.status).toBeLessThan(300);
    await ok(
      admin("POST", "/api/v1/models", {
        name: "fraud-base",
        description: "Shared feature extractor",
        tags: { team: "risk" },
      }),
      201,
    );
    await ok(admin("POST", "/api/v1/models/fraud-base/versions", { metrics: { auc: 0.9 } }), 201);
    await ok(
      admin("POST", "/api/v1/models", {
        name: "fraud-detector",
        description: "Scores card transactions for fraud",
        tags: { team: "risk", tier: "critical" },
      }),
      201,
    );
    await ok(
      admin("POST", "/api/v1/models", {
        name: "churn-predictor",
        description: "Monthly churn risk",
        tags: { team: "growth" },
      }),
      201,
    );
    const signature = {
      inputs: [
        { name: "amount", type: "double" },
        { name: "country", type: "string" },
      ],
      outputs: [{ type: "double" }],
    };
    const versions = [
      { auc: 0.951, precision: 0.9, recall: 0.81, depth: "6", lr: "0.01" },
      { auc: 0.968, precision: 0.915, recall: 0.84, depth: "8", lr: "0.01" },
      { auc: 0.974, precision: 0.921, recall: 0.86, depth: "8", lr: "0.001" },
    ];
    for (const [i, v] of versions.entries()) {
      await ok(
        admin("POST", "/api/v1/models/fraud-detector/versions", {
          description: `XGBoost, run ${i + 1}`,
          params: { max_depth: v.depth, learning_rate: v.lr },
          metrics: { auc: v.auc, precision: v.precision, recall: v.recall },
          slices: { "segment=high_value": { auc: v.auc - 0.02 } },
          datasets: [{ uri: "s3://data/txn", version: "2026-01", role: "training" }],
          source: {
            run_id: `r-4${i}`,
            code_repo: "github.com/acme/fraud",
            code_commit: `abc12${i}d`,
            trained_by: "asha@acme",
          },
          parent: { model: "fraud-base", version: 1 },
          signature:
            i === 2
              ? { ...signature, inputs: [...signature.inputs, { name: "merchant", type: "string" }] }
              : signature,
          model_card: { intended_use: "Screening card payments", limitations: "Not for wire transfers" },
          files: [{ path: "model.onnx", digest, size: bytes.byteLength }],
        }),
        201,
      );
    }
    // v1 in Production the API way, v2 waiting in Staging for the console's promotion request.
    const avery = client({ url: registry.url, token: tokens.avery as string });
    await ok(admin("POST", "/api/v1/models/fraud-detector/versions/1/transitions", { to: "Staging" }));
    const req = await ok(
      admin("POST", "/api/v1/models/fraud-detector/versions/1/approval-requests", { comment: "first" }),
      201,
    );
    await ok(avery("POST", `/api/v1/approval-requests/${req.id}/approve`, { comment: "ok" }));
    await ok(admin("POST", "/api/v1/models/fraud-detector/versions/2/transitions", { to: "Staging" }));
    await ok(admin("PUT", "/api/v1/models/fraud-detector/aliases/champion", { version: 1 }));
  });

  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
    await receiver?.close();
  });

  /** Clicks a submit button and waits for the page the form's answer leads to. */
  const submit = async (selector: string) => {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  };
  const signInWithToken = async (token: string) => {
    await page.goto(`${registry.url}/login`);
    await page.fill("#token", token);
    await submit("button[type=submit]");
    await page.waitForURL(`${registry.url}/`);
  };
  const signOut = async () => {
    const cookie = (await browser.context.cookies()).find((c) => c.name === "registry_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Strict");
    await submit("header button:has-text('Sign out')");
    await page.waitForURL(/\/login\?reason=signed-out/);
    // The old cookie is dead on the server, not just dropped by the browser.
    const replay = await fetch(`${registry.url}/`, {
      headers: { cookie: `registry_session=${cookie?.value}` },
      redirect: "manual",
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toMatch(/^\/login/);
  };

  it("signs in with the one-time link, searches with a valid and an invalid filter", async () => {
    await page.goto(await signInLink(registry));
    await submit("button[type=submit]");
    await page.waitForURL(`${registry.url}/`);
    expect((await page.locator("h1").textContent())?.trim()).toBe("Models");
    await shot(page, "catalogue");
    await page.fill("#filter", "name LIKE 'fraud%'");
    await submit("button:has-text('Search')");
    expect(await page.locator("tbody tr").count()).toBe(2);
    await page.fill("#filter", "name = ");
    await submit("button:has-text('Search')");
    expect(await page.locator("#filter-error").textContent()).toContain("at position 7: expected");
    expect(await page.getAttribute("#filter", "aria-invalid")).toBe("true");
    await shot(page, "filter-error");
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${registry.url}/`);
    await shot(page, "catalogue-360");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("opens a version and sees its lineage picture, each node a link", async () => {
    await page.goto(`${registry.url}/models/fraud-detector`);
    await shot(page, "model");
    await page.click("a:has-text('v3')");
    await page.waitForURL(/\/versions\/3$/);
    const svg = page.locator("svg.lineage");
    expect(await svg.isVisible()).toBe(true);
    expect(await svg.locator("g.node a").count()).toBeGreaterThanOrEqual(4);
    await shot(page, "version");
    await svg.locator("g.node a[href='/models/fraud-base/versions/1']").click();
    await page.waitForURL(/\/models\/fraud-base\/versions\/1$/);
  });

  it("compares three versions: differences highlighted, chart drawn", async () => {
    await page.goto(`${registry.url}/models/fraud-detector`);
    for (const v of ["1", "2", "3"]) await page.check(`input[name=v][value='${v}']`);
    await submit("button:has-text('Compare selected')");
    await page.waitForURL(/\/compare\?/);
    expect((await page.locator("h1").textContent())?.trim()).toBe("Compare v1, v2, v3");
    expect(await page.locator("svg.chart").isVisible()).toBe(true);
    expect(await page.locator("tr.diff").count()).toBeGreaterThanOrEqual(3);
    await shot(page, "compare");
    await signOut();
  });

  it("a contributor requests promotion, cannot approve it (no button, 403 when posted); an approver approves", async () => {
    await signInWithToken(tokens.casey as string);
    await page.goto(`${registry.url}/models/fraud-detector/versions/2`);
    await page.fill("#promo-comment", "better recall on high-value cards");
    await page.check("#promo-confirm");
    await submit("button:has-text('Request promotion')");
    expect(await page.locator(".flash.ok").textContent()).toContain("Promotion requested");
    await page.goto(`${registry.url}/approvals`);
    expect(await page.locator("main").textContent()).toContain("fraud-detector v2");
    expect(await page.locator("form[action$='/approve']").count()).toBe(0);
    const requestId = await client(registry)("GET", "/api/v1/approval-requests?status=pending")
      .then((r) => r.json() as Promise<{ items: { id: string }[] }>)
      .then((b) => b.items[0]?.id);
    const csrf = await page.locator("input[name=csrf]").first().inputValue();
    const forced = await page.request.post(`${registry.url}/approvals/${requestId}/approve`, {
      form: { csrf, confirm: "yes", comment: "self-approve" },
      headers: { origin: registry.url },
      maxRedirects: 0,
    });
    expect(forced.status()).toBe(403);
    await signOut();

    await signInWithToken(tokens.avery as string);
    await page.goto(`${registry.url}/approvals`);
    await shot(page, "approvals");
    await page.fill(`#approve-${requestId}`, "recall gain confirmed");
    await page.check(`#approve-confirm-${requestId}`);
    await submit("button:has-text('Approve')");
    expect((await page.locator(".flash.ok").textContent())?.trim()).toBe("Approved.");
    const v2 = await client(registry)("GET", "/api/v1/models/fraud-detector/versions/2").then(
      (r) => r.json() as Promise<{ stage: string }>,
    );
    expect(v2.stage).toBe("Production");
  });

  it("rolls back, showing what will happen first", async () => {
    await page.goto(`${registry.url}/models/fraud-detector`);
    await page.click("a:has-text('Roll back Production')");
    expect(await page.locator("main ol").textContent()).toContain("v2 leaves Production");
    await shot(page, "rollback");
    await page.fill("#reason", "latency regression in eu-west");
    await page.check("#rollback-confirm");
    await submit("button:has-text('Roll back')");
    await page.waitForURL(/\/versions\/1\?done=transition$/);
    const v1 = await client(registry)("GET", "/api/v1/models/fraud-detector/versions/1").then(
      (r) => r.json() as Promise<{ stage: string }>,
    );
    expect(v1.stage).toBe("Production");
  });

  it("verifies the audit chain and signs out for good", async () => {
    await page.goto(`${registry.url}/audit?model=fraud-detector`);
    await page.fill("#verify", "fraud-detector");
    await submit("button:has-text('Verify chain')");
    expect(await page.locator(".flash.ok").textContent()).toContain("Chain of fraud-detector verified");
    await shot(page, "audit");
    await signOut();
    await page.goto(`${registry.url}/approvals`);
    await page.waitForURL(/\/login\?next=/);
  });

  it("an admin creates a token (the secret shown once) and revokes it", async () => {
    await signInWithToken(registry.token);
    expect(await page.locator("header nav a[href='/admin/tokens']").count()).toBe(1);
    await page.goto(`${registry.url}/admin/tokens`);
    await page.fill("#token-name", "nightly-ci");
    await page.selectOption("#token-role", "contributor");
    await page.fill("#token-scopes", "fraud-*");
    await page.fill("#token-expiry", "30");
    const [created] = await Promise.all([
      page.waitForNavigation(),
      page.click("button:has-text('Create token')"),
    ]);
    expect(created?.headers()["cache-control"]).toBe("no-store");
    expect(page.url()).toBe(`${registry.url}/admin/tokens`);
    const secret = (await page.locator("#token-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^mrt_/);
    const asCi = client({ url: registry.url, token: secret });
    expect((await asCi("GET", "/api/v1/models")).status).toBe(200);

    await page.goto(`${registry.url}/admin/tokens`);
    await shot(page, "tokens");
    expect(await page.locator("main").textContent()).not.toContain(secret);
    const row = page.locator("tr", { hasText: "nightly-ci" });
    expect(await row.textContent()).toContain("fraud-*");
    await row.locator("input[name=confirm]").check();
    await Promise.all([page.waitForNavigation(), row.locator("button:has-text('Revoke')").click()]);
    expect(await page.locator(".flash.ok").textContent()).toContain("Revoked");
    expect(await page.locator("tr", { hasText: "nightly-ci" }).textContent()).toContain("revoked");
    expect((await asCi("GET", "/api/v1/models")).status).toBe(401);
  });

  it("the admin's fast-track waits on /approvals; another approver signs it off", async () => {
    const admin = client(registry);
    const hook = await admin("POST", "/api/v1/webhooks", {
      url: `${receiver.url}/hooks/console`,
      events: ["*"],
      model_pattern: "fraud-*",
      description: "release notifications",
    });
    expect(hook.status).toBe(201);
    const ft = await admin("POST", "/api/v1/models/fraud-detector/versions/3/transitions", {
      to: "Production",
      fast_track: true,
      comment: "card-testing attack: ship the merchant feature now",
    });
    expect(ft.status, await ft.clone().text()).toBe(200);
    await page.goto(`${registry.url}/approvals`);
    const review = page.locator("section.panel", { hasText: "fraud-detector v3" });
    expect(await review.textContent()).toContain("card-testing attack");
    expect(await review.locator("form").count()).toBe(0);
    await signOut();

    await signInWithToken(tokens.avery as string);
    await page.goto(`${registry.url}/approvals`);
    await shot(page, "approvals-review");
    await page
      .locator("section.panel", { hasText: "fraud-detector v3" })
      .locator("input[name=comment]")
      .fill("ok");
    await page.check("#review-fraud-detector-3-confirm");
    await submit("button:has-text('Sign off')");
    expect((await page.locator(".flash.ok").textContent())?.trim()).toBe("Review signed off.");
    const v3 = await admin("GET", "/api/v1/models/fraud-detector/versions/3").then(
      (r) => r.json() as Promise<{ needs_review: boolean }>,
    );
    expect(v3.needs_review).toBe(false);
  });

  it("deletes an alias: a page gone stale gets a conflict, the current page deletes it", async () => {
    const admin = client(registry);
    expect((await admin("PUT", "/api/v1/models/fraud-detector/aliases/shadow", { version: 2 })).status).toBe(
      200,
    );
    await page.goto(`${registry.url}/models/fraud-detector/versions/2`);
    // Someone else moves @shadow while this page is open.
    expect((await admin("PUT", "/api/v1/models/fraud-detector/aliases/shadow", { version: 3 })).status).toBe(
      200,
    );
    await page.check("#alias-shadow-delete-confirm");
    await submit("button:has-text('Delete alias')");
    expect(await page.locator(".flash.error").textContent()).toContain("Someone moved this alias");
    expect((await admin("GET", "/api/v1/models/fraud-detector/aliases/shadow")).status).toBe(200);

    await page.goto(`${registry.url}/models/fraud-detector/versions/3`);
    await page.check("#alias-shadow-delete-confirm");
    await submit("button:has-text('Delete alias')");
    expect(await page.locator(".flash.ok").textContent()).toContain("The alias is deleted.");
    expect((await admin("GET", "/api/v1/models/fraud-detector/aliases/shadow")).status).toBe(404);
    await signOut();
  });

  it("an admin sees the webhook's deliveries and sends one again", async () => {
    await signInWithToken(registry.token);
    const ids = () => receiver.received("console").map((r) => r.headers["webhook-id"]);
    const sentTwice = () => ids().some((id, i, all) => all.indexOf(id) !== i);
    // The fast-track, the sign-off and the alias changes were delivered, each once.
    for (let i = 0; i < 100 && ids().length < 4; i++) await new Promise((r) => setTimeout(r, 200));
    expect(sentTwice()).toBe(false);
    await page.goto(`${registry.url}/admin/webhooks`);
    expect(await page.locator("main").textContent()).toContain("release notifications");
    await shot(page, "webhooks");
    const first = page.locator("tbody tr").first();
    await first.locator("input[name=confirm]").check();
    await Promise.all([page.waitForNavigation(), first.locator("button:has-text('Redeliver')").click()]);
    expect(await page.locator(".flash.ok").textContent()).toContain("Queued again");
    for (let i = 0; i < 100 && !sentTwice(); i++) await new Promise((r) => setTimeout(r, 200));
    expect(sentTwice()).toBe(true);
    await signOut();
  });
});
