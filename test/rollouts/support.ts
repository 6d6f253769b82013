import { nodeBucket, onCanary } from "../../src/domain/rollouts/bucket";
import { api, json } from "../support/api";

export { modelWithVersions, moveAlias } from "../serving/support";

export interface Rollout {
  id: string;
  name: string;
  alias: string;
  from_version: number;
  version: number;
  weight: number;
  status: string;
  breach: { guard: { metric: string }; value: number; nodes: string[] } | null;
  history: { action: string; weight: number; actor: string; detail?: string }[];
}

export async function startRollout(name: string, body: Record<string, unknown>, token?: string) {
  return api("POST", `/api/v1/models/${name}/rollouts`, { body: { alias: "champion", ...body }, token });
}

export async function mustStart(name: string, body: Record<string, unknown>): Promise<Rollout> {
  const res = await startRollout(name, body);
  if (res.status !== 201) throw new Error(`start: ${res.status} ${await res.text()}`);
  return json<Rollout>(res);
}

export const move = (id: string, verb: "advance" | "promote" | "abort", token?: string) =>
  api("POST", `/api/v1/rollouts/${id}/${verb}`, { token });

export async function rollouts(name: string): Promise<Rollout[]> {
  return (await json<{ items: Rollout[] }>(await api("GET", `/api/v1/models/${name}/rollouts`))).items;
}

/** Node ids whose bucket for (name, alias) is on (or off) the canary at `weight`. */
export async function nodesWhere(
  name: string,
  canary: boolean,
  weight: number,
  count: number,
  alias = "champion",
): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) {
    const node = `node-${i}`;
    if (onCanary(await nodeBucket(name, alias, node), weight) === canary) found.push(node);
  }
  return found;
}

/** Node ids that join the canary when the weight grows from `from` to `to` (off at one, on at the other). */
export async function nodesJoining(name: string, from: number, to: number, count: number): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) {
    const node = `node-${i}`;
    const bucket = await nodeBucket(name, "champion", node);
    if (!onCanary(bucket, from) && onCanary(bucket, to)) found.push(node);
  }
  return found;
}

export async function resolveFor(name: string, node?: string, etag?: string) {
  const q = node === undefined ? "alias=champion" : `alias=champion&node_id=${node}`;
  return api("GET", `/api/v1/models/${name}/resolve?${q}`, {
    headers: etag ? { "if-none-match": etag } : {},
  });
}

export async function resolvedVersion(name: string, node?: string): Promise<number> {
  const res = await resolveFor(name, node);
  if (res.status !== 200) throw new Error(`resolve: ${res.status} ${await res.text()}`);
  return (await json<{ version: number }>(res)).version;
}

export function report(
  name: string,
  node: string,
  v: { version: number; manifest_digest: string },
  metrics?: Record<string, number>,
  token?: string,
) {
  return api("POST", `/api/v1/models/${name}/deployments`, {
    token,
    body: {
      node_id: node,
      environment: "production",
      alias: "champion",
      version: v.version,
      manifest_digest: v.manifest_digest,
      loaded_at: new Date().toISOString(),
      status: "loaded",
      ...(metrics ? { metrics } : {}),
    },
  });
}
