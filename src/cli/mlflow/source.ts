/**
 * Reading an MLflow server (2.x REST API) for `registry import-mlflow`: registered models, their
 * versions, the runs behind them and the runs' artifacts. Read-only; GETs retried on 429/5xx.
 */
import { sleep } from "../http";

export interface MlflowSource {
  /** Base URL, e.g. http://mlflow:5000 (the API lives under /api/2.0). */
  url: string;
  token?: string;
}

export interface MlflowTag {
  key: string;
  value: string;
}

export interface MlflowModel {
  name: string;
  description?: string;
  tags?: MlflowTag[];
  aliases?: { alias: string; version: string }[];
  creation_timestamp?: number;
  last_updated_timestamp?: number;
}

export interface MlflowVersion {
  name: string;
  version: string;
  description?: string;
  tags?: MlflowTag[];
  current_stage?: string;
  status?: string;
  source?: string;
  run_id?: string;
  run_link?: string;
  user_id?: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
}

export interface MlflowRun {
  info: { run_id: string; experiment_id?: string; artifact_uri?: string; user_id?: string };
  data?: { metrics?: { key: string; value: number }[]; params?: { key: string; value: string }[] };
  inputs?: {
    dataset_inputs?: {
      tags?: MlflowTag[];
      dataset: { name?: string; digest?: string; source_type?: string; source?: string };
    }[];
  };
}

export class MlflowSourceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "MlflowSourceError";
  }
}

function headers(src: MlflowSource): Record<string, string> {
  return src.token ? { authorization: `Bearer ${src.token}` } : {};
}

/** GET with retries for what a retry can fix; MLflow's `{error_code, message}` becomes the error. */
export async function sourceGet(src: MlflowSource, url: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { headers: headers(src) });
    } catch (error) {
      if (attempt >= 3) throw new MlflowSourceError(0, "NETWORK", `GET ${url}: ${(error as Error).message}`);
      await sleep(250 * 2 ** attempt);
      continue;
    }
    if (res.ok) return res;
    if (attempt < 3 && (res.status === 429 || res.status >= 500)) {
      await res.body?.cancel();
      await sleep(250 * 2 ** attempt);
      continue;
    }
    const text = await res.text();
    let code = `HTTP_${res.status}`;
    let message = text.slice(0, 300);
    try {
      const body = JSON.parse(text) as { error_code?: string; message?: string };
      code = body.error_code ?? code;
      message = body.message ?? message;
    } catch {}
    throw new MlflowSourceError(res.status, code, `GET ${url}: ${message}`);
  }
}

async function api<T>(src: MlflowSource, path: string, query: Record<string, string>): Promise<T> {
  const url = `${src.url.replace(/\/+$/, "")}/api/2.0/mlflow/${path}?${new URLSearchParams(query)}`;
  return (await (await sourceGet(src, url)).json()) as T;
}

/** Every registered model (all pages), by name. */
export async function listModels(src: MlflowSource): Promise<MlflowModel[]> {
  const out: MlflowModel[] = [];
  let token: string | undefined;
  do {
    const page = await api<{ registered_models?: MlflowModel[]; next_page_token?: string }>(
      src,
      "registered-models/search",
      { max_results: "1000", ...(token ? { page_token: token } : {}) },
    );
    out.push(...(page.registered_models ?? []));
    token = page.next_page_token;
  } while (token);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** All versions of a model, full records (tags, aliases), in ascending version order. */
export async function listVersions(src: MlflowSource, name: string): Promise<MlflowVersion[]> {
  const found: MlflowVersion[] = [];
  let token: string | undefined;
  const escaped = name.replaceAll("'", "\\'");
  do {
    const page = await api<{ model_versions?: MlflowVersion[]; next_page_token?: string }>(
      src,
      "model-versions/search",
      { filter: `name='${escaped}'`, max_results: "1000", ...(token ? { page_token: token } : {}) },
    );
    found.push(...(page.model_versions ?? []));
    token = page.next_page_token;
  } while (token);
  return found.sort((a, b) => Number(a.version) - Number(b.version));
}

export async function getRun(src: MlflowSource, runId: string): Promise<MlflowRun> {
  return (await api<{ run: MlflowRun }>(src, "runs/get", { run_id: runId })).run;
}

export async function downloadUri(src: MlflowSource, name: string, version: string): Promise<string> {
  return (await api<{ artifact_uri: string }>(src, "model-versions/get-download-uri", { name, version }))
    .artifact_uri;
}

export async function versionByAlias(src: MlflowSource, name: string, alias: string): Promise<MlflowVersion> {
  return (await api<{ model_version: MlflowVersion }>(src, "registered-models/alias", { name, alias }))
    .model_version;
}
