/**
 * Renders a model card as Markdown with Hugging Face-style YAML front matter, or as a standalone
 * HTML page. Everything user-supplied is escaped for its target: YAML values are written as JSON
 * (JSON is valid YAML 1.2, and quoting makes `---` or `: ` in a value harmless), Markdown table
 * cells escape `|` and newlines, and HTML escapes & < > " ' everywhere.
 */
import type { CardTable, ModelCard } from "./model-card";

function yaml(value: unknown, indent = ""): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return " []";
    return value.map((item) => `\n${indent}-${yaml(item, `${indent}  `).replace(/^\n\s*/, " ")}`).join("");
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `\n${indent}${JSON.stringify(k)}:${yaml(v, `${indent}  `)}`)
      .join("");
  }
  return ` ${JSON.stringify(value)}`;
}

const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function markdownTable(t: CardTable): string {
  return [
    `| ${t.columns.map(cell).join(" | ")} |`,
    `| ${t.columns.map(() => "---").join(" | ")} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

export function renderMarkdown(card: ModelCard): string {
  const front = `---${yaml(card.metadata)}\n---\n`;
  const body = card.sections.map((s) => {
    const note = s.source === "auto" ? "\n\n_Filled in from registry metadata._" : "";
    return `## ${s.title}\n\n${s.text}${s.table ? `\n\n${markdownTable(s.table)}` : ""}${note}`;
  });
  if (card.input_example !== undefined) {
    // Fenced with more backticks than the JSON's longest run, so the example cannot end the block.
    const json = JSON.stringify(card.input_example, null, 2);
    const longest = Math.max(0, ...(json.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(Math.max(3, longest + 1));
    body.push(`## Input example\n\n${fence}json\n${json}\n${fence}`);
  }
  return `${front}\n# Model card: ${card.name} v${card.version}\n\n${body.join("\n\n")}\n`;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");

function htmlTable(t: CardTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

export function renderHtml(card: ModelCard): string {
  const title = escapeHtml(`Model card: ${card.name} v${card.version}`);
  const sections = card.sections
    .map(
      (s) =>
        `<section id="${s.id}" class="${s.source}"><h2>${escapeHtml(s.title)}</h2>\n${paragraphs(s.text)}${s.table ? `\n${htmlTable(s.table)}` : ""}${s.source === "auto" ? '\n<p class="note">Filled in from registry metadata.</p>' : ""}</section>`,
    )
    .join("\n");
  const example =
    card.input_example === undefined
      ? ""
      : `\n<section id="input_example"><h2>Input example</h2>\n<pre>${escapeHtml(JSON.stringify(card.input_example, null, 2))}</pre></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.missing p{color:#888}.note{font-size:.85em;color:#666}.stage{font-weight:600}</style></head>
<body><h1>${title}</h1><p class="stage">Stage: ${escapeHtml(card.stage)}</p>
${sections}${example}
</body></html>
`;
}
