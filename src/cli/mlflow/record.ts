/**
 * MLflow's registered model / model version / run → our records. Pure, so the mapping is tested
 * on its own. What does not fit (a NaN metric, an over-long value) is left out and reported.
 */
import { LIMITS } from "../../domain/limits";
import type { MlflowModel, MlflowRun, MlflowTag, MlflowVersion } from "./source";

export const MLFLOW_STAGES = ["None", "Staging", "Production", "Archived"] as const;
const STATUSES = ["READY", "PENDING_REGISTRATION", "FAILED_REGISTRATION"] as const;

export function tagMap(tags: MlflowTag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value ?? ""]));
}

export function aliasMap(model: MlflowModel): Record<string, number> {
  return Object.fromEntries((model.aliases ?? []).map((a) => [a.alias, Number(a.version)]));
}

/** MLflow stages are case-insensitive on input and capitalised on output. */
export function stageOf(v: MlflowVersion): (typeof MLFLOW_STAGES)[number] {
  return MLFLOW_STAGES.find((s) => s.toLowerCase() === (v.current_stage ?? "None").toLowerCase()) ?? "None";
}

export interface VersionRecord {
  body: {
    description: string;
    tags: Record<string, string>;
    params: Record<string, string>;
    metrics: Record<string, number>;
    datasets: { uri: string; version?: string; role?: string }[];
    source: Record<string, string>;
    files: { path: string; digest: string; size: number }[];
    imported: {
      from: string;
      stage: (typeof MLFLOW_STAGES)[number];
      status: (typeof STATUSES)[number];
      created_by: string;
      created_at: number;
      updated_at: number;
    };
  };
  /** What was left out, and why. */
  dropped: string[];
}

/** The import body for one version (files added by the caller once they are stored). */
export function versionRecord(from: string, v: MlflowVersion, run: MlflowRun | null): VersionRecord {
  const dropped: string[] = [];
  const metrics: Record<string, number> = {};
  for (const m of run?.data?.metrics ?? []) {
    if (Number.isFinite(m.value)) metrics[m.key] = m.value;
    else dropped.push(`metric ${m.key} = ${m.value} (not a finite number)`);
  }
  const params: Record<string, string> = {};
  for (const p of run?.data?.params ?? []) {
    if (p.value.length <= LIMITS.paramValueChars) params[p.key] = p.value;
    else dropped.push(`param ${p.key} (longer than ${LIMITS.paramValueChars} characters)`);
  }
  const datasets = (run?.inputs?.dataset_inputs ?? []).slice(0, LIMITS.datasets).map((input) => {
    const d = input.dataset;
    const role = tagMap(input.tags)["mlflow.data.context"];
    return {
      uri: datasetUri(d.source, d.name),
      // MLflow's dataset digest is its own short hash, not a SHA-256: it travels as the version.
      ...(d.digest ? { version: d.digest } : {}),
      ...(role ? { role } : {}),
    };
  });
  const status = STATUSES.find((s) => s === v.status) ?? "READY";
  if (v.status && v.status !== status) dropped.push(`status ${v.status} (imported as READY)`);
  const created = Number(v.creation_timestamp ?? 0);
  return {
    body: {
      description: v.description ?? "",
      tags: tagMap(v.tags),
      params,
      metrics,
      datasets,
      source: {
        ...(v.source ? { uri: v.source } : {}),
        ...(v.run_id ? { run_id: v.run_id } : {}),
        ...(v.run_link ? { run_link: v.run_link } : {}),
        ...(run?.info.experiment_id ? { experiment_id: run.info.experiment_id } : {}),
        ...(run?.info.user_id ? { trained_by: run.info.user_id } : {}),
      },
      files: [],
      imported: {
        from,
        stage: stageOf(v),
        status,
        created_by: v.user_id ?? "",
        created_at: created,
        updated_at: Math.max(created, Number(v.last_updated_timestamp ?? created)),
      },
    },
    dropped,
  };
}

/** MLflow keeps a dataset's source as JSON (`{"uri": …}` for most source types). */
function datasetUri(source: string | undefined, name: string | undefined): string {
  if (source) {
    try {
      const parsed = JSON.parse(source) as { uri?: unknown; url?: unknown; path?: unknown };
      const uri = parsed.uri ?? parsed.url ?? parsed.path;
      if (typeof uri === "string" && uri) return uri.slice(0, 2048);
    } catch {}
    return source.slice(0, 2048);
  }
  return name || "(unnamed MLflow dataset)";
}
