import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { searchMlflowVersionsJson } from "../../db/repos/mlflow-repo";
import type { AppEnv } from "../../env";
import { ledgerFor } from "../../ledger/ledger-client";
import { parseMlflowFilter } from "../../mlflow/filter";
import { decodeOffsetToken, encodeOffsetToken, maxResults, parseOrderBy } from "../../mlflow/paging";
import { tagMap, toModelVersion } from "../../mlflow/shapes";
import { changeContext } from "../context";
import { copyInput } from "../versions/version-copy";
import { artifactRootUrl } from "./artifacts.handlers";
import {
  assertVisible,
  canonicalStage,
  must,
  mustUnlessAbsent,
  versionAfterChange,
  versionRecord,
} from "./mlflow-context";
import type * as routes from "./model-versions.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

/** MLflow's client asks for 10000 per page; we answer at most 1000 and hand out a page token. */
const VERSIONS_DEFAULT = 10_000;
const VERSIONS_THRESHOLD = 200_000;
const VERSIONS_PAGE_CAP = 1_000;

const EMPTY_RECORD = { params: {}, metrics: {}, slices: {}, datasets: [], source: {}, files: [] };

export const create: Handler<"create"> = async (c) => {
  const body = c.req.valid("json");
  assertVisible(c, body.name);
  // MLflow's copy_model_version registers `models:/<src>/<n>`: a copy of that version (issue #19).
  const copied = /^models:\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})\/([1-9][0-9]{0,9})$/.exec(body.source);
  if (copied) {
    const input = await copyInput(c, {
      ...EMPTY_RECORD,
      description: body.description ?? "",
      tags: tagMap(body.tags),
      copy_from: { model: copied[1] as string, version: Number(copied[2]) },
    });
    const copy = must(await ledgerFor(c.env, body.name).createVersion(body.name, input, changeContext(c)), {
      name: body.name,
    });
    return c.json(
      { model_version: toModelVersion(await versionRecord(c, body.name, copy.version), true) },
      200,
    );
  }
  // MLflow's source and run map onto our provenance; the files stay where `source` says.
  const input = {
    description: body.description ?? "",
    tags: tagMap(body.tags),
    params: {},
    metrics: {},
    slices: {},
    datasets: [],
    source: {
      uri: body.source,
      ...(body.run_id ? { run_id: body.run_id } : {}),
      ...(body.run_link ? { run_link: body.run_link } : {}),
    },
    files: [],
  };
  const created = await ledgerFor(c.env, body.name).createVersion(body.name, input, changeContext(c));
  // Tags were written in the request's order: the answer comes from the ledger's result, unread.
  const record = await versionAfterChange(c, created, { name: body.name }, Object.keys(input.tags));
  return c.json({ model_version: toModelVersion(record, true) }, 200);
};

export const get: Handler<"get"> = async (c) => {
  const { name, version } = c.req.valid("query");
  assertVisible(c, name);
  return c.json({ model_version: toModelVersion(await versionRecord(c, name, version), true) }, 200);
};

export const update: Handler<"update"> = async (c) => {
  const { name, version, description } = c.req.valid("json");
  assertVisible(c, name);
  if (description !== undefined) {
    must(await ledgerFor(c.env, name).updateVersion(name, version, description, changeContext(c)), {
      name,
      version,
    });
  }
  return c.json({ model_version: toModelVersion(await versionRecord(c, name, version), true) }, 200);
};

export const remove: Handler<"remove"> = async (c) => {
  const { name, version } = c.req.valid("json");
  assertVisible(c, name);
  must(await ledgerFor(c.env, name).deleteVersion(name, version, changeContext(c)), { name, version });
  return c.json({}, 200);
};

export const search: Handler<"search"> = async (c) => {
  const q = c.req.valid("query");
  const limit = Math.min(maxResults(q.max_results, VERSIONS_DEFAULT, VERSIONS_THRESHOLD), VERSIONS_PAGE_CAP);
  const offset = decodeOffsetToken(q.page_token);
  const order = parseOrderBy(q.order_by, [
    "name",
    "version_number",
    "creation_timestamp",
    "last_updated_timestamp",
  ]);
  const rows = await searchMlflowVersionsJson(createDb(c.env.DB), {
    filter: parseMlflowFilter(q.filter, "versions"),
    // MLflow's default: name ASC, then version DESC.
    order:
      order.length > 0
        ? order
        : [
            ["name", false],
            ["version_number", true],
          ],
    offset,
    limit: limit + 1,
    scopes: c.get("actor").scopes,
  });
  // Each row is already one ModelVersion's JSON (built by SQLite): the body is only joined, never
  // parsed and serialised again (issue 13). Same keys and order as `toModelVersion(v, false)`.
  const page = rows.length > limit ? rows.slice(0, limit) : rows;
  const parts: string[] = [];
  if (page.length > 0) parts.push(`"model_versions":[${page.join(",")}]`);
  if (rows.length > limit)
    parts.push(`"next_page_token":${JSON.stringify(encodeOffsetToken(offset + limit))}`);
  return c.body(`{${parts.join(",")}}`, 200, { "content-type": "application/json" }) as never;
};

/**
 * Stages go through the governance stage machine, so policies, gates and approvals apply: a move
 * that needs an approval is refused with PERMISSION_DENIED (the client raises it), never faked.
 * `archive_existing_versions` archives the others in that stage in the same ledger change: all or nothing.
 */
export const transition: Handler<"transition"> = async (c) => {
  const { name, version, stage, archive_existing_versions } = c.req.valid("json");
  assertVisible(c, name);
  const to = canonicalStage(stage);
  const archiveOthers = archive_existing_versions === true;
  const input = { to, comment: "", fastTrack: false, archiveOthers };
  const moved = await ledgerFor(c.env, name).transition(name, version, input, changeContext(c));
  const record = await versionAfterChange(c, moved, { name, version });
  return c.json({ model_version: toModelVersion(record, true) }, 200);
};

export const setTag: Handler<"setTag"> = async (c) => {
  const { name, version, key, value } = c.req.valid("json");
  assertVisible(c, name);
  must(await ledgerFor(c.env, name).setVersionTag(name, version, key, value, changeContext(c)), {
    name,
    version,
  });
  return c.json({}, 200);
};

export const deleteTag: Handler<"deleteTag"> = async (c) => {
  const { name, version, key } = c.req.valid("json");
  assertVisible(c, name);
  mustUnlessAbsent(await ledgerFor(c.env, name).deleteVersionTag(name, version, key, changeContext(c)), {
    name,
    version,
  });
  return c.json({}, 200);
};

/** Files in our store download from our MLflow artifact endpoints; otherwise from `source`. */
export const downloadUri: Handler<"downloadUri"> = async (c) => {
  const { name, version } = c.req.valid("query");
  assertVisible(c, name);
  const record = await versionRecord(c, name, version);
  const uri = record.fileCount > 0 ? artifactRootUrl(c.req.url, name, version) : record.source;
  return c.json({ artifact_uri: uri }, 200);
};
