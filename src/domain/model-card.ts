/**
 * Model cards (Mitchell et al. 2019, "Model Cards for Model Reporting"): the nine sections, each
 * taken from the version's stored card when present and otherwise filled from the registry's own
 * metadata (provenance, metrics, slices, datasets). Pure: rendering to Markdown/HTML is in
 * model-card-render.ts.
 */
import type { Dataset, Provenance } from "./version-record";

export const CARD_SECTIONS = [
  ["model_details", "Model details"],
  ["intended_use", "Intended use"],
  ["factors", "Factors"],
  ["metrics", "Metrics"],
  ["evaluation_data", "Evaluation data"],
  ["training_data", "Training data"],
  ["quantitative_analyses", "Quantitative analyses"],
  ["ethical_considerations", "Ethical considerations"],
  ["caveats_and_recommendations", "Caveats and recommendations"],
] as const;

export type SectionId = (typeof CARD_SECTIONS)[number][0];

/** Other names card authors use for a section (Hugging Face and MLflow habits). */
const SYNONYMS: Record<string, SectionId> = {
  details: "model_details",
  description: "model_details",
  intended_uses: "intended_use",
  uses: "intended_use",
  evaluation: "evaluation_data",
  training: "training_data",
  quantitative_analysis: "quantitative_analyses",
  ethics: "ethical_considerations",
  limitations: "caveats_and_recommendations",
  caveats: "caveats_and_recommendations",
  recommendations: "caveats_and_recommendations",
  bias_risks_limitations: "caveats_and_recommendations",
};

export interface CardTable {
  columns: string[];
  rows: string[][];
}

export interface CardSection {
  id: SectionId;
  title: string;
  /** `card`: written by the author; `auto`: filled from registry metadata; `missing`: neither. */
  source: "card" | "auto" | "missing";
  text: string;
  table?: CardTable;
}

export interface CardInput {
  name: string;
  version: number;
  description: string;
  stage: string;
  created_by: string;
  created_at: string;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  slices: Record<string, Record<string, number>>;
  datasets: Dataset[];
  source: Provenance;
  parent: { model: string; version: number } | null;
  model_card: Record<string, unknown> | null;
  input_example?: unknown;
}

export interface ModelCard {
  name: string;
  version: number;
  stage: string;
  /** Hugging Face-style metadata (the Markdown front matter). */
  metadata: Record<string, unknown>;
  sections: CardSection[];
  /** A sample input checked against the signature at registration (issue #19), shown verbatim. */
  input_example?: unknown;
}

const EVAL_ROLES = new Set(["evaluation", "validation", "test", "eval"]);

/** Stored values may be strings, lists or objects; they become readable text. */
export function toText(value: unknown): string {
  if (value == null) return "";
  if (typeof value === "string") return value.trim();
  if (Array.isArray(value)) return value.map((v) => `- ${toText(v).replace(/\n/g, "\n  ")}`).join("\n");
  if (typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `${k.replace(/_/g, " ")}: ${toText(v)}`)
      .join("\n");
  }
  return String(value);
}

function storedSections(card: Record<string, unknown> | null): Map<SectionId, string> {
  const found = new Map<SectionId, string>();
  for (const [key, value] of Object.entries(card ?? {})) {
    const normal = key.toLowerCase().replace(/[\s-]+/g, "_");
    const id = (CARD_SECTIONS.find(([s]) => s === normal)?.[0] ?? SYNONYMS[normal]) as SectionId | undefined;
    const text = toText(value);
    if (id && text) found.set(id, found.has(id) ? `${found.get(id)}\n\n${text}` : text);
  }
  return found;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(6).replace(/\.?0+$/, ""));
const datasetTable = (ds: Dataset[]): CardTable => ({
  columns: ["uri", "version", "digest", "role"],
  rows: ds.map((d) => [d.uri, d.version ?? "", d.digest ?? "", d.role ?? ""]),
});

function autoSections(v: CardInput): Partial<Record<SectionId, { text: string; table?: CardTable }>> {
  const s = v.source;
  const details = [
    `${v.name} version ${v.version}, stage ${v.stage}, registered by ${v.created_by} at ${v.created_at}.`,
    v.description,
    s.run_id ? `Run ${s.run_id}${s.experiment_id ? ` (experiment ${s.experiment_id})` : ""}.` : "",
    s.code_commit ? `Code: ${s.code_repo ?? "?"} at ${s.code_commit}.` : "",
    s.trained_by ? `Trained by ${s.trained_by}.` : "",
    v.parent ? `Derived from ${v.parent.model} version ${v.parent.version}.` : "",
  ].filter(Boolean);
  const overall = Object.entries(v.metrics);
  const sliceRows = Object.entries(v.slices).flatMap(([slice, m]) =>
    Object.entries(m).map(([k, x]) => [slice, k, fmt(x)]),
  );
  const factors = [...new Set(Object.keys(v.slices).map((k) => k.split("=")[0] ?? k))];
  const training = v.datasets.filter((d) => !EVAL_ROLES.has((d.role ?? "").toLowerCase()));
  const evaluation = v.datasets.filter((d) => EVAL_ROLES.has((d.role ?? "").toLowerCase()));
  return {
    model_details: { text: details.join("\n\n") },
    ...(factors.length && {
      factors: {
        text: `Performance is reported per ${factors.join(", ")} (slices: ${Object.keys(v.slices).join(", ")}).`,
      },
    }),
    ...(overall.length && {
      metrics: {
        text: `Reported metrics: ${overall.map(([k]) => k).join(", ")}.`,
        table: { columns: ["metric", "value"], rows: overall.map(([k, x]) => [k, fmt(x)]) },
      },
    }),
    ...(evaluation.length && {
      evaluation_data: {
        text: "Datasets registered with an evaluation role.",
        table: datasetTable(evaluation),
      },
    }),
    ...(training.length && {
      training_data: { text: "Datasets registered with this version.", table: datasetTable(training) },
    }),
    ...((overall.length || sliceRows.length) && {
      quantitative_analyses: {
        text: sliceRows.length
          ? "Overall and per-slice results."
          : "Overall results (no per-slice metrics registered).",
        table: {
          columns: ["slice", "metric", "value"],
          rows: [...overall.map(([k, x]) => ["overall", k, fmt(x)]), ...sliceRows],
        },
      },
    }),
  };
}

export function buildModelCard(v: CardInput): ModelCard {
  const stored = storedSections(v.model_card);
  const auto = autoSections(v);
  const sections = CARD_SECTIONS.map(([id, title]): CardSection => {
    const mine = stored.get(id);
    const filled = auto[id];
    const table = filled?.table ? { table: filled.table } : {};
    if (mine) return { id, title, source: "card", text: mine, ...table };
    if (filled) return { id, title, source: "auto", text: filled.text, ...table };
    return {
      id,
      title,
      source: "missing",
      text: `Not documented yet: add model_card.${id} when registering.`,
    };
  });
  const license = v.model_card?.license;
  return {
    name: v.name,
    version: v.version,
    stage: v.stage,
    metadata: {
      model_name: v.name,
      version: v.version,
      stage: v.stage,
      ...(typeof license === "string" ? { license } : {}),
      tags: Object.entries(v.tags).map(([k, x]) => (x ? `${k}:${x}` : k)),
      datasets: [...new Set(v.datasets.map((d) => d.uri))],
      ...(v.parent ? { base_model: `${v.parent.model}/${v.parent.version}` } : {}),
      "model-index": [
        {
          name: v.name,
          results: [{ metrics: Object.entries(v.metrics).map(([type, value]) => ({ type, value })) }],
        },
      ],
    },
    sections,
    ...(v.input_example !== undefined ? { input_example: v.input_example } : {}),
  };
}
