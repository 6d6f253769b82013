import { describe, expect, it } from "vitest";
import { buildModelCard, CARD_SECTIONS, type CardInput } from "../../src/domain/model-card";
import { renderHtml, renderMarkdown } from "../../src/domain/model-card-render";
import { api, createModel, json, uniqueName } from "../support/api";

const EVIL = `<script>alert("x")</script> & 'quotes' | pipe\n---\nkey: value`;
const input = (card: Record<string, unknown> | null): CardInput => ({
  name: "fraud-detector",
  version: 3,
  description: "XGBoost on Jan 2026 transactions",
  stage: "Production",
  created_by: "asha@acme",
  created_at: "2026-01-31T00:00:00.000Z",
  tags: { team: "risk" },
  metrics: { auc: 0.974, precision: 0.921 },
  slices: { "segment=high_value": { auc: 0.951 }, "region=eu": { auc: 0.96 } },
  datasets: [
    { uri: "s3://data/txn", version: "2026-01", role: "training" },
    { uri: "s3://data/holdout", role: "evaluation" },
  ],
  source: {
    run_id: "r-42",
    experiment_id: "e-7",
    code_repo: "github.com/acme/fraud",
    code_commit: "abc123d",
  },
  parent: { model: "fraud-base", version: 2 },
  model_card: card,
});

describe("model card sections", () => {
  it("fills every section from the stored card, from registry metadata, or marks it missing", () => {
    const card = buildModelCard(
      input({ intended_use: "Card-not-present fraud", limitations: "Not for B2B" }),
    );
    expect(card.sections.map((s) => s.id)).toEqual(CARD_SECTIONS.map(([id]) => id));
    const source = Object.fromEntries(card.sections.map((s) => [s.id, s.source]));
    expect(source).toEqual({
      model_details: "auto",
      intended_use: "card",
      factors: "auto",
      metrics: "auto",
      evaluation_data: "auto",
      training_data: "auto",
      quantitative_analyses: "auto",
      ethical_considerations: "missing",
      caveats_and_recommendations: "card",
    });
    const quant = card.sections.find((s) => s.id === "quantitative_analyses");
    expect(quant?.table?.rows).toContainEqual(["segment=high_value", "auc", "0.951"]);
    expect(card.sections.find((s) => s.id === "factors")?.text).toMatch(/segment, region/);
  });

  it("renders every section in Markdown with YAML front matter, and escapes values", () => {
    const md = renderMarkdown(buildModelCard(input({ ethical_considerations: EVIL, metrics: "see table" })));
    for (const [, title] of CARD_SECTIONS) expect(md).toContain(`## ${title}`);
    const front = md.split("\n---\n")[0] as string;
    expect(front.startsWith("---\n")).toBe(true);
    expect(front).toContain('"model_name": "fraud-detector"');
    expect(front).toContain('"base_model": "fraud-base/2"');
    expect(front).toMatch(/"type": "auc"\n\s+"value": 0.974/);
    // A value with --- inside cannot end the front matter early: only one closing fence before the body.
    expect(md.indexOf("\n---\n")).toBe(front.length);
    expect(md).toContain("| segment=high_value | auc | 0.951 |");
    const piped = renderMarkdown(
      buildModelCard({ ...input(null), datasets: [{ uri: "s3://a|b\nc", role: "training" }] }),
    );
    expect(piped).toContain("| s3://a\\|b c |  |  | training |");
  });

  it("renders every section in HTML with everything escaped", () => {
    const html = renderHtml(
      buildModelCard({ ...input({ ethical_considerations: EVIL }), name: `<img src=x onerror=alert(1)>` }),
    );
    for (const [id, title] of CARD_SECTIONS) {
      expect(html).toContain(`<section id="${id}"`);
      expect(html).toContain(`<h2>${title}</h2>`);
    }
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
  });
});

describe("GET …/card by content negotiation", () => {
  it("answers JSON, Markdown and HTML", async () => {
    const name = uniqueName("card");
    await createModel(name);
    await api("POST", `/api/v1/models/${name}/versions`, {
      body: { metrics: { auc: 0.9 }, model_card: { intended_use: "<b>demo</b>" } },
    });
    const path = `/api/v1/models/${name}/versions/1/card`;
    const asJson = await api("GET", path);
    expect(asJson.headers.get("content-type")).toMatch(/application\/json/);
    const card = await json<{ sections: { id: string; source: string }[] }>(asJson);
    expect(card.sections).toHaveLength(9);
    const md = await api("GET", path, { headers: { accept: "text/markdown" } });
    expect(md.headers.get("content-type")).toMatch(/text\/markdown/);
    expect(await md.text()).toMatch(/^---\n[\s\S]*\n---\n\n# Model card/);
    const html = await api("GET", path, { headers: { accept: "text/html,application/xhtml+xml;q=0.9" } });
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await html.text();
    expect(page).toContain("&lt;b&gt;demo&lt;/b&gt;");
    expect(page).not.toContain("<b>demo</b>");
    expect((await api("GET", `/api/v1/models/${name}/versions/2/card`)).status).toBe(404);
  });
});
