/**
 * The console's security properties: a corpus of hostile strings renders inert on every page that
 * shows them, and a scoped token's session sees nothing outside its scopes on any page.
 */
import { describe, expect, it } from "vitest";
import { hookUrl, subscribe } from "../events/support";
import { GOOD, newVersion, transition } from "../governance/support";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { signedIn } from "./support";

const HOSTILE = [
  `<script>alert("x1")</script>`,
  `"><img src=x onerror=alert('x2')>`,
  `'><svg onload=alert(3)>`,
  `</title><script>x4</script>`,
  `<a href="javascript:alert(5)">x5</a>`,
  `]]><!--x6--><iframe src=//evil.example>`,
  `{{constructor.constructor('x7')()}}<b>`,
];

describe("console: hostile strings render inert", () => {
  it("escapes names, descriptions, tags, params, metric names, card text, datasets and comments on every page", async () => {
    const name = uniqueName("xss");
    const [s0, s1, s2, s3, s4, s5, s6] = HOSTILE as [string, string, string, string, string, string, string];
    const created = await api("POST", "/api/v1/models", {
      body: { name, description: s0, tags: { [s1]: s2, team: s3 } },
    });
    expect(created.status).toBe(201);
    const body = {
      description: s4,
      tags: { [s5]: s6 },
      params: { [s0]: s1 },
      metrics: { [s2]: 0.5, auc: 0.9 },
      slices: { [s3]: { [s4]: 0.4 } },
      datasets: [{ uri: s5, version: s6, role: s0 }],
      source: { run_id: s1, code_repo: s2, code_commit: s3, trained_by: s4 },
      signature: { inputs: [{ name: s5, type: "double" }], outputs: [{ type: "double" }] },
      model_card: { intended_use: s6, limitations: s0 },
    };
    expect((await api("POST", `/api/v1/models/${name}/versions`, { body })).status).toBe(201);
    expect(
      (await api("POST", `/api/v1/models/${name}/versions`, { body: { ...body, params: { [s0]: s2 } } }))
        .status,
    ).toBe(201);
    expect((await transition(name, 1, { to: "Staging", comment: s1 })).status).toBe(200);
    const req = await api("POST", `/api/v1/models/${name}/versions/1/approval-requests`, {
      body: { comment: s2 },
    });
    expect(req.status).toBe(201);
    // Issue 14, second part: a fast-track reason, a token name and a webhook description.
    expect((await transition(name, 2, { to: "Production", fast_track: true, comment: s3 })).status).toBe(200);
    expect((await api("POST", "/api/v1/tokens", { body: { name: s4, role: "viewer" } })).status).toBe(201);
    await subscribe({ url: hookUrl(uniqueName("xss")), model_pattern: name, description: s5, active: false });

    const b = await signedIn();
    const pages = [
      `/?filter=${encodeURIComponent(`name = '${name}'`)}`,
      `/?filter=${encodeURIComponent(s0)}`,
      `/models/${name}`,
      `/models/${name}/versions/1`,
      `/models/${name}/compare?versions=1,2`,
      "/approvals",
      `/audit?model=${name}`,
      `/datasets?uri=${encodeURIComponent(s5)}&version=${encodeURIComponent(s6)}`,
      "/admin/tokens",
      "/admin/webhooks",
    ];
    let shown = 0;
    for (const path of pages) {
      const res = await b.get(path);
      expect([200, 400], path).toContain(res.status);
      const html = await res.text();
      for (const payload of HOSTILE) {
        expect(html.includes(payload), `${path} echoes ${payload} unescaped`).toBe(false);
        // The escaped form is there: the data is shown, not dropped.
        if (
          html.includes(
            payload
              .replaceAll("&", "&amp;")
              .replaceAll("<", "&lt;")
              .replaceAll(">", "&gt;")
              .replaceAll('"', "&quot;"),
          )
        )
          shown++;
      }
      expect(html).not.toMatch(/<script|<iframe|<svg onload|<img src=x/i);
      // An event handler attribute on a real tag (quoted attribute values blanked: escaped data has no raw quote).
      expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son(error|load)=/i);
      expect(html).not.toMatch(/href="javascript:/i);
    }
    expect(shown).toBeGreaterThan(10);
  });
});

describe("console: a scoped token's session sees nothing outside its scope", () => {
  it("on the catalogue, model, version, compare, lineage, approvals, audit, deployments, dataset and admin pages", async () => {
    const suffix = uniqueName("s");
    const mine = `team-a-${suffix}`;
    const theirs = `team-b-${suffix}`;
    const secretTag = `secret-${suffix}`;
    await createModel(mine);
    expect(
      (await api("POST", "/api/v1/models", { body: { name: theirs, tags: { project: secretTag } } })).status,
    ).toBe(201);
    const dataset = [{ uri: `s3://shared/${suffix}`, version: "1" }];
    await newVersion(theirs, { ...GOOD, datasets: dataset });
    await newVersion(theirs, { ...GOOD, datasets: dataset });
    await newVersion(mine, { ...GOOD, datasets: dataset, parent: { model: theirs, version: 1 } });
    await transition(theirs, 1, { to: "Staging" });
    const req = await json<{ id: string }>(
      await api("POST", `/api/v1/models/${theirs}/versions/1/approval-requests`, { body: { comment: "x" } }),
    );
    await api("POST", `/api/v1/models/${theirs}/deployments`, {
      body: {
        node_id: `n-${suffix}`,
        environment: "prod",
        alias: "production",
        version: 1,
        manifest_digest: "sha256:" + "0".repeat(64),
        status: "loaded",
      },
    });

    // Issue 14, second part: their fast-track review, token and webhook stay out of a scoped admin's pages.
    expect(
      (await transition(theirs, 2, { to: "Production", fast_track: true, comment: secretTag })).status,
    ).toBe(200);
    const theirToken = `tok-${theirs}`;
    expect(
      (
        await api("POST", "/api/v1/tokens", {
          body: { name: theirToken, role: "viewer", scopes: ["team-b-*"] },
        })
      ).status,
    ).toBe(201);
    await subscribe({ url: hookUrl(theirs), model_pattern: theirs, description: secretTag, active: false });
    const scopedAdmin = await signedIn(await createToken("admin", ["team-a-*"]));
    for (const path of ["/admin/tokens", "/admin/webhooks", "/approvals"]) {
      const res = await scopedAdmin.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html.includes(theirs), `${path} shows ${theirs}`).toBe(false);
      expect(html.includes(secretTag), `${path} shows the other team's secret`).toBe(false);
    }
    await scopedAdmin.get("/approvals");
    expect(
      (await scopedAdmin.post(`/models/${theirs}/versions/2/review-sign-off`, { confirm: "yes" })).status,
    ).toBe(404);

    const b = await signedIn(await createToken("approver", ["team-a-*"]));
    const readable = [
      "/",
      `/?filter=${encodeURIComponent(`name LIKE 'team-%${suffix}'`)}`,
      `/models/${mine}`,
      `/models/${mine}/versions/1`,
      "/approvals",
      "/audit",
      `/audit?model=${mine}`,
      "/deployments",
      `/datasets?uri=${encodeURIComponent(dataset[0]?.uri ?? "")}&version=1`,
    ];
    for (const path of readable) {
      const res = await b.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html.includes(theirs), `${path} shows ${theirs}`).toBe(false);
      expect(html.includes(secretTag), `${path} shows the other team's tag`).toBe(false);
    }
    const hidden = [
      `/models/${theirs}`,
      `/models/${theirs}/versions/1`,
      `/models/${theirs}/compare?versions=1,2`,
      `/models/${theirs}/rollback`,
      `/models/${theirs}/versions/1/files/model.onnx`,
      `/audit?model=${theirs}`,
      `/audit?verify=${theirs}`,
    ];
    for (const path of hidden) {
      const res = await b.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain(secretTag);
    }
    await b.get("/approvals");
    expect((await b.post(`/approvals/${req.id}/approve`, { confirm: "yes" })).status).toBe(404);
    expect(
      (
        await b.post(`/models/${theirs}/versions/1/transition`, {
          to: "Archived",
          comment: "x",
          confirm: "yes",
        })
      ).status,
    ).toBe(404);
  });
});
