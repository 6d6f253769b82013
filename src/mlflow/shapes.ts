/**
 * Our records in MLflow's wire shapes (RegisteredModel, ModelVersion), field for field as MLflow
 * 2.12.2 answers them (see ../shared/mlflow-rest-trace.md): `version` is a string, timestamps are
 * epoch milliseconds, empty repeated fields (tags, aliases, latest_versions) and an empty model
 * description are left out, while a version always carries description, run_id and run_link.
 */

/** One model version as the MLflow facade reads it (repos/mlflow-repo builds these). */
export interface MlflowVersionRecord {
  name: string;
  version: number;
  createdAt: number;
  updatedAt: number;
  stage: string;
  description: string;
  source: string;
  runId: string;
  runLink: string;
  status: string;
  /** In insertion order, as MLflow lists them. */
  tags: [string, string][];
  aliases: string[];
  /** Number of files registered in our store: when > 0 the version downloads from us. */
  fileCount: number;
}

export interface MlflowModelRecord {
  name: string;
  createdAt: number;
  updatedAt: number;
  description: string;
  tags: [string, string][];
  aliases: { alias: string; version: number }[];
  /** The newest version in each stage, ordered by version. */
  latest: MlflowVersionRecord[];
}

export interface MlflowTag {
  key: string;
  value: string;
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description: string;
  source: string;
  run_id: string;
  status: string;
  tags?: MlflowTag[];
  run_link: string;
  aliases?: string[];
}

export interface MlflowRegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: MlflowModelVersion[];
  tags?: MlflowTag[];
  aliases?: { alias: string; version: string }[];
}

const tagList = (tags: [string, string][]) =>
  tags.length > 0 ? { tags: tags.map(([key, value]) => ({ key, value })) } : {};

/**
 * A ModelVersion. MLflow includes `aliases` where it reads a single version (get, alias, update,
 * transition) and leaves them out of lists (search, latest_versions, get-latest-versions).
 */
export function toModelVersion(v: MlflowVersionRecord, withAliases: boolean): MlflowModelVersion {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.createdAt,
    last_updated_timestamp: v.updatedAt,
    current_stage: v.stage,
    description: v.description,
    source: v.source,
    run_id: v.runId,
    status: v.status,
    ...tagList(v.tags),
    run_link: v.runLink,
    ...(withAliases && v.aliases.length > 0 ? { aliases: v.aliases } : {}),
  };
}

export function toRegisteredModel(m: MlflowModelRecord): MlflowRegisteredModel {
  return {
    name: m.name,
    creation_timestamp: m.createdAt,
    last_updated_timestamp: m.updatedAt,
    ...(m.description ? { description: m.description } : {}),
    ...(m.latest.length > 0 ? { latest_versions: m.latest.map((v) => toModelVersion(v, false)) } : {}),
    ...tagList(m.tags),
    ...(m.aliases.length > 0
      ? { aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })) }
      : {}),
  };
}

/** MLflow's `[{key, value}]` tag lists as our `{key: value}` maps (a later duplicate wins, as in MLflow). */
export function tagMap(tags: MlflowTag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
}
